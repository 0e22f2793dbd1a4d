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
#include <string.h>

/* First: it asks <EGL/eglext.h> for the prototypes the checks below use. */
#include "egl_internal.h"

#include <glvnd/libeglabi.h>

static const __EGLapiExports *egl;

/* Each implementation must have the type of the function it stands for. */
#define SGL_EGL_CHECK(ret, name, params) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&sgl_egl##name), \
						    __typeof__(&egl##name)), \
		       "sgl_egl" #name " does not match egl" #name);
SGL_EGL_FUNCTIONS(SGL_EGL_CHECK)

#define SGL_EGL_ENTRY(ret, name, params) { "egl" #name, (void *)sgl_egl##name },
static const struct {
	const char *name;
	void *proc;
} functions[] = { SGL_EGL_FUNCTIONS(SGL_EGL_ENTRY) };

static void *egl_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		if (!strcmp(functions[i].name, name))
			return functions[i].proc;
	}
	return NULL;
}

static void *get_proc_address(const char *name)
{
	if (!name)
		return NULL;
	if (!strncmp(name, "egl", 3))
		return egl_lookup(name);
	return (void *)sgl_entry_lookup(name);
}

__eglMustCastToProperFunctionPointerType sgl_eglGetProcAddress(const char *procname)
{
	return (__eglMustCastToProperFunctionPointerType)get_proc_address(procname);
}

/* libEGL keeps the API bound per thread (eglBindAPI, eglQueryAPI) and
 * tells each vendor; we ask it rather than keep a copy. */
static __thread EGLenum bound_api = EGL_OPENGL_ES_API;

EGLenum sgl_egl_current_api(void)
{
	return egl ? egl->getCurrentApi() : bound_api;
}

EGLBoolean sgl_eglBindAPI(EGLenum api)
{
	if (api != EGL_OPENGL_API && api != EGL_OPENGL_ES_API)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	bound_api = api;
	return EGL_TRUE;
}

EGLenum sgl_eglQueryAPI(void)
{
	return sgl_egl_current_api();
}

static EGLBoolean supports_api(EGLenum api)
{
	return api == EGL_OPENGL_API || api == EGL_OPENGL_ES_API;
}

/* The platforms: libEGL adds them to the client extensions and uses them
 * to guess the platform of eglGetDisplay's argument. */
static const char *vendor_string(int name)
{
	if (name == __EGL_VENDOR_STRING_PLATFORM_EXTENSIONS)
		return "EGL_KHR_platform_x11 EGL_EXT_platform_x11 EGL_MESA_platform_surfaceless";
	return NULL;
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
	imports->getProcAddress = get_proc_address;
	imports->getDispatchAddress = get_dispatch_address;
	imports->setDispatchIndex = set_dispatch_index;
	return EGL_TRUE;
}
