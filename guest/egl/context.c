/*
 * EGL contexts on top of the guest runtime: creation, make-current and
 * what depends on the current context. An EGL context is a host context
 * (runtime.h) whose framebuffer follows the size of the surface it draws
 * to; reads come from that framebuffer too (one per context), whatever
 * read surface was named.
 */
#include <stdio.h>
#include <stdlib.h>

#include "egl_internal.h"

/* What the host makes first: the framebuffer follows the surface at the
 * first make-current. */
#define INITIAL_SIZE 1

static __thread struct sgl_egl_context *cur_ctx;

static struct sgl_egl_context *context_locked(struct sgl_egl_display *d, EGLContext ctx)
{
	for (struct sgl_egl_context *c = d->contexts; c; c = c->next) {
		if (c == ctx)
			return c;
	}
	sgl_egl_error(EGL_BAD_CONTEXT);
	return NULL;
}

static void context_free(struct sgl_egl_context *c)
{
	sgl_context_free(c->sgl);
	free(c);
}

void sgl_egl_contexts_free(struct sgl_egl_context *list)
{
	while (list) {
		struct sgl_egl_context *next = list->next;
		context_free(list);
		list = next;
	}
}

struct sgl_egl_context *sgl_egl_contexts_unlink_locked(struct sgl_egl_display *d)
{
	struct sgl_egl_context *now = NULL;
	while (d->contexts) {
		struct sgl_egl_context *c = d->contexts;
		d->contexts = c->next;
		c->destroyed = true;
		c->next = NULL;
		if (!c->current) {
			c->next = now;
			now = c;
		}
	}
	return now;
}

struct context_attribs {
	EGLint major, minor, profile;
	bool version_given, profile_given;
};

static bool parse_attribs(const EGLint *a, struct context_attribs *p)
{
	*p = (struct context_attribs){ 1, 0, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, false, false };
	for (int i = 0; a && a[i] != EGL_NONE; i += 2) {
		EGLint v = a[i + 1];
		switch (a[i]) {
		case EGL_CONTEXT_MAJOR_VERSION:
			p->major = v;
			p->version_given = true;
			break;
		case EGL_CONTEXT_MINOR_VERSION:
			p->minor = v;
			p->version_given = true;
			break;
		case EGL_CONTEXT_OPENGL_PROFILE_MASK:
			p->profile = v;
			p->profile_given = true;
			break;
		case EGL_CONTEXT_FLAGS_KHR:
			if (v & ~(EGL_CONTEXT_OPENGL_DEBUG_BIT_KHR |
				  EGL_CONTEXT_OPENGL_FORWARD_COMPATIBLE_BIT_KHR |
				  EGL_CONTEXT_OPENGL_ROBUST_ACCESS_BIT_KHR))
				return sgl_egl_error(EGL_BAD_ATTRIBUTE);
			break;
		case EGL_CONTEXT_OPENGL_DEBUG:
		case EGL_CONTEXT_OPENGL_FORWARD_COMPATIBLE:
		case EGL_CONTEXT_OPENGL_ROBUST_ACCESS:
		case EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY:
			/* Debug, forward-compatible, robust: the host's context
			 * is what it is; a superset of what was asked. */
			break;
		default:
			return sgl_egl_error(EGL_BAD_ATTRIBUTE);
		}
	}
	return true;
}

static bool valid_gl_version(int major, int minor)
{
	static const int last_minor[] = { -1, 5, 1, 3, 6 };
	return major >= 1 && major <= 4 && minor >= 0 && minor <= last_minor[major];
}

/* The host API and version for EGL_OPENGL_ES_API: ES 1.0 and 1.1 (1.0,
 * the attributes' default, gets the host's ES-CM 1.1, which runs every
 * ES 1.0 program), 2.0 and 3.0-3.2. */
static bool resolve_gles(const struct context_attribs *a, uint32_t *api, int *major, int *minor)
{
	*api = SGL_API_GLES;
	*major = a->major;
	*minor = a->minor;
	if (a->major == 1 && (a->minor == 0 || a->minor == 1))
		return true;
	if (a->major == 2 && a->minor == 0)
		return true;
	if (a->major == 3 && a->minor >= 0 && a->minor <= 2)
		return true;
	return sgl_egl_error(EGL_BAD_MATCH);
}

/*
 * For EGL_OPENGL_API: from 3.2 on the profile mask decides (core by
 * default). Without a version, a profile asked for explicitly gets the
 * host's highest of that profile, and nothing at all the host's highest
 * compatibility version.
 */
