/*
 * EGL surfaces. A window surface is an X window that frames are presented
 * in (guest/x11); a pbuffer is only a size. Either way the pixels live on
 * the host, in the framebuffer of the context the surface is current to,
 * which follows the surface's size. Pixmaps are not supported: no config
 * has EGL_PIXMAP_BIT.
 */
#include <stdlib.h>

#include "egl_internal.h"

struct sgl_egl_surface *sgl_egl_surface_locked(struct sgl_egl_display *d, EGLSurface s)
{
	for (struct sgl_egl_surface *p = d->surfaces; p; p = p->next) {
		if (p == s)
			return p;
	}
	sgl_egl_error(EGL_BAD_SURFACE);
	return NULL;
}

bool sgl_egl_surface_size(struct sgl_egl_surface *s, uint32_t *w, uint32_t *h)
{
	if (s->kind == SGL_EGL_PBUFFER) {
		*w = s->width;
		*h = s->height;
		return true;
	}
	Window root;
	int x, y;
	unsigned int width, height, border, depth;
	if (!XGetGeometry(s->win.dpy, s->win.xid, &root, &x, &y, &width, &height, &border, &depth))
		return false;
	*w = width;
	*h = height;
	return true;
}

static void surface_free(struct sgl_egl_surface *s)
{
	if (s->kind == SGL_EGL_WINDOW)
		sgl_x11_present_release(&s->win, false);
	free(s);
}

void sgl_egl_surfaces_free(struct sgl_egl_surface *list)
{
	while (list) {
		struct sgl_egl_surface *next = list->next;
		surface_free(list);
		list = next;
	}
}

struct sgl_egl_surface *sgl_egl_surfaces_unlink_locked(struct sgl_egl_display *d)
{
	struct sgl_egl_surface *now = NULL;
	while (d->surfaces) {
		struct sgl_egl_surface *s = d->surfaces;
		d->surfaces = s->next;
		s->destroyed = true;
		s->next = NULL;
		if (!s->bound) {
			s->next = now;
			now = s;
		}
	}
	return now;
}

/* The surface attributes both kinds take; false (error set) for others. */
static bool common_attrib(EGLint attrib, EGLAttrib value)
{
	switch (attrib) {
	case EGL_GL_COLORSPACE:
		/* Frames are shown as they are: no sRGB encoding. */
		if (value != EGL_GL_COLORSPACE_LINEAR)
			return sgl_egl_error(EGL_BAD_MATCH);
		return true;
	case EGL_VG_COLORSPACE:
	case EGL_VG_ALPHA_FORMAT:
		/* OpenVG is not a client API here: nothing to honour. */
		return true;
	default:
		return sgl_egl_error(EGL_BAD_ATTRIBUTE);
	}
}

static bool window_attribs(const EGLAttrib *a)
{
	for (int i = 0; a && a[i] != EGL_NONE; i += 2) {
		if (a[i] == EGL_RENDER_BUFFER) {
			/* EGL_SINGLE_BUFFER is a hint: the host double-buffers. */
			if (a[i + 1] != EGL_BACK_BUFFER && a[i + 1] != EGL_SINGLE_BUFFER)
				return sgl_egl_error(EGL_BAD_ATTRIBUTE);
		} else if (!common_attrib((EGLint)a[i], a[i + 1])) {
			return false;
		}
	}
	return true;
}

struct window_check {
	Window xid;
	bool ok;
};

static void check_window(Display *dpy, void *data)
{
	struct window_check *c = data;
	XWindowAttributes wa;
	c->ok = XGetWindowAttributes(dpy, c->xid, &wa);
}

/* EGL_BAD_ALLOC when the window already has a surface: EGL allows one.
 * The window is checked with the lock released (X round trips). */
