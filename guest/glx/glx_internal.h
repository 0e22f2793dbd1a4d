/*
 * What the GLX implementation shares between its files and its two
 * libraries: the drop-in libGL.so.1 exports the GLX functions as glX*, the
 * glvnd vendor library hands them to libGLX by name. Both call the
 * sgl_glX* functions below.
 */
#ifndef SGL_GLX_INTERNAL_H
#define SGL_GLX_INTERNAL_H

#define GLX_GLXEXT_PROTOTYPES
#include <GL/glx.h>
#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>
#include <stdbool.h>
#include <stdint.h>

#include "pacing.h"
#include "runtime.h"
#include "x11_present.h"

/* One framebuffer configuration per TrueColor visual of depth 24 or 32
 * (16 and 15 where the server has them too): what the host's window
 * framebuffer has (RGBA8, depth 24, stencil 8, double-buffered), shown
 * through that visual. */
struct __GLXFBConfigRec {
	int screen;
	VisualID visual;
	int depth;          /* the visual's: 24, 32 for ARGB visuals, 16, 15 */
	int id;             /* GLX_FBCONFIG_ID */
	int stencil;        /* GLX_STENCIL_SIZE: 8, or 0 for programs that want none */
};

struct __GLXcontextRec {
	struct sgl_context *sgl;
	GLXFBConfig config;     /* NULL when created from a visual we do not list */
	int screen;
	uint32_t created_width, created_height; /* the host's initial viewport */
	bool bound_once;        /* made current with a drawable at least once */
	/* Under the context lock: */
	bool current;           /* current on some thread */
	bool destroyed;         /* glXDestroyContext while current: free on release */
	bool lost_reported;
};

enum sgl_glx_drawable_kind {
	SGL_GLX_WINDOW,
	SGL_GLX_PIXMAP,
	SGL_GLX_PBUFFER,
};

/* What we keep per (Display, drawable): presentation resources for windows,
 * the size of pbuffers (which exist only on the host), swap interval. */
struct sgl_glx_drawable {
	Display *dpy;
	GLXDrawable xid;
	enum sgl_glx_drawable_kind kind;
	GLXFBConfig config;
	uint32_t width, height;     /* pbuffers only */
	int swap_interval;          /* reported; 1 until the program sets one */
	struct sgl_pacer pace;      /* presents paced once it has (pacing.h) */
	unsigned long event_mask;   /* glXSelectEvent: stored, never delivered */

	/* Presentation (guest/x11), windows only. */
	struct sgl_x11_window win;

	struct sgl_glx_drawable *next;
};

/* display.c: per-connection state, dropped when the connection closes. */
struct sgl_glx_screen_configs {
	struct __GLXFBConfigRec *configs;
	int count;
	bool listed;
};

struct sgl_glx_display {
	Display *dpy;
	int screens;
	struct sgl_glx_screen_configs *configs;  /* per screen, listed on demand */
	struct sgl_glx_display *next;
};

struct sgl_glx_display *sgl_glx_display_get(Display *dpy);
/* Whether this library can serve the program beside the libraries the
 * process has loaded (libgl.c: not beside glvnd's; glvnd/vendor.c: yes);
 * false after one line on stderr saying why. */
bool sgl_glx_paired(void);

/* Raises an X error the way the server would have, through the program's
 * error handler: a core error, or (glx) a GLX one (GLXBadDrawable...). */
void sgl_glx_error(Display *dpy, int code, bool glx, XID resource);
/* GLX error codes (the GLX 1.4 protocol; GL/glxproto.h needs the server's
 * types). */
enum {
	SGL_GLX_BAD_CONTEXT = 0,
	SGL_GLX_BAD_DRAWABLE = 2,
	SGL_GLX_BAD_FBCONFIG = 9,
	SGL_GLX_BAD_PROFILE = 13,
};
/* `config` is one of the FBConfigs we handed out (programs pass others). */
bool sgl_glx_config_valid(Display *dpy, GLXFBConfig config);
/* $SGL_DEBUG: say what is not supported or falls back. */
bool sgl_glx_debug(void);