static bool resolve_gl(const struct context_attribs *a, uint32_t *api, int *major, int *minor)
{
	*major = a->major;
	*minor = a->minor;
	if (!valid_gl_version(a->major, a->minor))
		return sgl_egl_error(EGL_BAD_MATCH);
	bool profiled = a->major > 3 || (a->major == 3 && a->minor >= 2);
	bool any = !a->version_given;
	if (any)
		*major = *minor = 0;
	if (!profiled && !(any && a->profile_given)) {
		*api = SGL_API_GL_COMPAT;
		return true;
	}
	if (a->profile & EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT)
		*api = SGL_API_GL_CORE;
	else if (a->profile & EGL_CONTEXT_OPENGL_COMPATIBILITY_PROFILE_BIT)
		*api = SGL_API_GL_COMPAT;
	else
		return sgl_egl_error(EGL_BAD_MATCH);
	return true;
}

EGLContext sgl_eglCreateContext(EGLDisplay dpy, EGLConfig config, EGLContext share_context,
				const EGLint *attrib_list)
{
	struct context_attribs a;
	uint32_t api = 0;
	int major = 0, minor = 0;
	EGLenum client_api = sgl_egl_current_api();

	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	const struct sgl_egl_config *c = NULL;
	struct sgl_egl_context *share = NULL;
	bool ok = d != NULL;
	if (ok && config != EGL_NO_CONFIG_KHR)
		ok = (c = sgl_egl_config_find(d, config)) != NULL;
	if (ok && share_context != EGL_NO_CONTEXT)
		ok = (share = context_locked(d, share_context)) != NULL;
	/* GL and GLES objects do not mix in one share group. */
	if (ok && share && share->client_api != client_api)
		ok = sgl_egl_error(EGL_BAD_CONTEXT);
	/* The host keeps the share group while a member lives; `share` can
	 * only go away by the program's own race with eglDestroyContext. */
	struct sgl_context *share_sgl = share ? share->sgl : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (ok && !sgl_egl_paired())
		ok = sgl_egl_error(EGL_NOT_INITIALIZED);
	if (!ok || !parse_attribs(attrib_list, &a))
		return EGL_NO_CONTEXT;
	if (client_api == EGL_OPENGL_ES_API)
		ok = resolve_gles(&a, &api, &major, &minor);
	else if (client_api == EGL_OPENGL_API)
		ok = resolve_gl(&a, &api, &major, &minor);
	else
		ok = sgl_egl_error(EGL_BAD_MATCH);
	if (!ok)
		return EGL_NO_CONTEXT;

	struct sgl_egl_context *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		sgl_egl_error(EGL_BAD_ALLOC);
		return EGL_NO_CONTEXT;
	}
	uint32_t flags = c && !c->stencil ? SGL_CONTEXT_NO_STENCIL : 0;
	ctx->sgl = sgl_context_new(api, major, minor, share_sgl, INITIAL_SIZE, INITIAL_SIZE, flags);
	if (!ctx->sgl) {
		/* The host has no such context (or is gone). */
		free(ctx);
		sgl_egl_error(EGL_BAD_MATCH);
		return EGL_NO_CONTEXT;
	}
	ctx->sgl->user = ctx;
	ctx->dpy = d;
	ctx->config = c;
	ctx->client_api = client_api;
	ctx->created_width = ctx->sgl->width;
	ctx->created_height = ctx->sgl->height;

	pthread_mutex_lock(&sgl_egl_lock);
	ok = d->initialized;
	if (ok) {
		ctx->next = d->contexts;
		d->contexts = ctx;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok) {
		context_free(ctx);
		sgl_egl_error(EGL_NOT_INITIALIZED);
		return EGL_NO_CONTEXT;
	}
	sgl_egl_error(EGL_SUCCESS);
	return ctx;
}

/* The handle is invalid at once; a context current to some thread goes
 * when it is released. */
EGLBoolean sgl_eglDestroyContext(EGLDisplay dpy, EGLContext ctx)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_context *c = d ? context_locked(d, ctx) : NULL;
	bool free_now = false;
	if (c) {
		for (struct sgl_egl_context **p = &d->contexts; *p; p = &(*p)->next) {
			if (*p == c) {
				*p = c->next;
				break;
			}
		}
		c->next = NULL;
		c->destroyed = true;
		free_now = !c->current;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!c)
		return EGL_FALSE;
	if (free_now)
		context_free(c);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* What a release leaves to free once the lock is dropped. */
struct garbage {
	struct sgl_egl_context *ctx;
	struct sgl_egl_surface *surfaces[2];
};

static void unbind_surface_locked(struct sgl_egl_surface *s, struct sgl_egl_context *c,
				  struct garbage *g, int slot)
{
	if (!s || s->bound != c)
		return;
	s->bound = NULL;
	if (s->destroyed)
		g->surfaces[slot] = s;
}

