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

#endif
