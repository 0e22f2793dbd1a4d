/*
 * Putting a frame from the host into an X window. The frame is BGRA8888,
 * top row first: in memory that is the 32-bit pixel 0xAARRGGBB of a
 * little-endian client, which is what the usual 24- and 32-bit TrueColor
 * visuals store, so the bytes go out unchanged through MIT-SHM (local
 * servers) or XPutImage. Other visuals get a converted image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xutil.h>

#include "x11_present.h"

void sgl_x11_window_init(struct sgl_x11_window *w, Display *dpy, Window xid)
{
	*w = (struct sgl_x11_window){ .dpy = dpy, .xid = xid, .shm = -1 };
}

static bool debug(void)
{
	const char *v = getenv("SGL_DEBUG");
	return v && *v && strcmp(v, "0");
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

/* Decided once per window (a few cheap checks, Xlib caches the extension
 * query); $SGL_GLX_NO_SHM turns MIT-SHM off for both libraries. */
static bool shm_usable(struct sgl_x11_window *w)
{
	if (w->shm < 0) {
		const char *off = getenv("SGL_GLX_NO_SHM");
		w->shm = (!off || !*off || !strcmp(off, "0")) && display_is_local(w->dpy) &&
			 XShmQueryExtension(w->dpy);
	}
	return w->shm == 1;
}

static void attach(Display *dpy, void *data)
{
	XShmAttach(dpy, data);
}

/* Attaches a segment to the server; false, and MIT-SHM off for the window,
 * when the server refuses it (e.g. it runs in another IPC namespace). */
static bool shm_attach(struct sgl_x11_window *w, XShmSegmentInfo *info)
{
	if (sgl_x11_trap_errors(w->dpy, attach, info))
		return true;
	w->shm = 0;
	if (debug())
		fprintf(stderr, "sgl: the X server cannot attach our MIT-SHM segments: "
			"using XPutImage\n");
	return false;
}

static int pixmap_bpp(Display *dpy, int depth)
{
	int n = 0, bpp = 0;
	XPixmapFormatValues *f = XListPixmapFormats(dpy, &n);
	for (int i = 0; f && i < n; i++) {
		if (f[i].depth == depth)
			bpp = f[i].bits_per_pixel;
	}
	XFree(f);
	return bpp;
}

/* Looks up the window's visual once: whether frame bytes can go as they are. */
static bool check_window(struct sgl_x11_window *d)
{
	XWindowAttributes wa;
	if (!XGetWindowAttributes(d->dpy, d->xid, &wa))
		return false;
	d->visual = wa.visual;
	d->depth = wa.depth;
	d->gc = XCreateGC(d->dpy, d->xid, 0, NULL);
	d->direct = wa.visual->class == TrueColor && wa.visual->red_mask == 0xff0000 &&
		    wa.visual->green_mask == 0xff00 && wa.visual->blue_mask == 0xff &&
		    (wa.depth == 24 || wa.depth == 32) && pixmap_bpp(d->dpy, wa.depth) == 32 &&
		    ImageByteOrder(d->dpy) == LSBFirst;
	d->checked = true;
	return true;
}

static void shm_image_free(struct sgl_x11_window *d, bool display_closing)
{
	if (!d->shm_image)
		return;
	/* The server lets go of the segment when the connection closes. */
	if (!display_closing)
		XShmDetach(d->dpy, &d->shm_info);
	d->shm_image->data = NULL;
	XDestroyImage(d->shm_image);
	shmdt(d->shm_info.shmaddr);
	d->shm_image = NULL;
}

/* A new segment, attached on both sides. */
static bool segment_attach(struct sgl_x11_window *d, size_t size)
{
	XShmSegmentInfo *si = &d->shm_info;
	si->shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (si->shmid < 0)
		return false;
	si->shmaddr = shmat(si->shmid, NULL, 0);
	si->readOnly = True;
	bool ok = si->shmaddr != (void *)-1 && shm_attach(d, si);
	/* Marked for removal at once: it goes when both sides have detached,
	 * even if we crash. */
	shmctl(si->shmid, IPC_RMID, NULL);
	if (!ok && si->shmaddr != (void *)-1)
		shmdt(si->shmaddr);
	return ok;
}

/* An image sized to the frame; a new one when the window (and so the
 * frame) changes size. */
static bool shm_image_ensure(struct sgl_x11_window *d, uint32_t w, uint32_t h)
{
	XImage *img = d->shm_image;
	if (img && (uint32_t)img->width == w && (uint32_t)img->height == h)
		return true;
	shm_image_free(d, false);
	img = XShmCreateImage(d->dpy, d->visual, (unsigned)d->depth, ZPixmap, NULL, &d->shm_info,
			      w, h);
	if (!img)
		return false;
	if (!segment_attach(d, (size_t)img->bytes_per_line * h)) {
		XDestroyImage(img);
		return false;
	}
	img->data = d->shm_info.shmaddr;
	d->shm_image = img;
	return true;
}

static void host_image_free(struct sgl_x11_window *d, struct sgl_x11_host_image *h,
			    bool display_closing)
{
	if (!h->image)
		return;
	if (!display_closing)
		XShmDetach(d->dpy, &h->info);
	h->image->data = NULL;
	XDestroyImage(h->image);
	h->image = NULL;
	h->info = (XShmSegmentInfo){ 0 };
}

/* The frame is already in a segment the server can attach (the host's):
 * one XShmPutImage, no copy. The host writes the segment again only when
 * this context swaps next (the swap after next when swaps defer), after
 * the caller's round trip. */
