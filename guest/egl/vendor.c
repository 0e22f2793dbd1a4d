/*
 * The glvnd EGL vendor library libEGL_sgl.so.0, found by libEGL through a
 * JSON file in egl_vendor.d (or $__EGL_VENDOR_LIBRARY_FILENAMES).
 *
 * libEGL owns the egl* names. It asks us for displays (getPlatformDisplay),
 * then for each EGL function by name (getProcAddress): the EGL 1.x ones
 * once at load, extension ones when a program looks them up, GL ones when
 * one of our contexts becomes current (GLdispatch calls them). Display
 * extension functions that libEGL does not know would need a dispatch stub
 * (getDispatchAddress); ours are all in libEGL's own list, so there are
 * none. Only __egl_Main is exported.
 */
#include <dlfcn.h>
#include <stdio.h>

#include "egl_internal.h"

#include <glvnd/libeglabi.h>

static const __EGLapiExports *egl;

/* libEGL keeps the API bound per thread (eglBindAPI, eglQueryAPI); we ask
 * it rather than keep a copy. */
EGLenum sgl_egl_current_api(void)
{
	return egl ? egl->getCurrentApi() : sgl_egl_bound_api();
}

/* Client extensions without the platform ones: libEGL takes those from
 * vendor_string() and merges both with other vendors'. */
const char sgl_egl_client_extensions[] = "EGL_EXT_client_extensions EGL_EXT_platform_base";

void *sgl_egl_library_proc(const char *name)
{
	(void)name;
	return NULL;
}

/*
 * Our drop-in libGL.so.1 in the same process (LD_LIBRARY_PATH naming its
 * folder, or LD_PRELOAD) takes the program's gl* calls: they would reach
 * its own session and contexts, where none of ours is current, and find
 * nothing (glGetString(GL_VERSION) NULL). The drop-in libGL exports
 * sgl_dropin_libgl (dropin.c); dlopen(RTLD_NOLOAD) finds a libGL.so.1
 * loaded either way, global or local.
 */
bool sgl_egl_paired(void)
{
	static bool reported;
	void *gl = dlopen("libGL.so.1", RTLD_LAZY | RTLD_NOLOAD);
	bool dropin = gl && dlsym(gl, "sgl_dropin_libgl");
	if (gl)
		dlclose(gl);
	if (dropin && !__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED)) {
		fprintf(stderr, "sgl: EGL: libEGL_sgl (the glvnd vendor) cannot work with the drop-in "
			"libGL.so.1 loaded in this process: use the drop-in set alone "
			"(LD_LIBRARY_PATH=<its folder>, which has libEGL.so.1 too) or glvnd alone "
			"(docs/guest.md)\n");
	}
	return !dropin;
}

/* The platforms: libEGL adds them to the client extensions and uses them
 * to guess the platform of eglGetDisplay's argument. */
static const char *vendor_string(int name)
{
	if (name == __EGL_VENDOR_STRING_PLATFORM_EXTENSIONS)
		return "EGL_KHR_platform_x11 EGL_EXT_platform_x11 EGL_MESA_platform_surfaceless";
	return NULL;
}

static EGLBoolean supports_api(EGLenum api)
{
	return api == EGL_OPENGL_API || api == EGL_OPENGL_ES_API;
}

static void *get_dispatch_address(const char *name)
{
	(void)name;
	return NULL;
}

static void set_dispatch_index(const char *name, int index)
{
	(void)name;
	(void)index;
}

__attribute__((visibility("default"))) EGLBoolean
__egl_Main(uint32_t version, const __EGLapiExports *exports, __EGLvendorInfo *vendor,
	   __EGLapiImports *imports)
{
	(void)vendor;
	/* Everything used here is in ABI 0.0: any 0.x will do. */
	if (EGL_VENDOR_ABI_GET_MAJOR_VERSION(version) != EGL_VENDOR_ABI_MAJOR_VERSION)
		return EGL_FALSE;
	egl = exports;
	/* The optional callbacks stay NULL as libEGL allocated them: its
	 * structure may be older (shorter) than our header's. */
	imports->getPlatformDisplay = sgl_eglGetPlatformDisplay;
	imports->getSupportsAPI = supports_api;
	imports->getVendorString = vendor_string;
	imports->getProcAddress = sgl_egl_proc;
	imports->getDispatchAddress = get_dispatch_address;
	imports->setDispatchIndex = set_dispatch_index;
	return EGL_TRUE;
}
