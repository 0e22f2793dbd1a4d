/*
 * A plain EGL + GLES 2 program, linked with the system libEGL and
 * libGLESv2 (glvnd), run against our vendor library:
 *   __EGL_VENDOR_LIBRARY_FILENAMES=build/guest/egl/50_sgl.json ./egl_smoke pbuffer
 *
 * "pbuffer" needs no X server. On the default display and on the
 * surfaceless platform display: a 64x48 pbuffer and a GLES 2 context, a
 * clear and a triangle checked with glReadPixels; the same context made
 * current without a surface drawing into a framebuffer object; a desktop
 * GL core context on the pbuffer; a few errors as libEGL reports them.
 * "window" ($DISPLAY): an X11 platform display and a 200x150 window; a
 * clear and a triangle, eglSwapBuffers, the window's pixels read back from
 * the X server. Once more after the window grows to 300x200.
 * $EGL_SMOKE_VENDOR, when set, must be part of EGL_VENDOR.
 *
 * The window mode reads the screen: no other window may cover its own.
 * Exits 0 on success, 1 on a wrong pixel or an EGL/GL failure, 77 when it
 * cannot run here: no X display for the window mode, or no EGL display that
 * initializes (sgl-host not running).
 */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKIP 77

static const float clear_color[3] = { 0.0f, 0.5f, 1.0f };
static const float tri_color[3] = { 1.0f, 1.0f, 0.0f };