/* attribs.c: a glXCreateContextAttribsARB request. enum sglhost_api's
 * values (include/sglhost.h is the host's header). */
enum { SGL_GLX_API_GL_COMPAT = 1, SGL_GLX_API_GL_CORE = 2, SGL_GLX_API_GLES = 3 };
struct sgl_glx_request {
	uint32_t api;
	int major, minor, screen;
	int error;          /* the X error to raise, 0 if none */
	bool glx_error;     /* `error` is a GLX error code */
	bool debug;         /* GLX_CONTEXT_DEBUG_BIT_ARB: debug output on from the start */
	bool forward;       /* GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB */
};
/* False (and r->error set) for a request GLX must refuse. */
bool sgl_glx_parse_context_attribs(Display *dpy, const int *attribs, struct sgl_glx_request *r);

/* glx_config.c */
const struct sgl_glx_screen_configs *sgl_glx_configs(Display *dpy, int screen);
GLXFBConfig sgl_glx_config_for_visual(Display *dpy, int screen, VisualID visual);
/* The config an XVisualInfo we handed out was chosen for, else the
 * visual's first. */
GLXFBConfig sgl_glx_config_for_info(Display *dpy, const XVisualInfo *vis);
void sgl_glx_configs_free(struct sgl_glx_display *d);

/* drawable.c */
struct sgl_glx_drawable *sgl_glx_drawable_get(Display *dpy, GLXDrawable xid);
struct sgl_glx_drawable *sgl_glx_drawable_find(Display *dpy, GLXDrawable xid);
/* The drawable's size: pbuffers from their attributes, else the server's. */
bool sgl_glx_drawable_size(Display *dpy, GLXDrawable xid, uint32_t *w, uint32_t *h);
void sgl_glx_drawables_forget_display(Display *dpy);

/*
 * Every GLX function we implement: X(ret, Name, params, args) for those
 * that return a value, V(Name, params, args) for void ones. sgl_glXName is
 * the implementation of glXName.
 */
