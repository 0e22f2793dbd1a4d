/*
 * GLX contexts on top of the guest runtime: creation, make-current, swap.
 * A GLX context is a host context (runtime.h) plus what GLX says about
 * it; the host framebuffer follows the size of the drawable it is bound to.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glx_internal.h"
#include "reported.h"

/* What the host makes first: the framebuffer follows the drawable at the
 * first make-current. */
#define INITIAL_SIZE 1

static const char extensions[] =
	"GLX_ARB_create_context GLX_ARB_create_context_profile GLX_ARB_get_proc_address "
	"GLX_EXT_create_context_es2_profile GLX_EXT_create_context_es_profile "
	"GLX_EXT_swap_control GLX_MESA_swap_control GLX_SGI_swap_control";

/* Guards the current/destroyed flags of every context. */
static pthread_mutex_t contexts_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread struct __GLXcontextRec *cur_ctx;
static __thread Display *cur_dpy;
static __thread GLXDrawable cur_draw, cur_read;

/* For glXQueryContext when the program gave no config we list. */
static GLXFBConfig default_config(Display *dpy, int screen)
{
	const struct sgl_glx_screen_configs *sc = sgl_glx_configs(dpy, screen);
	return sc && sc->count ? &sc->configs[0] : NULL;
}

static GLXContext context_new(Display *dpy, GLXFBConfig config, int screen, uint32_t api,
			      int major, int minor, GLXContext share)
{
	if (share && share->destroyed)
		return NULL;
	struct __GLXcontextRec *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	GLXFBConfig fb = config ? config : default_config(dpy, screen);
	uint32_t flags = fb && !fb->stencil ? SGL_CONTEXT_NO_STENCIL : 0;
	ctx->sgl = sgl_context_new(api, major, minor, share ? share->sgl : NULL, INITIAL_SIZE,
				   INITIAL_SIZE, flags);
	if (!ctx->sgl) {
		free(ctx);
		return NULL;
	}
	ctx->sgl->user = ctx;
	ctx->config = fb;
	ctx->screen = config ? config->screen : screen;
	ctx->created_width = ctx->sgl->width;
	ctx->created_height = ctx->sgl->height;
	return ctx;
}

static void context_free(GLXContext ctx)
{
	sgl_context_free(ctx->sgl);
	free(ctx);
}

GLXContext sgl_glXCreateContext(Display *dpy, XVisualInfo *vis, GLXContext share, Bool direct)
{
	(void)direct;
	if (!vis)
		return NULL;
	GLXFBConfig config = sgl_glx_config_for_info(dpy, vis);
	/* 0.0: the highest compatibility-profile version the host has. */
	return context_new(dpy, config, vis->screen, SGL_GLX_API_GL_COMPAT, 0, 0, share);
}

GLXContext sgl_glXCreateNewContext(Display *dpy, GLXFBConfig config, int render_type,
				   GLXContext share, Bool direct)
{
	(void)direct;
	if (!config || !sgl_glx_config_valid(dpy, config)) {
		sgl_glx_error(dpy, SGL_GLX_BAD_FBCONFIG, true, 0);
		return NULL;
	}
	if (render_type != GLX_RGBA_TYPE) {
		sgl_glx_error(dpy, render_type == GLX_COLOR_INDEX_TYPE ? BadMatch : BadValue, false,
			      0);
		return NULL;
	}
	return context_new(dpy, config, config->screen, SGL_GLX_API_GL_COMPAT, 0, 0, share);
}

GLXContext sgl_glXCreateContextAttribsARB(Display *dpy, GLXFBConfig config, GLXContext share,
					  Bool direct, const int *attribs)
{
	struct sgl_glx_request r;
	(void)direct;
	if (config && !sgl_glx_config_valid(dpy, config)) {
		sgl_glx_error(dpy, SGL_GLX_BAD_FBCONFIG, true, 0);
		return NULL;
	}
	if (!sgl_glx_parse_context_attribs(dpy, attribs, &r)) {
		sgl_glx_error(dpy, r.error, r.glx_error, 0);
		return NULL;
	}
	GLXContext ctx = context_new(dpy, config, config ? config->screen : r.screen, r.api,
				     r.major, r.minor, share);
	if (ctx && r.forward)
		ctx->sgl->enc.context_flags |= GL_CONTEXT_FLAG_FORWARD_COMPATIBLE_BIT;
	/* A debug context starts with debug output on. */
	if (ctx && r.debug) {
		sgl_enc_enter(&ctx->sgl->enc);
		sgl_enc_glEnable(&ctx->sgl->enc, GL_DEBUG_OUTPUT);
		sgl_enc_leave(&ctx->sgl->enc);
	}
	return ctx;
}

