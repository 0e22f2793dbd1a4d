/*
 * The glvnd GLX vendor library libGLX_sgl.so.0 (__GLX_VENDOR_LIBRARY_NAME=sgl).
 *
 * libGLX owns the glX* names and the current context; it asks us for each
 * function by name (getProcAddress): the GLX 1.4 ones once at load, GL ones
 * when one of our contexts becomes current (GLdispatch calls them). GLX
 * extension functions need a vendor-neutral dispatch stub (getDispatchAddress)
 * that finds the right vendor through libGLX and calls its implementation.
 * Only __glx_Main is exported.
 */
#include <string.h>
#include <glvnd/libglxabi.h>

#include "glx_internal.h"

static const __GLXapiExports *glx;

/* Extension functions and their dispatch indices (setDispatchIndex). */
enum { EXT_CREATE_CONTEXT_ATTRIBS, EXT_SWAP_INTERVAL_EXT, EXT_SWAP_INTERVAL_MESA,
       EXT_GET_SWAP_INTERVAL_MESA, EXT_SWAP_INTERVAL_SGI, EXT_COUNT };

static int ext_index[EXT_COUNT] = { -1, -1, -1, -1, -1 };

static __GLXextFuncPtr fetch(__GLXvendorInfo *vendor, int ext)
{
	if (!vendor || ext_index[ext] < 0)
		return NULL;
	return glx->fetchDispatchEntry(vendor, ext_index[ext]);
}

static __GLXvendorInfo *vendor_for_screen_attrib(Display *dpy, const int *attribs)
{
	int screen = DefaultScreen(dpy);
	for (int i = 0; attribs && attribs[i] != None; i += 2) {
		if (attribs[i] == GLX_SCREEN)
			screen = attribs[i + 1];
	}
	return glx->getDynDispatch(dpy, screen);
}

static GLXContext dispatch_create_context_attribs(Display *dpy, GLXFBConfig config,
						  GLXContext share, Bool direct,
						  const int *attribs)
{
	__GLXvendorInfo *vendor = config ? glx->vendorFromFBConfig(dpy, config)
					 : vendor_for_screen_attrib(dpy, attribs);
	PFNGLXCREATECONTEXTATTRIBSARBPROC fn =
		(PFNGLXCREATECONTEXTATTRIBSARBPROC)fetch(vendor, EXT_CREATE_CONTEXT_ATTRIBS);
	if (!fn)
		return NULL;
	GLXContext ctx = fn(dpy, config, share, direct, attribs);
	/* libGLX routes later calls on the context by this mapping. */
	if (ctx && glx->addVendorContextMapping(dpy, ctx, vendor))
		return NULL;
	return ctx;
}

static void dispatch_swap_interval_ext(Display *dpy, GLXDrawable drawable, int interval)
{
	PFNGLXSWAPINTERVALEXTPROC fn = (PFNGLXSWAPINTERVALEXTPROC)fetch(
		glx->vendorFromDrawable(dpy, drawable), EXT_SWAP_INTERVAL_EXT);
	if (fn)
		fn(dpy, drawable, interval);
}

static int dispatch_swap_interval_mesa(unsigned int interval)
{
	PFNGLXSWAPINTERVALMESAPROC fn = (PFNGLXSWAPINTERVALMESAPROC)fetch(
		glx->getCurrentDynDispatch(), EXT_SWAP_INTERVAL_MESA);
	return fn ? fn(interval) : GLX_BAD_CONTEXT;
}

static int dispatch_get_swap_interval_mesa(void)
{
	PFNGLXGETSWAPINTERVALMESAPROC fn = (PFNGLXGETSWAPINTERVALMESAPROC)fetch(
		glx->getCurrentDynDispatch(), EXT_GET_SWAP_INTERVAL_MESA);
	return fn ? fn() : 0;
}

static int dispatch_swap_interval_sgi(int interval)
{
	PFNGLXSWAPINTERVALSGIPROC fn = (PFNGLXSWAPINTERVALSGIPROC)fetch(
		glx->getCurrentDynDispatch(), EXT_SWAP_INTERVAL_SGI);
	return fn ? fn(interval) : GLX_BAD_CONTEXT;
}

static const struct {
	const char *name;
	__GLXextFuncPtr dispatch;
} extension_functions[EXT_COUNT] = {
	[EXT_CREATE_CONTEXT_ATTRIBS] = { "glXCreateContextAttribsARB",
					 (__GLXextFuncPtr)dispatch_create_context_attribs },
	[EXT_SWAP_INTERVAL_EXT] = { "glXSwapIntervalEXT",
				    (__GLXextFuncPtr)dispatch_swap_interval_ext },
	[EXT_SWAP_INTERVAL_MESA] = { "glXSwapIntervalMESA",
				     (__GLXextFuncPtr)dispatch_swap_interval_mesa },
	[EXT_GET_SWAP_INTERVAL_MESA] = { "glXGetSwapIntervalMESA",
					 (__GLXextFuncPtr)dispatch_get_swap_interval_mesa },
	[EXT_SWAP_INTERVAL_SGI] = { "glXSwapIntervalSGI",
				    (__GLXextFuncPtr)dispatch_swap_interval_sgi },
};

static int find_extension_function(const char *name)
{
	for (int i = 0; i < EXT_COUNT; i++) {
		if (!strcmp(extension_functions[i].name, name))
			return i;
	}
	return -1;
}

static Bool is_screen_supported(Display *dpy, int screen)
{
	(void)dpy;
	(void)screen;
	return True;
}

static void *get_proc_address(const GLubyte *name)
{
	return (void *)sgl_glXGetProcAddress(name);
}

static void *get_dispatch_address(const GLubyte *name)
{
	int i = find_extension_function((const char *)name);
	return i < 0 ? NULL : (void *)extension_functions[i].dispatch;
}

static void set_dispatch_index(const GLubyte *name, int index)
{
	int i = find_extension_function((const char *)name);
	if (i >= 0)
		ext_index[i] = index;
}

__attribute__((visibility("default"))) Bool
__glx_Main(uint32_t version, const __GLXapiExports *exports, __GLXvendorInfo *vendor,
	   __GLXapiImports *imports)
{
	(void)vendor;
	/* Everything used here is in ABI 1.0: any 1.x will do. */
	if (GLX_VENDOR_ABI_GET_MAJOR_VERSION(version) != GLX_VENDOR_ABI_MAJOR_VERSION)
		return False;
	glx = exports;
	imports->isScreenSupported = is_screen_supported;
	imports->getProcAddress = get_proc_address;
	imports->getDispatchAddress = get_dispatch_address;
	imports->setDispatchIndex = set_dispatch_index;
	imports->notifyError = NULL;
	imports->isPatchSupported = NULL;
	imports->initiatePatch = NULL;
	imports->releasePatch = NULL;
	imports->patchThreadAttach = NULL;
	return True;
}

/* glvnd dispatches the program's GL calls to us. */
bool sgl_glx_paired(void)
{
	return true;
}
