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

bool sgl_glx_debug(void)
{
	const char *v = getenv("SGL_DEBUG");
	return v && *v && strcmp(v, "0");
}