void sgl_glXDestroyContext(Display *dpy, GLXContext ctx)
{
	(void)dpy;
	if (!ctx)
		return;
	/* GLX: a context current to some thread goes when it is released. */
	pthread_mutex_lock(&contexts_lock);
	bool current = ctx->current;
	ctx->destroyed = true;
	pthread_mutex_unlock(&contexts_lock);
	if (!current)
		context_free(ctx);
}

/* Sizes the host framebuffer to the drawable. The first bind to a
 * drawable also does what GL does then: viewport and scissor box to the
 * drawable's size (the host set them to the creation size). */
static void bind_drawable(GLXContext ctx, Display *dpy, GLXDrawable draw)
{
	uint32_t w, h;
	if (draw == None || !sgl_glx_drawable_size(dpy, draw, &w, &h) || !w || !h)
		return;
	sgl_context_resize(ctx->sgl, w, h);
	if (ctx->bound_once)
		return;
	ctx->bound_once = true;
	if (w != ctx->created_width || h != ctx->created_height) {
		struct sgl_enc *e = &ctx->sgl->enc;
		sgl_enc_enter(e);
		sgl_enc_glViewport(e, 0, 0, (GLsizei)w, (GLsizei)h);
		sgl_enc_glScissor(e, 0, 0, (GLsizei)w, (GLsizei)h);
		sgl_enc_leave(e);
	}
}

/* Takes `ctx` for this thread; false when another thread has it. */
static bool claim(GLXContext ctx)
{
	pthread_mutex_lock(&contexts_lock);
	bool ok = !ctx->destroyed && (!ctx->current || ctx == cur_ctx);
	if (ok)
		ctx->current = true;
	pthread_mutex_unlock(&contexts_lock);
	return ok;
}

static void release(GLXContext ctx)
{
	pthread_mutex_lock(&contexts_lock);
	ctx->current = false;
	bool destroyed = ctx->destroyed;
	pthread_mutex_unlock(&contexts_lock);
	if (destroyed)
		context_free(ctx);
}

Bool sgl_glXMakeContextCurrent(Display *dpy, GLXDrawable draw, GLXDrawable read,
			       GLXContext ctx)
{
	GLXContext old = cur_ctx;
	if (ctx && !sgl_glx_paired())
		return False;
	if (ctx && !claim(ctx))
		return False;
	if (old && old != ctx) {
		sgl_context_make_current(NULL);
		release(old);
	}
	cur_ctx = ctx;
	cur_dpy = ctx ? dpy : NULL;
	cur_draw = ctx ? draw : None;
	cur_read = ctx ? read : None;
	if (!ctx)
		return True;
	sgl_context_make_current(ctx->sgl);
	/* One host framebuffer per context: reads come from the draw drawable. */
	bind_drawable(ctx, dpy, draw);
	return True;
}

Bool sgl_glXMakeCurrent(Display *dpy, GLXDrawable drawable, GLXContext ctx)
{
	return sgl_glXMakeContextCurrent(dpy, drawable, drawable, ctx);
}

GLXContext sgl_glXGetCurrentContext(void)
{
	return cur_ctx;
}

GLXDrawable sgl_glXGetCurrentDrawable(void)
{
	return cur_draw;
}

GLXDrawable sgl_glXGetCurrentReadDrawable(void)
{
	return cur_read;
}

Display *sgl_glXGetCurrentDisplay(void)
{
	return cur_dpy;
}

Bool sgl_glXIsDirect(Display *dpy, GLXContext ctx)
{
	(void)dpy;
	return ctx != NULL;
}

