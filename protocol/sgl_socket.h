/*
 * Byte-stream I/O on a connected socket, shared by the guest's and the
 * host's stream channels (guest/stream.c, src/transport/stream.c).
 */
#ifndef SGL_SOCKET_H
#define SGL_SOCKET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* recv with EINTR retry; -EPIPE once `down` is set (shutdown from another
 * thread makes a blocked recv return 0, which is not the peer's end). */
ssize_t sgl_socket_read(int fd, atomic_bool *down, void *buf, size_t n);

/* Sends all `n` bytes (blocking: natural backpressure), without SIGPIPE;
 * a reset peer is -EPIPE like a closed one. 0 or -errno. */
int sgl_socket_write(int fd, atomic_bool *down, const void *buf, size_t n);

#endif
