/*
 * The guest end of the stream transport (stream.c): TCP, unix sockets and
 * AF_VSOCK through one code path.
 *
 * Only a forward declaration of struct sgl_channel here, not channel.h: a
 * program that links both sides (tests) includes this next to the host's
 * channel.h, which defines the same struct.
 */
#ifndef SGL_GUEST_STREAM_H
#define SGL_GUEST_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct sgl_channel;

/* "tcp:HOST:PORT" (HOST a name, an IPv4 or IPv6 literal, [bracketed] or not;
 * empty is 127.0.0.1), "unix:PATH", "vsock:CID:PORT" (CID a number, "host"
 * or "local"). Blocks until connected. NULL, errno and a message on
 * failure. */
struct sgl_channel *sgl_stream_connect(const char *address, char *err, size_t err_size);

/* Whether a channel of sgl_stream_connect reaches this machine (unix, TCP
 * to a loopback address): the host's System V frame segments can then be
 * attached here. */
bool sgl_stream_same_machine(struct sgl_channel *ch);

/* Reads exactly `n` bytes; 0, -EPIPE at end of stream, or -errno
 * (channel.c; the guest's name for sgl_channel_read_all). */
int sgl_guest_channel_read_all(struct sgl_channel *ch, void *buf, size_t n);

#endif
