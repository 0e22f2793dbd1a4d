/*
 * A channel: one client's reliable, ordered byte stream in both directions,
 * whatever carries it (a socket, a pair of shared-memory rings). The session
 * layer (session.c) frames messages on top; transports only move bytes.
 */
#ifndef SGL_TRANSPORT_CHANNEL_H
#define SGL_TRANSPORT_CHANNEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sgl_channel;

struct sgl_channel_ops {
	/* Reads up to `n` bytes into `buf`, blocking until at least one byte
	 * arrives. Returns the count, 0 at end of stream, or -errno. Bytes
	 * are copied out of any shared memory before this returns. */
	ssize_t (*read)(struct sgl_channel *ch, void *buf, size_t n);
	/* Writes all `n` bytes, blocking while the peer is slow
	 * (backpressure). Returns 0 or -errno. */
	int (*write)(struct sgl_channel *ch, const void *buf, size_t n);
	/* Wakes a blocked read and makes every later call fail (-EPIPE):
	 * used to end a session from another thread. */
	void (*shutdown)(struct sgl_channel *ch);
	/* Frees the channel (after the session ended). */
	void (*destroy)(struct sgl_channel *ch);
	/* sglhost_channel_ticket: fills `t` (`size` bytes) and *fd; 0 or
	 * -errno. NULL where the channel cannot be served elsewhere. */
	int (*ticket)(struct sgl_channel *ch, void *t, size_t size, int *fd);
};

struct sgl_channel {
	const struct sgl_channel_ops *ops;
	char peer[96];        /* for logs: "tcp 127.0.0.1:50312", "shm slot 3" */
	/* sglhost_channel_shutdown() was called: its session ends even where
	 * it waits for something other than the channel (a helper). Channels
	 * are calloc'ed: false until then. */
	_Atomic bool cancelled;
};

/* Reads exactly `n` bytes; 0, -EPIPE at end of stream, or -errno. */
int sgl_channel_read_all(struct sgl_channel *ch, void *buf, size_t n);

#endif