/* State cannot be copied between host contexts through the protocol. */
void sgl_glXCopyContext(Display *dpy, GLXContext src, GLXContext dst, unsigned long mask)
{
	(void)dpy;
	(void)src;
	(void)dst;
	(void)mask;
	if (sgl_glx_debug())
		fprintf(stderr, "sgl: glXCopyContext is not supported\n");
}

int sgl_glXQueryContext(Display *dpy, GLXContext ctx, int attrib, int *value)
{
	(void)dpy;
	if (!ctx || !value)
		return GLX_BAD_CONTEXT;
	switch (attrib) {
	case GLX_FBCONFIG_ID:
		*value = ctx->config ? ctx->config->id : 0;
		return Success;
	case GLX_RENDER_TYPE:
		*value = GLX_RGBA_TYPE;
		return Success;
	case GLX_SCREEN:
		*value = ctx->screen;
		return Success;
	default:
		return GLX_BAD_ATTRIBUTE;
	}
}

static void report_lost(GLXContext ctx)
{
	if (ctx->lost_reported)
		return;
	ctx->lost_reported = true;
	fprintf(stderr, "sgl: GL context lost: %s\n",
		ctx->sgl->link.reason[0] ? ctx->sgl->link.reason : "connection to sgl-host broken");
}

/*
 * Presents the current context's frame in `drawable`. Pixmaps and pbuffers
 * are single-buffered: nothing to show. After the frame is out, the
 * window's size decides the next frame's (programs set their viewport
 * when they see ConfigureNotify).
 */
/* The window a swap on this thread is presenting to (NULL outside one). */
static __thread struct sgl_glx_drawable *swapping;

static void window_probe(Display *dpy, void *data)
{
	XWindowAttributes a;
	XGetWindowAttributes(dpy, *(Window *)data, &a);
}

static void present(void *user, const struct sgl_frame *frame)
{
	struct sgl_glx_drawable *d = user;
	if (d == swapping) {
		sgl_x11_present(&d->win, frame);
		return;
	}
	/* A deferred frame (SGL_FRAME_LATENCY=1) shown outside its window's
	 * next swap (a round trip, a context switch or delete): the window may
	 * have been destroyed since; one that is gone is skipped (its X error
	 * caught, not fatal). */
	Window xid = d->win.xid;
	if (sgl_x11_trap_errors(d->win.dpy, window_probe, &xid))
		sgl_x11_present(&d->win, frame);
}

void sgl_glXSwapBuffers(Display *dpy, GLXDrawable drawable)
{
	GLXContext ctx = cur_ctx;
	uint32_t w, h;

	if (!ctx)
		return;
	struct sgl_glx_drawable *d = sgl_glx_drawable_get(dpy, drawable);
	if (!d || d->kind != SGL_GLX_WINDOW || drawable != cur_draw) {
		sgl_enc_flush(&ctx->sgl->enc);
		return;
	}
	sgl_pacer_wait(&d->pace);
	/* With SGL_FRAME_LATENCY=1 the frame is shown during the next swap
	 * (the host renders it while this one is shown): present() then runs
	 * for the last frame; drawable_free forgets one whose window goes. */
	swapping = d;
	int r = sgl_context_swap_deferred(ctx->sgl, present, d, true);
	swapping = NULL;
	if (r < 0) {
		report_lost(ctx);
		return;
	}
	if (sgl_glx_drawable_size(dpy, drawable, &w, &h))
		sgl_context_resize(ctx->sgl, w, h);
}

void sgl_glXWaitGL(void)
{
	if (cur_ctx)
		sgl_enc_flush(&cur_ctx->sgl->enc);
}

void sgl_glXWaitX(void)
{
	if (cur_dpy)
		XSync(cur_dpy, False);
}

/* The lists would hold glBitmap calls, which the protocol does not carry
 * yet (protocol/unsupported.txt): none are made, and calling them draws
 * nothing, as GL does for lists that do not exist. */
void sgl_glXUseXFont(Font font, int first, int count, int list_base)
{
	(void)font;
	(void)first;
	(void)count;
	(void)list_base;
	if (sgl_glx_debug())
		fprintf(stderr, "sgl: glXUseXFont is not supported yet\n");
}

/* No vsync: frames go out when the host has them. The interval is kept
 * for the queries. */
