/*
 * WGL_ARB_create_context_robustness and WGL_ARB_make_current_read through
 * our opengl32.dll, checked against what the host context really does:
 *   - a context asked for robust access and GL_LOSE_CONTEXT_ON_RESET reports
 *     both from the host (GL_CONTEXT_FLAGS, GL_RESET_NOTIFICATION_STRATEGY),
 *     glGetGraphicsResetStatus answers GL_NO_ERROR and glReadnPixels refuses
 *     a buffer too small (GL_INVALID_OPERATION) and fills a large enough one;
 *   - a default context reports GL_NO_RESET_NOTIFICATION; a share context of
 *     another strategy and an unknown strategy are refused with the errors
 *     the extension names;
 *   - wglMakeContextCurrentARB with a second DC of the draw window binds it
 *     (wglGetCurrentReadDCARB returns it, reads see the drawn pixels); a read
 *     DC of another window is refused with ERROR_INVALID_OPERATION (a host
 *     context has one framebuffer: docs/windows.md), one of another pixel
 *     format with ERROR_INVALID_PIXEL_TYPE_ARB, and the binding before stays.
 * Prints "wgl_robust: ok 64-bit" (or 32-bit) when every check held.
 */
#include "wgl_window.h"

#include <GL/gl.h>
#include <GL/glext.h>
#include <GL/wglext.h>
#include <stdio.h>
#include <string.h>

#ifndef GL_CONTEXT_ROBUST_ACCESS
#define GL_CONTEXT_ROBUST_ACCESS 0x90F3
#endif

static int failures;

static void check(bool ok, const char *what)
{
	printf("wgl_robust: %s: %s\n", ok ? "pass" : "FAIL", what);
	if (!ok)
		failures++;
}

#define PROC(type, name) ((type)(void (*)(void))wglGetProcAddress(name))

