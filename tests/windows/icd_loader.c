/*
 * What Microsoft's opengl32.dll does with an ICD, done by a test program
 * (Wine's opengl32 never loads one): find the driver under the
 * OpenGLDrivers registry key, LoadLibrary it, DrvValidateVersion,
 * DrvSetCallbackProcs, choose and set a pixel format through the driver,
 * DrvCreateContext, DrvSetContext for the GL 1.1 dispatch table, draw
 * through the table and through DrvGetProcAddress'd functions, check the
 * pixels with glReadPixels, DrvSwapBuffers and check the window with GDI,
 * DrvReleaseContext, DrvDeleteContext. Then a 3.3 core context through
 * DrvGetProcAddress'd wglCreateContextAttribsARB, which must come back as a
 * handle of ours: the driver makes it through this program's
 * wglCreateContext (exported, as opengl32's is), and finds a share
 * context's through our GetDhglrc callback.
 *
 * The table entries used are indexed by Windows' own numbering
 * (GLCLTPROCTABLE), written here independently of the driver's generated
 * table, and each is compared with DrvGetProcAddress of its name: a table
 * in another order fails.
 *
 *   icd_loader.exe        prints "icd_loader: ok 64-bit" (or 32-bit)
 */
/* This program defines wglCreateContext, as opengl32 does. */
#define _GDI32_
#include <windows.h>

#include <GL/gl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define KEY "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\OpenGLDrivers"
#define SIZE 64

typedef struct {
	int cEntries;
	PROC entry[336];
} GLCLTPROCTABLE;
typedef ULONG_PTR DHGLRC;

static BOOL(APIENTRY *ValidateVersion)(ULONG);
static void(APIENTRY *SetCallbackProcs)(INT, PROC *);
static LONG(APIENTRY *DescribePixelFormat_)(HDC, INT, ULONG, PIXELFORMATDESCRIPTOR *);
static BOOL(APIENTRY *SetPixelFormat_)(HDC, LONG);
static DHGLRC(APIENTRY *CreateContext)(HDC);
static const GLCLTPROCTABLE *(APIENTRY *SetContext)(HDC, DHGLRC, void *);
static BOOL(APIENTRY *ReleaseContext)(DHGLRC);
static BOOL(APIENTRY *DeleteContext)(DHGLRC);
static BOOL(APIENTRY *SwapBuffers_)(HDC);
static PROC(APIENTRY *GetProcAddress_)(LPCSTR);

/* Windows' GLCLTPROCTABLE indexes of the entries drawn with. */
enum {
	I_BEGIN = 7, I_COLOR3F = 13, I_END = 43, I_VERTEX2F = 128, I_CLEAR = 203,
	I_CLEARCOLOR = 206, I_FINISH = 216, I_READPIXELS = 256, I_GETERROR = 261,
	I_GETSTRING = 275, I_VIEWPORT = 305, I_DRAWARRAYS = 310, I_ENABLECLIENTSTATE = 313,
	I_VERTEXPOINTER = 321,
};
static const struct {
	int index;
	const char *name;
} checked[] = {
	{ 0, "glNewList" }, { I_BEGIN, "glBegin" }, { I_COLOR3F, "glColor3f" },
	{ I_END, "glEnd" }, { I_VERTEX2F, "glVertex2f" }, { I_CLEAR, "glClear" },
	{ I_CLEARCOLOR, "glClearColor" }, { I_FINISH, "glFinish" },
	{ I_READPIXELS, "glReadPixels" }, { I_GETERROR, "glGetError" },
	{ I_GETSTRING, "glGetString" }, { I_VIEWPORT, "glViewport" },
	{ I_DRAWARRAYS, "glDrawArrays" }, { I_ENABLECLIENTSTATE, "glEnableClientState" },
	{ I_VERTEXPOINTER, "glVertexPointer" }, { 306, "glArrayElement" },
	{ 335, "glPushClientAttrib" },
};

static int fail(const char *what)
{
	printf("icd_loader: FAIL %s (error %lu)\n", what, GetLastError());
	return 1;
}

/* The driver's DLL as opengl32 finds it: the first subkey of
 * OpenGLDrivers with a DLL value (Windows' layout since XP), else the
 * first plain string value (the older one). */
