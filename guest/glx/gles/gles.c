/*
 * The drop-in libGLESv2.so.2 and libGLESv1_CM.so.1: empty libraries whose
 * only dependency is our libGL.so.1. Programs that create a GLES context
 * through GLX_EXT_create_context_es2_profile (waffle, piglit's GLES tests)
 * dlopen() the GLES library and dlsym() the gl* names from it; dlsym()
 * searches the library's dependencies, so the names resolve to the entry
 * points of the drop-in libGL, on the same session and contexts. In their
 * own folder: EGL programs beside the drop-in libGL keep glvnd's.
 *
 * The reference below keeps libGL.so.1 in DT_NEEDED under --as-needed.
 */
#include <GL/gl.h>

__attribute__((visibility("default")))
const GLubyte *(*const sgl_gles_anchor)(GLenum) = glGetString;
