/*
 * The guest's end of the shared-memory transport (protocol/sgl_shm.h): maps
 * the host's file and claims a client slot. The channel's ops are those of
 * channel.h.
 */
#ifndef SGL_GUEST_SHM_H
#define SGL_GUEST_SHM_H

#include <stddef.h>

struct sgl_channel;

/* Connects through the file at `path` (NULL: SGL_SHM_DEFAULT_PATH). NULL
 * and a message in `err` when there is no host, the file is not a valid
 * sgl file, or all slots are taken. */
struct sgl_channel *sgl_shm_connect(const char *path, char *err, size_t err_size);

#endif
