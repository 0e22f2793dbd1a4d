/*
 * What the window-system libraries (GLX, EGL, the drop-in libGL) build on:
 * the process's session with sgl-host, guest contexts, the current context
 * of each thread, swaps that bring the frame back.
 */
#ifndef SGL_GUEST_RUNTIME_H
#define SGL_GUEST_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "encoder.h"
#include "entry.h"
#include "session.h"
#include "sgl_session.h"

struct sgl_context {
	struct sgl_enc enc;
	struct sgl_session_link link;
	uint32_t id;
	uint32_t api;              /* enum sglhost_api values: 1 compat, 2 core, 3 GLES */
	int major, minor;
	uint32_t width, height;    /* the host framebuffer's size */
	void *user;                /* the window-system library's data */
	struct sgl_guest_overlay *overlay;   /* SGL_FPS_OVERLAY=1 (overlay.h) */
};

/* The process's session, opened on first use ($SGL_TRANSPORT); NULL, with a
 * message on stderr once, when sgl-host cannot be reached. */
struct sgl_session *sgl_runtime_session(void);
/* The session if one is open (never opens one), else NULL. */
struct sgl_session *sgl_runtime_session_if_open(void);

/* `flags`: SGL_CONTEXT_NO_DEPTH / _NO_STENCIL (sgl_session.h), what the
 * program's framebuffer configuration lacks. */
struct sgl_context *sgl_context_new(uint32_t api, int major, int minor,
				    struct sgl_context *share, uint32_t width, uint32_t height,
				    uint32_t flags);
void sgl_context_free(struct sgl_context *c);

/* Makes `c` (or no context, NULL) current on this thread. */
void sgl_context_make_current(struct sgl_context *c);
struct sgl_context *sgl_context_current(void);

/* Sizes the host framebuffer to the drawable (no-op when unchanged). */
void sgl_context_resize(struct sgl_context *c, uint32_t width, uint32_t height);
/* Presents: the frame that comes back is handed to `present` (see
 * sgl_present_fn); 0 or -errno. */
int sgl_context_swap(struct sgl_context *c, sgl_present_fn present, void *user);
/* The same; with `may_defer` the frame may be shown at the next swap
 * (SGL_FRAME_LATENCY=1, sgl_session_swap): `user` must stay valid until the
 * context's next swap, round trip, switch or free. */
int sgl_context_swap_deferred(struct sgl_context *c, sgl_present_fn present, void *user,
			      bool may_defer);

/* In the drop-in libGL.so.1 only (guest/egl/dropin.c): false, after one
 * line on stderr, when glvnd's libraries are loaded beside it. */
bool sgl_dropin_alone(void);

#endif
