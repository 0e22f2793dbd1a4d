/* A window with a pixel format and a WGL context, for the test programs
 * (wgl_window.c). Plain Win32 + WGL, as an application writes it. */
#ifndef SGL_TEST_WGL_WINDOW_H
#define SGL_TEST_WGL_WINDOW_H

#include <windows.h>

#include <stdbool.h>

struct test_window {
	HWND wnd;
	HDC dc;
	HGLRC rc;
	int width, height;
};

/* Opens a `width` x `height` window at 0,0 with a double-buffered RGBA
 * format of `depth` and `stencil` bits and makes a context current: a
 * core-profile one of `major`.`minor` through WGL_ARB_create_context when
 * `major` is not 0, else wglCreateContext's. false and a message on
 * stderr on failure. */
bool test_window_open(struct test_window *w, const char *name, int width, int height,
		      int depth, int stencil, int major, int minor);
void test_window_close(struct test_window *w);

/* The window's pixel at x, y (top-left origin) as 0xRRGGBB, read back
 * with GDI from what SwapBuffers presented. */
unsigned test_window_pixel(struct test_window *w, int x, int y);

/* Writes what the window shows to $SGL_TEST_FRAME (a binary PPM, top row
 * first) when it is set, for comparison with another run
 * (tests/frame_compare.py). false when writing failed. */
bool test_window_dump(struct test_window *w);

/* "64-bit" or "32-bit". */
const char *test_arch(void);

#endif
