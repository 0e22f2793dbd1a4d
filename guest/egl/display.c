/*
 * EGL displays: which platform (X11 or surfaceless), initialization and
 * termination, strings, and this thread's error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egl_internal.h"

pthread_mutex_t sgl_egl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgl_egl_display *displays;

static __thread EGLint last_error = EGL_SUCCESS;

EGLBoolean sgl_egl_error(EGLint error)
{
	last_error = error;
	return EGL_FALSE;
}

EGLint sgl_eglGetError(void)
{
	EGLint e = last_error;
	last_error = EGL_SUCCESS;
	return e;
}

bool sgl_egl_debug(void)
{
	const char *v = getenv("SGL_DEBUG");
	return v && *v && strcmp(v, "0");
}

struct sgl_egl_display *sgl_egl_display_locked(EGLDisplay dpy, bool initialized)
{
	struct sgl_egl_display *d;
	for (d = displays; d; d = d->next) {
		if (d == dpy)
			break;
	}
	if (!d)
		sgl_egl_error(EGL_BAD_DISPLAY);
	else if (initialized && !d->initialized)
		sgl_egl_error(EGL_NOT_INITIALIZED);
	else
		return d;
	return NULL;
}

/* EGL gives the same handle for the same native display every time. */
static EGLDisplay display_get(EGLenum requested, void *native, int screen)
{
	struct sgl_egl_display *d;
	pthread_mutex_lock(&sgl_egl_lock);
	for (d = displays; d; d = d->next) {
		if (d->requested == requested && d->native == native && d->screen == screen)
			break;
	}
	if (!d && (d = calloc(1, sizeof(*d)))) {
		d->requested = requested;
		d->native = native;
		d->screen = screen;
		d->platform = requested == EGL_PLATFORM_SURFACELESS_MESA ? SGL_EGL_SURFACELESS
									   : SGL_EGL_X11;
		d->next = displays;
		displays = d;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d) {
		sgl_egl_error(EGL_BAD_ALLOC);
		return EGL_NO_DISPLAY;
	}
	sgl_egl_error(EGL_SUCCESS);
	return d;
}

/* EGL_KHR_platform_x11: the program's Display, or NULL for the default
 * one; the screen may be named by an attribute. */
static EGLDisplay x11_display(void *native, const EGLAttrib *attribs)
{
	int screen = -1;
	for (int i = 0; attribs && attribs[i] != EGL_NONE; i += 2) {
		if (attribs[i] != EGL_PLATFORM_X11_SCREEN_KHR) {
			sgl_egl_error(EGL_BAD_ATTRIBUTE);
			return EGL_NO_DISPLAY;
		}
		screen = (int)attribs[i + 1];
	}
	if (native && screen >= ScreenCount((Display *)native)) {
		sgl_egl_error(EGL_BAD_ATTRIBUTE);
		return EGL_NO_DISPLAY;
	}
	return display_get(EGL_PLATFORM_X11_KHR, native, screen);
}

/* glvnd's libEGL calls this for eglGetDisplay (EGL_NONE: the default
 * display) and eglGetPlatformDisplay(EXT); it asks for our error when we
 * return EGL_NO_DISPLAY. */
EGLDisplay sgl_eglGetPlatformDisplay(EGLenum platform, void *native, const EGLAttrib *attribs)
{
	switch (platform) {
	case EGL_NONE:
		return display_get(EGL_NONE, native, -1);
	case EGL_PLATFORM_X11_KHR:
		return x11_display(native, attribs);
	case EGL_PLATFORM_SURFACELESS_MESA:
		if (native || (attribs && attribs[0] != EGL_NONE)) {
			sgl_egl_error(native ? EGL_BAD_PARAMETER : EGL_BAD_ATTRIBUTE);
			return EGL_NO_DISPLAY;
		}
		return display_get(platform, NULL, -1);
	default:
		sgl_egl_error(EGL_BAD_PARAMETER);
		return EGL_NO_DISPLAY;
	}
}

EGLDisplay sgl_eglGetDisplay(EGLNativeDisplayType display_id)
{
	if (display_id == EGL_DEFAULT_DISPLAY)
		return sgl_eglGetPlatformDisplay(EGL_NONE, NULL, NULL);
	return sgl_eglGetPlatformDisplay(EGL_PLATFORM_X11_KHR, (void *)display_id, NULL);
}

