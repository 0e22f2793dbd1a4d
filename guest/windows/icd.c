/*
 * The ICD driver DLL (sglicd.dll): the Drv* entry points Microsoft's
 * opengl32.dll calls once the OpenGLDrivers registry key names us. They are
 * the wgl* of opengl32.dll (wgl.c, pixel_format.c, wgl_stubs.c) behind the
 * driver interface: the same contexts, formats and presentation, so both
 * DLLs behave alike. DrvSetContext hands back the GL 1.1 dispatch table,
 * whose order is Windows' ABI (generated from protocol/icd_table.txt).
 */
#include "wgl_internal.h"

#include <string.h>

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

/* opengl32's GetDhglrc (DrvSetCallbackProcs): its HGLRC's context of ours. */
static DHGLRC(APIENTRY *get_dhglrc)(HGLRC);

/*
 * wglCreateContextAttribsARB through an ICD: the application gets the
 * handle from us (DrvGetProcAddress) but hands it to opengl32's
 * wglMakeCurrent, so it must be opengl32's. We call opengl32's own
 * wglCreateContext, which calls DrvCreateContext on this thread; that call
 * creates the context with the attributes left here for it.
 */
struct attribs_request {
	bool on;
	DHGLRC share;
	const int *attribs;
};
static __thread struct attribs_request request;

/* opengl32's wglCreateContext: in opengl32.dll, or in the program itself
 * when it is its own opengl32 (tests/windows/icd_loader.c). */
static FARPROC opengl32_proc(const char *name)
{
	HMODULE m = GetModuleHandleA("opengl32.dll");
	FARPROC f = m ? GetProcAddress(m, name) : NULL;
	return f ? f : GetProcAddress(GetModuleHandleA(NULL), name);
}

static HGLRC(WINAPI *opengl32_create(void))(HDC)
{
	return (HGLRC(WINAPI *)(HDC))(void (*)(void))opengl32_proc("wglCreateContext");
}

/* wglMakeContextCurrentARB on an opengl32 HGLRC: opengl32's wglMakeCurrent
 * (which calls DrvSetContext), with our read DC checks around it. */
static BOOL WINAPI make_context_current(HDC draw, HDC read, HGLRC h)
{
	BOOL(WINAPI * make)(HDC, HGLRC) = (BOOL(WINAPI *)(HDC, HGLRC))(void (*)(void))
		opengl32_proc("wglMakeCurrent");
	if (!make) {
		SetLastError(ERROR_INVALID_OPERATION);
		return FALSE;
	}
	return sgl_wgl_make_current_read(draw, read, h, make);
}

static HGLRC WINAPI create_context_attribs(HDC hdc, HGLRC share, const int *attribs)
{
	HGLRC(WINAPI * create)(HDC) = opengl32_create();
	DHGLRC dshare = 0;
	if (!create || (share && (!get_dhglrc || !(dshare = get_dhglrc(share))))) {
		SetLastError(ERROR_INVALID_OPERATION);
		return NULL;
	}
	request = (struct attribs_request){ true, dshare, attribs };
	HGLRC h = create(hdc);
	request.on = false;
	return h;
}

/* opengl32 asks whether it speaks our version of the interface: any does. */
DRV BOOL APIENTRY DrvValidateVersion(ULONG version)
{
	(void)version;
	return TRUE;
}

/* opengl32's SetCurrentValue, GetCurrentValue, GetDhglrc: our current
 * context is our own thread-local (wgl.c); GetDhglrc serves
 * create_context_attribs' share contexts. */
DRV void APIENTRY DrvSetCallbackProcs(INT n, PROC *procs)
{
	if (n >= 3 && procs)
		get_dhglrc = (DHGLRC(APIENTRY *)(HGLRC))(void (*)(void))procs[2];
}

DRV DHGLRC APIENTRY DrvCreateContext(HDC hdc)
{
	if (request.on) {
		request.on = false;
		return (DHGLRC)sgl_wglCreateContextAttribsARB(hdc, (HGLRC)request.share,
							      request.attribs);
	}
	return (DHGLRC)wglCreateContext(hdc);
}

/* Some opengl32 versions create every context through this one. */
DRV DHGLRC APIENTRY DrvCreateLayerContext(HDC hdc, INT layer)
{
	if (layer == 0)
		return DrvCreateContext(hdc);
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

/* Everything past GL 1.1 and the WGL extensions, as wglGetProcAddress,
 * but wglCreateContextAttribsARB and wglMakeContextCurrentARB through
 * opengl32 (above). */
DRV PROC APIENTRY DrvGetProcAddress(LPCSTR name)
{
	if (name && !strcmp(name, "wglCreateContextAttribsARB"))
		return (PROC)(void (*)(void))create_context_attribs;
	if (name && !strcmp(name, "wglMakeContextCurrentARB"))
		return (PROC)(void (*)(void))make_context_current;
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