static bool fail(const char *what)
{
	fprintf(stderr, "egl_smoke: %s (EGL error 0x%x)\n", what, eglGetError());
	return false;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && (p = strstr(p, word)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static GLuint compile(GLenum type, const char *src)
{
	GLuint s = glCreateShader(type);
	glShaderSource(s, 1, &src, NULL);
	glCompileShader(s);
	GLint ok = 0;
	glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[512] = "";
		glGetShaderInfoLog(s, sizeof(log), NULL, log);
		fprintf(stderr, "egl_smoke: shader: %s\n", log);
	}
	return s;
}

/* A flat-colored triangle from a vertex buffer: GLES 2 has no fixed
 * function. */
static GLuint triangle_program(void)
{
	static const char vs[] = "attribute vec2 pos;\n"
				 "void main() { gl_Position = vec4(pos, 0.0, 1.0); }\n";
	static const char fs[] = "precision mediump float;\n"
				 "uniform vec3 color;\n"
				 "void main() { gl_FragColor = vec4(color, 1.0); }\n";
	static const float verts[] = { -0.5f, -0.5f, 0.5f, -0.5f, 0.0f, 0.5f };
	GLuint p = glCreateProgram();
	glAttachShader(p, compile(GL_VERTEX_SHADER, vs));
	glAttachShader(p, compile(GL_FRAGMENT_SHADER, fs));
	glBindAttribLocation(p, 0, "pos");
	glLinkProgram(p);
	GLuint vbo;
	glGenBuffers(1, &vbo);
	glBindBuffer(GL_ARRAY_BUFFER, vbo);
	glBufferData(GL_ARRAY_BUFFER, sizeof(verts), verts, GL_STATIC_DRAW);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	glEnableVertexAttribArray(0);
	glUseProgram(p);
	glUniform3fv(glGetUniformLocation(p, "color"), 1, tri_color);
	return p;
}

static void draw(void)
{
	glClearColor(clear_color[0], clear_color[1], clear_color[2], 1.0f);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	glDrawArrays(GL_TRIANGLES, 0, 3);
}

static bool near(const unsigned got[3], const float want[3], int x, int y, const char *what)
{
	for (int i = 0; i < 3; i++) {
		int expect = (int)(want[i] * 255.0f + 0.5f);
		if (abs((int)got[i] - expect) > 2) {
			fprintf(stderr, "egl_smoke: pixel (%d,%d) %s: found %u,%u,%u, "
				"expected %.0f,%.0f,%.0f\n", x, y, what, got[0], got[1], got[2],
				want[0] * 255, want[1] * 255, want[2] * 255);
			return false;
		}
	}
	return true;
}

/* glReadPixels: rows from the bottom. */
static bool read_check(int x, int y, const float want[3], const char *what)
{
	unsigned char px[4] = { 0 };
	glReadPixels(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	unsigned got[3] = { px[0], px[1], px[2] };
	return near(got, want, x, y, what);
}

static bool check_frame(int w, int h)
{
	bool ok = read_check(w / 2, h / 2, tri_color, "inside the triangle");
	ok &= read_check(2, 2, clear_color, "in the cleared area");
	ok &= read_check(w - 3, h - 3, clear_color, "in the cleared area");
	GLenum err = glGetError();
	if (err != GL_NO_ERROR) {
		fprintf(stderr, "egl_smoke: GL error 0x%x\n", err);
		ok = false;
	}
	return ok;
}

static bool check_vendor(EGLDisplay dpy)
{
	const char *vendor = eglQueryString(dpy, EGL_VENDOR);
	const char *want = getenv("EGL_SMOKE_VENDOR");
	printf("egl_smoke: EGL %s (%s), GL_RENDERER %s, GL_VERSION %s\n",
	       eglQueryString(dpy, EGL_VERSION), vendor, (const char *)glGetString(GL_RENDERER),
	       (const char *)glGetString(GL_VERSION));
	/* glvnd quietly takes another vendor when ours does not load. */
	if (want && (!vendor || !strstr(vendor, want))) {
		fprintf(stderr, "egl_smoke: EGL vendor is not %s\n", want);
		return false;
	}
	return true;
}

static EGLContext gles2_context(EGLDisplay dpy, EGLConfig config)
{
	static const EGLint attribs[] = { EGL_CONTEXT_MAJOR_VERSION, 2, EGL_NONE };
	eglBindAPI(EGL_OPENGL_ES_API);
	return eglCreateContext(dpy, config, EGL_NO_CONTEXT, attribs);
}

/* No surface: framebuffer 0 does not exist, a texture-backed FBO does. */
static bool surfaceless(EGLDisplay dpy, EGLContext ctx)
{
	if (!eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
		return fail("eglMakeCurrent without a surface failed");
	GLuint tex, fbo;
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, 16, 16, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
		fprintf(stderr, "egl_smoke: texture framebuffer incomplete\n");
		return false;
	}
	glViewport(0, 0, 16, 16);
	glClearColor(tri_color[0], tri_color[1], tri_color[2], 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);
	bool ok = read_check(8, 8, tri_color, "in the cleared framebuffer object");
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &tex);
	return ok;
}

/* Desktop GL through the same libGLESv2 entry points: the strings tell. */
static bool desktop_gl(EGLDisplay dpy, EGLConfig config, EGLSurface pbuf)
{
	static const EGLint attribs[] = { EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION,
					  3, EGL_CONTEXT_OPENGL_PROFILE_MASK,
					  EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE };
	if (!eglBindAPI(EGL_OPENGL_API))
		return fail("eglBindAPI(EGL_OPENGL_API) failed");
	EGLContext ctx = eglCreateContext(dpy, config, EGL_NO_CONTEXT, attribs);
	bool ok = ctx != EGL_NO_CONTEXT || fail("no GL 3.3 core context");
	ok = ok && (eglMakeCurrent(dpy, pbuf, pbuf, ctx) || fail("eglMakeCurrent (GL) failed"));
	const char *version = ok ? (const char *)glGetString(GL_VERSION) : NULL;
	EGLint api = 0;
	eglQueryContext(dpy, ctx, EGL_CONTEXT_CLIENT_TYPE, &api);
	if (ok && (!version || !strncmp(version, "OpenGL ES", 9) || version[0] < '3' ||
		   api != EGL_OPENGL_API)) {
		fprintf(stderr, "egl_smoke: GL context has version \"%s\", client type 0x%x\n",
			version ? version : "(null)", api);
		ok = false;
	}
	if (ok) {
		glClearColor(clear_color[0], clear_color[1], clear_color[2], 1.0f);
		glClear(GL_COLOR_BUFFER_BIT);
		ok = read_check(10, 10, clear_color, "cleared by the GL context");
	}
	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	if (ctx != EGL_NO_CONTEXT)
		eglDestroyContext(dpy, ctx);
	eglBindAPI(EGL_OPENGL_ES_API);
	return ok;
}

static bool expect_error(EGLint want, const char *what)
{
	EGLint got = eglGetError();
	if (got == want)
		return true;
	fprintf(stderr, "egl_smoke: %s: EGL error 0x%x, expected 0x%x\n", what, got, want);
	return false;
}

/* Errors reach the program through libEGL's eglGetError, from ours. */
static bool errors(EGLDisplay dpy, EGLConfig config, EGLSurface pbuf)
{
	static const EGLint pixmap[] = { EGL_SURFACE_TYPE, EGL_PIXMAP_BIT, EGL_NONE };
	static const EGLint bad_attrib[] = { 0x7777, 1, EGL_NONE };
	/* ES 1.0 and 1.1 exist (tests/egl_gles1.c); 1.2 does not. */
	static const EGLint es12[] = { EGL_CONTEXT_MAJOR_VERSION, 1, EGL_CONTEXT_MINOR_VERSION, 2,
				       EGL_NONE };
	EGLConfig c;
	EGLint n = -1, v;
	bool ok = true;
	if (!eglChooseConfig(dpy, pixmap, &c, 1, &n) || n != 0)
		ok = fail("a pixmap config was found");
	ok &= eglChooseConfig(dpy, bad_attrib, &c, 1, &n) == EGL_FALSE &&
	      expect_error(EGL_BAD_ATTRIBUTE, "eglChooseConfig with an unknown attribute");
	ok &= eglCreateContext(dpy, config, EGL_NO_CONTEXT, es12) == EGL_NO_CONTEXT &&
	      expect_error(EGL_BAD_MATCH, "an OpenGL ES 1.2 context");
	ok &= eglQuerySurface(dpy, pbuf, 0x7777, &v) == EGL_FALSE &&
	      expect_error(EGL_BAD_ATTRIBUTE, "eglQuerySurface of an unknown attribute");
	ok &= eglMakeCurrent(dpy, pbuf, EGL_NO_SURFACE, EGL_NO_CONTEXT) == EGL_FALSE &&
	      expect_error(EGL_BAD_MATCH, "eglMakeCurrent with a surface and no context");
	ok &= eglSwapBuffers(dpy, pbuf) == EGL_FALSE &&
	      expect_error(EGL_BAD_SURFACE, "eglSwapBuffers with no current context");
	return ok;
}

/* 0, 1 or SKIP. */
static int run_pbuffer(EGLDisplay dpy, const char *name)
{
	enum { W = 64, H = 48 };
	EGLint major, minor;
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &major, &minor)) {
		fail("no EGL display that initializes");
		return SKIP;
	}
	printf("egl_smoke: %s display: EGL %d.%d, extensions: %s\n", name, major, minor,
	       eglQueryString(dpy, EGL_EXTENSIONS));
	bool ok = true;
	static const char *const wanted[] = { "EGL_KHR_create_context",
					      "EGL_KHR_surfaceless_context",
					      "EGL_KHR_no_config_context" };
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (!has_word(eglQueryString(dpy, EGL_EXTENSIONS), wanted[i])) {
			fprintf(stderr, "egl_smoke: %s is missing\n", wanted[i]);
			ok = false;
		}
	}
	/* Without a stencil size the first config has none (smaller stencil
	 * sorts first, as native drivers list); with one, it has 8. */
	static const EGLint want[] = { EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE,
				       EGL_OPENGL_ES2_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8,
				       EGL_BLUE_SIZE, 8, EGL_DEPTH_SIZE, 24, EGL_NONE, 0, EGL_NONE };
	EGLint want_stencil[sizeof(want) / sizeof(want[0])];
	memcpy(want_stencil, want, sizeof(want));
	want_stencil[12] = EGL_STENCIL_SIZE;
	want_stencil[13] = 8;
	EGLConfig config;
	EGLint n = 0, depth = 0, stencil = -1;
	if (!eglChooseConfig(dpy, want, &config, 1, &n) || n < 1) {
		fail("no RGB8 depth-24 pbuffer config");
		return 1;
	}
	eglGetConfigAttrib(dpy, config, EGL_STENCIL_SIZE, &stencil);
	if (stencil != 0) {
		fprintf(stderr, "egl_smoke: first depth-24 config has stencil %d\n", stencil);
		ok = false;
	}
	if (!eglChooseConfig(dpy, want_stencil, &config, 1, &n) || n < 1) {
		fail("no RGB8 depth-24 stencil-8 pbuffer config");
		return 1;
	}
	eglGetConfigAttrib(dpy, config, EGL_DEPTH_SIZE, &depth);
	eglGetConfigAttrib(dpy, config, EGL_STENCIL_SIZE, &stencil);
	if (depth != 24 || stencil != 8) {
		fprintf(stderr, "egl_smoke: config has depth %d, stencil %d\n", depth, stencil);
		ok = false;
	}
	static const EGLint pattribs[] = { EGL_WIDTH, W, EGL_HEIGHT, H, EGL_NONE };
	EGLSurface pbuf = eglCreatePbufferSurface(dpy, config, pattribs);
	EGLContext ctx = gles2_context(dpy, config);
	if (pbuf == EGL_NO_SURFACE || ctx == EGL_NO_CONTEXT) {
		fail("no pbuffer or no GLES 2 context");
		return 1;
	}
	if (!eglMakeCurrent(dpy, pbuf, pbuf, ctx)) {
		fail("eglMakeCurrent failed");
		return 1;
	}
	ok &= check_vendor(dpy);

	EGLint w = 0, h = 0;
	GLint vp[4] = { 0 };
	eglQuerySurface(dpy, pbuf, EGL_WIDTH, &w);
	eglQuerySurface(dpy, pbuf, EGL_HEIGHT, &h);
	glGetIntegerv(GL_VIEWPORT, vp);
	if (w != W || h != H || vp[2] != W || vp[3] != H) {
		fprintf(stderr, "egl_smoke: pbuffer %dx%d, viewport %dx%d; wanted %dx%d\n", w, h,
			vp[2], vp[3], W, H);
		ok = false;
	}
	if (eglGetCurrentContext() != ctx || eglGetCurrentSurface(EGL_DRAW) != pbuf)
		ok = fail("eglGetCurrentContext/Surface do not say what is current");
	GLint sbits = -1;
	glGetIntegerv(GL_STENCIL_BITS, &sbits);
	if (sbits != 8) {
		fprintf(stderr, "egl_smoke: a stencil-8 config's context has %d stencil bits\n",
			sbits);
		ok = false;
	}
	triangle_program();
	draw();
	ok &= check_frame(W, H);
	/* A pbuffer's swap shows nothing and must not fail. */
	if (!eglSwapBuffers(dpy, pbuf))
		ok = fail("eglSwapBuffers on a pbuffer failed");

	ok &= surfaceless(dpy, ctx);
	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	ok &= desktop_gl(dpy, config, pbuf);
	ok &= errors(dpy, config, pbuf);

	eglDestroyContext(dpy, ctx);
	eglDestroySurface(dpy, pbuf);
	eglTerminate(dpy);
	return ok ? 0 : 1;
}

