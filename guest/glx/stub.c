/*
 * The drop-in libEGL.so.1, libGLESv2.so.2, libGLESv1_CM.so.1,
 * libOpenGL.so.0 and libGLX.so.0: empty libraries whose only dependency is
 * our libGL.so.1, which has every GL, GLX and EGL function. A program
 * linked with them finds each name there (the dynamic linker searches all
 * loaded libraries), and one that dlopen()s one of them and dlsym()s from
 * it does too (dlsym() searches the library's dependencies): one session,
 * one set of contexts, whichever library a name was looked up in.
 *
 * The reference below keeps libGL.so.1 in DT_NEEDED under --as-needed. It
 * is static: every stub exporting one name would be an ODR violation to
 * AddressSanitizer when two stubs are loaded.
 */
#include <GL/gl.h>

__attribute__((used))
static const GLubyte *(*const dropin_anchor)(GLenum) = glGetString;