static EGLSurface window_surface(EGLDisplay dpy, EGLConfig config, Window xid,
				 const EGLAttrib *attribs)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	const struct sgl_egl_config *c = d ? sgl_egl_config_find(d, config) : NULL;
	Display *xdpy = d ? d->xdpy : NULL;
	bool ok = c && window_attribs(attribs);
	if (ok && (d->platform != SGL_EGL_X11 || !(c->surface_type & EGL_WINDOW_BIT)))
		ok = sgl_egl_error(EGL_BAD_MATCH);
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok)
		return EGL_NO_SURFACE;

	struct window_check check = { xid, false };
	if (xid == None || !sgl_x11_trap_errors(xdpy, check_window, &check) || !check.ok) {
		sgl_egl_error(EGL_BAD_NATIVE_WINDOW);
		return EGL_NO_SURFACE;
	}
	struct sgl_egl_surface *s = calloc(1, sizeof(*s));
	if (!s) {
		sgl_egl_error(EGL_BAD_ALLOC);
		return EGL_NO_SURFACE;
	}
	s->dpy = d;
	s->kind = SGL_EGL_WINDOW;
	s->config = c;
	s->swap_interval = 1;
	sgl_x11_window_init(&s->win, xdpy, xid);
	pthread_mutex_lock(&sgl_egl_lock);
	/* The display may have been terminated meanwhile. */
	ok = d->initialized || sgl_egl_error(EGL_NOT_INITIALIZED);
	for (struct sgl_egl_surface *p = ok ? d->surfaces : NULL; p; p = p->next) {
		if (p->kind == SGL_EGL_WINDOW && p->win.xid == xid)
			ok = sgl_egl_error(EGL_BAD_ALLOC);
	}
	if (ok) {
		s->next = d->surfaces;
		d->surfaces = s;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok) {
		free(s);
		return EGL_NO_SURFACE;
	}
	sgl_egl_error(EGL_SUCCESS);
	return s;
}

/* EGLint lists as EGLAttrib ones, for the functions that take either. */
static EGLAttrib *widen(const EGLint *attribs, bool *ok)
{
	size_t n = 0;
	*ok = true;
	if (!attribs)
		return NULL;
	while (attribs[n] != EGL_NONE)
		n += 2;
	EGLAttrib *a = malloc((n + 1) * sizeof(*a));
	if (!a) {
		*ok = sgl_egl_error(EGL_BAD_ALLOC);
		return NULL;
	}
	for (size_t i = 0; i <= n; i++)
		a[i] = attribs[i];
	return a;
}

EGLSurface sgl_eglCreateWindowSurface(EGLDisplay dpy, EGLConfig config, EGLNativeWindowType win,
				      const EGLint *attrib_list)
{
	bool ok;
	EGLAttrib *a = widen(attrib_list, &ok);
	EGLSurface s = ok ? window_surface(dpy, config, (Window)win, a) : EGL_NO_SURFACE;
	free(a);
	return s;
}

/* EGL_KHR_platform_x11: native_window points to the Window. */
EGLSurface sgl_eglCreatePlatformWindowSurface(EGLDisplay dpy, EGLConfig config,
					      void *native_window, const EGLAttrib *attrib_list)
{
	if (!native_window) {
		sgl_egl_error(EGL_BAD_NATIVE_WINDOW);
		return EGL_NO_SURFACE;
	}
	return window_surface(dpy, config, *(Window *)native_window, attrib_list);
}

EGLSurface sgl_eglCreatePlatformWindowSurfaceEXT(EGLDisplay dpy, EGLConfig config,
						 void *native_window, const EGLint *attrib_list)
{
	bool ok;
	EGLAttrib *a = widen(attrib_list, &ok);
	EGLSurface s = ok ? sgl_eglCreatePlatformWindowSurface(dpy, config, native_window, a)
			  : EGL_NO_SURFACE;
	free(a);
	return s;
}

struct pbuffer_attribs {
	EGLint width, height;
	bool largest;
};

static bool pbuffer_attribs(const EGLint *a, struct pbuffer_attribs *p)
{
	*p = (struct pbuffer_attribs){ 0 };
	for (int i = 0; a && a[i] != EGL_NONE; i += 2) {
		EGLint v = a[i + 1];
		switch (a[i]) {
		case EGL_WIDTH:
			p->width = v;
			break;
		case EGL_HEIGHT:
			p->height = v;
			break;
		case EGL_LARGEST_PBUFFER:
			p->largest = v != EGL_FALSE;
			break;
		case EGL_TEXTURE_FORMAT:
		case EGL_TEXTURE_TARGET:
			/* No config binds to textures. */
			if (v != EGL_NO_TEXTURE)
				return sgl_egl_error(EGL_BAD_MATCH);
			break;
		case EGL_MIPMAP_TEXTURE:
			break;
		default:
			if (!common_attrib(a[i], v))
				return false;
			break;
		}
	}
	if (p->width < 0 || p->height < 0)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	if (p->width > SGL_EGL_MAX_PBUFFER_SIZE || p->height > SGL_EGL_MAX_PBUFFER_SIZE) {
		/* EGL_LARGEST_PBUFFER: the largest there is instead of failing. */
		if (!p->largest)
			return sgl_egl_error(EGL_BAD_MATCH);
		if (p->width > SGL_EGL_MAX_PBUFFER_SIZE)
			p->width = SGL_EGL_MAX_PBUFFER_SIZE;
		if (p->height > SGL_EGL_MAX_PBUFFER_SIZE)
			p->height = SGL_EGL_MAX_PBUFFER_SIZE;
	}
	return true;
}