static int pbuffer_mode(void)
{
	const char *client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	printf("egl_smoke: client extensions: %s\n", client ? client : "(none)");
	int r = run_pbuffer(eglGetDisplay(EGL_DEFAULT_DISPLAY), "default");
	if (r)
		return r;
	if (!has_word(client, "EGL_MESA_platform_surfaceless") ||
	    !has_word(client, "EGL_EXT_platform_base")) {
		fprintf(stderr, "egl_smoke: the surfaceless platform is not offered\n");
		return 1;
	}
	return run_pbuffer(eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA,
						 EGL_DEFAULT_DISPLAY, NULL),
			   "surfaceless");
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
	return near(got, want, x, y, what);
}

/* XGetImage: rows from the top. */
static bool check_window(Display *xdpy, Window win, Visual *v, int w, int h)
{
	XSync(xdpy, False);
	XImage *img = XGetImage(xdpy, win, 0, 0, (unsigned)w, (unsigned)h, AllPlanes, ZPixmap);
	if (!img) {
		fprintf(stderr, "egl_smoke: XGetImage failed\n");
		return false;
	}
	bool ok = check_pixel(img, v, w / 2, h / 2, tri_color, "inside the triangle");
	ok &= check_pixel(img, v, 5, 5, clear_color, "in the cleared area");
	ok &= check_pixel(img, v, w - 5, h - 5, clear_color, "in the cleared area");
	XDestroyImage(img);
	return ok;
}

