/*
 * frame_probe.so: an LD_PRELOAD library for tests/apps.sh and
 * bench/bench_stk.sh that sees every frame a program presents, natively and
 * through our libGL alike, so both are measured and captured the same way.
 * It wraps SDL_GL_SwapWindow (SDL programs: SDL finds glXSwapBuffers with
 * dlsym on its own handle, past any preload) and glXSwapBuffers (programs
 * linked with libGL).
 *
 * Environment:
 *   SGL_PROBE_FRAMES=N,M,...  frames (1-based, in presentation order) whose
 *                             back buffer is read and appended to
 *   SGL_PROBE_OUT=FILE        as binary PPM (P6, top row first), the stream
 *                             tests/frame_compare.py reads;
 *   SGL_PROBE_LAST=1          every frame is read back, and the last one is
 *                             appended to SGL_PROBE_OUT at exit;
 *   SGL_PROBE_LOG=FILE        at exit: "probe: N frames, first at S s, last
 *                             at S s" (seconds since the first frame);
 *   SGL_PROBE_WINDOW=S        and "probe: K frames in the last S s: F per
 *                             second", the frames presented in the S
 *                             seconds before the last one (a game's race,
 *                             when the program exits as its race ends);
 *   SGL_PROBE_FROM=N          and "probe: K frames from frame N: F per
 *                             second", the rate from the Nth frame to the
 *                             last (a timedemo, once its level is loaded);
 *   SGL_PROBE_CLOCK=FPS       the program's own clock is virtual and moves
 *                             by 1/FPS per frame presented (probe_clock.c).
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe_clock.h"

#define GL_BACK 0x0405
#define GL_RGBA 0x1908
#define GL_UNSIGNED_BYTE 0x1401
#define GL_PACK_ALIGNMENT 0x0D05
#define GL_READ_FRAMEBUFFER 0x8CA8
#define GL_READ_FRAMEBUFFER_BINDING 0x8CAA
#define GL_PIXEL_PACK_BUFFER 0x88EB
#define GL_PIXEL_PACK_BUFFER_BINDING 0x88ED
#define GL_READ_BUFFER 0x0C02

typedef void *(*getproc_fn)(const char *);
typedef void (*getint_fn)(unsigned, int *);
typedef void (*set_fn)(unsigned, int);
typedef void (*bind_fn)(unsigned, unsigned);
typedef void (*readbuf_fn)(unsigned);
typedef void (*read_fn)(int, int, int, int, unsigned, unsigned, void *);

static unsigned long frames;
static double first_t, last_t;
static double *times;   /* every frame's time, for SGL_PROBE_WINDOW */
static unsigned long times_cap;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wanted(unsigned long n)
{
	const char *s = getenv("SGL_PROBE_FRAMES");
	while (s && *s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (end == s)
			return 0;
		if (v == n)
			return 1;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static unsigned char *last_px;
static int last_w, last_h;

static void write_frame(const unsigned char *px, int w, int h)
{
	FILE *f = fopen(getenv("SGL_PROBE_OUT"), "ab");
	if (!f)
		return;
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	for (int y = h - 1; y >= 0; y--)
		fwrite(px + (size_t)y * w * 3, 1, (size_t)w * 3, f);
	fclose(f);
}

/* Reads the current context's back buffer (W x H: the window's size) and
 * appends it to SGL_PROBE_OUT, or keeps it for the exit with SGL_PROBE_LAST,
 * leaving the GL state as it was. */
static void capture(getproc_fn getproc, int w, int h, int keep)
{
	if (!getenv("SGL_PROBE_OUT") || !getproc)
		return;
	getint_fn get = (getint_fn)getproc("glGetIntegerv");
	set_fn pixel_store = (set_fn)getproc("glPixelStorei");
	bind_fn bind_fb = (bind_fn)getproc("glBindFramebuffer");
	bind_fn bind_buf = (bind_fn)getproc("glBindBuffer");
	readbuf_fn read_buffer = (readbuf_fn)getproc("glReadBuffer");
	read_fn read = (read_fn)getproc("glReadPixels");
	if (!get || !pixel_store || !read || !read_buffer)
		return;
	int align = 4, rfb = 0, pbo = 0, rbuf = GL_BACK;
	get(GL_PACK_ALIGNMENT, &align);
	get(GL_READ_BUFFER, &rbuf);
	if (bind_fb)
		get(GL_READ_FRAMEBUFFER_BINDING, &rfb);
	if (bind_buf)
		get(GL_PIXEL_PACK_BUFFER_BINDING, &pbo);
	if (w <= 0 || h <= 0 || w > 16384 || h > 16384)
		return;
	unsigned char *px = keep && last_w == w && last_h == h ? last_px
							       : malloc((size_t)w * h * 4);
	if (!px)
		return;
	if (bind_fb)
		bind_fb(GL_READ_FRAMEBUFFER, 0);
	if (bind_buf)
		bind_buf(GL_PIXEL_PACK_BUFFER, 0);
	read_buffer(GL_BACK);
	pixel_store(GL_PACK_ALIGNMENT, 1);
	/* GL_RGBA: the one format GLES must read (GL_RGB is GL_INVALID_OPERATION
	 * there); packed to RGB below. */
	read(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px);
	for (size_t i = 0; i < (size_t)w * h; i++)
		memmove(px + i * 3, px + i * 4, 3);
	pixel_store(GL_PACK_ALIGNMENT, align);
	read_buffer((unsigned)rbuf);
	if (bind_buf)
		bind_buf(GL_PIXEL_PACK_BUFFER, (unsigned)pbo);
	if (bind_fb)
		bind_fb(GL_READ_FRAMEBUFFER, (unsigned)rfb);
	if (keep) {
		if (px != last_px)
			free(last_px);
		last_px = px, last_w = w, last_h = h;
		return;
	}
	write_frame(px, w, h);
	free(px);
}

static void frame(getproc_fn getproc, int w, int h)
{
	double t = now();
	if (frames == 0)
		first_t = t;
	last_t = t;
	if (frames >= times_cap && frames < (1ul << 24)) {
		unsigned long cap = times_cap ? times_cap * 2 : 4096;
		double *n = realloc(times, cap * sizeof(*n));
		if (n)
			times = n, times_cap = cap;
	}
	if (frames < times_cap)
		times[frames] = t;
	frames++;
	const char *last = getenv("SGL_PROBE_LAST");
	if (wanted(frames) || (last && *last == '1'))
		capture(getproc, w, h, !wanted(frames));
	probe_clock_present();
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("SGL_PROBE_LOG");
	/* Only a process that presented: a child the program forks (and exits)
	 * has nothing to say and must not overwrite the parent's line. */
	if (last_px)
		write_frame(last_px, last_w, last_h);
	FILE *f = path && frames ? fopen(path, "w") : NULL;
	if (!f)
		return;
	fprintf(f, "probe: %lu frames, first at 0 s, last at %.3f s\n", frames,
		frames ? last_t - first_t : 0.0);
	const char *w = getenv("SGL_PROBE_WINDOW");
	double win = w ? atof(w) : 0;
	if (win > 0 && frames <= times_cap) {
		unsigned long k = 0;
		for (unsigned long i = 0; i < frames; i++)
			k += times[i] > last_t - win;
		fprintf(f, "probe: %lu frames in the last %g s: %.2f per second\n", k, win, k / win);
	}
	const char *from = getenv("SGL_PROBE_FROM");
	unsigned long n = from ? strtoul(from, NULL, 10) : 0;
	if (n >= 1 && n < frames && frames <= times_cap && last_t > times[n - 1])
		fprintf(f, "probe: %lu frames from frame %lu: %.2f per second\n", frames - n, n,
			(frames - n) / (last_t - times[n - 1]));
	fclose(f);
}

__attribute__((visibility("default"))) void SDL_GL_SwapWindow(void *window)
{
	static void (*real)(void *);
	if (!real)
		real = (void (*)(void *))dlsym(RTLD_NEXT, "SDL_GL_SwapWindow");
	static void (*size)(void *, int *, int *);
	if (!size)
		size = (void (*)(void *, int *, int *))dlsym(RTLD_DEFAULT, "SDL_GL_GetDrawableSize");
	int w = 0, h = 0;
	if (size)
		size(window, &w, &h);
	frame((getproc_fn)dlsym(RTLD_DEFAULT, "SDL_GL_GetProcAddress"), w, h);
	if (real)
		real(window);
}

__attribute__((visibility("default"))) void glXSwapBuffers(void *dpy,
							      unsigned long drawable)
{
	static void (*real)(void *, unsigned long);
	if (!real)
		real = (void (*)(void *, unsigned long))dlsym(RTLD_NEXT, "glXSwapBuffers");
	static void (*query)(void *, unsigned long, int, unsigned *);
	if (!query)
		query = (void (*)(void *, unsigned long, int, unsigned *))dlsym(RTLD_NEXT,
										"glXQueryDrawable");
	unsigned w = 0, h = 0;
	if (query) {
		query(dpy, drawable, 0x801D /* GLX_WIDTH */, &w);
		query(dpy, drawable, 0x801E /* GLX_HEIGHT */, &h);
	}
	frame((getproc_fn)dlsym(RTLD_NEXT, "glXGetProcAddressARB"), (int)w, (int)h);
	if (real)
		real(dpy, drawable);
}

/* A program with SDL linked in statically (warzone2100) has no
 * SDL_GL_SwapWindow to wrap, and its SDL finds glXSwapBuffers with dlsym on
 * the libGL.so.1 it dlopened: past the glXSwapBuffers above. So dlsym is
 * wrapped as well: a lookup of glXSwapBuffers through a handle returns
 * dl_swap, which records the frame and calls what the handle had. */
static void (*handle_swap)(void *, unsigned long);
static void *(*handle_getproc)(const char *);
static void *(*handle_query)(void *, unsigned long, int, unsigned *);

static void *real_dlsym(void *handle, const char *name)
{
	static void *(*real)(void *, const char *);
	if (!real)
		real = (void *(*)(void *, const char *))dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
	if (!real)
		real = (void *(*)(void *, const char *))dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
	return real ? real(handle, name) : NULL;
}

static void dl_swap(void *dpy, unsigned long drawable)
{
	unsigned w = 0, h = 0;
	if (handle_query) {
		handle_query(dpy, drawable, 0x801D /* GLX_WIDTH */, &w);
		handle_query(dpy, drawable, 0x801E /* GLX_HEIGHT */, &h);
	}
	frame((getproc_fn)handle_getproc, (int)w, (int)h);
	handle_swap(dpy, drawable);
}

static void *(*handle_getproc_name)(const char *);

/* The handle's glXGetProcAddress(ARB), for SDL, which looks glXSwapBuffers
 * up through it when it has one. */
static void *dl_getproc(const char *name)
{
	void *p = handle_getproc_name(name);
	if (!p || strcmp(name, "glXSwapBuffers"))
		return p;
	handle_swap = (void (*)(void *, unsigned long))p;
	return (void *)dl_swap;
}

__attribute__((visibility("default"))) void *dlsym(void *handle, const char *name)
{
	void *p = real_dlsym(handle, name);
	if (!p || handle == RTLD_NEXT || handle == RTLD_DEFAULT || strncmp(name, "glX", 3))
		return p;
	if (!handle_getproc) {
		handle_getproc = (void *(*)(const char *))real_dlsym(handle, "glXGetProcAddressARB");
		handle_query = (void *(*)(void *, unsigned long, int, unsigned *))real_dlsym(
			handle, "glXQueryDrawable");
	}
	if (!strcmp(name, "glXSwapBuffers")) {
		handle_swap = (void (*)(void *, unsigned long))p;
		return (void *)dl_swap;
	}
	if (!strcmp(name, "glXGetProcAddressARB") || !strcmp(name, "glXGetProcAddress")) {
		handle_getproc_name = (void *(*)(const char *))p;
		return (void *)dl_getproc;
	}
	return p;
}