/* Drops this thread's current context (under the lock). */
static void release_locked(struct garbage *g)
{
	struct sgl_egl_context *c = cur_ctx;
	if (!c)
		return;
	unbind_surface_locked(c->draw, c, g, 0);
	if (c->read != c->draw)
		unbind_surface_locked(c->read, c, g, 1);
	c->draw = c->read = NULL;
	c->current = false;
	if (c->destroyed)
		g->ctx = c;
	cur_ctx = NULL;
}

static void collect(struct garbage *g)
{
	if (g->ctx)
		context_free(g->ctx);
	for (int i = 0; i < 2; i++) {
		if (g->surfaces[i])
			sgl_egl_surfaces_free(g->surfaces[i]);
	}
}

/* A surface current to another thread's context cannot be made current. */
static bool surface_free_for(const struct sgl_egl_surface *s, const struct sgl_egl_context *c)
{
	return !s || !s->bound || s->bound == c || s->bound == cur_ctx;
}

/* Sizes the host framebuffer to the surface. The first bind to a surface
 * also does what GL does then: viewport and scissor box to the surface's
 * size (the host set them to the creation size). */
static void bind_surface(struct sgl_egl_context *c, struct sgl_egl_surface *s)
{
	uint32_t w, h;
	if (!s || !sgl_egl_surface_size(s, &w, &h) || !w || !h)
		return;
	sgl_context_resize(c->sgl, w, h);
	if (c->bound_once)
		return;
	c->bound_once = true;
	if (w != c->created_width || h != c->created_height) {
		struct sgl_enc *e = &c->sgl->enc;
		sgl_enc_enter(e);
		sgl_enc_glViewport(e, 0, 0, (GLsizei)w, (GLsizei)h);
		sgl_enc_glScissor(e, 0, 0, (GLsizei)w, (GLsizei)h);
		sgl_enc_leave(e);
	}
}

static EGLBoolean make_current_locked(EGLDisplay dpy, EGLSurface draw, EGLSurface read,
				      EGLContext ctx, struct garbage *g)
{
	/* Releasing works on a terminated display too. */
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, ctx != EGL_NO_CONTEXT);
	if (!d)
		return EGL_FALSE;
	if (ctx == EGL_NO_CONTEXT) {
		if (draw != EGL_NO_SURFACE || read != EGL_NO_SURFACE)
			return sgl_egl_error(EGL_BAD_MATCH);
		release_locked(g);
		return EGL_TRUE;
	}
	struct sgl_egl_context *c = context_locked(d, ctx);
	if (!c)
		return EGL_FALSE;
	/* EGL_KHR_surfaceless_context: both or neither. */
	if ((draw == EGL_NO_SURFACE) != (read == EGL_NO_SURFACE))
		return sgl_egl_error(EGL_BAD_MATCH);
	struct sgl_egl_surface *ds = NULL, *rs = NULL;
	if (draw != EGL_NO_SURFACE &&
	    (!(ds = sgl_egl_surface_locked(d, draw)) || !(rs = sgl_egl_surface_locked(d, read))))
		return EGL_FALSE;
	if (c->current && c != cur_ctx)
		return sgl_egl_error(EGL_BAD_ACCESS);
	if (!surface_free_for(ds, c) || !surface_free_for(rs, c))
		return sgl_egl_error(EGL_BAD_ACCESS);
	release_locked(g);
	c->current = true;
	c->draw = ds;
	c->read = rs;
	if (ds)
		ds->bound = c;
	if (rs)
		rs->bound = c;
	cur_ctx = c;
	return EGL_TRUE;
}

