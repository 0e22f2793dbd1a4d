/*
 * The ICD driver DLL (sglicd.dll): the Drv* entry points Microsoft's
 * opengl32.dll calls once the OpenGLDrivers registry key names us. They are
 * the wgl* of opengl32.dll (wgl.c, pixel_format.c, wgl_stubs.c) behind the
 * driver interface: the same contexts, formats and presentation, so both
 * DLLs behave alike. DrvSetContext hands back the GL 1.1 dispatch table,
 * whose order is Windows' ABI (generated from protocol/icd_table.txt).
 */
#include "wgl_internal.h"

#include "entry.h"

/* Not in mingw's headers (Windows' gldrv.h is in the DDK only). */
#define SGL_ICD_TABLE_SIZE 336
typedef struct {
	int cEntries;
	PROC glDispatchTable[SGL_ICD_TABLE_SIZE];
} GLCLTPROCTABLE;
typedef void(APIENTRY *PFN_SETPROCTABLE)(const GLCLTPROCTABLE *);
typedef ULONG_PTR DHGLRC;

#define DRV __declspec(dllexport)

/* Generated (sgl_icd_table.c). */
extern const size_t sgl_icd_table_count;
extern const char *const sgl_icd_table_names[];

static GLCLTPROCTABLE table;
static INIT_ONCE table_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK fill_table(INIT_ONCE *once, void *arg, void **ctx)
{
	(void)once, (void)arg, (void)ctx;
	if (sgl_icd_table_count != SGL_ICD_TABLE_SIZE)
		return FALSE;
	for (size_t i = 0; i < SGL_ICD_TABLE_SIZE; i++) {
		table.glDispatchTable[i] = (PROC)sgl_entry_lookup(sgl_icd_table_names[i]);
		if (!table.glDispatchTable[i])
			return FALSE;
	}
	table.cEntries = SGL_ICD_TABLE_SIZE;
	return TRUE;
}

/* opengl32 asks whether it speaks our version of the interface: any does. */
DRV BOOL APIENTRY DrvValidateVersion(ULONG version)
{
	(void)version;
	return TRUE;
}

/* opengl32's SetCurrentValue/GetCurrentValue/GetDhglrc: our current
 * context is our own thread-local (wgl.c), so they are not needed. */
DRV void APIENTRY DrvSetCallbackProcs(INT n, PROC *procs)
{
	(void)n, (void)procs;
}

DRV DHGLRC APIENTRY DrvCreateContext(HDC hdc)
{
	return (DHGLRC)wglCreateContext(hdc);
}

DRV DHGLRC APIENTRY DrvCreateLayerContext(HDC hdc, INT layer)
{
	return (DHGLRC)wglCreateLayerContext(hdc, layer);
}

DRV BOOL APIENTRY DrvDeleteContext(DHGLRC c)
{
	return wglDeleteContext((HGLRC)c);
}

DRV BOOL APIENTRY DrvCopyContext(DHGLRC src, DHGLRC dst, UINT mask)
{
	return wglCopyContext((HGLRC)src, (HGLRC)dst, mask);
}

/* Makes `c` current in this thread on `hdc` and hands back the table of
 * the GL 1.1 entry points (every context shares the one table: the entry
 * points find the current context themselves). NULL: not made current. */
DRV const GLCLTPROCTABLE *APIENTRY DrvSetContext(HDC hdc, DHGLRC c, PFN_SETPROCTABLE set)
{
	(void)set;
	if (!InitOnceExecuteOnce(&table_once, fill_table, NULL, NULL)) {
		SetLastError(ERROR_INVALID_FUNCTION);
		return NULL;
	}
	return wglMakeCurrent(hdc, (HGLRC)c) ? &table : NULL;
}

DRV BOOL APIENTRY DrvReleaseContext(DHGLRC c)
{
	if ((HGLRC)c != wglGetCurrentContext()) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return wglMakeCurrent(NULL, NULL);
}

DRV BOOL APIENTRY DrvShareLists(DHGLRC a, DHGLRC b)
{
	return wglShareLists((HGLRC)a, (HGLRC)b);
}

DRV LONG APIENTRY DrvDescribePixelFormat(HDC hdc, INT format, ULONG size,
					 PIXELFORMATDESCRIPTOR *pfd)
{
	return wglDescribePixelFormat(hdc, format, size, pfd);
}

DRV BOOL APIENTRY DrvSetPixelFormat(HDC hdc, LONG format)
{
	return wglSetPixelFormat(hdc, format, NULL);
}

DRV BOOL APIENTRY DrvSwapBuffers(HDC hdc)
{
	return wglSwapBuffers(hdc);
}

/* Everything past GL 1.1 and the WGL extensions, as wglGetProcAddress. */
DRV PROC APIENTRY DrvGetProcAddress(LPCSTR name)
{
	return wglGetProcAddress(name);
}

/* Layer planes: our formats have none (wgl_stubs.c). */
DRV BOOL APIENTRY DrvDescribeLayerPlane(HDC hdc, INT format, INT layer, UINT size,
					LPLAYERPLANEDESCRIPTOR d)
{
	return wglDescribeLayerPlane(hdc, format, layer, size, d);
}

DRV INT APIENTRY DrvSetLayerPaletteEntries(HDC hdc, INT layer, INT start, INT n,
					   const COLORREF *c)
{
	return wglSetLayerPaletteEntries(hdc, layer, start, n, c);
}

DRV INT APIENTRY DrvGetLayerPaletteEntries(HDC hdc, INT layer, INT start, INT n, COLORREF *c)
{
	return wglGetLayerPaletteEntries(hdc, layer, start, n, c);
}

DRV BOOL APIENTRY DrvRealizeLayerPalette(HDC hdc, INT layer, BOOL realize)
{
	return wglRealizeLayerPalette(hdc, layer, realize);
}

DRV BOOL APIENTRY DrvSwapLayerBuffers(HDC hdc, UINT planes)
{
	return wglSwapLayerBuffers(hdc, planes);
}
