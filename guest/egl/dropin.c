/*
 * EGL in the drop-in libGL.so.1: every EGL 1.4 function and the platform
 * extensions under their own names, on the same runtime (session, current
 * context, GL entry points) as GLX. The drop-in libEGL.so.1 beside it is
 * empty and depends on libGL.so.1 (glx/stub.c), so a program linked with
 * libEGL, libGLESv2 and libGL finds all of them here through
 * LD_LIBRARY_PATH alone; no glvnd in between.
 *
 * <EGL/egl.h> and <EGL/eglext.h> declare each egl* function, so an export
 * whose signature drifted from the real one does not compile.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "egl_internal.h"

#define SGL_EXPORT __attribute__((visibility("default")))

/* The glvnd vendor looks for this to tell that the process has the drop-in
 * libGL too (vendor.c: the two cannot share GL calls). */
SGL_EXPORT const char sgl_dropin_libgl[] = "libsglhost drop-in libGL.so.1";

#define SGL_EGL_EXPORT(ret, name, params, args) \
	SGL_EXPORT ret egl##name params \
	{ \
		return sgl_egl##name args; \
	}
SGL_EGL_FUNCTIONS(SGL_EGL_EXPORT)

EGLenum sgl_egl_current_api(void)
{
	return sgl_egl_bound_api();
}

/* No libEGL merges the platforms in: they are ours to list. */
const char sgl_egl_client_extensions[] =
	"EGL_EXT_client_extensions EGL_EXT_platform_base EGL_KHR_platform_x11 "
	"EGL_EXT_platform_x11 EGL_MESA_platform_surfaceless";

/*
 * glvnd's libraries in the process beside ours (the drop-in folder not
 * first on LD_LIBRARY_PATH, a library opened by its path, an unversioned
 * name the folder lacks): GL calls made through glvnd's libGLESv2,
 * libOpenGL, libGL or its libEGL's eglGetProcAddress go to its dispatch
 * (libGLdispatch.so.0, which every one of them loads), where none of our
 * contexts is current, and find nothing (glGetString(GL_VERSION) NULL).
 * Making a context current is refused instead, with one line saying why.
 */
bool sgl_dropin_alone(void)
{
	static bool reported;
	void *h = dlopen("libGLdispatch.so.0", RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		return true;
	struct link_map *map = NULL;
	if (!__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED)) {
		dlinfo(h, RTLD_DI_LINKMAP, &map);
		fprintf(stderr, "sgl: the drop-in libGL.so.1 cannot work with glvnd's libraries "
			"loaded in this process (%s): put the drop-in folder, which has libEGL, "
			"libGLESv2, libOpenGL and libGLX too, first on LD_LIBRARY_PATH, or use "
			"glvnd alone (docs/guest.md)\n",
			map && map->l_name[0] ? map->l_name : "libGLdispatch.so.0");
	}
	dlclose(h);
	return false;
}

bool sgl_egl_paired(void)
{
	return sgl_dropin_alone();
}

/* EGL_EXT_platform_base: EGLint attributes. */
SGL_EXPORT EGLDisplay eglGetPlatformDisplayEXT(EGLenum platform, void *native_display,
					       const EGLint *attrib_list)
{
	/* X11's screen is the only attribute taken: a short list or none. */
	EGLAttrib attribs[16];
	int n = 0;
	for (; attrib_list && attrib_list[n] != EGL_NONE; n += 2) {
		if (n + 2 >= (int)(sizeof(attribs) / sizeof(attribs[0]))) {
			sgl_egl_error(EGL_BAD_ATTRIBUTE);
			return EGL_NO_DISPLAY;
		}
		attribs[n] = attrib_list[n];
		attribs[n + 1] = attrib_list[n + 1];
	}
	attribs[n] = EGL_NONE;
	return sgl_eglGetPlatformDisplay(platform, native_display, attribs);
}

/*
 * The rest of EGL 1.5 (sync objects, images): our displays are 1.4
 * (eglInitialize says so), but programs linked with a 1.5 libEGL may name
 * these and must still load. Each fails as for a display without them.
 */
SGL_EXPORT EGLSync eglCreateSync(EGLDisplay dpy, EGLenum type, const EGLAttrib *attrib_list)
{
	(void)dpy, (void)type, (void)attrib_list;
	sgl_egl_error(EGL_BAD_DISPLAY);
	return EGL_NO_SYNC;
}

SGL_EXPORT EGLBoolean eglDestroySync(EGLDisplay dpy, EGLSync sync)
{
	(void)dpy, (void)sync;
	return sgl_egl_error(EGL_BAD_DISPLAY);
}

SGL_EXPORT EGLint eglClientWaitSync(EGLDisplay dpy, EGLSync sync, EGLint flags, EGLTime timeout)
{
	(void)dpy, (void)sync, (void)flags, (void)timeout;
	return sgl_egl_error(EGL_BAD_DISPLAY);
}

SGL_EXPORT EGLBoolean eglGetSyncAttrib(EGLDisplay dpy, EGLSync sync, EGLint attribute,
				       EGLAttrib *value)
{
	(void)dpy, (void)sync, (void)attribute, (void)value;
	return sgl_egl_error(EGL_BAD_DISPLAY);
}

SGL_EXPORT EGLBoolean eglWaitSync(EGLDisplay dpy, EGLSync sync, EGLint flags)
{
	(void)dpy, (void)sync, (void)flags;
	return sgl_egl_error(EGL_BAD_DISPLAY);
}

SGL_EXPORT EGLImage eglCreateImage(EGLDisplay dpy, EGLContext ctx, EGLenum target,
				   EGLClientBuffer buffer, const EGLAttrib *attrib_list)
{
	(void)dpy, (void)ctx, (void)target, (void)buffer, (void)attrib_list;
	sgl_egl_error(EGL_BAD_DISPLAY);
	return EGL_NO_IMAGE;
}

SGL_EXPORT EGLBoolean eglDestroyImage(EGLDisplay dpy, EGLImage image)
{
	(void)dpy, (void)image;
	return sgl_egl_error(EGL_BAD_DISPLAY);
}

/* eglGetProcAddress: the functions above that the shared table lacks. */
void *sgl_egl_library_proc(const char *name)
{
	static const struct {
		const char *name;
		void *proc;
	} own[] = {
		{ "eglGetPlatformDisplayEXT", (void *)eglGetPlatformDisplayEXT },
		{ "eglCreateSync", (void *)eglCreateSync },
		{ "eglDestroySync", (void *)eglDestroySync },
		{ "eglClientWaitSync", (void *)eglClientWaitSync },
		{ "eglGetSyncAttrib", (void *)eglGetSyncAttrib },
		{ "eglWaitSync", (void *)eglWaitSync },
		{ "eglCreateImage", (void *)eglCreateImage },
		{ "eglDestroyImage", (void *)eglDestroyImage },
	};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (!strcmp(own[i].name, name))
			return own[i].proc;
	}
	return NULL;
}
