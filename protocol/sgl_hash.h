/*
 * A 64-bit hash of bytes, computed the same on both sides of the wire
 * (little-endian words). The guest keeps copies of buffer ranges it mapped
 * and sends a copy's hash with the next map of that range; the host hashes
 * what it mapped and, when they agree, answers that the guest's copy is
 * current instead of sending the bytes (docs/protocol.md, "Buffer maps").
 * Not cryptographic: a guest that forged a collision would only see its
 * own buffer's stale bytes. Never 0 (0 says "no copy").
 */
#ifndef SGL_HASH_H
#define SGL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sgl_hash64(const void *data, size_t size);

#endif