EGLSurface sgl_eglCreatePbufferSurface(EGLDisplay dpy, EGLConfig config,
				       const EGLint *attrib_list)
{
	struct pbuffer_attribs p;
	struct sgl_egl_surface *s = NULL;
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	const struct sgl_egl_config *c = d ? sgl_egl_config_find(d, config) : NULL;
	bool ok = c && pbuffer_attribs(attrib_list, &p);
	if (ok && !(c->surface_type & EGL_PBUFFER_BIT))
		ok = sgl_egl_error(EGL_BAD_MATCH);
	if (ok && !(s = calloc(1, sizeof(*s))))
		ok = sgl_egl_error(EGL_BAD_ALLOC);
	if (ok) {
		s->dpy = d;
		s->kind = SGL_EGL_PBUFFER;
		s->config = c;
		s->width = (uint32_t)p.width;
		s->height = (uint32_t)p.height;
		s->largest_pbuffer = p.largest;
		s->swap_interval = 1;
		s->next = d->surfaces;
		d->surfaces = s;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok)
		return EGL_NO_SURFACE;
	sgl_egl_error(EGL_SUCCESS);
	return s;
}

/* Checks the display and config, then says what is true of every config:
 * it cannot render to pixmaps. */
static EGLSurface no_pixmaps(EGLDisplay dpy, EGLConfig config)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	if (d && sgl_egl_config_find(d, config))
		sgl_egl_error(EGL_BAD_MATCH);
	pthread_mutex_unlock(&sgl_egl_lock);
	return EGL_NO_SURFACE;
}

EGLSurface sgl_eglCreatePixmapSurface(EGLDisplay dpy, EGLConfig config,
				      EGLNativePixmapType pixmap, const EGLint *attrib_list)
{
	(void)pixmap;
	(void)attrib_list;
	return no_pixmaps(dpy, config);
}

EGLSurface sgl_eglCreatePlatformPixmapSurface(EGLDisplay dpy, EGLConfig config,
					      void *native_pixmap, const EGLAttrib *attrib_list)
{
	(void)native_pixmap;
	(void)attrib_list;
	return no_pixmaps(dpy, config);
}

EGLSurface sgl_eglCreatePlatformPixmapSurfaceEXT(EGLDisplay dpy, EGLConfig config,
						 void *native_pixmap, const EGLint *attrib_list)
{
	(void)native_pixmap;
	(void)attrib_list;
	return no_pixmaps(dpy, config);
}

/* No client buffer types (OpenVG images) exist here. */
EGLSurface sgl_eglCreatePbufferFromClientBuffer(EGLDisplay dpy, EGLenum buftype,
						EGLClientBuffer buffer, EGLConfig config,
						const EGLint *attrib_list)
{
	(void)buftype;
	(void)buffer;
	(void)attrib_list;
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	if (d && sgl_egl_config_find(d, config))
		sgl_egl_error(EGL_BAD_PARAMETER);
	pthread_mutex_unlock(&sgl_egl_lock);
	return EGL_NO_SURFACE;
}

/* The handle is invalid at once; a surface current to some thread is
 * freed when it is released (context.c). */
EGLBoolean sgl_eglDestroySurface(EGLDisplay dpy, EGLSurface surface)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	bool free_now = false;
	if (s) {
		for (struct sgl_egl_surface **p = &d->surfaces; *p; p = &(*p)->next) {
			if (*p == s) {
				*p = s->next;
				break;
			}
		}
		s->next = NULL;
		s->destroyed = true;
		free_now = !s->bound;
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!s)
		return EGL_FALSE;
	if (free_now)
		surface_free(s);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

