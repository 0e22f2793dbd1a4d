/*
 * The persistent-map pattern of modern engines as a GLX program: NBUF
 * buffers made with glBufferStorage and mapped once, persistent and
 * coherent; every frame each buffer gets a new quad written into the next
 * slot of its ring and is drawn from without an unmap; then a swap. Prints
 * the frames per second over SECS seconds and whether the last frame's
 * pixels are right. bench/bench_persistent.sh runs it natively and through
 * sgl-host in the same run. It loads libGL.so.1 at run time, so
 * LD_LIBRARY_PATH picks the implementation.
 *
 * Usage: persistent_maps [NBUF [SECS [BUFFER_BYTES]]]
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#define GL_GLEXT_PROTOTYPES 0
#include <GL/gl.h>
#include <GL/glx.h>

#include "../tests/grid_quad.h"

#ifndef GL_MAP_PERSISTENT_BIT
#define GL_MAP_PERSISTENT_BIT 0x0040
#define GL_MAP_COHERENT_BIT 0x0080
#endif

#define GRID 20
#define SIZE 240      /* window side: GRID cells of 12 pixels */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define FN(ret, name, args) static ret(*name) args
FN(void, pglGenBuffers, (GLsizei, GLuint *));
FN(void, pglBindBuffer, (GLenum, GLuint));
FN(void, pglBufferStorage, (GLenum, GLsizeiptr, const void *, GLbitfield));
FN(void *, pglMapBufferRange, (GLenum, GLintptr, GLsizeiptr, GLbitfield));
FN(void, pglVertexPointer, (GLint, GLenum, GLsizei, const void *));
FN(void, pglColorPointer, (GLint, GLenum, GLsizei, const void *));
FN(void, pglEnableClientState, (GLenum));
FN(void, pglDrawArrays, (GLenum, GLint, GLsizei));
FN(void, pglClear, (GLbitfield));
FN(void, pglClearColor, (GLfloat, GLfloat, GLfloat, GLfloat));
FN(void, pglReadPixels, (GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void *));
FN(void, pglViewport, (GLint, GLint, GLsizei, GLsizei));
FN(const GLubyte *, pglGetString, (GLenum));
FN(void, pglFinish, (void));

static uint32_t color(int i, int frame)
{
	static const uint32_t c[3] = { 0xff0000ffu, 0xff00ff00u, 0xffff0000u };   /* ABGR */
	return c[(i + frame) % 3];
}

