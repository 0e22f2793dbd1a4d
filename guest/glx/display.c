/* Per-connection state: FBConfigs, MIT-SHM usability; its lifetime. */
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
	d->shm = -1;
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

/* SysV segments are only shared with a server on this machine: a display
 * name with no host part (":0", "unix:0", a socket path). */
static bool display_is_local(Display *dpy)
{
	const char *name = DisplayString(dpy);
	if (!name)
		return false;
	return name[0] == ':' || name[0] == '/' || !strncmp(name, "unix:", 5);
}

bool sgl_glx_display_shm_usable(Display *dpy)
{
	struct sgl_glx_display *d = sgl_glx_display_get(dpy);
	if (!d)
		return false;
	if (d->shm < 0) {
		const char *off = getenv("SGL_GLX_NO_SHM");
		d->shm = (!off || !*off || !strcmp(off, "0")) && display_is_local(dpy) &&
			 XShmQueryExtension(dpy);
	}
	return d->shm == 1;
}

/* X errors arrive asynchronously through one process-wide handler: catch
 * them around a synced request, one trap at a time. */
static pthread_mutex_t trap_lock = PTHREAD_MUTEX_INITIALIZER;
static bool trapped;

static int trap_handler(Display *dpy, XErrorEvent *ev)
{
	(void)dpy;
	(void)ev;
	trapped = true;
	return 0;
}

bool sgl_glx_trap_errors(Display *dpy, void (*fn)(Display *dpy, void *data), void *data)
{
	pthread_mutex_lock(&trap_lock);
	XSync(dpy, False);
	trapped = false;
	int (*old)(Display *, XErrorEvent *) = XSetErrorHandler(trap_handler);
	fn(dpy, data);
	XSync(dpy, False);
	XSetErrorHandler(old);
	bool ok = !trapped;
	pthread_mutex_unlock(&trap_lock);
	return ok;
}

static void attach(Display *dpy, void *data)
{
	XShmAttach(dpy, data);
}

bool sgl_glx_display_shm_attach(Display *dpy, XShmSegmentInfo *info)
{
	if (sgl_glx_trap_errors(dpy, attach, info))
		return true;
	struct sgl_glx_display *d = sgl_glx_display_get(dpy);
	if (d)
		d->shm = 0;
	if (sgl_glx_debug())
		fprintf(stderr, "sgl: the X server cannot attach our MIT-SHM segments: "
			"using XPutImage\n");
	return false;
}

bool sgl_glx_debug(void)
{
	const char *v = getenv("SGL_DEBUG");
	return v && *v && strcmp(v, "0");
}