static bool query(struct sgl_egl_surface *s, EGLint attrib, EGLint *value)
{
	uint32_t w = 0, h = 0;
	switch (attrib) {
	case EGL_WIDTH:
	case EGL_HEIGHT:
		sgl_egl_surface_size(s, &w, &h);
		*value = (EGLint)(attrib == EGL_WIDTH ? w : h);
		return true;
	case EGL_CONFIG_ID:
		*value = s->config->id;
		return true;
	case EGL_LARGEST_PBUFFER:
		/* Windows leave the value alone. */
		if (s->kind == SGL_EGL_PBUFFER)
			*value = s->largest_pbuffer;
		return true;
	case EGL_TEXTURE_FORMAT:
	case EGL_TEXTURE_TARGET:
		*value = EGL_NO_TEXTURE;
		return true;
	case EGL_MIPMAP_TEXTURE:
	case EGL_MIPMAP_LEVEL:
		*value = 0;
		return true;
	case EGL_RENDER_BUFFER:
		*value = EGL_BACK_BUFFER;
		return true;
	case EGL_SWAP_BEHAVIOR:
		/* A swap exchanges the host's buffers: the back one holds an
		 * older frame. */
		*value = EGL_BUFFER_DESTROYED;
		return true;
	case EGL_MULTISAMPLE_RESOLVE:
		*value = EGL_MULTISAMPLE_RESOLVE_DEFAULT;
		return true;
	case EGL_HORIZONTAL_RESOLUTION:
	case EGL_VERTICAL_RESOLUTION:
	case EGL_PIXEL_ASPECT_RATIO:
		*value = EGL_UNKNOWN;
		return true;
	case EGL_GL_COLORSPACE:
		*value = EGL_GL_COLORSPACE_LINEAR;
		return true;
	case EGL_VG_ALPHA_FORMAT:
		*value = EGL_VG_ALPHA_FORMAT_NONPRE;
		return true;
	case EGL_VG_COLORSPACE:
		*value = EGL_VG_COLORSPACE_sRGB;
		return true;
	default:
		return false;
	}
}

EGLBoolean sgl_eglQuerySurface(EGLDisplay dpy, EGLSurface surface, EGLint attribute,
			       EGLint *value)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	/* Unlocked from here: a window's size is a round trip. Destroying a
	 * surface while querying it on another thread is the program's race. */
	if (!s)
		return EGL_FALSE;
	if (!value)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	if (!query(s, attribute, value))
		return sgl_egl_error(EGL_BAD_ATTRIBUTE);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

EGLBoolean sgl_eglSurfaceAttrib(EGLDisplay dpy, EGLSurface surface, EGLint attribute,
				EGLint value)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!s)
		return EGL_FALSE;
	switch (attribute) {
	case EGL_SWAP_BEHAVIOR:
		/* No config has EGL_SWAP_BEHAVIOR_PRESERVED_BIT. */
		if (value == EGL_BUFFER_PRESERVED)
			return sgl_egl_error(EGL_BAD_MATCH);
		if (value != EGL_BUFFER_DESTROYED)
			return sgl_egl_error(EGL_BAD_PARAMETER);
		break;
	case EGL_MULTISAMPLE_RESOLVE:
		if (value == EGL_MULTISAMPLE_RESOLVE_BOX)
			return sgl_egl_error(EGL_BAD_MATCH);
		if (value != EGL_MULTISAMPLE_RESOLVE_DEFAULT)
			return sgl_egl_error(EGL_BAD_PARAMETER);
		break;
	case EGL_MIPMAP_LEVEL:
		/* Only meaningful for texture-bound pbuffers, which we lack. */
		break;
	default:
		return sgl_egl_error(EGL_BAD_ATTRIBUTE);
	}
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* No surface can be bound to a texture (EGL_TEXTURE_FORMAT is always
 * EGL_NO_TEXTURE). */
static EGLBoolean no_texture(EGLDisplay dpy, EGLSurface surface, EGLint buffer)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!s)
		return EGL_FALSE;
	if (buffer != EGL_BACK_BUFFER)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	return sgl_egl_error(s->kind == SGL_EGL_PBUFFER ? EGL_BAD_MATCH : EGL_BAD_SURFACE);
}

EGLBoolean sgl_eglBindTexImage(EGLDisplay dpy, EGLSurface surface, EGLint buffer)
{
	return no_texture(dpy, surface, buffer);
}

EGLBoolean sgl_eglReleaseTexImage(EGLDisplay dpy, EGLSurface surface, EGLint buffer)
{
	return no_texture(dpy, surface, buffer);
}

/* There are no pixmaps to copy into. */
EGLBoolean sgl_eglCopyBuffers(EGLDisplay dpy, EGLSurface surface, EGLNativePixmapType target)
{
	(void)target;
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	struct sgl_egl_surface *s = d ? sgl_egl_surface_locked(d, surface) : NULL;
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!s)
		return EGL_FALSE;
	return sgl_egl_error(EGL_BAD_NATIVE_PIXMAP);
}
