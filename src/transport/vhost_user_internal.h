/* Shared by vhost_user.c and vhost_user_rings.c; not for the device model. */
#ifndef SGL_TRANSPORT_VHOST_USER_INTERNAL_H
#define SGL_TRANSPORT_VHOST_USER_INTERNAL_H

#include <stdbool.h>

#include "transport/vhost_user.h"

/* Sets vu->why; returns -EPROTO. */
int sgl_vu_fail(struct sgl_vu *vu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int sgl_vu_reply(struct sgl_vu *vu, const struct sgl_vu_msg *msg, const void *payload,
		 size_t size);
int sgl_vu_reply_u64(struct sgl_vu *vu, const struct sgl_vu_msg *msg, uint64_t v);
int sgl_vu_payload_u64(struct sgl_vu *vu, const struct sgl_vu_msg *msg, uint64_t *v);
void sgl_vu_close_fds(struct sgl_vu_msg *msg);
/* Stops and forgets every ring; tells the device model. */
void sgl_vu_reset_rings(struct sgl_vu *vu);

/* Memory and ring messages: 0, 1 (refused), or -EPROTO. */
int sgl_vu_handle_memory(struct sgl_vu *vu, struct sgl_vu_msg *msg);
int sgl_vu_handle_ring(struct sgl_vu *vu, struct sgl_vu_msg *msg, bool *replied);

#endif
