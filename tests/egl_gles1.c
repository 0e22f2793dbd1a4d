/*
 * A plain EGL + GLES 1.1 program, linked with the system libEGL and
 * libGLESv1_CM, run against our vendor library or the drop-in set:
 *   __EGL_VENDOR_LIBRARY_FILENAMES=build/guest/egl/50_sgl.json ./egl_gles1 pbuffer
 *   LD_LIBRARY_PATH=build/guest/glx ./egl_gles1 surfaceless
 *
 * An EGL_OPENGL_ES_BIT config and an EGL_CONTEXT_CLIENT_VERSION 1 context;
 * "pbuffer" draws into a 64x48 pbuffer of the default display,
 * "surfaceless" into a GL_OES_framebuffer_object framebuffer on the
 * surfaceless platform display with no surface. Both draw the left half
 * with float commands and the right half with 16.16 fixed-point ones
 * (glOrthox, glTranslatex, glColor4x, a GL_FIXED vertex array) over a
 * glClearColorx clear, and check the pixels with glReadPixels.
 * Exits 0 on success, 1 on a wrong pixel or an EGL/GL failure, 77 when no
 * EGL display initializes (sgl-host not running).
 */
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES/gl.h>
#include <GLES/glext.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKIP 77
#define W 64
#define H 48
#define X(f) ((GLfixed)((f) * 65536))

static int fail(const char *what)
{
	fprintf(stderr, "egl_gles1: %s (EGL error 0x%x, GL error 0x%x)\n", what, eglGetError(),
		glGetError());
	return 1;
}

static bool pixel_is(int x, int y, const GLubyte want[3], const char *what)
{
	GLubyte px[4] = { 0 };
	glReadPixels(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	for (int i = 0; i < 3; i++) {
		if (px[i] < want[i] - 2 || px[i] > want[i] + 2) {
			fprintf(stderr, "egl_gles1: %s at %d,%d: %u,%u,%u, want %u,%u,%u\n", what, x,
				y, px[0], px[1], px[2], want[0], want[1], want[2]);
			return false;
		}
	}
	return true;
}

/* Left: float; right: fixed point. Returns 0 when every pixel is right. */
static int draw_and_check(void)
{
	static const GLfloat left[8] = { -1, -1, 0, -1, -1, 1, 0, 1 };
	static const GLfixed right[8] = { 0, 0, X(1), 0, 0, X(2), X(1), X(2) };
	static const GLubyte clear[3] = { 0, 128, 255 }, red[3] = { 255, 0, 0 },
			     green[3] = { 0, 255, 0 };

	const char *v = (const char *)glGetString(GL_VERSION);
	if (!v || strncmp(v, "OpenGL ES-CM 1.", 15) != 0)
		return fail("GL_VERSION is not OpenGL ES-CM 1.x");
	printf("GL_VERSION: %s\n", v);
	glViewport(0, 0, W, H);
	glClearColorx(0, X(128) / 255, X(1), X(1));
	glClear(GL_COLOR_BUFFER_BIT);
	glMatrixMode(GL_PROJECTION);
	glLoadIdentity();
	glOrthof(-1, 1, -1, 1, -1, 1);
	glMatrixMode(GL_MODELVIEW);
	glLoadIdentity();
	glEnableClientState(GL_VERTEX_ARRAY);
	glColor4f(1, 0, 0, 1);
	glVertexPointer(2, GL_FLOAT, 0, left);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);

	/* The same quad shape in fixed point, moved down by one. */
	glMatrixMode(GL_PROJECTION);
	glLoadIdentity();
	glOrthox(X(-1), X(1), X(-1), X(1), X(-1), X(1));
	glMatrixMode(GL_MODELVIEW);
	glTranslatex(0, X(-1), 0);
	glColor4x(0, X(1), 0, X(1));
	glVertexPointer(2, GL_FIXED, 0, right);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	glDisableClientState(GL_VERTEX_ARRAY);
	if (glGetError() != GL_NO_ERROR)
		return fail("a GL error while drawing");

	GLfixed c[4] = { 0 };
	glGetFixedv(GL_CURRENT_COLOR, c);
	if (c[1] != X(1) || c[0] != 0)
		return fail("glGetFixedv(GL_CURRENT_COLOR) is not the glColor4x");
	if (!pixel_is(W / 4, H / 2, red, "float half") ||
	    !pixel_is(3 * W / 4, H / 2, green, "fixed-point half"))
		return 1;
	/* Outside both quads: nothing, the glClearColorx. */
	glEnable(GL_SCISSOR_TEST);
	glScissor(0, 0, 1, 1);
	glClear(GL_COLOR_BUFFER_BIT);
	glDisable(GL_SCISSOR_TEST);
	return pixel_is(0, 0, clear, "cleared corner") ? 0 : 1;
}

static EGLDisplay open_display(bool surfaceless)
{
	if (!surfaceless)
		return eglGetDisplay(EGL_DEFAULT_DISPLAY);
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	return get_platform_display ? get_platform_display(EGL_PLATFORM_SURFACELESS_MESA,
							   EGL_DEFAULT_DISPLAY, NULL)
				    : EGL_NO_DISPLAY;
}

