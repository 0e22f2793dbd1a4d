/*
 * GLX drawables. A GLXWindow or GLXPixmap is the X drawable itself; a
 * pbuffer is only a size (it exists as the host framebuffer while a context
 * draws to it), named by an XID we allocate so it cannot collide with a
 * server resource. What we keep per drawable lives in a short list.
 */
#include <pthread.h>
#include <stdlib.h>

#include "glx_internal.h"

static pthread_mutex_t drawables_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgl_glx_drawable *drawables;

static struct sgl_glx_drawable *find_locked(Display *dpy, GLXDrawable xid)
{
	for (struct sgl_glx_drawable *d = drawables; d; d = d->next) {
		if (d->dpy == dpy && d->xid == xid)
			return d;
	}
	return NULL;
}

struct sgl_glx_drawable *sgl_glx_drawable_find(Display *dpy, GLXDrawable xid)
{
	pthread_mutex_lock(&drawables_lock);
	struct sgl_glx_drawable *d = find_locked(dpy, xid);
	pthread_mutex_unlock(&drawables_lock);
	return d;
}

static void forget(Display *dpy, GLXDrawable xid);

struct liveness {
	GLXDrawable *xids;
	bool *alive;
	size_t count;
};

static void check_windows(Display *dpy, void *data)
{
	struct liveness *l = data;
	XWindowAttributes wa;
	for (size_t i = 0; i < l->count; i++)
		l->alive[i] = XGetWindowAttributes(dpy, l->xids[i], &wa);
}

/*
 * Programs destroy plain X windows without telling GLX, and what we keep
 * for a window that was presented holds a shared-memory segment of its
 * size. When a new window comes, the dead ones of the display go (a few
 * round trips, once per new window).
 */
static void prune_dead_windows(Display *dpy, GLXDrawable except)
{
	struct liveness l = { 0 };
	pthread_mutex_lock(&drawables_lock);
	for (struct sgl_glx_drawable *d = drawables; d; d = d->next)
		l.count += d->dpy == dpy && d->kind == SGL_GLX_WINDOW && d->xid != except;
	l.xids = calloc(l.count, sizeof(*l.xids));
	l.alive = calloc(l.count, sizeof(*l.alive));
	size_t n = 0;
	for (struct sgl_glx_drawable *d = drawables; d && l.xids && l.alive; d = d->next) {
		if (d->dpy == dpy && d->kind == SGL_GLX_WINDOW && d->xid != except)
			l.xids[n++] = d->xid;
	}
	pthread_mutex_unlock(&drawables_lock);
	if (n && l.xids && l.alive) {
		l.count = n;
		sgl_x11_trap_errors(dpy, check_windows, &l);
		for (size_t i = 0; i < n; i++) {
			if (!l.alive[i])
				forget(dpy, l.xids[i]);
		}
	}
	free(l.xids);
	free(l.alive);
}

/* Plain X windows reach glXMakeCurrent without glXCreateWindow: they get
 * their entry on first use. */
static struct sgl_glx_drawable *get(Display *dpy, GLXDrawable xid,
				    enum sgl_glx_drawable_kind kind)
{
	bool added = false;
	pthread_mutex_lock(&drawables_lock);
	struct sgl_glx_drawable *d = find_locked(dpy, xid);
	if (!d && xid != None && (d = calloc(1, sizeof(*d)))) {
		d->dpy = dpy;
		d->xid = xid;
		d->kind = kind;
		d->swap_interval = 1;
		sgl_x11_window_init(&d->win, dpy, xid);
		d->next = drawables;
		drawables = d;
		added = true;
	}
	pthread_mutex_unlock(&drawables_lock);
	if (added && kind == SGL_GLX_WINDOW)
		prune_dead_windows(dpy, xid);
	return d;
}

struct sgl_glx_drawable *sgl_glx_drawable_get(Display *dpy, GLXDrawable xid)
{
	return get(dpy, xid, SGL_GLX_WINDOW);
}

