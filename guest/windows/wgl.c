/*
 * WGL contexts: opengl32.dll's wgl* exports and the WGL extensions behind
 * wglGetProcAddress. An HGLRC is a host context (runtime.h) plus what WGL
 * says about it; the host framebuffer follows the size of the window it is
 * made current with, and SwapBuffers shows the frame that comes back in
 * that window with GDI (present.c).
 */
#include "wgl_internal.h"

#include <GL/wglext.h>
#include <stdlib.h>
#include <string.h>

#include "pacing.h"
#include "sgl_session.h"

struct wgl_context {
	struct sgl_context *sgl;
	struct wgl_context *next;    /* every live context: handles are checked */
	DWORD owner;                 /* thread it is current in, 0: none */
	struct sgl_pacer pace;       /* WGL_EXT_swap_control (pacing.h) */
	uint32_t api;                /* for wglShareLists' re-creation */
	int major, minor;
	uint32_t flags;
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct wgl_context *contexts;

static __thread struct wgl_context *cur;
static __thread HDC cur_dc, cur_read_dc;

static const char extensions[] =
	"WGL_ARB_create_context WGL_ARB_create_context_profile "
	"WGL_ARB_create_context_robustness WGL_ARB_extensions_string WGL_ARB_make_current_read "
	"WGL_ARB_pixel_format WGL_EXT_create_context_es2_profile "
	"WGL_EXT_create_context_es_profile WGL_EXT_extensions_string WGL_EXT_swap_control";

/* The live context behind `h`, or NULL: applications pass stale handles. */
static struct wgl_context *lookup(HGLRC h)
{
	struct wgl_context *c;
	AcquireSRWLockShared(&lock);
	for (c = contexts; c && c != (struct wgl_context *)h; c = c->next)
		;
	ReleaseSRWLockShared(&lock);
	return c;
}

/* `robust`: SGL_CONTEXT_ROBUST_ACCESS and _LOSE_ON_RESET, carried to the
 * host context, which fails without them (sglhost.h). */
static HGLRC create(HDC hdc, uint32_t api, int major, int minor, struct wgl_context *share,
		    uint32_t robust)
{
	struct wgl_context *c = calloc(1, sizeof(*c));
	int format = wglGetPixelFormat(hdc);
	if (!c) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	c->api = api, c->major = major, c->minor = minor;
	c->flags = sgl_wgl_format_flags(format) | robust;
	/* The framebuffer follows the window at the first make-current. */
	c->sgl = sgl_context_new(api, major, minor, share ? share->sgl : NULL, 1, 1, c->flags);
	if (!c->sgl) {
		free(c);
		SetLastError(ERROR_INVALID_OPERATION);
		return NULL;
	}
	c->sgl->user = c;
	AcquireSRWLockExclusive(&lock);
	c->next = contexts;
	contexts = c;
	ReleaseSRWLockExclusive(&lock);
	return (HGLRC)c;
}

HGLRC WINAPI wglCreateContext(HDC hdc)
{
	if (!wglGetPixelFormat(hdc)) {
		SetLastError(ERROR_INVALID_PIXEL_FORMAT);
		return NULL;
	}
	/* A compatibility context of the newest version the host has, as
	 * Windows drivers give. */
	return create(hdc, 1, 0, 0, NULL, 0);
}

BOOL WINAPI wglDeleteContext(HGLRC h)
{
	struct wgl_context *c = lookup(h);
	if (!c || (c->owner && c->owner != GetCurrentThreadId())) {
		SetLastError(c ? ERROR_BUSY : ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (c == cur) {
		sgl_context_make_current(NULL);
		cur = NULL;
		cur_dc = cur_read_dc = NULL;
	}
	AcquireSRWLockExclusive(&lock);
	for (struct wgl_context **p = &contexts; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	ReleaseSRWLockExclusive(&lock);
	sgl_context_free(c->sgl);
	free(c);
	return TRUE;
}

static void follow_window(struct wgl_context *c, HDC hdc)
{
	uint32_t w, h;
	sgl_wgl_dc_size(hdc, &w, &h);
	sgl_context_resize(c->sgl, w, h);
}

BOOL WINAPI wglMakeCurrent(HDC hdc, HGLRC h)
{
	if (!h) {
		if (cur) {
			AcquireSRWLockExclusive(&lock);
			cur->owner = 0;
			ReleaseSRWLockExclusive(&lock);
		}
		sgl_context_make_current(NULL);
		cur = NULL;
		cur_dc = cur_read_dc = NULL;
		return TRUE;
	}
	struct wgl_context *c = lookup(h);
	if (!c) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	/* WGL: a context is current in one thread at a time. */
	DWORD me = GetCurrentThreadId();
	AcquireSRWLockExclusive(&lock);
	bool busy = c->owner && c->owner != me;
	if (!busy) {
		if (cur && cur != c)
			cur->owner = 0;
		c->owner = me;
	}
	ReleaseSRWLockExclusive(&lock);
	if (busy) {
		SetLastError(ERROR_BUSY);
		return FALSE;
	}
	sgl_context_make_current(c->sgl);
	cur = c;
	cur_dc = cur_read_dc = hdc;
	follow_window(c, hdc);
	return TRUE;
}

/*
 * WGL_ARB_make_current_read. A host context has one framebuffer, the one
 * that follows its draw window: reads come from it. So the read DC may be
 * another DC of the draw window, and nothing else: a different window (or
 * a DC of no window) is refused with ERROR_INVALID_OPERATION rather than
 * read from the wrong pixels. Pixel formats must match (the extension's
 * ERROR_INVALID_PIXEL_TYPE_ARB).
 */
BOOL sgl_wgl_make_current_read(HDC draw, HDC read, HGLRC h, BOOL(WINAPI *make)(HDC, HGLRC))
{
	if (!h)
		return make(NULL, NULL);
	if (!draw || !read) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (wglGetPixelFormat(read) != wglGetPixelFormat(draw)) {
		SetLastError(ERROR_INVALID_PIXEL_TYPE_ARB);
		return FALSE;
	}
	if (read != draw && (!WindowFromDC(read) || WindowFromDC(read) != WindowFromDC(draw))) {
		SetLastError(ERROR_INVALID_OPERATION);
		return FALSE;
	}
	if (!make(draw, h))
		return FALSE;
	cur_read_dc = read;
	return TRUE;
}

static BOOL WINAPI make_context_current(HDC draw, HDC read, HGLRC h)
{
	return sgl_wgl_make_current_read(draw, read, h, wglMakeCurrent);
}

static HDC WINAPI get_current_read_dc(void)
{
	return cur_read_dc;
}

HGLRC WINAPI wglGetCurrentContext(void)
{
	return (HGLRC)cur;
}

HDC WINAPI wglGetCurrentDC(void)
{
	return cur_dc;
}

/*
 * Late sharing: the host shares objects from creation on, so `dst`, which
 * must have no objects yet (WGL says so too), is made again sharing `src`.
 * Only while it is current nowhere and has sent nothing.
 */
BOOL WINAPI wglShareLists(HGLRC a, HGLRC b)
{
	struct wgl_context *src = lookup(a), *dst = lookup(b);
	if (!src || !dst || dst->owner || dst->sgl->enc.commands) {
		SetLastError(src && dst ? ERROR_BUSY : ERROR_INVALID_HANDLE);
		return FALSE;
	}
	struct sgl_context *n = sgl_context_new(dst->api, dst->major, dst->minor, src->sgl, 1, 1,
						dst->flags);
	if (!n) {
		SetLastError(ERROR_INVALID_OPERATION);
		return FALSE;
	}
	n->user = dst;
	sgl_context_free(dst->sgl);
	dst->sgl = n;
	return TRUE;
}

BOOL WINAPI wglSwapBuffers(HDC hdc)
{
	struct wgl_context *c = cur;
	if (!c) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	sgl_pacer_wait(&c->pace);
	/* An HDC stays a valid argument (GDI checks it) until the frame is
	 * shown: WGL swaps may defer (SGL_FRAME_LATENCY=1). */
	int r = sgl_context_swap_deferred(c->sgl, sgl_wgl_present, hdc, true);
	/* A resized window gets a framebuffer of its size for the next frame. */
	follow_window(c, hdc);
	return r == 0;
}

/* ------------------------------------------------------------------------
 * Extensions
 */

static const char *WINAPI get_extensions_arb(HDC hdc)
{
	(void)hdc;
	return extensions;
}

static const char *WINAPI get_extensions_ext(void)
{
	return extensions;
}

HGLRC WINAPI sgl_wglCreateContextAttribsARB(HDC hdc, HGLRC share_h, const int *attribs)
{
	int major = 1, minor = 0, flags = 0, profile = WGL_CONTEXT_CORE_PROFILE_BIT_ARB;
	int reset = WGL_NO_RESET_NOTIFICATION_ARB;
	struct wgl_context *share = NULL;
	if (share_h && !(share = lookup(share_h))) {
		SetLastError(ERROR_INVALID_OPERATION);
		return NULL;
	}
	for (int k = 0; attribs && attribs[k]; k += 2) {
		int v = attribs[k + 1];
		switch (attribs[k]) {
		case WGL_CONTEXT_MAJOR_VERSION_ARB: major = v; break;
		case WGL_CONTEXT_MINOR_VERSION_ARB: minor = v; break;
		case WGL_CONTEXT_FLAGS_ARB: flags = v; break;
		case WGL_CONTEXT_PROFILE_MASK_ARB: profile = v; break;
		case WGL_CONTEXT_RESET_NOTIFICATION_STRATEGY_ARB:
			if (v != WGL_NO_RESET_NOTIFICATION_ARB && v != WGL_LOSE_CONTEXT_ON_RESET_ARB) {
				SetLastError(ERROR_INVALID_PARAMETER);
				return NULL;
			}
			reset = v;
			break;
		case WGL_CONTEXT_LAYER_PLANE_ARB:
			if (v) {
				SetLastError(ERROR_INVALID_PARAMETER);
				return NULL;
			}
			break;
		default:
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
	}
	/* Debug and forward-compatible contexts are ordinary ones here.
	 * Robust access and the reset strategy go to the host context. */
	if (flags & ~(WGL_CONTEXT_DEBUG_BIT_ARB | WGL_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB |
		      WGL_CONTEXT_ROBUST_ACCESS_BIT_ARB)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	uint32_t robust = (flags & WGL_CONTEXT_ROBUST_ACCESS_BIT_ARB ? SGL_CONTEXT_ROBUST_ACCESS : 0) |
			  (reset == WGL_LOSE_CONTEXT_ON_RESET_ARB ? SGL_CONTEXT_LOSE_ON_RESET : 0);
	/* WGL_ARB_create_context_robustness: "If the reset notification
	 * behavior of <hShareContext> and the newly created context are
	 * different, wglCreateContextAttribsARB will fail and generate the
	 * error ERROR_INVALID_OPERATION." */
	if (share && (share->flags & SGL_CONTEXT_LOSE_ON_RESET) != (robust & SGL_CONTEXT_LOSE_ON_RESET)) {
		SetLastError(ERROR_INVALID_OPERATION);
		return NULL;
	}
	if (major < 1 || minor < 0) {
		SetLastError(ERROR_INVALID_VERSION_ARB);
		return NULL;
	}
	/* WGL_ARB_create_context_profile: the profile mask only counts from
	 * GL 3.2; before that every context is a compatibility one. */
	uint32_t api;
	if (profile == WGL_CONTEXT_ES2_PROFILE_BIT_EXT)
		api = 3;
	else if (major * 10 + minor < 32 || profile == WGL_CONTEXT_COMPATIBILITY_PROFILE_BIT_ARB)
		api = 1;
	else if (profile == WGL_CONTEXT_CORE_PROFILE_BIT_ARB)
		api = 2;
	else {
		SetLastError(ERROR_INVALID_PROFILE_ARB);
		return NULL;
	}
	if (!wglGetPixelFormat(hdc)) {
		SetLastError(ERROR_INVALID_PIXEL_FORMAT);
		return NULL;
	}
	HGLRC h = create(hdc, api, major, minor, share, robust);
	if (!h)
		SetLastError(ERROR_INVALID_VERSION_ARB);
	return h;
}

/* WGL_EXT_swap_control: presents paced to the interval (pacing.h). */
static BOOL WINAPI swap_interval(int interval)
{
	if (!cur || interval < 0) {
		SetLastError(cur ? ERROR_INVALID_DATA : ERROR_INVALID_HANDLE);
		return FALSE;
	}
	sgl_pacer_set(&cur->pace, interval);
	return TRUE;
}

static int WINAPI get_swap_interval(void)
{
	return cur ? cur->pace.interval : 0;
}

/* Through void (*)(void), which converts to and from any function type. */
#define P(fn) ((PROC)(void (*)(void))(fn))

static const struct {
	const char *name;
	PROC proc;
} wgl_procs[] = {
	{ "wglChoosePixelFormatARB", P(sgl_wglChoosePixelFormatARB) },
	{ "wglCreateContextAttribsARB", P(sgl_wglCreateContextAttribsARB) },
	{ "wglGetExtensionsStringARB", P(get_extensions_arb) },
	{ "wglGetCurrentReadDCARB", P(get_current_read_dc) },
	{ "wglGetExtensionsStringEXT", P(get_extensions_ext) },
	{ "wglGetPixelFormatAttribfvARB", P(sgl_wglGetPixelFormatAttribfvARB) },
	{ "wglGetPixelFormatAttribivARB", P(sgl_wglGetPixelFormatAttribivARB) },
	{ "wglGetSwapIntervalEXT", P(get_swap_interval) },
	{ "wglMakeContextCurrentARB", P(make_context_current) },
	{ "wglSwapIntervalEXT", P(swap_interval) },
};

/* Every generated GL entry point, and the WGL extensions above. */
PROC WINAPI wglGetProcAddress(LPCSTR name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(wgl_procs) / sizeof(wgl_procs[0]); i++)
		if (!strcmp(name, wgl_procs[i].name))
			return wgl_procs[i].proc;
	return P(sgl_entry_lookup(name));
}

PROC WINAPI wglGetDefaultProcAddress(LPCSTR name)
{
	return wglGetProcAddress(name);
}
