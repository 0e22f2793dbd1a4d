/*
 * Putting the host's frames into X windows: what the GLX and EGL libraries
 * share. A window's presentation state lives in the caller's drawable or
 * surface; this code owns the X resources in it (GC, MIT-SHM image).
 */
#ifndef SGL_X11_PRESENT_H
#define SGL_X11_PRESENT_H

#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>
#include <stdbool.h>

#include "session.h"

struct sgl_x11_window {
	Display *dpy;
	Window xid;

	/* Looked up at the first frame. */
	bool checked;
	bool direct;                /* frame bytes are the window's pixel format */
	Visual *visual;
	int depth;
	GC gc;
	int shm;                    /* MIT-SHM: -1 not yet known, 0 off, 1 usable */
	XImage *shm_image;          /* frame-sized, in shm_info's segment */
	XShmSegmentInfo shm_info;
	/* The host's frame segments (frames on this machine), attached to
	 * the server too: shown with no copy here. Two, as the host uses two
	 * in turn while swaps defer; host_last: the one shown last. */
	struct sgl_x11_host_image {
		XImage *image;
		XShmSegmentInfo info;
	} host[2];
	unsigned host_last;
	bool host_failed;           /* the server cannot attach it: copy */
};

/* A window with nothing looked up or allocated yet. */
void sgl_x11_window_init(struct sgl_x11_window *w, Display *dpy, Window xid);
/* Shows `f` (BGRA8888, top row first) in the window and flushes. */
void sgl_x11_present(struct sgl_x11_window *w, const struct sgl_frame *f);
/* Frees the X resources; `display_closing`: the server is going away and
 * lets go of them itself (no requests may be sent then). */
void sgl_x11_present_release(struct sgl_x11_window *w, bool display_closing);

/* Runs `fn` with X errors caught; true when none arrived. */
bool sgl_x11_trap_errors(Display *dpy, void (*fn)(Display *dpy, void *data), void *data);

#endif
