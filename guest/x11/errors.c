/* Catching X errors around requests that may fail on purpose. */
#include <pthread.h>

#include "x11_present.h"

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

bool sgl_x11_trap_errors(Display *dpy, void (*fn)(Display *dpy, void *data), void *data)
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