EGLBoolean sgl_eglMakeCurrent(EGLDisplay dpy, EGLSurface draw, EGLSurface read, EGLContext ctx)
{
	/* A library loaded since eglInitialize can still take the GL calls
	 * (outside our lock: it asks the dynamic loader). */
	if (ctx != EGL_NO_CONTEXT && !sgl_egl_paired())
		return sgl_egl_error(EGL_NOT_INITIALIZED);
	struct garbage g = { 0 };
	pthread_mutex_lock(&sgl_egl_lock);
	EGLBoolean ok = make_current_locked(dpy, draw, read, ctx, &g);
	struct sgl_egl_context *c = cur_ctx;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok)
		return EGL_FALSE;
	sgl_context_make_current(c ? c->sgl : NULL);
	if (c)
		bind_surface(c, c->draw);
	collect(&g);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLBoolean sgl_eglReleaseThread(void)
{
	struct garbage g = { 0 };
	pthread_mutex_lock(&sgl_egl_lock);
	release_locked(&g);
	pthread_mutex_unlock(&sgl_egl_lock);
	sgl_context_make_current(NULL);
	collect(&g);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLBoolean sgl_eglQueryContext(EGLDisplay dpy, EGLContext ctx, EGLint attribute, EGLint *value)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_context *c = d ? context_locked(d, ctx) : NULL;
	EGLint v = 0;
	bool known = true;
	if (c) {
		switch (attribute) {
		case EGL_CONFIG_ID:
			v = c->config ? c->config->id : 0;
			break;
		case EGL_CONTEXT_CLIENT_TYPE:
			v = (EGLint)c->client_api;
			break;
		case EGL_CONTEXT_CLIENT_VERSION:
			v = c->sgl->major;
			break;
		case EGL_RENDER_BUFFER:
			v = c->draw ? EGL_BACK_BUFFER : EGL_NONE;
			break;
		default:
			known = false;
			break;
		}
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!c)
		return EGL_FALSE;
	if (!known)
		return sgl_egl_error(EGL_BAD_ATTRIBUTE);
	if (!value)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	*value = v;
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLContext sgl_eglGetCurrentContext(void)
{
	return cur_ctx ? cur_ctx : EGL_NO_CONTEXT;
}

EGLDisplay sgl_eglGetCurrentDisplay(void)
{
	return cur_ctx ? cur_ctx->dpy : EGL_NO_DISPLAY;
}

EGLSurface sgl_eglGetCurrentSurface(EGLint readdraw)
{
	if (readdraw != EGL_DRAW && readdraw != EGL_READ) {
		sgl_egl_error(EGL_BAD_PARAMETER);
		return EGL_NO_SURFACE;
	}
	if (!cur_ctx)
		return EGL_NO_SURFACE;
	return readdraw == EGL_DRAW ? cur_ctx->draw : cur_ctx->read;
}

static void report_lost(struct sgl_egl_context *c)
{
	if (c->lost_reported)
		return;
	c->lost_reported = true;
	fprintf(stderr, "sgl: GL context lost: %s\n",
		c->sgl->link.reason[0] ? c->sgl->link.reason : "connection to sgl-host broken");
}

static void present(void *user, const struct sgl_frame *frame)
{
	struct sgl_egl_surface *s = user;
	sgl_x11_present(&s->win, frame);
}

/* Looks up a surface that must be the current context's draw surface
 * (EGL_BAD_SURFACE otherwise, with or without a current context). */
static struct sgl_egl_surface *current_draw(EGLDisplay dpy, EGLSurface surface)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!s)
		return NULL;
	if (!cur_ctx || cur_ctx->draw != s) {
		sgl_egl_error(EGL_BAD_SURFACE);
		return NULL;
	}
	return s;
}

/*
 * Presents the current context's frame in the window. A pbuffer has
 * nothing to show: its swap only sends what is batched. After the frame
 * is out, the window's size decides the next frame's (programs set their
 * viewport when they see it change); that round trip also tells us the
 * server has read the MIT-SHM image we put.
 */
EGLBoolean sgl_eglSwapBuffers(EGLDisplay dpy, EGLSurface surface)
{
	struct sgl_egl_surface *s = current_draw(dpy, surface);
	struct sgl_egl_context *c = cur_ctx;
	uint32_t w, h;
	if (!s)
		return EGL_FALSE;
	if (s->kind != SGL_EGL_WINDOW) {
		sgl_enc_flush(&c->sgl->enc);
	} else {
		sgl_pacer_wait(&s->pace);
		if (sgl_context_swap(c->sgl, present, s) < 0) {
			report_lost(c);
			return sgl_egl_error(EGL_CONTEXT_LOST);
		}
		if (sgl_egl_surface_size(s, &w, &h))
			sgl_context_resize(c->sgl, w, h);
	}
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* No vsync on the host: presents are paced to the interval (pacing.h),
 * clamped to the configs' range. */
EGLBoolean sgl_eglSwapInterval(EGLDisplay dpy, EGLint interval)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d)
		return EGL_FALSE;
	if (!cur_ctx)
		return sgl_egl_error(EGL_BAD_CONTEXT);
	if (!cur_ctx->draw)
		return sgl_egl_error(EGL_BAD_SURFACE);
	cur_ctx->draw->swap_interval = interval < 0 ? 0 : interval > 1 ? 1 : interval;
	sgl_pacer_set(&cur_ctx->draw->pace, cur_ctx->draw->swap_interval);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* Rendering reaches the host in order with everything after it; frames
 * reach X only at a swap: sending the batch is all there is to wait for. */
EGLBoolean sgl_eglWaitClient(void)
{
	if (cur_ctx)
		sgl_enc_flush(&cur_ctx->sgl->enc);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLBoolean sgl_eglWaitGL(void)
{
	return sgl_eglWaitClient();
}

EGLBoolean sgl_eglWaitNative(EGLint engine)
{
	if (engine != EGL_CORE_NATIVE_ENGINE)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	struct sgl_egl_surface *s = cur_ctx ? cur_ctx->draw : NULL;
	if (s && s->kind == SGL_EGL_WINDOW)
		XSync(s->win.dpy, False);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}