static bool driver_dll(char *dll, DWORD size)
{
	HKEY key, sub;
	char name[256];
	DWORD n = sizeof(name), len = size, type;
	bool found = false;
	if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, KEY, 0, KEY_READ, &key))
		return false;
	if (!RegEnumKeyExA(key, 0, name, &n, NULL, NULL, NULL, NULL) &&
	    !RegOpenKeyExA(key, name, 0, KEY_READ, &sub)) {
		found = !RegQueryValueExA(sub, "DLL", NULL, &type, (BYTE *)dll, &len) &&
			type == REG_SZ;
		RegCloseKey(sub);
	}
	n = sizeof(name), len = size;
	if (!found)
		found = !RegEnumValueA(key, 0, name, &n, NULL, &type, (BYTE *)dll, &len) &&
			type == REG_SZ;
	RegCloseKey(key);
	printf("icd_loader: OpenGLDrivers\\%s -> %s\n", name, found ? dll : "(none)");
	return found;
}

#define GET(var, name) \
	(((var) = (__typeof__(var))(void (*)(void))GetProcAddress(dll, name)) != NULL)

static bool load(HMODULE dll)
{
	return GET(ValidateVersion, "DrvValidateVersion") &&
	       GET(SetCallbackProcs, "DrvSetCallbackProcs") &&
	       GET(DescribePixelFormat_, "DrvDescribePixelFormat") &&
	       GET(SetPixelFormat_, "DrvSetPixelFormat") && GET(CreateContext, "DrvCreateContext") &&
	       GET(SetContext, "DrvSetContext") && GET(ReleaseContext, "DrvReleaseContext") &&
	       GET(DeleteContext, "DrvDeleteContext") && GET(SwapBuffers_, "DrvSwapBuffers") &&
	       GET(GetProcAddress_, "DrvGetProcAddress") && GetProcAddress(dll, "DrvShareLists") &&
	       GetProcAddress(dll, "DrvCreateLayerContext") &&
	       GetProcAddress(dll, "DrvDescribeLayerPlane") &&
	       GetProcAddress(dll, "DrvSetLayerPaletteEntries") &&
	       GetProcAddress(dll, "DrvGetLayerPaletteEntries") &&
	       GetProcAddress(dll, "DrvRealizeLayerPalette") &&
	       GetProcAddress(dll, "DrvSwapLayerBuffers");
}

/* The contexts this "opengl32" made: its HGLRC i is the driver's
 * contexts[i - 1]. */
static DHGLRC contexts[8];
static int ncontexts;

__declspec(dllexport) HGLRC WINAPI wglCreateContext(HDC hdc)
{
	DHGLRC d = CreateContext(hdc);
	if (!d || ncontexts == 8)
		return NULL;
	contexts[ncontexts++] = d;
	return (HGLRC)(INT_PTR)ncontexts;
}

/* What opengl32 hands the driver: its current-value and context lookups. */
static void APIENTRY set_current_value(void *v)
{
	(void)v;
}
static void *APIENTRY get_current_value(void)
{
	return NULL;
}
static DHGLRC APIENTRY get_dhglrc(HGLRC h)
{
	INT_PTR i = (INT_PTR)h;
	return i >= 1 && i <= ncontexts ? contexts[i - 1] : 0;
}

static LRESULT CALLBACK wndproc(HWND wnd, UINT msg, WPARAM wp, LPARAM lp)
{
	return DefWindowProcA(wnd, msg, wp, lp);
}

/* A double-buffered RGBA format with depth, asked of the driver. */
static int choose_format(HDC dc)
{
	PIXELFORMATDESCRIPTOR pfd;
	LONG n = DescribePixelFormat_(dc, 1, 0, NULL);
	for (int i = 1; i <= n; i++)
		if (DescribePixelFormat_(dc, i, sizeof(pfd), &pfd) &&
		    (pfd.dwFlags & PFD_DOUBLEBUFFER) && (pfd.dwFlags & PFD_SUPPORT_OPENGL) &&
		    pfd.iPixelType == PFD_TYPE_RGBA && pfd.cDepthBits >= 24)
			return i;
	return 0;
}

typedef void(APIENTRY *PFNGLGENBUFFERS)(GLsizei, GLuint *);
typedef void(APIENTRY *PFNGLBINDBUFFER)(GLenum, GLuint);
typedef void(APIENTRY *PFNGLBUFFERDATA)(GLenum, ptrdiff_t, const void *, GLenum);
#define T(i, type) ((type)(void (*)(void))table->entry[i])

