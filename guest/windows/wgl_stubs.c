/*
 * The wgl* of opengl32.dll that have nothing to act on here: no layer
 * planes or palettes (our formats have none), no context copies. They
 * answer as Windows does for a driver without them. wglUseFontOutlines is
 * exported but not implemented yet (docs/windows.md).
 */
#include "wgl_internal.h"

HGLRC WINAPI wglCreateLayerContext(HDC hdc, int layer)
{
	if (layer) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return wglCreateContext(hdc);
}

BOOL WINAPI wglCopyContext(HGLRC src, HGLRC dst, UINT mask)
{
	(void)src, (void)dst, (void)mask;
	SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
	return FALSE;
}

BOOL WINAPI wglDescribeLayerPlane(HDC hdc, int format, int layer, UINT size,
				  LPLAYERPLANEDESCRIPTOR d)
{
	(void)hdc, (void)format, (void)layer, (void)size, (void)d;
	return FALSE;
}

int WINAPI wglSetLayerPaletteEntries(HDC hdc, int layer, int start, int n, const COLORREF *c)
{
	(void)hdc, (void)layer, (void)start, (void)n, (void)c;
	return 0;
}

int WINAPI wglGetLayerPaletteEntries(HDC hdc, int layer, int start, int n, COLORREF *c)
{
	(void)hdc, (void)layer, (void)start, (void)n, (void)c;
	return 0;
}

BOOL WINAPI wglRealizeLayerPalette(HDC hdc, int layer, BOOL realize)
{
	(void)hdc, (void)layer, (void)realize;
	return FALSE;
}

BOOL WINAPI wglSwapLayerBuffers(HDC hdc, UINT planes)
{
	return (planes & WGL_SWAP_MAIN_PLANE) ? wglSwapBuffers(hdc) : FALSE;
}

DWORD WINAPI wglSwapMultipleBuffers(UINT n, const WGLSWAP *swaps)
{
	DWORD done = 0;
	for (UINT i = 0; i < n && i < 32; i++)
		if ((swaps[i].uiFlags & WGL_SWAP_MAIN_PLANE) && wglSwapBuffers(swaps[i].hdc))
			done |= 1u << i;
	return done;
}

BOOL WINAPI wglUseFontOutlinesA(HDC hdc, DWORD first, DWORD count, DWORD base, FLOAT dev,
				FLOAT extrusion, int format, LPGLYPHMETRICSFLOAT gm)
{
	(void)hdc, (void)first, (void)count, (void)base, (void)dev, (void)extrusion, (void)format,
		(void)gm;
	SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
	return FALSE;
}

BOOL WINAPI wglUseFontOutlinesW(HDC hdc, DWORD first, DWORD count, DWORD base, FLOAT dev,
				FLOAT extrusion, int format, LPGLYPHMETRICSFLOAT gm)
{
	return wglUseFontOutlinesA(hdc, first, count, base, dev, extrusion, format, gm);
}
