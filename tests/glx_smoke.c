/*
 * A plain GLX program: a 200x150 window, a clear and an immediate-mode
 * triangle, glXSwapBuffers, then the window's pixels read back from the X
 * server. Once more after the window grows to 300x200.
 *
 * It links the system libGL; run it against the drop-in libGL.so.1 or
 * glvnd with our vendor library:
 *   LD_LIBRARY_PATH=build/guest/glx ./glx_smoke
 *   LD_LIBRARY_PATH=build/guest/glx/glvnd __GLX_VENDOR_LIBRARY_NAME=sgl ./glx_smoke
 * "./glx_smoke attribs" creates the context with glXCreateContextAttribsARB;
 * $GLX_SMOKE_VENDOR, when set, must be part of the GLX client vendor string.
 * "./glx_smoke env" prints what the environment changes in a guest instead
 * of checking the drawing (integration.sh checks the lines): the GLX, GL
 * and GLSL versions, the time of 20 swaps at swap interval 1, and the white
 * pixels in the window's top-left 60x14 (the FPS overlay).
 *
 * It reads the screen: no other window may cover its own while it runs.
 * Exits 0 on success, 1 on a wrong pixel or a GL failure, 77 when there is
 * no display (or no GL context to be had: sgl-host not running).
 */
#include <GL/gl.h>
#include <GL/glx.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SKIP 77

static const float clear_color[3] = { 0.0f, 0.5f, 1.0f };
static const float tri_color[3] = { 1.0f, 1.0f, 0.0f };

static void draw(void)
{
	glClearColor(clear_color[0], clear_color[1], clear_color[2], 1.0f);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	glColor3f(tri_color[0], tri_color[1], tri_color[2]);
	glBegin(GL_TRIANGLES);
	glVertex2f(-0.5f, -0.5f);
	glVertex2f(0.5f, -0.5f);
	glVertex2f(0.0f, 0.5f);
	glEnd();
}

static unsigned channel(unsigned long pixel, unsigned long mask)
{
	if (!mask)
		return 0;
	int shift = __builtin_ctzl(mask);
	unsigned long max = mask >> shift;
	return (unsigned)(((pixel & mask) >> shift) * 255 / max);
}

static bool check_pixel(XImage *img, Visual *v, int x, int y, const float want[3],
			const char *what)
{
	unsigned long p = XGetPixel(img, x, y);
	unsigned got[3] = { channel(p, v->red_mask), channel(p, v->green_mask),
			    channel(p, v->blue_mask) };
	bool ok = true;
	for (int i = 0; i < 3; i++) {
		int expect = (int)(want[i] * 255.0f + 0.5f);
		if (abs((int)got[i] - expect) > 2)
			ok = false;
	}
	if (!ok)
		fprintf(stderr,
			"glx_smoke: pixel (%d,%d) %s: found %u,%u,%u, expected %.0f,%.0f,%.0f\n",
			x, y, what, got[0], got[1], got[2], want[0] * 255, want[1] * 255,
			want[2] * 255);
	return ok;
}

/* Reads the window back and checks the triangle's middle and a corner. */
static bool check_window(Display *dpy, Window win, Visual *v, int w, int h)
{
	glFinish();
	XSync(dpy, False);
	XImage *img = XGetImage(dpy, win, 0, 0, (unsigned)w, (unsigned)h, AllPlanes, ZPixmap);
	if (!img) {
		fprintf(stderr, "glx_smoke: XGetImage failed\n");
		return false;
	}
	bool ok = check_pixel(img, v, w / 2, h / 2, tri_color, "inside the triangle");
	ok &= check_pixel(img, v, w - 5, h - 5, clear_color, "in the cleared area");
	ok &= check_pixel(img, v, 5, 5, clear_color, "in the cleared area");
	XDestroyImage(img);
	return ok;
}

