/*
 * What the EGL vendor library (libEGL_sgl.so.0) shares between its files.
 * glvnd's libEGL owns the egl* names, the current context, the bound API
 * and the display-to-vendor map; it calls the sgl_egl* functions below
 * through the table in vendor.c.
 *
 * Handles are our own pointers: an EGLDisplay is a struct sgl_egl_display
 * (never freed, as EGL displays live as long as the process), an EGLConfig
 * points into its display's config array, surfaces and contexts are valid
 * while they are on their display's lists. Every list and the bound/current
 * flags are under sgl_egl_lock.
 */
#ifndef SGL_EGL_INTERNAL_H
#define SGL_EGL_INTERNAL_H

#define EGL_EGLEXT_PROTOTYPES
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <X11/Xlib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pacing.h"
#include "runtime.h"
#include "x11_present.h"

/* enum sglhost_api (include/sglhost.h is the host's header). */
enum { SGL_API_GL_COMPAT = 1, SGL_API_GL_CORE = 2, SGL_API_GLES = 3 };

/* The largest pbuffer we promise: the host's limit is not known here. */
#define SGL_EGL_MAX_PBUFFER_SIZE 8192

#define SGL_EGL_MAX_CONFIGS 4

/* Every config describes a host framebuffer (RGBA8, depth 24, stencil 8 or
 * none); on X11 they differ by the visual a window shows it through too. */
struct sgl_egl_config {
	EGLint id;
	EGLint stencil;             /* 0 or 8 (SGL_CONTEXT_NO_STENCIL) */
	EGLint surface_type;
	VisualID visual;            /* 0 on surfaceless displays */
	int visual_depth;
};

enum sgl_egl_platform {
	SGL_EGL_SURFACELESS,
	SGL_EGL_X11,
};

struct sgl_egl_display {
	/* What the program asked for: one handle per (platform, native, screen). */
	EGLenum requested;          /* EGL_NONE for the default display */
	void *native;
	int screen;                 /* EGL_PLATFORM_X11_SCREEN_KHR; -1: not given */

	/* Decided at eglInitialize. */
	enum sgl_egl_platform platform;
	Display *xdpy;              /* the program's connection, or ours */
	bool own_xdpy;
	int xscreen;                /* the screen windows are on */
	bool initialized;
	struct sgl_egl_config configs[SGL_EGL_MAX_CONFIGS];
	int config_count;

	struct sgl_egl_surface *surfaces;
	struct sgl_egl_context *contexts;
	struct sgl_egl_display *next;
};

enum sgl_egl_surface_kind {
	SGL_EGL_WINDOW,
	SGL_EGL_PBUFFER,
};

struct sgl_egl_surface {
	struct sgl_egl_display *dpy;
	enum sgl_egl_surface_kind kind;
	const struct sgl_egl_config *config;
	uint32_t width, height;     /* pbuffers; windows ask the server */
	bool largest_pbuffer;
	int swap_interval;
	struct sgl_pacer pace;      /* presents paced once it is set (pacing.h) */
	struct sgl_x11_window win;  /* windows: presentation (guest/x11) */

	/* Under sgl_egl_lock. */
	struct sgl_egl_context *bound; /* the context it is current to */
	bool destroyed;             /* off the list: freed when released */
	struct sgl_egl_surface *next;
};

struct sgl_egl_context {
	struct sgl_egl_display *dpy;
	struct sgl_context *sgl;
	const struct sgl_egl_config *config; /* NULL: EGL_NO_CONFIG_KHR */
	EGLenum client_api;         /* EGL_OPENGL_API or EGL_OPENGL_ES_API */
	uint32_t created_width, created_height; /* the host's initial viewport */
	bool bound_once;            /* made current with a surface at least once */
	bool lost_reported;

	/* Under sgl_egl_lock. */
	bool current;               /* current on some thread */
	bool destroyed;             /* off the list: freed when released */
	struct sgl_egl_surface *draw, *read;
	struct sgl_egl_context *next;
};

extern pthread_mutex_t sgl_egl_lock;

/* What differs between the glvnd vendor (vendor.c) and the drop-in
 * (dropin.c): */
/* the API bound on this thread (eglBindAPI); */
EGLenum sgl_egl_current_api(void);
/* eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS); */
extern const char sgl_egl_client_extensions[];
/* eglGetProcAddress of the egl* functions only that library has, or NULL; */
void *sgl_egl_library_proc(const char *name);
/* whether this library can serve the program beside the libraries the
 * process has loaded; false after one line on stderr saying why. */