static void drawable_free(struct sgl_glx_drawable *d, bool display_closing)
{
	/* A deferred frame for this window is not shown (guest/session.h). */
	sgl_session_forget_present(sgl_runtime_session_if_open(), d);
	sgl_x11_present_release(&d->win, display_closing);
	free(d);
}

static void forget(Display *dpy, GLXDrawable xid)
{
	pthread_mutex_lock(&drawables_lock);
	struct sgl_glx_drawable *d = NULL;
	for (struct sgl_glx_drawable **p = &drawables; *p; p = &(*p)->next) {
		if ((*p)->dpy == dpy && (*p)->xid == xid) {
			d = *p;
			*p = d->next;
			break;
		}
	}
	pthread_mutex_unlock(&drawables_lock);
	if (d)
		drawable_free(d, false);
}

void sgl_glx_drawables_forget_display(Display *dpy)
{
	struct sgl_glx_drawable *gone = NULL;
	pthread_mutex_lock(&drawables_lock);
	for (struct sgl_glx_drawable **p = &drawables; *p;) {
		struct sgl_glx_drawable *d = *p;
		if (d->dpy != dpy) {
			p = &d->next;
			continue;
		}
		*p = d->next;
		d->next = gone;
		gone = d;
	}
	pthread_mutex_unlock(&drawables_lock);
	while (gone) {
		struct sgl_glx_drawable *next = gone->next;
		drawable_free(gone, true);
		gone = next;
	}
}

bool sgl_glx_drawable_size(Display *dpy, GLXDrawable xid, uint32_t *w, uint32_t *h)
{
	struct sgl_glx_drawable *d = sgl_glx_drawable_find(dpy, xid);
	if (d && d->kind == SGL_GLX_PBUFFER) {
		*w = d->width;
		*h = d->height;
		return true;
	}
	Window root;
	int x, y;
	unsigned int width, height, border, depth;
	if (xid == None || !XGetGeometry(dpy, xid, &root, &x, &y, &width, &height, &border, &depth))
		return false;
	*w = width;
	*h = height;
	return true;
}

GLXWindow sgl_glXCreateWindow(Display *dpy, GLXFBConfig config, Window win, const int *attribs)
{
	(void)attribs;
	struct sgl_glx_drawable *d = get(dpy, win, SGL_GLX_WINDOW);
	if (d)
		d->config = config;
	return win;
}

void sgl_glXDestroyWindow(Display *dpy, GLXWindow win)
{
	forget(dpy, win);
}

GLXPixmap sgl_glXCreatePixmap(Display *dpy, GLXFBConfig config, Pixmap pixmap,
			      const int *attribs)
{
	(void)attribs;
	struct sgl_glx_drawable *d = get(dpy, pixmap, SGL_GLX_PIXMAP);
	if (d)
		d->config = config;
	return pixmap;
}

void sgl_glXDestroyPixmap(Display *dpy, GLXPixmap pixmap)
{
	forget(dpy, pixmap);
}

GLXPixmap sgl_glXCreateGLXPixmap(Display *dpy, XVisualInfo *vis, Pixmap pixmap)
{
	GLXFBConfig c = vis ? sgl_glx_config_for_info(dpy, vis) : NULL;
	return sgl_glXCreatePixmap(dpy, c, pixmap, NULL);
}

void sgl_glXDestroyGLXPixmap(Display *dpy, GLXPixmap pixmap)
{
	forget(dpy, pixmap);
}

GLXPbuffer sgl_glXCreatePbuffer(Display *dpy, GLXFBConfig config, const int *attribs)
{
	int width = 0, height = 0;
	for (int i = 0; attribs && attribs[i] != None; i += 2) {
		if (attribs[i] == GLX_PBUFFER_WIDTH)
			width = attribs[i + 1];
		else if (attribs[i] == GLX_PBUFFER_HEIGHT)
			height = attribs[i + 1];
	}
	if (width < 0 || height < 0)
		return None;
	/* An XID from our own range: unique on the connection, which is what
	 * glvnd maps drawables by, and no request ever names it. */
	XLockDisplay(dpy);
	XID xid = XAllocID(dpy);
	XUnlockDisplay(dpy);
	struct sgl_glx_drawable *d = get(dpy, xid, SGL_GLX_PBUFFER);
	if (!d)
		return None;
	d->config = config;
	d->width = (uint32_t)width;
	d->height = (uint32_t)height;
	return xid;
}