int main(void)
{
	struct test_window a, b;
	if (!test_window_open(&a, "wgl_robust_a", 64, 64, 24, 8, 0, 0))
		return 1;
	PFNWGLGETEXTENSIONSSTRINGARBPROC ext =
		PROC(PFNWGLGETEXTENSIONSSTRINGARBPROC, "wglGetExtensionsStringARB");
	const char *e = ext ? ext(a.dc) : "";
	check(strstr(e, "WGL_ARB_create_context_robustness ") != NULL,
	      "WGL_ARB_create_context_robustness offered");
	check(strstr(e, "WGL_ARB_make_current_read ") != NULL, "WGL_ARB_make_current_read offered");

	PFNWGLCREATECONTEXTATTRIBSARBPROC create =
		PROC(PFNWGLCREATECONTEXTATTRIBSARBPROC, "wglCreateContextAttribsARB");
	const int robust_attribs[] = {
		WGL_CONTEXT_MAJOR_VERSION_ARB, 4, WGL_CONTEXT_MINOR_VERSION_ARB, 5,
		WGL_CONTEXT_PROFILE_MASK_ARB, WGL_CONTEXT_CORE_PROFILE_BIT_ARB,
		WGL_CONTEXT_FLAGS_ARB, WGL_CONTEXT_ROBUST_ACCESS_BIT_ARB,
		WGL_CONTEXT_RESET_NOTIFICATION_STRATEGY_ARB, WGL_LOSE_CONTEXT_ON_RESET_ARB, 0 };
	HGLRC robust = create(a.dc, NULL, robust_attribs);
	check(robust && wglMakeCurrent(a.dc, robust), "robust 4.5 core context made current");
	if (!robust)
		return 1;
	GLint flags = 0, strategy = 0, access = -1;
	glGetIntegerv(GL_CONTEXT_FLAGS, &flags);
	glGetIntegerv(GL_RESET_NOTIFICATION_STRATEGY, &strategy);
	glGetIntegerv(GL_CONTEXT_ROBUST_ACCESS, &access);
	GLenum err = glGetError();
	printf("wgl_robust: robust context: GL_CONTEXT_FLAGS 0x%x, GL_RESET_NOTIFICATION_STRATEGY "
	       "0x%x, GL_CONTEXT_ROBUST_ACCESS %d (error 0x%x)\n", flags, strategy, access, err);
	check(flags & GL_CONTEXT_FLAG_ROBUST_ACCESS_BIT, "host context has robust access");
	check(strategy == GL_LOSE_CONTEXT_ON_RESET, "host strategy GL_LOSE_CONTEXT_ON_RESET");
	check(err == GL_NO_ERROR && access == GL_TRUE, "GL_CONTEXT_ROBUST_ACCESS is GL_TRUE");
	PFNGLGETGRAPHICSRESETSTATUSPROC status =
		PROC(PFNGLGETGRAPHICSRESETSTATUSPROC, "glGetGraphicsResetStatus");
	check(status && status() == GL_NO_ERROR, "glGetGraphicsResetStatus: GL_NO_ERROR");
	PFNGLREADNPIXELSPROC readn = PROC(PFNGLREADNPIXELSPROC, "glReadnPixels");
	unsigned char px[16] = { 0 };
	glClearColor(0, 1, 0, 1);
	glClear(GL_COLOR_BUFFER_BIT);
	readn(0, 0, 2, 2, GL_RGBA, GL_UNSIGNED_BYTE, 15, px);
	check(glGetError() == GL_INVALID_OPERATION && px[1] == 0,
	      "glReadnPixels into 15 bytes of a 16-byte read: GL_INVALID_OPERATION, nothing written");
	readn(0, 0, 2, 2, GL_RGBA, GL_UNSIGNED_BYTE, 16, px);
	check(glGetError() == GL_NO_ERROR && px[1] == 255 && px[13] == 255,
	      "glReadnPixels into 16 bytes: the cleared green");

	/* Share groups must agree on the strategy; unknown values are refused. */
	const int plain_attribs[] = { WGL_CONTEXT_MAJOR_VERSION_ARB, 4,
				      WGL_CONTEXT_MINOR_VERSION_ARB, 5, 0 };
	SetLastError(0);
	HGLRC mixed = create(a.dc, robust, plain_attribs);
	check(!mixed && GetLastError() == ERROR_INVALID_OPERATION,
	      "share context of another reset strategy: ERROR_INVALID_OPERATION");
	const int bad_attribs[] = { WGL_CONTEXT_RESET_NOTIFICATION_STRATEGY_ARB, 0x1234, 0 };
	SetLastError(0);
	check(!create(a.dc, NULL, bad_attribs) && GetLastError() == ERROR_INVALID_PARAMETER,
	      "unknown reset strategy: ERROR_INVALID_PARAMETER");
	const int same_attribs[] = { WGL_CONTEXT_MAJOR_VERSION_ARB, 4,
				     WGL_CONTEXT_MINOR_VERSION_ARB, 5,
				     WGL_CONTEXT_RESET_NOTIFICATION_STRATEGY_ARB,
				     WGL_LOSE_CONTEXT_ON_RESET_ARB, 0 };
	HGLRC shared = create(a.dc, robust, same_attribs);
	check(shared != NULL, "share context of the same strategy created");
	if (shared)
		wglDeleteContext(shared);

	/* A context without the attributes: no reset notification. */
	HGLRC plain = create(a.dc, NULL, plain_attribs);
	strategy = 0;
	if (plain && wglMakeCurrent(a.dc, plain))
		glGetIntegerv(GL_RESET_NOTIFICATION_STRATEGY, &strategy);
	check(strategy == GL_NO_RESET_NOTIFICATION, "default context: GL_NO_RESET_NOTIFICATION");

	/* WGL_ARB_make_current_read. */
	PFNWGLMAKECONTEXTCURRENTARBPROC make =
		PROC(PFNWGLMAKECONTEXTCURRENTARBPROC, "wglMakeContextCurrentARB");
	PFNWGLGETCURRENTREADDCARBPROC read_dc =
		PROC(PFNWGLGETCURRENTREADDCARBPROC, "wglGetCurrentReadDCARB");
	check(make && read_dc, "wglMakeContextCurrentARB and wglGetCurrentReadDCARB resolved");
	if (!make || !read_dc)
		return 1;
	HDC other_dc = GetWindowDC(a.wnd);   /* a second DC of the same window */
	check(other_dc && other_dc != a.dc && make(a.dc, other_dc, robust),
	      "read DC of the draw window bound");
	check(wglGetCurrentDC() == a.dc && read_dc() == other_dc &&
		      wglGetCurrentContext() == robust,
	      "wglGetCurrentDC is the draw DC, wglGetCurrentReadDCARB the read DC");
	glClearColor(1, 0, 0, 1);
	glClear(GL_COLOR_BUFFER_BIT);
	memset(px, 0, sizeof(px));
	glReadPixels(1, 1, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	check(px[0] == 255 && px[1] == 0, "reads through the read DC see the drawn red");

	/* Another window: a second framebuffer the host context lacks. */
	if (!test_window_open(&b, "wgl_robust_b", 32, 32, 24, 8, 0, 0))
		return 1;
	SetLastError(0);
	check(!make(a.dc, b.dc, robust) && GetLastError() == ERROR_INVALID_OPERATION,
	      "read DC of another window: ERROR_INVALID_OPERATION");
	check(wglGetCurrentContext() == b.rc, "the binding before the refused call stays");
	/* A window of another pixel format. */
	HWND cw = CreateWindowA("wgl_robust_b", "c", WS_POPUP | WS_VISIBLE, 0, 0, 16, 16, NULL,
				NULL, GetModuleHandleA(NULL), NULL);
	HDC cdc = cw ? GetDC(cw) : NULL;
	int fa = GetPixelFormat(a.dc), fc = fa == 1 ? 2 : 1;
	PIXELFORMATDESCRIPTOR pfd;
	DescribePixelFormat(cdc, fc, sizeof(pfd), &pfd);
	check(cdc && SetPixelFormat(cdc, fc, &pfd), "third window with another pixel format");
	SetLastError(0);
	check(!make(a.dc, cdc, robust) && GetLastError() == ERROR_INVALID_PIXEL_TYPE_ARB,
	      "read DC of another pixel format: ERROR_INVALID_PIXEL_TYPE_ARB");
	check(make(NULL, NULL, NULL) && !wglGetCurrentContext() && !read_dc(),
	      "wglMakeContextCurrentARB(NULL, NULL, NULL) releases");

	ReleaseDC(a.wnd, other_dc);
	if (cdc)
		ReleaseDC(cw, cdc);
	if (cw)
		DestroyWindow(cw);
	if (plain)
		wglDeleteContext(plain);
	wglDeleteContext(robust);
	test_window_close(&b);
	test_window_close(&a);
	if (failures) {
		printf("wgl_robust: %d checks failed\n", failures);
		return 1;
	}
	printf("wgl_robust: ok %s\n", test_arch());
	return 0;
}