bool sgl_egl_paired(void);

/* procs.c */
/* eglGetProcAddress: EGL and GL functions by name, or NULL. */
void *sgl_egl_proc(const char *name);
/* The API eglBindAPI bound on this thread (EGL_OPENGL_ES_API first). */
EGLenum sgl_egl_bound_api(void);

/* display.c */
/* Sets this thread's error (eglGetError); returns EGL_FALSE for brevity. */
EGLBoolean sgl_egl_error(EGLint error);
/* Looks up `dpy` (with sgl_egl_lock held); NULL with EGL_BAD_DISPLAY, or
 * EGL_NOT_INITIALIZED when `initialized` is asked for. */
struct sgl_egl_display *sgl_egl_display_locked(EGLDisplay dpy, bool initialized);
bool sgl_egl_debug(void);

/* config.c */
void sgl_egl_configs_init(struct sgl_egl_display *d);
/* NULL with EGL_BAD_CONFIG when `config` is not one of `d`'s. */
const struct sgl_egl_config *sgl_egl_config_find(struct sgl_egl_display *d, EGLConfig config);

/* surface.c */
struct sgl_egl_surface *sgl_egl_surface_locked(struct sgl_egl_display *d, EGLSurface s);
/* Its size now: windows ask the X server. */
bool sgl_egl_surface_size(struct sgl_egl_surface *s, uint32_t *w, uint32_t *h);
/* Unlinks every surface of `d`; returns those that can be freed now. */
struct sgl_egl_surface *sgl_egl_surfaces_unlink_locked(struct sgl_egl_display *d);
void sgl_egl_surfaces_free(struct sgl_egl_surface *list);

/* context.c */
struct sgl_egl_context *sgl_egl_contexts_unlink_locked(struct sgl_egl_display *d);
void sgl_egl_contexts_free(struct sgl_egl_context *list);

/*
 * Every EGL function we implement: X(ret, Name, params, args) declares
 * sgl_eglName, handed to glvnd's libEGL as eglName (vendor.c) or exported
 * under that name by the drop-in libGL (dropin.c), each checked against the
 * prototype in <EGL/egl.h> and <EGL/eglext.h>.
 */
