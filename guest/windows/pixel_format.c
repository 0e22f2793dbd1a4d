/*
 * Pixel formats. The host draws into a framebuffer of its own and sends
 * each frame back, so a format only says what that framebuffer has: RGBA8
 * with or without alpha, depth 24 with or without stencil 8, depth 16, or
 * no depth; always double-buffered and drawn to windows. The format set on
 * a window lives in a window property (Windows: once set, it cannot
 * change).
 */
#include "wgl_internal.h"

#include <GL/wglext.h>

#include "sgl_session.h"

static const struct sgl_wgl_format formats[] = {
	/* The usual request (32-bit color, 24 depth, 8 stencil) first. */
	{ 8, 24, 8 }, { 8, 24, 0 }, { 8, 16, 0 }, { 8, 0, 0 },
	{ 0, 24, 8 }, { 0, 24, 0 }, { 0, 16, 0 }, { 0, 0, 0 },
};
#define COUNT ((int)(sizeof(formats) / sizeof(formats[0])))

static const char PROP[] = "sgl.pixel_format";

const struct sgl_wgl_format *sgl_wgl_format(int index)
{
	return index >= 1 && index <= COUNT ? &formats[index - 1] : NULL;
}

int sgl_wgl_format_count(void)
{
	return COUNT;
}

uint32_t sgl_wgl_format_flags(int format)
{
	const struct sgl_wgl_format *f = sgl_wgl_format(format);
	if (!f)
		return 0;
	return (f->depth ? 0 : SGL_CONTEXT_NO_DEPTH) | (f->stencil ? 0 : SGL_CONTEXT_NO_STENCIL);
}

static void describe(const struct sgl_wgl_format *f, PIXELFORMATDESCRIPTOR *p)
{
	*p = (PIXELFORMATDESCRIPTOR){
		.nSize = sizeof(*p),
		.nVersion = 1,
		.dwFlags = PFD_DRAW_TO_WINDOW | PFD_SUPPORT_OPENGL | PFD_DOUBLEBUFFER |
			   PFD_SUPPORT_COMPOSITION,
		.iPixelType = PFD_TYPE_RGBA,
		.cColorBits = 32,
		.cRedBits = 8, .cRedShift = 16,
		.cGreenBits = 8, .cGreenShift = 8,
		.cBlueBits = 8, .cBlueShift = 0,
		.cAlphaBits = (BYTE)f->alpha, .cAlphaShift = f->alpha ? 24 : 0,
		.cDepthBits = (BYTE)f->depth,
		.cStencilBits = (BYTE)f->stencil,
		.iLayerType = PFD_MAIN_PLANE,
	};
}

int WINAPI wglDescribePixelFormat(HDC hdc, int format, UINT size, PIXELFORMATDESCRIPTOR *pfd)
{
	(void)hdc;
	const struct sgl_wgl_format *f = sgl_wgl_format(format);
	if (pfd && f && size >= sizeof(*pfd))
		describe(f, pfd);
	else if (pfd) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	return COUNT;
}

/* How far format `f` is from what was asked: a missing buffer that was
 * asked for rules it out (-1), extra bits cost a little. */
static int distance(const struct sgl_wgl_format *f, int alpha, int depth, int stencil)
{
	if (f->alpha < alpha || f->depth < depth || f->stencil < stencil)
		return -1;
	return (f->alpha - alpha) + (f->depth - depth) + 4 * (f->stencil - stencil);
}

