#include "wgl_window.h"

#include <GL/gl.h>
#include <GL/wglext.h>
#include <stdio.h>
#include <stdlib.h>

static LRESULT CALLBACK proc(HWND wnd, UINT msg, WPARAM wp, LPARAM lp)
{
	return DefWindowProcA(wnd, msg, wp, lp);
}

const char *test_arch(void)
{
	return sizeof(void *) == 8 ? "64-bit" : "32-bit";
}

bool test_window_open(struct test_window *w, const char *name, int width, int height,
		      int depth, int stencil, int major, int minor)
{
	WNDCLASSA wc = { .style = CS_OWNDC, .lpfnWndProc = proc,
			 .hInstance = GetModuleHandleA(NULL), .lpszClassName = name };
	PIXELFORMATDESCRIPTOR pfd = {
		.nSize = sizeof(pfd), .nVersion = 1,
		.dwFlags = PFD_DRAW_TO_WINDOW | PFD_SUPPORT_OPENGL | PFD_DOUBLEBUFFER,
		.iPixelType = PFD_TYPE_RGBA, .cColorBits = 32, .cAlphaBits = 8,
		.cDepthBits = (BYTE)depth, .cStencilBits = (BYTE)stencil,
		.iLayerType = PFD_MAIN_PLANE,
	};
	*w = (struct test_window){ .width = width, .height = height };
	RegisterClassA(&wc);
	w->wnd = CreateWindowA(name, name, WS_POPUP | WS_VISIBLE, 0, 0, width, height, NULL,
			       NULL, wc.hInstance, NULL);
	if (!w->wnd || !(w->dc = GetDC(w->wnd))) {
		fprintf(stderr, "%s: no window\n", name);
		return false;
	}
	int format = ChoosePixelFormat(w->dc, &pfd);
	PIXELFORMATDESCRIPTOR got;
	if (!format || !SetPixelFormat(w->dc, format, &pfd) ||
	    !DescribePixelFormat(w->dc, format, sizeof(got), &got)) {
		fprintf(stderr, "%s: no pixel format (error %lu)\n", name, GetLastError());
		return false;
	}
	if (got.cDepthBits < depth || got.cStencilBits < stencil) {
		fprintf(stderr, "%s: format %d has depth %d stencil %d\n", name, format,
			got.cDepthBits, got.cStencilBits);
		return false;
	}
	HGLRC legacy = wglCreateContext(w->dc);
	if (!legacy || !wglMakeCurrent(w->dc, legacy)) {
		fprintf(stderr, "%s: wglCreateContext failed (error %lu)\n", name, GetLastError());
		return false;
	}
	w->rc = legacy;
	if (!major)
		return true;
	PFNWGLCREATECONTEXTATTRIBSARBPROC create =
		(PFNWGLCREATECONTEXTATTRIBSARBPROC)(void (*)(void))wglGetProcAddress(
			"wglCreateContextAttribsARB");
	const int attribs[] = { WGL_CONTEXT_MAJOR_VERSION_ARB, major,
				WGL_CONTEXT_MINOR_VERSION_ARB, minor,
				WGL_CONTEXT_PROFILE_MASK_ARB, WGL_CONTEXT_CORE_PROFILE_BIT_ARB, 0 };
	HGLRC core = create ? create(w->dc, NULL, attribs) : NULL;
	wglMakeCurrent(NULL, NULL);
	wglDeleteContext(legacy);
	w->rc = core;
	if (!core || !wglMakeCurrent(w->dc, core)) {
		fprintf(stderr, "%s: no %d.%d core context (error %lu)\n", name, major, minor,
			GetLastError());
		return false;
	}
	return true;
}

void test_window_close(struct test_window *w)
{
	wglMakeCurrent(NULL, NULL);
	if (w->rc)
		wglDeleteContext(w->rc);
	if (w->dc)
		ReleaseDC(w->wnd, w->dc);
	if (w->wnd)
		DestroyWindow(w->wnd);
}

unsigned test_window_pixel(struct test_window *w, int x, int y)
{
	COLORREF c = GetPixel(w->dc, x, y);
	return (GetRValue(c) << 16) | (GetGValue(c) << 8) | GetBValue(c);
}

bool test_window_dump(struct test_window *w)
{
	const char *path = getenv("SGL_TEST_FRAME");
	if (!path || !*path)
		return true;
	/* A top-down 32-bit DIB section the window is copied into. */
	BITMAPINFO bmi = { .bmiHeader = { .biSize = sizeof(BITMAPINFOHEADER),
					  .biWidth = w->width, .biHeight = -w->height,
					  .biPlanes = 1, .biBitCount = 32,
					  .biCompression = BI_RGB } };
	void *bits = NULL;
	HDC mem = CreateCompatibleDC(w->dc);
	HBITMAP bmp = CreateDIBSection(w->dc, &bmi, DIB_RGB_COLORS, &bits, NULL, 0);
	bool ok = false;
	FILE *f = NULL;
	if (mem && bmp && bits) {
		HGDIOBJ old = SelectObject(mem, bmp);
		ok = BitBlt(mem, 0, 0, w->width, w->height, w->dc, 0, 0, SRCCOPY);
		GdiFlush();
		SelectObject(mem, old);
	}
	if (ok && (f = fopen(path, "wb"))) {
		const unsigned char *p = bits;
		fprintf(f, "P6\n%d %d\n255\n", w->width, w->height);
		for (int i = 0; i < w->width * w->height; i++) {
			const unsigned char rgb[3] = { p[4 * i + 2], p[4 * i + 1], p[4 * i] };
			fwrite(rgb, 1, 3, f);
		}
		ok = fclose(f) == 0;
	} else {
		ok = false;
	}
	if (bmp)
		DeleteObject(bmp);
	if (mem)
		DeleteDC(mem);
	if (!ok)
		fprintf(stderr, "cannot write the frame to %s\n", path);
	return ok;
}