void sgl_glXDestroyPbuffer(Display *dpy, GLXPbuffer pbuf)
{
	forget(dpy, pbuf);
}

struct window_query {
	GLXDrawable xid;
	XWindowAttributes wa;
	Status ok;
};

static void query_window(Display *dpy, void *data)
{
	struct window_query *q = data;
	q->ok = XGetWindowAttributes(dpy, q->xid, &q->wa);
}

/* A window's config: the one of its visual. The drawable may be a window
 * GLX never saw (glXMakeCurrent takes plain windows), or no window. */
static GLXFBConfig drawable_config(Display *dpy, GLXDrawable draw,
				   const struct sgl_glx_drawable *d)
{
	struct window_query q = { .xid = draw };
	if (d && d->config)
		return d->config;
	if (d && d->kind != SGL_GLX_WINDOW)
		return NULL;
	if (!sgl_x11_trap_errors(dpy, query_window, &q) || !q.ok)
		return NULL;
	return sgl_glx_config_for_visual(dpy, XScreenNumberOfScreen(q.wa.screen),
					 XVisualIDFromVisual(q.wa.visual));
}

void sgl_glXQueryDrawable(Display *dpy, GLXDrawable draw, int attrib, unsigned int *value)
{
	struct sgl_glx_drawable *d = sgl_glx_drawable_find(dpy, draw);
	uint32_t w = 0, h = 0;
	GLXFBConfig c;

	if (draw == None) {
		/* "If draw is not a valid GLX drawable, a GLXBadDrawable error
		 * is generated." */
		sgl_glx_error(dpy, SGL_GLX_BAD_DRAWABLE, true, draw);
		return;
	}
	if (!value)
		return;
	switch (attrib) {
	case GLX_WIDTH:
	case GLX_HEIGHT:
		sgl_glx_drawable_size(dpy, draw, &w, &h);
		*value = attrib == GLX_WIDTH ? w : h;
		break;
	case GLX_PRESERVED_CONTENTS:
		*value = True;
		break;
	case GLX_LARGEST_PBUFFER:
		*value = False;
		break;
	case GLX_FBCONFIG_ID:
		c = drawable_config(dpy, draw, d);
		*value = c ? (unsigned int)c->id : 0;
		break;
	case GLX_SWAP_INTERVAL_EXT:
		*value = d ? (unsigned int)d->swap_interval : 1;
		break;
	case GLX_MAX_SWAP_INTERVAL_EXT:
		*value = 1;
		break;
	default:
		break;
	}
}

/* Clobber and buffer-swap events never happen: the mask is only kept for
 * glXGetSelectedEvent. */
void sgl_glXSelectEvent(Display *dpy, GLXDrawable draw, unsigned long mask)
{
	struct sgl_glx_drawable *d = sgl_glx_drawable_get(dpy, draw);
	if (d)
		d->event_mask = mask;
}

void sgl_glXGetSelectedEvent(Display *dpy, GLXDrawable draw, unsigned long *mask)
{
	struct sgl_glx_drawable *d = sgl_glx_drawable_find(dpy, draw);
	if (mask)
		*mask = d ? d->event_mask : 0;
}

void sgl_glXSwapIntervalEXT(Display *dpy, GLXDrawable drawable, int interval)
{
	struct sgl_glx_drawable *d = sgl_glx_drawable_get(dpy, drawable);
	if (d && interval >= 0) {
		d->swap_interval = interval;
		sgl_pacer_set(&d->pace, interval);
	}
}
