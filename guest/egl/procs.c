/*
 * What both EGL libraries share above the displays: eglGetProcAddress
 * (our EGL functions by their egl names, the library's own extras, the GL
 * entry points of the generated sgl_entry.c) and the API bound per thread
 * (eglBindAPI). The glvnd vendor (vendor.c) and the drop-in (dropin.c)
 * differ only in how they are reached.
 */
#include <string.h>

/* First: it asks <EGL/eglext.h> for the prototypes the checks below use. */
#include "egl_internal.h"

/* Each implementation must have the type of the function it stands for. */
#define SGL_EGL_CHECK(ret, name, params, args) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&sgl_egl##name), \
						    __typeof__(&egl##name)), \
		       "sgl_egl" #name " does not match egl" #name);
SGL_EGL_FUNCTIONS(SGL_EGL_CHECK)

#define SGL_EGL_ENTRY(ret, name, params, args) { "egl" #name, (void *)sgl_egl##name },
static const struct {
	const char *name;
	void *proc;
} functions[] = { SGL_EGL_FUNCTIONS(SGL_EGL_ENTRY) };

void *sgl_egl_proc(const char *name)
{
	if (!name)
		return NULL;
	if (strncmp(name, "egl", 3))
		return (void *)sgl_entry_lookup(name);
	void *own = sgl_egl_library_proc(name);
	if (own)
		return own;
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		if (!strcmp(functions[i].name, name))
			return functions[i].proc;
	}
	return NULL;
}

__eglMustCastToProperFunctionPointerType sgl_eglGetProcAddress(const char *procname)
{
	return (__eglMustCastToProperFunctionPointerType)sgl_egl_proc(procname);
}

/* EGL's default API is OpenGL ES. Under glvnd, libEGL keeps it and tells
 * us (vendor.c); the drop-in keeps it here. */
static __thread EGLenum bound_api = EGL_OPENGL_ES_API;

EGLenum sgl_egl_bound_api(void)
{
	return bound_api;
}

EGLBoolean sgl_eglBindAPI(EGLenum api)
{
	if (api != EGL_OPENGL_API && api != EGL_OPENGL_ES_API)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	bound_api = api;
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLenum sgl_eglQueryAPI(void)
{
	return sgl_egl_current_api();
}