int WINAPI wglChoosePixelFormat(HDC hdc, const PIXELFORMATDESCRIPTOR *pfd)
{
	(void)hdc;
	if (!pfd || pfd->iPixelType != PFD_TYPE_RGBA || (pfd->dwFlags & PFD_STEREO) ||
	    (pfd->dwFlags & PFD_DRAW_TO_BITMAP)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	int best = 0, best_d = 0;
	for (int i = 1; i <= COUNT; i++) {
		int d = distance(&formats[i - 1], pfd->cAlphaBits ? 1 : 0,
				 pfd->dwFlags & PFD_DEPTH_DONTCARE ? 0 : pfd->cDepthBits,
				 pfd->cStencilBits);
		if (d >= 0 && (!best || d < best_d))
			best = i, best_d = d;
	}
	return best;
}

BOOL WINAPI wglSetPixelFormat(HDC hdc, int format, const PIXELFORMATDESCRIPTOR *pfd)
{
	(void)pfd;
	HWND wnd = WindowFromDC(hdc);
	if (!sgl_wgl_format(format) || !wnd) {
		SetLastError(ERROR_INVALID_PIXEL_FORMAT);
		return FALSE;
	}
	int old = (int)(INT_PTR)GetPropA(wnd, PROP);
	if (old)
		return old == format;
	return SetPropA(wnd, PROP, (HANDLE)(INT_PTR)format);
}

int WINAPI wglGetPixelFormat(HDC hdc)
{
	HWND wnd = WindowFromDC(hdc);
	int f = wnd ? (int)(INT_PTR)GetPropA(wnd, PROP) : 0;
	if (!f)
		SetLastError(ERROR_INVALID_PIXEL_FORMAT);
	return f;
}

/* ------------------------------------------------------------------------
 * WGL_ARB_pixel_format
 */

/* The value of `attrib` for format `f` (index `i`); false when unknown. */
static bool attrib_of(int i, const struct sgl_wgl_format *f, int attrib, int *v)
{
	switch (attrib) {
	case WGL_NUMBER_PIXEL_FORMATS_ARB: *v = COUNT; return true;
	case WGL_DRAW_TO_WINDOW_ARB:
	case WGL_SUPPORT_OPENGL_ARB:
	case WGL_DOUBLE_BUFFER_ARB: *v = TRUE; return true;
	case WGL_DRAW_TO_BITMAP_ARB:
	case WGL_NEED_PALETTE_ARB:
	case WGL_NEED_SYSTEM_PALETTE_ARB:
	case WGL_SWAP_LAYER_BUFFERS_ARB:
	case WGL_NUMBER_OVERLAYS_ARB:
	case WGL_NUMBER_UNDERLAYS_ARB:
	case WGL_TRANSPARENT_ARB:
	case WGL_SHARE_DEPTH_ARB:
	case WGL_SHARE_STENCIL_ARB:
	case WGL_SHARE_ACCUM_ARB:
	case WGL_SUPPORT_GDI_ARB:
	case WGL_STEREO_ARB:
	case WGL_ACCUM_BITS_ARB:
	case WGL_ACCUM_RED_BITS_ARB:
	case WGL_ACCUM_GREEN_BITS_ARB:
	case WGL_ACCUM_BLUE_BITS_ARB:
	case WGL_ACCUM_ALPHA_BITS_ARB:
	case WGL_AUX_BUFFERS_ARB:
	case WGL_SAMPLE_BUFFERS_ARB:
	case WGL_SAMPLES_ARB:
	case WGL_FRAMEBUFFER_SRGB_CAPABLE_ARB: *v = 0; return true;
	case WGL_ACCELERATION_ARB: *v = WGL_FULL_ACCELERATION_ARB; return true;
	case WGL_SWAP_METHOD_ARB: *v = WGL_SWAP_UNDEFINED_ARB; return true;
	case WGL_PIXEL_TYPE_ARB: *v = WGL_TYPE_RGBA_ARB; return true;
	case WGL_COLOR_BITS_ARB: *v = 24 + f->alpha; return true;
	case WGL_RED_BITS_ARB:
	case WGL_GREEN_BITS_ARB:
	case WGL_BLUE_BITS_ARB: *v = 8; return true;
	case WGL_RED_SHIFT_ARB: *v = 16; return true;
	case WGL_GREEN_SHIFT_ARB: *v = 8; return true;
	case WGL_BLUE_SHIFT_ARB: *v = 0; return true;
	case WGL_ALPHA_BITS_ARB: *v = f->alpha; return true;
	case WGL_ALPHA_SHIFT_ARB: *v = f->alpha ? 24 : 0; return true;
	case WGL_DEPTH_BITS_ARB: *v = f->depth; return true;
	case WGL_STENCIL_BITS_ARB: *v = f->stencil; return true;
	default: (void)i; return false;
	}
}

BOOL WINAPI sgl_wglGetPixelFormatAttribivARB(HDC hdc, int format, int layer, UINT n,
					     const int *attribs, int *values)
{
	(void)hdc;
	const struct sgl_wgl_format *f = sgl_wgl_format(format);
	if (layer || !attribs || !values) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	for (UINT k = 0; k < n; k++) {
		/* The count needs no valid format. */
		if (attribs[k] == WGL_NUMBER_PIXEL_FORMATS_ARB) {
			values[k] = COUNT;
			continue;
		}
		if (!f || !attrib_of(format, f, attribs[k], &values[k])) {
			SetLastError(f ? ERROR_INVALID_PARAMETER : ERROR_INVALID_PIXEL_FORMAT);
			return FALSE;
		}
	}
	return TRUE;
}

BOOL WINAPI sgl_wglGetPixelFormatAttribfvARB(HDC hdc, int format, int layer, UINT n,
					     const int *attribs, FLOAT *values)
{
	for (UINT k = 0; k < n; k++) {
		int v;
		if (!sgl_wglGetPixelFormatAttribivARB(hdc, format, layer, 1, &attribs[k], &v))
			return FALSE;
		values[k] = (FLOAT)v;
	}
	return TRUE;
}

/* WGL_ARB_pixel_format: these must match exactly, the others are minimums
 * (the spec's table of "match criteria"). */
static bool exact(int attrib)
{
	switch (attrib) {
	case WGL_DRAW_TO_WINDOW_ARB: case WGL_DRAW_TO_BITMAP_ARB: case WGL_ACCELERATION_ARB:
	case WGL_NEED_PALETTE_ARB: case WGL_NEED_SYSTEM_PALETTE_ARB: case WGL_SWAP_LAYER_BUFFERS_ARB:
	case WGL_SWAP_METHOD_ARB: case WGL_SHARE_DEPTH_ARB: case WGL_SHARE_STENCIL_ARB:
	case WGL_SHARE_ACCUM_ARB: case WGL_SUPPORT_GDI_ARB: case WGL_SUPPORT_OPENGL_ARB:
	case WGL_DOUBLE_BUFFER_ARB: case WGL_STEREO_ARB: case WGL_PIXEL_TYPE_ARB:
	case WGL_TRANSPARENT_ARB:
		return true;
	default:
		return false;
	}
}

/* -1: format `i` does not qualify; otherwise how many bits it has beyond
 * what was asked (smaller first). */
static int score(int i, const int *iattribs, const FLOAT *fattribs)
{
	const struct sgl_wgl_format *f = sgl_wgl_format(i);
	int extra = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0;; k += 2) {
			int a, want, have;
			if (pass == 0) {
				if (!iattribs || !iattribs[k])
					break;
				a = iattribs[k], want = iattribs[k + 1];
			} else {
				if (!fattribs || !fattribs[k])
					break;
				a = (int)fattribs[k], want = (int)fattribs[k + 1];
			}
			/* "any swap method will do" */
			if (a == WGL_SWAP_METHOD_ARB)
				continue;
			if (!attrib_of(i, f, a, &have))
				return -1;
			if (exact(a) ? have != want : have < want)
				return -1;
			if (!exact(a))
				extra += have - want;
		}
	}
	return extra;
}

BOOL WINAPI sgl_wglChoosePixelFormatARB(HDC hdc, const int *iattribs, const FLOAT *fattribs,
					UINT max, int *formats_out, UINT *count)
{
	(void)hdc;
	int scores[COUNT + 1], order[COUNT];
	UINT n = 0;
	if (!count || (max && !formats_out)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	for (int i = 1; i <= COUNT; i++) {
		scores[i] = score(i, iattribs, fattribs);
		if (scores[i] < 0)
			continue;
		/* Insertion by score: ties keep the table's order. */
		UINT at = n++;
		while (at > 0 && scores[order[at - 1]] > scores[i]) {
			order[at] = order[at - 1];
			at--;
		}
		order[at] = i;
	}
	*count = n < max ? n : max;
	for (UINT k = 0; k < *count; k++)
		formats_out[k] = order[k];
	return TRUE;
}