static void wait_event(Display *xdpy, int type, int width)
{
	XEvent ev;
	for (;;) {
		XNextEvent(xdpy, &ev);
		if (ev.type != type)
			continue;
		if (type != ConfigureNotify || ev.xconfigure.width == width)
			return;
	}
}

static int window_mode(void)
{
	Display *xdpy = XOpenDisplay(NULL);
	if (!xdpy) {
		fprintf(stderr, "egl_smoke: cannot open the X display\n");
		return SKIP;
	}
	EGLDisplay dpy = eglGetPlatformDisplay(EGL_PLATFORM_X11_KHR, xdpy, NULL);
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, NULL, NULL)) {
		fail("no X11 EGL display that initializes");
		return SKIP;
	}
	/* glvnd recognizes the Display* when a vendor offers the X11 platform. */
	bool ok = eglGetDisplay((EGLNativeDisplayType)xdpy) == dpy ||
		  fail("eglGetDisplay(Display *) gives another display");

	static const EGLint want[] = { EGL_SURFACE_TYPE, EGL_WINDOW_BIT, EGL_RENDERABLE_TYPE,
				       EGL_OPENGL_ES2_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8,
				       EGL_BLUE_SIZE, 8, EGL_DEPTH_SIZE, 24, EGL_NONE };
	EGLConfig config;
	EGLint n = 0, visual_id = 0;
	if (!eglChooseConfig(dpy, want, &config, 1, &n) || n < 1) {
		fail("no RGB8 depth-24 window config");
		return 1;
	}
	eglGetConfigAttrib(dpy, config, EGL_NATIVE_VISUAL_ID, &visual_id);
	XVisualInfo tmpl = { .visualid = (VisualID)visual_id }, *vi;
	int nvi = 0;
	vi = XGetVisualInfo(xdpy, VisualIDMask, &tmpl, &nvi);
	if (!vi) {
		fprintf(stderr, "egl_smoke: the config's visual 0x%x does not exist\n", visual_id);
		return 1;
	}
	Window root = RootWindow(xdpy, vi->screen);
	XSetWindowAttributes swa = {
		.colormap = XCreateColormap(xdpy, root, vi->visual, AllocNone),
		.event_mask = StructureNotifyMask | ExposureMask,
	};
	Window win = XCreateWindow(xdpy, root, 0, 0, 200, 150, 0, vi->depth, InputOutput,
				   vi->visual, CWColormap | CWEventMask | CWBorderPixel, &swa);
	XMapWindow(xdpy, win);
	wait_event(xdpy, MapNotify, 0);

	EGLSurface surf = eglCreateWindowSurface(dpy, config, (EGLNativeWindowType)win, NULL);
	EGLContext ctx = gles2_context(dpy, config);
	if (surf == EGL_NO_SURFACE || ctx == EGL_NO_CONTEXT ||
	    !eglMakeCurrent(dpy, surf, surf, ctx)) {
		fail("no window surface, GLES 2 context or make-current");
		return 1;
	}
	ok &= check_vendor(dpy);
	if (!eglSwapInterval(dpy, 0))
		ok = fail("eglSwapInterval failed");
	triangle_program();
	draw();
	if (!eglSwapBuffers(dpy, surf))
		ok = fail("eglSwapBuffers failed");
	ok &= check_window(xdpy, win, vi->visual, 200, 150);

	/* Programs redraw continuously: the new size may show a frame late. */
	XResizeWindow(xdpy, win, 300, 200);
	wait_event(xdpy, ConfigureNotify, 300);
	glViewport(0, 0, 300, 200);
	for (int i = 0; i < 2; i++) {
		draw();
		eglSwapBuffers(dpy, surf);
	}
	ok &= check_window(xdpy, win, vi->visual, 300, 200);
	EGLint w = 0;
	eglQuerySurface(dpy, surf, EGL_WIDTH, &w);
	if (w != 300) {
		fprintf(stderr, "egl_smoke: EGL_WIDTH %d after the resize, wanted 300\n", w);
		ok = false;
	}

	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(dpy, ctx);
	eglDestroySurface(dpy, surf);
	eglTerminate(dpy);
	XDestroyWindow(xdpy, win);
	XFree(vi);
	XCloseDisplay(xdpy);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pbuffer";
	int r;
	if (!strcmp(mode, "pbuffer")) {
		r = pbuffer_mode();
	} else if (!strcmp(mode, "window")) {
		r = window_mode();
	} else {
		fprintf(stderr, "usage: egl_smoke [pbuffer|window]\n");
		return 1;
	}
	if (r == 0)
		printf("egl_smoke: %s: ok\n", mode);
	eglReleaseThread();
	return r;
}