static bool put_host_segment(struct sgl_x11_window *d, const struct sgl_frame *f)
{
	if (f->shmid < 0 || d->host_failed || f->stride != f->width * 4)
		return false;
	char *base = (char *)f->pixels - f->shm_offset;
	/* The slot attached to this segment, else the one not shown last. */
	unsigned i = d->host[0].image && d->host[0].info.shmid == f->shmid ? 0 :
		     d->host[1].image && d->host[1].info.shmid == f->shmid ? 1 :
									      d->host_last ^ 1;
	struct sgl_x11_host_image *h = &d->host[i];
	bool attached = h->image && h->info.shmid == f->shmid && h->info.shmaddr == base;
	XImage *img = h->image;
	if (img && !attached) {
		host_image_free(d, h, false);
	} else if (img && ((uint32_t)img->width != f->width || (uint32_t)img->height != f->height)) {
		/* Only the size changed: a new image on the same attachment. */
		img->data = NULL;
		XDestroyImage(img);
		h->image = NULL;
	}
	if (!h->image) {
		/* The image keeps a pointer to its segment info (obdata). */
		if (!attached)
			h->info = (XShmSegmentInfo){ 0, f->shmid, base, True };
		img = XShmCreateImage(d->dpy, d->visual, (unsigned)d->depth, ZPixmap, NULL, &h->info,
				      f->width, f->height);
		if (!img || img->bytes_per_line != (int)f->stride) {
			if (img)
				XDestroyImage(img);
			if (!attached)
				h->info = (XShmSegmentInfo){ 0 };
			return false;
		}
		if (!attached && !sgl_x11_trap_errors(d->dpy, attach, &h->info)) {
			d->host_failed = true;
			h->info = (XShmSegmentInfo){ 0 };
			XDestroyImage(img);
			return false;
		}
		h->image = img;
	}
	d->host_last = i;
	h->image->data = (char *)f->pixels;
	XShmPutImage(d->dpy, d->xid, d->gc, h->image, 0, 0, 0, 0, f->width, f->height, False);
	return true;
}

static bool put_shm(struct sgl_x11_window *d, const struct sgl_frame *f)
{
	if (!shm_usable(d) || !shm_image_ensure(d, f->width, f->height))
		return false;
	XImage *img = d->shm_image;
	size_t row = (size_t)f->width * 4;
	for (uint32_t y = 0; y < f->height; y++)
		memcpy(img->data + (size_t)y * img->bytes_per_line,
		       f->pixels + (size_t)y * f->stride, row);
	/* No completion event: the caller's next round trip (the size check
	 * after every swap) proves the server has read the segment before we
	 * write it again. */
	XShmPutImage(d->dpy, d->xid, d->gc, img, 0, 0, 0, 0, f->width, f->height, False);
	return true;
}

/* Xlib copies the image into its request buffer: the frame can go as is. */
static void put_direct(struct sgl_x11_window *d, const struct sgl_frame *f)
{
	XImage *img = XCreateImage(d->dpy, d->visual, (unsigned)d->depth, ZPixmap, 0,
				   (char *)f->pixels, f->width, f->height, 32, (int)f->stride);
	if (!img)
		return;
	XPutImage(d->dpy, d->xid, d->gc, img, 0, 0, 0, 0, f->width, f->height);
	img->data = NULL;
	XDestroyImage(img);
}

static unsigned long scale(unsigned int v8, unsigned long mask)
{
	if (!mask)
		return 0;
	int shift = __builtin_ctzl(mask);
	unsigned long max = mask >> shift;
	return ((v8 * max + 127) / 255) << shift;
}

/* Any other visual: pixel by pixel, slow but only for unusual servers. */
static void put_converted(struct sgl_x11_window *d, const struct sgl_frame *f)
{
	Visual *v = d->visual;
	XImage *img = XCreateImage(d->dpy, v, (unsigned)d->depth, ZPixmap, 0, NULL, f->width,
				   f->height, 32, 0);
	if (!img)
		return;
	img->data = malloc((size_t)img->bytes_per_line * f->height);
	if (!img->data) {
		XDestroyImage(img);
		return;
	}
	for (uint32_t y = 0; y < f->height; y++) {
		const uint8_t *p = f->pixels + (size_t)y * f->stride;
		for (uint32_t x = 0; x < f->width; x++, p += 4) {
			unsigned long px = scale(p[2], v->red_mask) | scale(p[1], v->green_mask) |
					   scale(p[0], v->blue_mask);
			XPutPixel(img, (int)x, (int)y, px);
		}
	}
	XPutImage(d->dpy, d->xid, d->gc, img, 0, 0, 0, 0, f->width, f->height);
	XDestroyImage(img);
}

void sgl_x11_present(struct sgl_x11_window *d, const struct sgl_frame *f)
{
	if (!f->width || !f->height || !f->pixels)
		return;
	if (!d->checked && !check_window(d))
		return;
	if (!d->direct) {
		put_converted(d, f);
	} else if (shm_usable(d) && put_host_segment(d, f)) {
		/* shown from the host's segment */
	} else if (!put_shm(d, f)) {
		put_direct(d, f);
	}
	XFlush(d->dpy);
}

void sgl_x11_present_release(struct sgl_x11_window *d, bool display_closing)
{
	shm_image_free(d, display_closing);
	host_image_free(d, &d->host[0], display_closing);
	host_image_free(d, &d->host[1], display_closing);
	if (d->gc)
		XFreeGC(d->dpy, d->gc);
	d->gc = NULL;
}