/* The surfaceless mode's framebuffer, through eglGetProcAddress. */
static int make_fbo(void)
{
	PFNGLGENFRAMEBUFFERSOESPROC gen_fbo =
		(PFNGLGENFRAMEBUFFERSOESPROC)eglGetProcAddress("glGenFramebuffersOES");
	PFNGLBINDFRAMEBUFFEROESPROC bind_fbo =
		(PFNGLBINDFRAMEBUFFEROESPROC)eglGetProcAddress("glBindFramebufferOES");
	PFNGLGENRENDERBUFFERSOESPROC gen_rb =
		(PFNGLGENRENDERBUFFERSOESPROC)eglGetProcAddress("glGenRenderbuffersOES");
	PFNGLBINDRENDERBUFFEROESPROC bind_rb =
		(PFNGLBINDRENDERBUFFEROESPROC)eglGetProcAddress("glBindRenderbufferOES");
	PFNGLRENDERBUFFERSTORAGEOESPROC storage =
		(PFNGLRENDERBUFFERSTORAGEOESPROC)eglGetProcAddress("glRenderbufferStorageOES");
	PFNGLFRAMEBUFFERRENDERBUFFEROESPROC attach =
		(PFNGLFRAMEBUFFERRENDERBUFFEROESPROC)eglGetProcAddress(
			"glFramebufferRenderbufferOES");
	PFNGLCHECKFRAMEBUFFERSTATUSOESPROC status =
		(PFNGLCHECKFRAMEBUFFERSTATUSOESPROC)eglGetProcAddress(
			"glCheckFramebufferStatusOES");
	if (!gen_fbo || !bind_fbo || !gen_rb || !bind_rb || !storage || !attach || !status)
		return fail("GL_OES_framebuffer_object entry points missing");
	GLuint fbo = 0, rb = 0;
	gen_fbo(1, &fbo);
	bind_fbo(GL_FRAMEBUFFER_OES, fbo);
	gen_rb(1, &rb);
	bind_rb(GL_RENDERBUFFER_OES, rb);
	storage(GL_RENDERBUFFER_OES, GL_RGBA8_OES, W, H);
	attach(GL_FRAMEBUFFER_OES, GL_COLOR_ATTACHMENT0_OES, GL_RENDERBUFFER_OES, rb);
	if (status(GL_FRAMEBUFFER_OES) != GL_FRAMEBUFFER_COMPLETE_OES)
		return fail("the framebuffer object is not complete");
	return 0;
}

int main(int argc, char **argv)
{
	bool surfaceless = argc > 1 && strcmp(argv[1], "surfaceless") == 0;
	if (argc < 2 || (!surfaceless && strcmp(argv[1], "pbuffer") != 0)) {
		fprintf(stderr, "usage: egl_gles1 pbuffer|surfaceless\n");
		return 2;
	}
	EGLDisplay dpy = open_display(surfaceless);
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, NULL, NULL)) {
		fprintf(stderr, "egl_gles1: no EGL display (EGL error 0x%x)\n", eglGetError());
		return SKIP;
	}
	const char *vendor = getenv("EGL_SMOKE_VENDOR");
	const char *have = eglQueryString(dpy, EGL_VENDOR);
	if (vendor && (!have || !strstr(have, vendor)))
		return fail("EGL_VENDOR is not the one expected");
	const EGLint cattr[] = { EGL_RENDERABLE_TYPE, EGL_OPENGL_ES_BIT, EGL_SURFACE_TYPE,
				 surfaceless ? 0 : EGL_PBUFFER_BIT, EGL_RED_SIZE, 8,
				 EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_NONE };
	EGLConfig cfg;
	EGLint n = 0;
	if (!eglChooseConfig(dpy, cattr, &cfg, 1, &n) || n < 1)
		return fail("no EGL_OPENGL_ES_BIT config");
	EGLint renderable = 0;
	eglGetConfigAttrib(dpy, cfg, EGL_RENDERABLE_TYPE, &renderable);
	if (!(renderable & EGL_OPENGL_ES_BIT))
		return fail("the config does not say EGL_OPENGL_ES_BIT");
	if (!eglBindAPI(EGL_OPENGL_ES_API))
		return fail("eglBindAPI(EGL_OPENGL_ES_API)");
	const EGLint xattr[] = { EGL_CONTEXT_CLIENT_VERSION, 1, EGL_NONE };
	EGLContext ctx = eglCreateContext(dpy, cfg, EGL_NO_CONTEXT, xattr);
	if (ctx == EGL_NO_CONTEXT)
		return fail("eglCreateContext(EGL_CONTEXT_CLIENT_VERSION 1)");
	EGLint version = 0;
	eglQueryContext(dpy, ctx, EGL_CONTEXT_CLIENT_VERSION, &version);
	if (version != 1)
		return fail("EGL_CONTEXT_CLIENT_VERSION is not 1");
	EGLSurface surf = EGL_NO_SURFACE;
	if (!surfaceless) {
		const EGLint pattr[] = { EGL_WIDTH, W, EGL_HEIGHT, H, EGL_NONE };
		surf = eglCreatePbufferSurface(dpy, cfg, pattr);
		if (surf == EGL_NO_SURFACE)
			return fail("eglCreatePbufferSurface");
	}
	if (!eglMakeCurrent(dpy, surf, surf, ctx))
		return fail("eglMakeCurrent");
	int rc = surfaceless ? make_fbo() : 0;
	if (rc == 0)
		rc = draw_and_check();
	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	if (surf != EGL_NO_SURFACE)
		eglDestroySurface(dpy, surf);
	eglDestroyContext(dpy, ctx);
	eglTerminate(dpy);
	if (rc == 0)
		printf("egl_gles1 %s: ok\n", argv[1]);
	return rc;
}
