/* Per-connection state (FBConfigs) and its lifetime. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* XESetCloseDisplay lives there. */
#include <X11/Xlibint.h>

#include "glx_internal.h"

static pthread_mutex_t displays_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgl_glx_display *displays;

/* A closed Display's address may come back for the next connection: what
 * we kept for it must go with it. */
static int close_display(Display *dpy, XExtCodes *codes)
{
	(void)codes;
	sgl_glx_drawables_forget_display(dpy);
	pthread_mutex_lock(&displays_lock);
	for (struct sgl_glx_display **p = &displays; *p; p = &(*p)->next) {
		struct sgl_glx_display *d = *p;
		if (d->dpy != dpy)
			continue;
		*p = d->next;
		sgl_glx_configs_free(d);
		free(d);
		break;
	}
	pthread_mutex_unlock(&displays_lock);
	return 0;
}

static struct sgl_glx_display *display_new(Display *dpy)
{
	struct sgl_glx_display *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->dpy = dpy;
	d->screens = ScreenCount(dpy);
	d->configs = calloc((size_t)d->screens, sizeof(*d->configs));
	/* A private extension record is the Xlib way to hear of XCloseDisplay. */
	XExtCodes *codes = XAddExtension(dpy);
	if (!d->configs || !codes) {
		free(d->configs);
		free(d);
		return NULL;
	}
	XESetCloseDisplay(dpy, codes->extension, close_display);
	return d;
}

struct sgl_glx_display *sgl_glx_display_get(Display *dpy)
{
	struct sgl_glx_display *d;
	if (!dpy)
		return NULL;
	pthread_mutex_lock(&displays_lock);
	for (d = displays; d; d = d->next) {
		if (d->dpy == dpy)
			break;
	}
	if (!d && (d = display_new(dpy))) {
		d->next = displays;
		displays = d;
	}
	pthread_mutex_unlock(&displays_lock);
	return d;
}

/* As a server-side GLX would report it: the error reaches the handler
 * before the call returns, numbered with the GLX extension's codes when the
 * server has it (glXQueryExtension hands out the same base). */
void sgl_glx_error(Display *dpy, int code, bool glx, XID resource)
{
	int major = 0, event = 0, base = 0;
	xError err = { 0 };

	if (!dpy)
		return;
	XQueryExtension(dpy, "GLX", &major, &event, &base);
	LockDisplay(dpy);
	err.type = X_Error;
	err.errorCode = (CARD8)(glx ? base + code : code);
	err.sequenceNumber = (CARD16)dpy->request;
	err.resourceID = (CARD32)resource;
	err.majorCode = (CARD8)major;
	_XError(dpy, &err);
	UnlockDisplay(dpy);
}

bool sgl_glx_debug(void)
{
	const char *v = getenv("SGL_DEBUG");
	return v && *v && strcmp(v, "0");
}