/*
 * The default display is X11 when there is an X server to show windows on
 * ($DISPLAY), else surfaceless; $EGL_PLATFORM ("x11", "surfaceless") picks
 * one, as with Mesa.
 */
static bool default_wants_x11(void)
{
	const char *p = getenv("EGL_PLATFORM");
	if (p && !strcmp(p, "surfaceless"))
		return false;
	if (p && !strcmp(p, "x11"))
		return true;
	p = getenv("DISPLAY");
	return p && *p;
}

/* Decides the platform and opens what it needs; false: EGL_NOT_INITIALIZED. */
static bool platform_open(struct sgl_egl_display *d)
{
	if (d->requested == EGL_PLATFORM_SURFACELESS_MESA)
		return true;
	if (d->requested == EGL_NONE && !d->xdpy)
		d->platform = default_wants_x11() ? SGL_EGL_X11 : SGL_EGL_SURFACELESS;
	if (d->platform != SGL_EGL_X11)
		return true;
	if (d->native) {
		d->xdpy = d->native;
	} else if (!d->xdpy) {
		/* Kept open for the life of the process: a surface current on
		 * some thread may outlive eglTerminate. */
		d->xdpy = XOpenDisplay(NULL);
		d->own_xdpy = d->xdpy != NULL;
	}
	if (!d->xdpy && d->requested == EGL_NONE) {
		/* No X server after all: the default display can still render. */
		if (sgl_egl_debug())
			fprintf(stderr, "sgl: EGL: cannot open the X display: surfaceless\n");
		d->platform = SGL_EGL_SURFACELESS;
		return true;
	}
	if (!d->xdpy)
		return false;
	d->xscreen = d->screen < 0 ? DefaultScreen(d->xdpy) : d->screen;
	return d->xscreen < ScreenCount(d->xdpy);
}

EGLBoolean sgl_eglInitialize(EGLDisplay dpy, EGLint *major, EGLint *minor)
{
	/* Before our lock: it asks the dynamic loader. */
	bool paired = sgl_egl_paired();
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, false);
	bool ok = d && paired && (d->initialized || platform_open(d));
	/* Fail here rather than at the first context when sgl-host cannot be
	 * reached: programs check eglInitialize. */
	ok = ok && sgl_runtime_session();
	if (ok && !d->initialized) {
		sgl_egl_configs_init(d);
		d->initialized = true;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d)
		return EGL_FALSE;
	if (!ok)
		return sgl_egl_error(EGL_NOT_INITIALIZED);
	/* 1.4: the 1.5 sync and image functions are not there. */
	if (major)
		*major = 1;
	if (minor)
		*minor = 4;
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* Surfaces and contexts go; those current to a thread when it releases
 * them. The display can be initialized again. */
EGLBoolean sgl_eglTerminate(EGLDisplay dpy)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, false);
	struct sgl_egl_surface *surfaces = NULL;
	struct sgl_egl_context *contexts = NULL;
	if (d && d->initialized) {
		contexts = sgl_egl_contexts_unlink_locked(d);
		surfaces = sgl_egl_surfaces_unlink_locked(d);
		d->initialized = false;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d)
		return EGL_FALSE;
	sgl_egl_contexts_free(contexts);
	sgl_egl_surfaces_free(surfaces);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

static const char display_extensions[] =
	"EGL_KHR_create_context EGL_KHR_no_config_context EGL_KHR_surfaceless_context";

const char *sgl_eglQueryString(EGLDisplay dpy, EGLint name)
{
	if (dpy == EGL_NO_DISPLAY && name == EGL_EXTENSIONS) {
		sgl_egl_error(EGL_SUCCESS);
		return sgl_egl_client_extensions;
	}
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d)
		return NULL;
	switch (name) {
	case EGL_VENDOR:
		sgl_egl_error(EGL_SUCCESS);
		return "libsglhost";
	case EGL_VERSION:
		sgl_egl_error(EGL_SUCCESS);
		return "1.4 libsglhost";
	case EGL_CLIENT_APIS:
		sgl_egl_error(EGL_SUCCESS);
		return "OpenGL OpenGL_ES";
	case EGL_EXTENSIONS:
		sgl_egl_error(EGL_SUCCESS);
		return display_extensions;
	default:
		sgl_egl_error(EGL_BAD_PARAMETER);
		return NULL;
	}
}
