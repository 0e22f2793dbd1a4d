/* The listener on an embedder's shared memory (region_listener.c). */
#ifndef SGL_TRANSPORT_REGION_LISTENER_H
#define SGL_TRANSPORT_REGION_LISTENER_H

#include "sglhost_transport.h"
#include "transport/listener.h"

struct sgl_listener *sgl_region_listen(const struct sglhost_shm_region_config *cfg, char *err,
				       size_t err_size);
/* Whether `l` is one of these (the doorbell and reset calls check it). */
bool sgl_region_listener(const struct sgl_listener *l);
void sgl_region_doorbell(struct sgl_listener *l);
void sgl_region_reset(struct sgl_listener *l);
void sgl_region_pause(struct sgl_listener *l, bool paused);

#endif
