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

#include "glx_internal.h"

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
static bool check_window(struct sgl_glx_drawable *d)
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

static void shm_image_free(struct sgl_glx_drawable *d, bool display_closing)
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
static bool segment_attach(struct sgl_glx_drawable *d, size_t size)
{
	XShmSegmentInfo *si = &d->shm_info;
	si->shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (si->shmid < 0)
		return false;
	si->shmaddr = shmat(si->shmid, NULL, 0);
	si->readOnly = True;
	bool ok = si->shmaddr != (void *)-1 && sgl_glx_display_shm_attach(d->dpy, si);
	/* Marked for removal at once: it goes when both sides have detached,
	 * even if we crash. */
	shmctl(si->shmid, IPC_RMID, NULL);
	if (!ok && si->shmaddr != (void *)-1)
		shmdt(si->shmaddr);
	return ok;
}

/* An image sized to the frame; a new one when the window (and so the
 * frame) changes size. */
static bool shm_image_ensure(struct sgl_glx_drawable *d, uint32_t w, uint32_t h)
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

static bool put_shm(struct sgl_glx_drawable *d, const struct sgl_frame *f)
{
	if (!sgl_glx_display_shm_usable(d->dpy) || !shm_image_ensure(d, f->width, f->height))
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
static void put_direct(struct sgl_glx_drawable *d, const struct sgl_frame *f)
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
static void put_converted(struct sgl_glx_drawable *d, const struct sgl_frame *f)
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

void sgl_glx_present(struct sgl_glx_drawable *d, const struct sgl_frame *f)
{
	if (!f->width || !f->height || !f->pixels)
		return;
	if (!d->checked && !check_window(d))
		return;
	if (!d->direct) {
		put_converted(d, f);
	} else if (!put_shm(d, f)) {
		put_direct(d, f);
	}
	XFlush(d->dpy);
}

void sgl_glx_present_release(struct sgl_glx_drawable *d, bool display_closing)
{
	shm_image_free(d, display_closing);
	if (d->gc)
		XFreeGC(d->dpy, d->gc);
	d->gc = NULL;
}