/* Blue clear, a red quad on the left half (immediate mode through the
 * table), a green one top right from a buffer object (DrvGetProcAddress). */
static bool draw(const GLCLTPROCTABLE *table)
{
	PFNGLGENBUFFERS gen = (PFNGLGENBUFFERS)(void (*)(void))GetProcAddress_("glGenBuffers");
	PFNGLBINDBUFFER bind = (PFNGLBINDBUFFER)(void (*)(void))GetProcAddress_("glBindBuffer");
	PFNGLBUFFERDATA data = (PFNGLBUFFERDATA)(void (*)(void))GetProcAddress_("glBufferData");
	if (!gen || !bind || !data)
		return false;
	T(I_VIEWPORT, void(APIENTRY *)(GLint, GLint, GLsizei, GLsizei))(0, 0, SIZE, SIZE);
	T(I_CLEARCOLOR, void(APIENTRY *)(GLfloat, GLfloat, GLfloat, GLfloat))(0, 0, 1, 1);
	T(I_CLEAR, void(APIENTRY *)(GLbitfield))(GL_COLOR_BUFFER_BIT);
	T(I_COLOR3F, void(APIENTRY *)(GLfloat, GLfloat, GLfloat))(1, 0, 0);
	T(I_BEGIN, void(APIENTRY *)(GLenum))(GL_QUADS);
	void(APIENTRY * vertex)(GLfloat, GLfloat) = T(I_VERTEX2F, void(APIENTRY *)(GLfloat, GLfloat));
	vertex(-1, -1), vertex(0, -1), vertex(0, 1), vertex(-1, 1);
	T(I_END, void(APIENTRY *)(void))();
	static const GLfloat quad[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	GLuint buf;
	gen(1, &buf);
	bind(0x8892 /* GL_ARRAY_BUFFER */, buf);
	data(0x8892, sizeof(quad), quad, 0x88E4 /* GL_STATIC_DRAW */);
	T(I_COLOR3F, void(APIENTRY *)(GLfloat, GLfloat, GLfloat))(0, 1, 0);
	T(I_ENABLECLIENTSTATE, void(APIENTRY *)(GLenum))(GL_VERTEX_ARRAY);
	T(I_VERTEXPOINTER, void(APIENTRY *)(GLint, GLenum, GLsizei, const void *))(2, GL_FLOAT, 0,
										    NULL);
	T(I_DRAWARRAYS, void(APIENTRY *)(GLenum, GLint, GLsizei))(GL_QUADS, 0, 4);
	T(I_FINISH, void(APIENTRY *)(void))();
	return T(I_GETERROR, GLenum(APIENTRY *)(void))() == GL_NO_ERROR;
}

/* GL's pixel x, y (bottom-left origin) and the window's (top-left) must
 * both be `want` (0xRRGGBB). */
static int check(const GLCLTPROCTABLE *table, HDC dc, int x, int y, unsigned want, bool window)
{
	unsigned got;
	if (window) {
		COLORREF c = GetPixel(dc, x, SIZE - 1 - y);
		got = (GetRValue(c) << 16) | (GetGValue(c) << 8) | GetBValue(c);
	} else {
		unsigned char p[4];
		T(I_READPIXELS, void(APIENTRY *)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum,
						 void *))(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, p);
		got = (p[0] << 16) | (p[1] << 8) | p[2];
	}
	if (got == want)
		return 0;
	printf("icd_loader: %s pixel %d,%d is %06x, want %06x\n", window ? "window" : "GL", x, y,
	       got, want);
	return 1;
}

/* A 3.3 core context, and one sharing it, through the driver's
 * wglCreateContextAttribsARB: handles of this "opengl32". */