#define SGL_EGL_FUNCTIONS(X) \
	X(EGLDisplay, GetDisplay, (EGLNativeDisplayType display_id), \
	  (display_id)) \
	X(EGLDisplay, GetPlatformDisplay, (EGLenum platform, void *native_display, \
		const EGLAttrib *attrib_list), \
	  (platform, native_display, attrib_list)) \
	X(EGLBoolean, Initialize, (EGLDisplay dpy, EGLint *major, EGLint *minor), \
	  (dpy, major, minor)) \
	X(EGLBoolean, Terminate, (EGLDisplay dpy), \
	  (dpy)) \
	X(const char *, QueryString, (EGLDisplay dpy, EGLint name), \
	  (dpy, name)) \
	X(EGLint, GetError, (void), \
	  ()) \
	X(__eglMustCastToProperFunctionPointerType, GetProcAddress, (const char *procname), \
	  (procname)) \
	X(EGLBoolean, GetConfigs, (EGLDisplay dpy, EGLConfig *configs, EGLint config_size, \
		EGLint *num_config), \
	  (dpy, configs, config_size, num_config)) \
	X(EGLBoolean, ChooseConfig, (EGLDisplay dpy, const EGLint *attrib_list, \
		EGLConfig *configs, EGLint config_size, EGLint *num_config), \
	  (dpy, attrib_list, configs, config_size, num_config)) \
	X(EGLBoolean, GetConfigAttrib, (EGLDisplay dpy, EGLConfig config, EGLint attribute, \
		EGLint *value), \
	  (dpy, config, attribute, value)) \
	X(EGLSurface, CreateWindowSurface, (EGLDisplay dpy, EGLConfig config, \
		EGLNativeWindowType win, const EGLint *attrib_list), \
	  (dpy, config, win, attrib_list)) \
	X(EGLSurface, CreatePlatformWindowSurface, (EGLDisplay dpy, EGLConfig config, \
		void *native_window, const EGLAttrib *attrib_list), \
	  (dpy, config, native_window, attrib_list)) \
	X(EGLSurface, CreatePlatformWindowSurfaceEXT, (EGLDisplay dpy, EGLConfig config, \
		void *native_window, const EGLint *attrib_list), \
	  (dpy, config, native_window, attrib_list)) \
	X(EGLSurface, CreatePbufferSurface, (EGLDisplay dpy, EGLConfig config, \
		const EGLint *attrib_list), \
	  (dpy, config, attrib_list)) \
	X(EGLSurface, CreatePixmapSurface, (EGLDisplay dpy, EGLConfig config, \
		EGLNativePixmapType pixmap, const EGLint *attrib_list), \
	  (dpy, config, pixmap, attrib_list)) \
	X(EGLSurface, CreatePlatformPixmapSurface, (EGLDisplay dpy, EGLConfig config, \
		void *native_pixmap, const EGLAttrib *attrib_list), \
	  (dpy, config, native_pixmap, attrib_list)) \
	X(EGLSurface, CreatePlatformPixmapSurfaceEXT, (EGLDisplay dpy, EGLConfig config, \
		void *native_pixmap, const EGLint *attrib_list), \
	  (dpy, config, native_pixmap, attrib_list)) \
	X(EGLSurface, CreatePbufferFromClientBuffer, (EGLDisplay dpy, EGLenum buftype, \
		EGLClientBuffer buffer, EGLConfig config, const EGLint *attrib_list), \
	  (dpy, buftype, buffer, config, attrib_list)) \
	X(EGLBoolean, DestroySurface, (EGLDisplay dpy, EGLSurface surface), \
	  (dpy, surface)) \
	X(EGLBoolean, QuerySurface, (EGLDisplay dpy, EGLSurface surface, EGLint attribute, \
		EGLint *value), \
	  (dpy, surface, attribute, value)) \
	X(EGLBoolean, SurfaceAttrib, (EGLDisplay dpy, EGLSurface surface, EGLint attribute, \
		EGLint value), \
	  (dpy, surface, attribute, value)) \
	X(EGLBoolean, BindTexImage, (EGLDisplay dpy, EGLSurface surface, EGLint buffer), \
	  (dpy, surface, buffer)) \
	X(EGLBoolean, ReleaseTexImage, (EGLDisplay dpy, EGLSurface surface, EGLint buffer), \
	  (dpy, surface, buffer)) \
	X(EGLBoolean, CopyBuffers, (EGLDisplay dpy, EGLSurface surface, \
		EGLNativePixmapType target), \
	  (dpy, surface, target)) \
	X(EGLBoolean, SwapInterval, (EGLDisplay dpy, EGLint interval), \
	  (dpy, interval)) \
	X(EGLContext, CreateContext, (EGLDisplay dpy, EGLConfig config, \
		EGLContext share_context, const EGLint *attrib_list), \
	  (dpy, config, share_context, attrib_list)) \
	X(EGLBoolean, DestroyContext, (EGLDisplay dpy, EGLContext ctx), \
	  (dpy, ctx)) \
	X(EGLBoolean, MakeCurrent, (EGLDisplay dpy, EGLSurface draw, EGLSurface read, \
		EGLContext ctx), \
	  (dpy, draw, read, ctx)) \
	X(EGLBoolean, QueryContext, (EGLDisplay dpy, EGLContext ctx, EGLint attribute, \
		EGLint *value), \
	  (dpy, ctx, attribute, value)) \
	X(EGLContext, GetCurrentContext, (void), \
	  ()) \
	X(EGLDisplay, GetCurrentDisplay, (void), \
	  ()) \
	X(EGLSurface, GetCurrentSurface, (EGLint readdraw), \
	  (readdraw)) \
	X(EGLBoolean, SwapBuffers, (EGLDisplay dpy, EGLSurface surface), \
	  (dpy, surface)) \
	X(EGLBoolean, WaitGL, (void), \
	  ()) \
	X(EGLBoolean, WaitNative, (EGLint engine), \
	  (engine)) \
	X(EGLBoolean, WaitClient, (void), \
	  ()) \
	X(EGLBoolean, BindAPI, (EGLenum api), \
	  (api)) \
	X(EGLenum, QueryAPI, (void), \
	  ()) \
	X(EGLBoolean, ReleaseThread, (void), \
	  ())

#define SGL_EGL_DECLARE(ret, name, params, args) ret sgl_egl##name params;
SGL_EGL_FUNCTIONS(SGL_EGL_DECLARE)

#endif
