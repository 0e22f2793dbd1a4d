/*
 * Where clients come from: a listening socket, or a shared-memory file with
 * client slots. Each accepted client is a channel (channel.h). Transports
 * use only the public API of libsglhost (they live beside it, for sgl-host
 * and for embedders who want them).
 */
#ifndef SGL_TRANSPORT_LISTENER_H
#define SGL_TRANSPORT_LISTENER_H

#include <stdbool.h>
#include <stdint.h>

#include "transport/channel.h"

struct sgl_listener;

struct sgl_listener_ops {
	/* Blocks until a client arrives; NULL with *err = -errno on failure,
	 * -ECANCELED after shutdown. */
	struct sgl_channel *(*accept)(struct sgl_listener *l, int *err);
	/* Wakes a blocked accept (from another thread or a signal handler's
	 * thread) and makes it return -ECANCELED. */
	void (*shutdown)(struct sgl_listener *l);
	void (*destroy)(struct sgl_listener *l);
};

struct sgl_listener {
	const struct sgl_listener_ops *ops;
	char desc[160];       /* "tcp 127.0.0.1:3000", "shm /dev/shm/sgl" */
	/* Clients must present the pre-shared token (listens beyond loopback). */
	bool needs_token;
};

/* "tcp:HOST:PORT", "unix:PATH", "vsock:CID:PORT". A TCP listen on anything
 * but a loopback address sets needs_token. NULL and a message on failure. */
struct sgl_listener *sgl_stream_listen(const char *address, char *err, size_t err_size);

struct sgl_shm_config {
	const char *path;        /* e.g. /dev/shm/sgl or an ivshmem backing file */
	uint32_t slots;          /* clients at once */
	uint32_t ring_size;      /* bytes per ring, a power of two */
	bool remove_stale;       /* unlink an existing file first (-x) */
};
struct sgl_listener *sgl_shm_listen(const struct sgl_shm_config *cfg, char *err, size_t err_size);

#endif