static int core_contexts(HDC dc)
{
	HGLRC(WINAPI * create)(HDC, HGLRC, const int *) =
		(HGLRC(WINAPI *)(HDC, HGLRC, const int *))(void (*)(void))GetProcAddress_(
			"wglCreateContextAttribsARB");
	static const int attribs[] = { 0x2091 /* MAJOR */, 3, 0x2092 /* MINOR */, 3,
				       0x9126 /* PROFILE_MASK */, 1 /* CORE */, 0 };
	int before = ncontexts;
	HGLRC a = create ? create(dc, NULL, attribs) : NULL;
	HGLRC b = a ? create(dc, a, attribs) : NULL;
	if (!b || ncontexts != before + 2 || !get_dhglrc(a) || !get_dhglrc(b))
		return fail("wglCreateContextAttribsARB through opengl32's wglCreateContext");
	const GLCLTPROCTABLE *table = SetContext(dc, get_dhglrc(b), NULL);
	const char *v = table ? T(I_GETSTRING, const char *(APIENTRY *)(GLenum))(GL_VERSION) : NULL;
	printf("icd_loader: core context: GL_VERSION %s\n", v ? v : "(none)");
	if (!v || !strstr(v, "Core Profile"))
		return fail("not a core context");
	if (!ReleaseContext(get_dhglrc(b)) || !DeleteContext(get_dhglrc(b)) ||
	    !DeleteContext(get_dhglrc(a)))
		return fail("releasing the core contexts");
	return 0;
}

int main(void)
{
	const char *arch = sizeof(void *) == 8 ? "64-bit" : "32-bit";
	char path[MAX_PATH];
	if (!driver_dll(path, sizeof(path)))
		return fail("no driver under HKLM\\" KEY);
	HMODULE dll = LoadLibraryA(path);
	if (!dll)
		return fail("LoadLibrary");
	if (!load(dll))
		return fail("the driver lacks a Drv* entry point");
	if (!ValidateVersion(1))
		return fail("DrvValidateVersion");
	PROC callbacks[] = { (PROC)(void (*)(void))set_current_value,
			     (PROC)(void (*)(void))get_current_value,
			     (PROC)(void (*)(void))get_dhglrc };
	SetCallbackProcs(3, callbacks);

	WNDCLASSA wc = { .style = CS_OWNDC, .lpfnWndProc = wndproc,
			 .hInstance = GetModuleHandleA(NULL), .lpszClassName = "icd_loader" };
	RegisterClassA(&wc);
	HWND wnd = CreateWindowA("icd_loader", "icd_loader", WS_POPUP | WS_VISIBLE, 0, 0, SIZE,
				 SIZE, NULL, NULL, wc.hInstance, NULL);
	HDC dc = wnd ? GetDC(wnd) : NULL;
	if (!dc)
		return fail("no window");
	int format = choose_format(dc);
	if (!format || !SetPixelFormat_(dc, format))
		return fail("DrvDescribePixelFormat/DrvSetPixelFormat");
	DHGLRC rc = get_dhglrc(wglCreateContext(dc));
	if (!rc)
		return fail("DrvCreateContext");
	const GLCLTPROCTABLE *table = SetContext(dc, rc, NULL);
	if (!table || table->cEntries != 336)
		return fail("DrvSetContext: no table of 336 entries");
	int bad = 0;
	for (int i = 0; i < 336; i++)
		bad += !table->entry[i];
	for (size_t i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
		if (table->entry[checked[i].index] != GetProcAddress_(checked[i].name)) {
			printf("icd_loader: table entry %d is not %s\n", checked[i].index,
			       checked[i].name);
			bad++;
		}
	if (bad)
		return fail("dispatch table");
	printf("icd_loader: format %d, GL_VERSION %s, GL_RENDERER %s\n", format,
	       T(I_GETSTRING, const char *(APIENTRY *)(GLenum))(GL_VERSION),
	       T(I_GETSTRING, const char *(APIENTRY *)(GLenum))(GL_RENDERER));
	if (!draw(table))
		return fail("drawing raised a GL error");
	bad = check(table, dc, 16, 32, 0xff0000, false) + check(table, dc, 48, 48, 0x00ff00, false) +
	      check(table, dc, 48, 16, 0x0000ff, false);
	if (!SwapBuffers_(dc))
		return fail("DrvSwapBuffers");
	bad += check(table, dc, 16, 32, 0xff0000, true) + check(table, dc, 48, 48, 0x00ff00, true) +
	       check(table, dc, 48, 16, 0x0000ff, true);
	if (bad)
		return fail("pixels");
	if (!ReleaseContext(rc) || !DeleteContext(rc))
		return fail("DrvReleaseContext/DrvDeleteContext");
	if (DeleteContext(rc))
		return fail("a deleted context deleted again");
	if (core_contexts(dc))
		return 1;
	ReleaseDC(wnd, dc);
	DestroyWindow(wnd);
	FreeLibrary(dll);
	printf("icd_loader: ok %s\n", arch);
	return 0;
}