#define SGL_GLX_FUNCTIONS(X, V) \
	X(XVisualInfo *, ChooseVisual, (Display *dpy, int screen, int *attribs), \
	  (dpy, screen, attribs)) \
	X(GLXContext, CreateContext, (Display *dpy, XVisualInfo *vis, GLXContext share, \
				      Bool direct), (dpy, vis, share, direct)) \
	V(DestroyContext, (Display *dpy, GLXContext ctx), (dpy, ctx)) \
	X(Bool, MakeCurrent, (Display *dpy, GLXDrawable drawable, GLXContext ctx), \
	  (dpy, drawable, ctx)) \
	V(CopyContext, (Display *dpy, GLXContext src, GLXContext dst, unsigned long mask), \
	  (dpy, src, dst, mask)) \
	V(SwapBuffers, (Display *dpy, GLXDrawable drawable), (dpy, drawable)) \
	X(GLXPixmap, CreateGLXPixmap, (Display *dpy, XVisualInfo *vis, Pixmap pixmap), \
	  (dpy, vis, pixmap)) \
	V(DestroyGLXPixmap, (Display *dpy, GLXPixmap pixmap), (dpy, pixmap)) \
	X(Bool, QueryExtension, (Display *dpy, int *error_base, int *event_base), \
	  (dpy, error_base, event_base)) \
	X(Bool, QueryVersion, (Display *dpy, int *major, int *minor), (dpy, major, minor)) \
	X(Bool, IsDirect, (Display *dpy, GLXContext ctx), (dpy, ctx)) \
	X(int, GetConfig, (Display *dpy, XVisualInfo *vis, int attrib, int *value), \
	  (dpy, vis, attrib, value)) \
	X(GLXContext, GetCurrentContext, (void), ()) \
	X(GLXDrawable, GetCurrentDrawable, (void), ()) \
	V(WaitGL, (void), ()) \
	V(WaitX, (void), ()) \
	V(UseXFont, (Font font, int first, int count, int list_base), \
	  (font, first, count, list_base)) \
	X(const char *, QueryExtensionsString, (Display *dpy, int screen), (dpy, screen)) \
	X(const char *, QueryServerString, (Display *dpy, int screen, int name), \
	  (dpy, screen, name)) \
	X(const char *, GetClientString, (Display *dpy, int name), (dpy, name)) \
	X(Display *, GetCurrentDisplay, (void), ()) \
	X(GLXFBConfig *, ChooseFBConfig, (Display *dpy, int screen, const int *attribs, \
					  int *count), (dpy, screen, attribs, count)) \
	X(int, GetFBConfigAttrib, (Display *dpy, GLXFBConfig config, int attrib, int *value), \
	  (dpy, config, attrib, value)) \
	X(GLXFBConfig *, GetFBConfigs, (Display *dpy, int screen, int *count), \
	  (dpy, screen, count)) \
	X(XVisualInfo *, GetVisualFromFBConfig, (Display *dpy, GLXFBConfig config), \
	  (dpy, config)) \
	X(GLXWindow, CreateWindow, (Display *dpy, GLXFBConfig config, Window win, \
				    const int *attribs), (dpy, config, win, attribs)) \
	V(DestroyWindow, (Display *dpy, GLXWindow win), (dpy, win)) \
	X(GLXPixmap, CreatePixmap, (Display *dpy, GLXFBConfig config, Pixmap pixmap, \
				    const int *attribs), (dpy, config, pixmap, attribs)) \
	V(DestroyPixmap, (Display *dpy, GLXPixmap pixmap), (dpy, pixmap)) \
	X(GLXPbuffer, CreatePbuffer, (Display *dpy, GLXFBConfig config, const int *attribs), \
	  (dpy, config, attribs)) \
	V(DestroyPbuffer, (Display *dpy, GLXPbuffer pbuf), (dpy, pbuf)) \
	V(QueryDrawable, (Display *dpy, GLXDrawable draw, int attrib, unsigned int *value), \
	  (dpy, draw, attrib, value)) \
	X(GLXContext, CreateNewContext, (Display *dpy, GLXFBConfig config, int render_type, \
					 GLXContext share, Bool direct), \
	  (dpy, config, render_type, share, direct)) \
	X(Bool, MakeContextCurrent, (Display *dpy, GLXDrawable draw, GLXDrawable read, \
				     GLXContext ctx), (dpy, draw, read, ctx)) \
	X(GLXDrawable, GetCurrentReadDrawable, (void), ()) \
	X(int, QueryContext, (Display *dpy, GLXContext ctx, int attrib, int *value), \
	  (dpy, ctx, attrib, value)) \
	V(SelectEvent, (Display *dpy, GLXDrawable draw, unsigned long mask), \
	  (dpy, draw, mask)) \
	V(GetSelectedEvent, (Display *dpy, GLXDrawable draw, unsigned long *mask), \
	  (dpy, draw, mask)) \
	X(__GLXextFuncPtr, GetProcAddress, (const GLubyte *name), (name)) \
	X(__GLXextFuncPtr, GetProcAddressARB, (const GLubyte *name), (name)) \
	X(GLXContext, CreateContextAttribsARB, (Display *dpy, GLXFBConfig config, \
						GLXContext share, Bool direct, \
						const int *attribs), \
	  (dpy, config, share, direct, attribs)) \
	V(SwapIntervalEXT, (Display *dpy, GLXDrawable drawable, int interval), \
	  (dpy, drawable, interval)) \
	X(int, SwapIntervalMESA, (unsigned int interval), (interval)) \
	X(int, GetSwapIntervalMESA, (void), ()) \
	X(int, SwapIntervalSGI, (int interval), (interval))

#define SGL_GLX_DECLARE(ret, name, params, args) ret sgl_glX##name params;
#define SGL_GLX_DECLARE_VOID(name, params, args) void sgl_glX##name params;
SGL_GLX_FUNCTIONS(SGL_GLX_DECLARE, SGL_GLX_DECLARE_VOID)

/* Our GLX function called `name` (glX...), or NULL. */
__GLXextFuncPtr sgl_glx_lookup(const char *name);

#endif