static int env_report(Display *dpy, Window win, Visual *v)
{
	int major = 0, minor = 0;
	glXQueryVersion(dpy, &major, &minor);
	printf("glx_smoke: GLX %d.%d (%s), GL_VERSION %s, GLSL %s\n", major, minor,
	       glXGetClientString(dpy, GLX_VERSION), (const char *)glGetString(GL_VERSION),
	       (const char *)glGetString(GL_SHADING_LANGUAGE_VERSION));
	PFNGLXSWAPINTERVALEXTPROC interval = (PFNGLXSWAPINTERVALEXTPROC)glXGetProcAddressARB(
		(const GLubyte *)"glXSwapIntervalEXT");
	if (!interval)
		return 1;
	interval(dpy, win, 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 20; i++) {
		draw();
		glXSwapBuffers(dpy, win);
	}
	glFinish();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("glx_smoke: 20 swaps in %.3f s\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	XSync(dpy, False);
	XImage *img = XGetImage(dpy, win, 0, 0, 60, 14, AllPlanes, ZPixmap);
	if (!img)
		return 1;
	int white = 0;
	for (int y = 0; y < 14; y++)
		for (int x = 0; x < 60; x++) {
			unsigned long p = XGetPixel(img, x, y);
			white += channel(p, v->red_mask) == 255 && channel(p, v->green_mask) == 255 &&
				 channel(p, v->blue_mask) == 255;
		}
	XDestroyImage(img);
	printf("glx_smoke: %d white pixels top-left\n", white);
	return 0;
}

static void wait_event(Display *dpy, int type, int width)
{
	XEvent ev;
	for (;;) {
		XNextEvent(dpy, &ev);
		if (ev.type != type)
			continue;
		if (type != ConfigureNotify || ev.xconfigure.width == width)
			return;
	}
}

static GLXContext create_context(Display *dpy, GLXFBConfig config, bool attribs)
{
	if (!attribs)
		return glXCreateNewContext(dpy, config, GLX_RGBA_TYPE, NULL, True);
	PFNGLXCREATECONTEXTATTRIBSARBPROC create = (PFNGLXCREATECONTEXTATTRIBSARBPROC)
		glXGetProcAddressARB((const GLubyte *)"glXCreateContextAttribsARB");
	const int list[] = { GLX_CONTEXT_MAJOR_VERSION_ARB, 2, GLX_CONTEXT_MINOR_VERSION_ARB, 1,
			     None };
	return create ? create(dpy, config, NULL, True, list) : NULL;
}

int main(int argc, char **argv)
{
	bool attribs = argc > 1 && !strcmp(argv[1], "attribs");
	Display *dpy = XOpenDisplay(NULL);
	if (!dpy) {
		fprintf(stderr, "glx_smoke: cannot open display\n");
		return SKIP;
	}
	const int fb_attribs[] = { GLX_X_RENDERABLE, True, GLX_DRAWABLE_TYPE, GLX_WINDOW_BIT,
				   GLX_RENDER_TYPE, GLX_RGBA_BIT, GLX_RED_SIZE, 8,
				   GLX_GREEN_SIZE, 8, GLX_BLUE_SIZE, 8, GLX_DEPTH_SIZE, 24,
				   GLX_DOUBLEBUFFER, True, None };
	int n = 0;
	GLXFBConfig *configs = glXChooseFBConfig(dpy, DefaultScreen(dpy), fb_attribs, &n);
	XVisualInfo *vi = configs ? glXGetVisualFromFBConfig(dpy, configs[0]) : NULL;
	if (!vi) {
		fprintf(stderr, "glx_smoke: no GLX config for an RGB8 double-buffered window\n");
		return 1;
	}
	Window root = RootWindow(dpy, vi->screen);
	XSetWindowAttributes swa = {
		.colormap = XCreateColormap(dpy, root, vi->visual, AllocNone),
		.event_mask = StructureNotifyMask | ExposureMask,
	};
	Window win = XCreateWindow(dpy, root, 0, 0, 200, 150, 0, vi->depth, InputOutput,
				   vi->visual, CWColormap | CWEventMask | CWBorderPixel, &swa);
	XMapWindow(dpy, win);
	wait_event(dpy, MapNotify, 0);

	GLXContext ctx = create_context(dpy, configs[0], attribs);
	if (!ctx || !glXMakeCurrent(dpy, win, ctx)) {
		fprintf(stderr, "glx_smoke: no GL context (is sgl-host running?)\n");
		return SKIP;
	}
	const GLubyte *renderer = glGetString(GL_RENDERER);
	if (!renderer) {
		fprintf(stderr, "glx_smoke: glGetString(GL_RENDERER) is NULL\n");
		return 1;
	}
	const char *vendor = glXGetClientString(dpy, GLX_VENDOR);
	printf("glx_smoke: GLX vendor %s, GL_RENDERER %s, GL_VERSION %s\n", vendor, renderer,
	       (const char *)glGetString(GL_VERSION));
	/* glvnd quietly falls back to another vendor when ours does not load. */
	const char *want = getenv("GLX_SMOKE_VENDOR");
	if (want && (!vendor || !strstr(vendor, want))) {
		fprintf(stderr, "glx_smoke: GLX vendor is not %s\n", want);
		return 1;
	}

	int rc = -1;
	if (argc > 1 && !strcmp(argv[1], "env")) {
		rc = env_report(dpy, win, vi->visual);
		goto out;
	}
	draw();
	glXSwapBuffers(dpy, win);
	bool ok = check_window(dpy, win, vi->visual, 200, 150);

	/* Programs redraw continuously: the new size may show a frame late. */
	XResizeWindow(dpy, win, 300, 200);
	wait_event(dpy, ConfigureNotify, 300);
	glViewport(0, 0, 300, 200);
	for (int i = 0; i < 2; i++) {
		draw();
		glXSwapBuffers(dpy, win);
	}
	ok &= check_window(dpy, win, vi->visual, 300, 200);
	if (ok)
		printf("glx_smoke: ok\n");
	rc = ok ? 0 : 1;
out:
	glXMakeCurrent(dpy, None, NULL);
	glXDestroyContext(dpy, ctx);
	XDestroyWindow(dpy, win);
	XFree(vi);
	XFree(configs);
	XCloseDisplay(dpy);
	return rc;
}
