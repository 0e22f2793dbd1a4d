/*
 * The guest's end of the shared-memory transport (protocol/sgl_shm.h): maps
 * the host's file and claims a client slot. The channel's ops are those of
 * channel.h.
 */
#ifndef SGL_GUEST_SHM_H
#define SGL_GUEST_SHM_H

#include <stddef.h>
#include <stdint.h>

#include "sgl_shm.h"

struct sgl_channel;

/* Connects through the file at `path` (NULL: SGL_SHM_DEFAULT_PATH). NULL
 * and a message in `err` when there is no host, the file is not a valid
 * sgl file, or all slots are taken. */
struct sgl_channel *sgl_shm_connect(const char *path, char *err, size_t err_size);

/* A memory laid out as sgl_shm.h, however it was mapped (a file, an
 * ivshmem BAR2), and how to sleep and wake the host over it. */
struct sgl_shm_memory {
	uint8_t *map;            /* the whole memory, unmapped at the end */
	size_t map_size;
	/* How we sleep on the reply ring (rx) and the command ring (tx), and
	 * wake the host. NULL: futexes where host_pid says the host shares
	 * our kernel, polling where it does not (host_pid 0). */
	const struct sgl_shm_notify *rx, *tx;
	/* Frees what the transport keeps beside the memory (after unmap). */
	void (*release)(void *user);
	void *user;
	const char *name;        /* for messages: the path */
};

/* The file's half of sgl_shm_connect (shm_file.c; windows/shm_file.c):
 * copies the header out of the file at `path` into `h`, checks it, and maps
 * the file into `m`. 0, or -errno and a message. */
int sgl_shm_map_file(struct sgl_shm_memory *m, const char *path, struct sgl_shm_header *h,
		     char *err, size_t err_size);
/* Unmaps what sgl_shm_map_file (or ivshmem.c) mapped. */
void sgl_shm_memory_unmap(const struct sgl_shm_memory *m);

/* Checks a private copy of the header against the `have` bytes there are:
 * NULL, or why it is refused (-ECONNREFUSED where no host serves it). */
const char *sgl_shm_header_check(const struct sgl_shm_header *h, uint64_t have, int *errnum);

/* Claims a slot of `m` whose header `h` (a private copy) was checked, and
 * connects it. On success the channel owns `m`; on failure `m` is still
 * the caller's. */
struct sgl_channel *sgl_shm_attach(const struct sgl_shm_memory *m, const struct sgl_shm_header *h,
				   char *err, size_t err_size);

#endif
