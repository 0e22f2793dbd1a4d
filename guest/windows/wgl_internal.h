/*
 * The Windows guest's WGL: opengl32.dll's wgl* exports (wgl.c), pixel
 * formats (pixel_format.c), presentation with GDI (present.c), on top of
 * the guest runtime (runtime.h) every guest library shares.
 */
#ifndef SGL_WGL_INTERNAL_H
#define SGL_WGL_INTERNAL_H

/* We define the wgl* wingdi.h declares for importers. */
#define _GDI32_
#include <windows.h>

#include <stdbool.h>

#include "runtime.h"

/* The wgl* gdi32 forwards to opengl32 (ChoosePixelFormat, ...) are not in
 * wingdi.h: Windows does not document them. */
int WINAPI wglChoosePixelFormat(HDC hdc, const PIXELFORMATDESCRIPTOR *pfd);
int WINAPI wglDescribePixelFormat(HDC hdc, int format, UINT size, PIXELFORMATDESCRIPTOR *pfd);
int WINAPI wglGetPixelFormat(HDC hdc);
BOOL WINAPI wglSetPixelFormat(HDC hdc, int format, const PIXELFORMATDESCRIPTOR *pfd);
BOOL WINAPI wglSwapBuffers(HDC hdc);
PROC WINAPI wglGetDefaultProcAddress(LPCSTR name);

/* A pixel format: every one is RGBA, double-buffered, drawn by the host. */
struct sgl_wgl_format {
	int alpha, depth, stencil;
};

/* Formats 1..count; NULL outside. */
const struct sgl_wgl_format *sgl_wgl_format(int index);
int sgl_wgl_format_count(void);
/* SGL_CONTEXT_NO_* for a context made for `format` (0: none set yet). */
uint32_t sgl_wgl_format_flags(int format);

/* WGL_ARB_create_context(_profile) (wgl.c): a context of ours, `share_h`
 * one of ours too. */
HGLRC WINAPI sgl_wglCreateContextAttribsARB(HDC hdc, HGLRC share_h, const int *attribs);
/* wglMakeContextCurrentARB: checks the read DC, then `make(draw, h)`
 * (ours, or opengl32's for an ICD), then records the read DC. */
BOOL sgl_wgl_make_current_read(HDC draw, HDC read, HGLRC h, BOOL(WINAPI *make)(HDC, HGLRC));

/* WGL_ARB_pixel_format (pixel_format.c). */
BOOL WINAPI sgl_wglGetPixelFormatAttribivARB(HDC hdc, int format, int layer, UINT n,
					     const int *attribs, int *values);
BOOL WINAPI sgl_wglGetPixelFormatAttribfvARB(HDC hdc, int format, int layer, UINT n,
					     const int *attribs, FLOAT *values);
BOOL WINAPI sgl_wglChoosePixelFormatARB(HDC hdc, const int *iattribs, const FLOAT *fattribs,
					UINT max, int *formats, UINT *count);

/* Shows `frame` in the window of `hdc` (present.c); the frame is BGRA, top
 * row first. */
void sgl_wgl_present(void *hdc, const struct sgl_frame *frame);

/* The size of the window behind `hdc` (0x0 when it has none). */
void sgl_wgl_dc_size(HDC hdc, uint32_t *width, uint32_t *height);

#endif
