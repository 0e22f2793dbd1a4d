/*
 * Host EGL display and contexts. Device choice, in order: an explicit render
 * node through GBM, an EGL device (EGL_EXT_platform_device), Mesa surfaceless.
 * Every context is configless and surfaceless: the guest's window-system
 * framebuffer is an FBO owned by src/contexts/.
 */
#ifndef SGL_EGL_H
#define SGL_EGL_H

#include <stdbool.h>

#include <epoxy/egl.h>

#include "sglhost.h"
#include "util/log.h"

struct sgl_egl;

/* Opens the display picked by cfg->platform (see sglhost.h). Returns NULL,
 * with errno set and a log line, when no display can be had. */
struct sgl_egl *sgl_egl_create(const struct sglhost_config *cfg, const struct sgl_log *log);
void sgl_egl_destroy(struct sgl_egl *egl);

/* "surfaceless", "render-node /dev/dri/renderD128", "device 0 (/dev/dri/renderD128)". */
const char *sgl_egl_platform_name(const struct sgl_egl *egl);
EGLDisplay sgl_egl_display(const struct sgl_egl *egl);

/*
 * Creates a context of `api`. major/minor 0/0 ask for the highest version:
 * GL core tries 4.6 down to 3.2, GL compat 4.6 down to 3.0 then 2.1 without
 * a profile, GLES 3.2 down to 2.0. `share` may be EGL_NO_CONTEXT. The
 * version obtained is written to *got_major / *got_minor. `flags`:
 * SGLHOST_CONTEXT_ROBUST_ACCESS and _LOSE_ON_RESET (sglhost.h).
 * Returns EGL_NO_CONTEXT on failure (logged).
 */
EGLContext sgl_egl_context_create(struct sgl_egl *egl, enum sglhost_api api, int major, int minor,
				  uint32_t flags, EGLContext share, int *got_major, int *got_minor);
void sgl_egl_context_destroy(struct sgl_egl *egl, EGLContext ctx);

/* Makes `ctx` current on this thread without surfaces; cheap when it
 * already is. EGL_NO_CONTEXT releases the current one. */
bool sgl_egl_make_current(struct sgl_egl *egl, EGLContext ctx);

/* eglGetProcAddress: core and extension GL entry points alike
 * (EGL_KHR_get_all_proc_addresses), NULL when unknown. */
void *sgl_egl_get_proc(const struct sgl_egl *egl, const char *name);

#endif
