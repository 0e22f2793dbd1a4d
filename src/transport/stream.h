/*
 * The stream transport (stream.c): TCP, unix sockets and AF_VSOCK through one
 * code path. sgl_stream_listen itself is declared in listener.h.
 */
#ifndef SGL_TRANSPORT_STREAM_H
#define SGL_TRANSPORT_STREAM_H

#include <stdint.h>

#include "transport/listener.h"

/* The TCP or vsock port a stream listener is bound to: the one the kernel
 * chose when the address said port 0. -1 for unix sockets and for listeners
 * of other transports. 64 bits because vsock ports are 32-bit unsigned. */
int64_t sgl_stream_listener_port(struct sgl_listener *l);

/* A listening stream socket made by someone else, adopted (closed with the
 * listener, never unlinked): unix, TCP (a token beyond loopback), others
 * as beyond this machine. NULL and a message on failure (the fd is closed
 * then too). */
struct sgl_listener *sgl_stream_adopt(int fd, char *err, size_t err_size);

/* Removes the unix socket at `path` if a server that died left it there
 * (nobody answers on it): 0, -EADDRINUSE when a server is live, -ENOTSOCK
 * when it is something else, or -errno. */
int sgl_unix_remove_stale(const char *path);

#endif
