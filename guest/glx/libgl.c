/*
 * The drop-in libGL.so.1: every GLX function under its own name. The GL
 * entry points come from the generated sgl_entry.c, built with
 * SGL_EXPORT_GL. <GL/glx.h> declares each glX* function, so a signature
 * that drifted from the real one does not compile.
 */
#include "glx_internal.h"

#define SGL_EXPORT __attribute__((visibility("default")))

#define SGL_GLX_EXPORT(ret, name, params, args) \
	SGL_EXPORT ret glX##name params \
	{ \
		return sgl_glX##name args; \
	}
#define SGL_GLX_EXPORT_VOID(name, params, args) \
	SGL_EXPORT void glX##name params \
	{ \
		sgl_glX##name args; \
	}

SGL_GLX_FUNCTIONS(SGL_GLX_EXPORT, SGL_GLX_EXPORT_VOID)

bool sgl_glx_paired(void)
{
	return sgl_dropin_alone();
}