int main(int argc, char **argv)
{
	int nbuf = argc > 1 ? atoi(argv[1]) : 300;
	double secs = argc > 2 ? atof(argv[2]) : 5;
	long bytes = argc > 3 ? atol(argv[3]) : 16384;
	if (nbuf < 1 || nbuf > GRID * GRID || secs <= 0 ||
	    bytes < (long)(4 * sizeof(struct grid_vertex))) {
		fprintf(stderr, "usage: persistent_maps [NBUF<=%d [SECS [BUFFER_BYTES]]]\n",
			GRID * GRID);
		return 2;
	}
	void *gl = dlopen("libGL.so.1", RTLD_NOW | RTLD_GLOBAL);
	if (!gl) {
		fprintf(stderr, "persistent_maps: %s\n", dlerror());
		return 1;
	}
	void *(*getproc)(const GLubyte *) = (void *(*)(const GLubyte *))dlsym(gl, "glXGetProcAddress");
	XVisualInfo *(*choose)(Display *, int, int *) = (XVisualInfo * (*)(Display *, int, int *))
		dlsym(gl, "glXChooseVisual");
	GLXContext (*create)(Display *, XVisualInfo *, GLXContext, Bool) =
		(GLXContext(*)(Display *, XVisualInfo *, GLXContext, Bool))dlsym(gl, "glXCreateContext");
	Bool (*make_current)(Display *, GLXDrawable, GLXContext) =
		(Bool(*)(Display *, GLXDrawable, GLXContext))dlsym(gl, "glXMakeCurrent");
	void (*swap)(Display *, GLXDrawable) = (void (*)(Display *, GLXDrawable))dlsym(gl, "glXSwapBuffers");
	Display *dpy = XOpenDisplay(NULL);
	if (!getproc || !choose || !create || !make_current || !swap || !dpy) {
		fprintf(stderr, "persistent_maps: no GLX or no display\n");
		return 1;
	}
	int attrs[] = { GLX_RGBA, GLX_DOUBLEBUFFER, GLX_RED_SIZE, 8, GLX_GREEN_SIZE, 8,
			GLX_BLUE_SIZE, 8, None };
	XVisualInfo *vi = choose(dpy, DefaultScreen(dpy), attrs);
	if (!vi)
		return 1;
	XSetWindowAttributes swa = { 0 };
	swa.colormap = XCreateColormap(dpy, RootWindow(dpy, vi->screen), vi->visual, AllocNone);
	Window win = XCreateWindow(dpy, RootWindow(dpy, vi->screen), 0, 0, SIZE, SIZE, 0, vi->depth,
				   InputOutput, vi->visual, CWColormap, &swa);
	XMapWindow(dpy, win);
	GLXContext ctx = create(dpy, vi, NULL, True);
	if (!ctx || !make_current(dpy, win, ctx))
		return 1;
#define LOAD(p, n) *(void **)&p = getproc((const GLubyte *)n)
	LOAD(pglGenBuffers, "glGenBuffers");
	LOAD(pglBindBuffer, "glBindBuffer");
	LOAD(pglBufferStorage, "glBufferStorage");
	LOAD(pglMapBufferRange, "glMapBufferRange");
	LOAD(pglVertexPointer, "glVertexPointer");
	LOAD(pglColorPointer, "glColorPointer");
	LOAD(pglEnableClientState, "glEnableClientState");
	LOAD(pglDrawArrays, "glDrawArrays");
	LOAD(pglClear, "glClear");
	LOAD(pglClearColor, "glClearColor");
	LOAD(pglReadPixels, "glReadPixels");
	LOAD(pglViewport, "glViewport");
	LOAD(pglGetString, "glGetString");
	LOAD(pglFinish, "glFinish");
	const char *ext = (const char *)pglGetString(GL_EXTENSIONS);
	if (!pglBufferStorage || !ext || !strstr(ext, "GL_ARB_buffer_storage")) {
		fprintf(stderr, "persistent_maps: no GL_ARB_buffer_storage\n");
		return 1;
	}
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	GLuint *bufs = calloc((size_t)nbuf, sizeof(*bufs));
	uint8_t **maps = calloc((size_t)nbuf, sizeof(*maps));
	pglGenBuffers(nbuf, bufs);
	for (int i = 0; i < nbuf; i++) {
		pglBindBuffer(GL_ARRAY_BUFFER, bufs[i]);
		pglBufferStorage(GL_ARRAY_BUFFER, bytes, NULL, bits);
		maps[i] = pglMapBufferRange(GL_ARRAY_BUFFER, 0, bytes, bits);
		if (!maps[i]) {
			fprintf(stderr, "persistent_maps: map %d of %d failed\n", i + 1, nbuf);
			return 1;
		}
	}
	pglViewport(0, 0, SIZE, SIZE);
	pglEnableClientState(GL_VERTEX_ARRAY);
	pglEnableClientState(GL_COLOR_ARRAY);
	const long slots = bytes / (long)(4 * sizeof(struct grid_vertex));
	int frames = 0;
	double t0 = now();
	for (;;) {
		pglClearColor(0, 0, 0, 1);
		pglClear(GL_COLOR_BUFFER_BIT);
		const long slot = frames % slots;
		const size_t at = (size_t)slot * 4 * sizeof(struct grid_vertex);
		for (int i = 0; i < nbuf; i++) {
			grid_quad((struct grid_vertex *)(maps[i] + at), GRID, i, color(i, frames));
			pglBindBuffer(GL_ARRAY_BUFFER, bufs[i]);
			pglVertexPointer(2, GL_FLOAT, sizeof(struct grid_vertex), (void *)at);
			pglColorPointer(4, GL_UNSIGNED_BYTE, sizeof(struct grid_vertex),
					(void *)(at + offsetof(struct grid_vertex, rgba)));
			pglDrawArrays(GL_TRIANGLE_FAN, 0, 4);
		}
		if (now() - t0 >= secs)
			break;   /* the last frame is checked before its swap */
		swap(dpy, win);
		frames++;
	}
	double dt = now() - t0;
	pglFinish();
	int wrong = 0;
	for (int i = 0; i < nbuf; i++) {
		uint32_t px = 0;
		const int cell = SIZE / GRID;
		pglReadPixels((i % GRID) * cell + cell / 2, (i / GRID) * cell + cell / 2, 1, 1, GL_RGBA,
			      GL_UNSIGNED_BYTE, &px);
		if (px != color(i, frames) && !wrong++)
			fprintf(stderr, "persistent_maps: cell %d is %08x, want %08x\n", i, px,
				color(i, frames));
	}
	printf("persistent_maps buffers=%d bytes=%ld frames=%d seconds=%.2f fps=%.1f pixels=%s\n",
	       nbuf, bytes, frames, dt, frames / dt, wrong ? "WRONG" : "ok");
	return wrong ? 1 : 0;
}