int sgl_glXSwapIntervalMESA(unsigned int interval)
{
	if (!cur_ctx)
		return GLX_BAD_CONTEXT;
	sgl_glXSwapIntervalEXT(cur_dpy, cur_draw, (int)interval);
	return 0;
}

int sgl_glXGetSwapIntervalMESA(void)
{
	unsigned int v = 0;
	if (cur_ctx && cur_draw)
		sgl_glXQueryDrawable(cur_dpy, cur_draw, GLX_SWAP_INTERVAL_EXT, &v);
	return (int)v;
}

int sgl_glXSwapIntervalSGI(int interval)
{
	if (interval <= 0)
		return GLX_BAD_VALUE;
	if (!cur_ctx)
		return GLX_BAD_CONTEXT;
	sgl_glXSwapIntervalEXT(cur_dpy, cur_draw, interval);
	return 0;
}

/* The GLX extension itself lives in this library, not in the server: say
 * yes, with the server's numbers when it has GLX. */
Bool sgl_glXQueryExtension(Display *dpy, int *error_base, int *event_base)
{
	int opcode, event = 0, error = 0;
	if (dpy)
		XQueryExtension(dpy, "GLX", &opcode, &event, &error);
	if (error_base)
		*error_base = error;
	if (event_base)
		*event_base = event;
	return True;
}

/* GLX 1.4, or what GLX_VERSION_OVERRIDE says (reported.h). */
static void glx_version(int *major, int *minor)
{
	if (!sgl_version_override("GLX_VERSION_OVERRIDE", major, minor))
		*major = 1, *minor = 4;
}

Bool sgl_glXQueryVersion(Display *dpy, int *major, int *minor)
{
	(void)dpy;
	int ma, mi;
	glx_version(&ma, &mi);
	if (major)
		*major = ma;
	if (minor)
		*minor = mi;
	return True;
}

/* Strings GLX hands out stay valid: one per process. */
static char version_string[16];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void make_version_string(void)
{
	int ma, mi;
	glx_version(&ma, &mi);
	snprintf(version_string, sizeof(version_string), "%d.%d", ma, mi);
}

static const char *glx_string(int name)
{
	switch (name) {
	case GLX_VENDOR:
		return "libsglhost";
	case GLX_VERSION:
		pthread_once(&version_once, make_version_string);
		return version_string;
	case GLX_EXTENSIONS:
		return extensions;
	default:
		return NULL;
	}
}

const char *sgl_glXQueryExtensionsString(Display *dpy, int screen)
{
	(void)dpy;
	(void)screen;
	return extensions;
}

const char *sgl_glXQueryServerString(Display *dpy, int screen, int name)
{
	(void)dpy;
	(void)screen;
	return glx_string(name);
}

const char *sgl_glXGetClientString(Display *dpy, int name)
{
	(void)dpy;
	return glx_string(name);
}

__GLXextFuncPtr sgl_glXGetProcAddress(const GLubyte *name)
{
	const char *n = (const char *)name;
	if (!n)
		return NULL;
	if (!strncmp(n, "glX", 3))
		return sgl_glx_lookup(n);
	return (__GLXextFuncPtr)sgl_entry_lookup(n);
}

__GLXextFuncPtr sgl_glXGetProcAddressARB(const GLubyte *name)
{
	return sgl_glXGetProcAddress(name);
}

#define SGL_GLX_ENTRY(ret, name, params, args) { "glX" #name, (__GLXextFuncPtr)sgl_glX##name },
#define SGL_GLX_ENTRY_VOID(name, params, args) { "glX" #name, (__GLXextFuncPtr)sgl_glX##name },
static const struct {
	const char *name;
	__GLXextFuncPtr proc;
} glx_functions[] = { SGL_GLX_FUNCTIONS(SGL_GLX_ENTRY, SGL_GLX_ENTRY_VOID) };

__GLXextFuncPtr sgl_glx_lookup(const char *name)
{
	for (size_t i = 0; name && i < sizeof(glx_functions) / sizeof(glx_functions[0]); i++) {
		if (!strcmp(glx_functions[i].name, name))
			return glx_functions[i].proc;
	}
	return NULL;
}
