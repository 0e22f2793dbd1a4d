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

/* How long a read polls before it sleeps (sgl_socket.c). */
#define SGL_SOCKET_SPIN_NS 50000u

/* recv with EINTR retry; -EPIPE once `down` is set (shutdown from another
 * thread makes a blocked recv return 0, which is not the peer's end).
 * Polls for SGL_SOCKET_SPIN_NS before sleeping. */
ssize_t sgl_socket_read(int fd, atomic_bool *down, void *buf, size_t n);

/* Sends all `n` bytes (blocking: natural backpressure), without SIGPIPE;
 * a reset peer is -EPIPE like a closed one. 0 or -errno. */
int sgl_socket_write(int fd, atomic_bool *down, const void *buf, size_t n);

/* Address parsing shared by the listener and the client. */

/* Writes a message for the caller and sets errno to `code` (positive).
 * NULL, for `return sgl_addr_fail(...)`. */
void *sgl_addr_fail(int code, char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A decimal number in [min, max]: digits only (strtoul alone would take
 * signs and spaces). */
bool sgl_addr_number(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Splits "HOST:PORT" at the last colon, since IPv6 literals have colons of
 * their own, and strips the brackets of "[::1]". */
bool sgl_addr_split(const char *s, char *host, size_t host_size, const char **port);

#endif
