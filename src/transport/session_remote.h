/* Out-of-process sessions (session_remote.c), behind sglhost_session_*. */
#ifndef SGL_TRANSPORT_SESSION_REMOTE_H
#define SGL_TRANSPORT_SESSION_REMOTE_H

#include "sglhost_session.h"

struct sgl_remote;

/* Starts the helper; NULL and errno. */
struct sgl_remote *sgl_remote_start(const struct sglhost_session_config *cfg, const char *peer);
int sgl_remote_feed(struct sgl_remote *r, const void *data, size_t size);
int sgl_remote_get_buffer(struct sgl_remote *r, void **buf, size_t *size);
int sgl_remote_commit(struct sgl_remote *r, size_t n);
int sgl_remote_dispatch(struct sgl_remote *r);
int sgl_remote_fd(const struct sgl_remote *r);
/* Bytes of the guest's the helper has yet to take. */
size_t sgl_remote_pending(const struct sgl_remote *r);
bool sgl_remote_ended(const struct sgl_remote *r);
/* Ends the helper (if it still runs) and frees. */
void sgl_remote_stop(struct sgl_remote *r);

#endif
