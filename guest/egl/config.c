/*
 * EGLConfigs. The host draws a context into an RGBA8 framebuffer with depth
 * 24 and, as the context's config says, stencil 8 or none (a program that
 * wants no stencil then pays for none: depth clears are plain clears). On
 * X11 each comes for the screen's 24-bit TrueColor visual and for its
 * 32-bit (ARGB) visual when it has one, for windows that want to be
 * translucent. Surfaceless displays have pbuffers only. IDs follow the
 * spec's sort order (smaller stencil first, as a native driver lists).
 */
#include <X11/Xutil.h>
#include <stdlib.h>

#include "egl_internal.h"

static const EGLint renderable = EGL_OPENGL_BIT | EGL_OPENGL_ES_BIT | EGL_OPENGL_ES2_BIT |
				 EGL_OPENGL_ES3_BIT;

/* The first TrueColor visual of `depth` on the screen, the default visual
 * first: it needs no colormap of its own. */
static VisualID find_visual(Display *dpy, int screen, int depth)
{
	Visual *def = DefaultVisual(dpy, screen);
	if (DefaultDepth(dpy, screen) == depth && def->class == TrueColor)
		return XVisualIDFromVisual(def);
	XVisualInfo tmpl = { .screen = screen, .depth = depth, .class = TrueColor };
	int n = 0;
	XVisualInfo *vis = XGetVisualInfo(dpy, VisualScreenMask | VisualDepthMask | VisualClassMask,
					  &tmpl, &n);
	VisualID id = vis && n > 0 ? vis[0].visualid : 0;
	XFree(vis);
	return id;
}

void sgl_egl_configs_init(struct sgl_egl_display *d)
{
	d->config_count = 0;
	for (EGLint stencil = 0; stencil <= 8; stencil += 8) {
		if (d->platform == SGL_EGL_SURFACELESS) {
			d->configs[d->config_count] = (struct sgl_egl_config){
				.id = d->config_count + 1, .stencil = stencil,
				.surface_type = EGL_PBUFFER_BIT };
			d->config_count++;
			continue;
		}
		static const int depths[] = { 24, 32 };
		for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
			VisualID v = find_visual(d->xdpy, d->xscreen, depths[i]);
			if (!v && i > 0)
				continue;
			/* Without a 24-bit visual the frame is converted for the
			 * window (guest/x11): the config stays. */
			d->configs[d->config_count] = (struct sgl_egl_config){
				.id = d->config_count + 1,
				.stencil = stencil,
				.surface_type = EGL_WINDOW_BIT | EGL_PBUFFER_BIT,
				.visual = v,
				.visual_depth = v ? depths[i] : 0,
			};
			d->config_count++;
		}
	}
}

const struct sgl_egl_config *sgl_egl_config_find(struct sgl_egl_display *d, EGLConfig config)
{
	for (int i = 0; i < d->config_count; i++) {
		if (config == (EGLConfig)&d->configs[i])
			return &d->configs[i];
	}
	sgl_egl_error(EGL_BAD_CONFIG);
	return NULL;
}

/* false: not an attribute of configs. */
static bool config_attrib(const struct sgl_egl_display *d, const struct sgl_egl_config *c,
			  EGLint attrib, EGLint *value)
{
	switch (attrib) {
	case EGL_BUFFER_SIZE:
		*value = 32;
		return true;
	case EGL_RED_SIZE:
	case EGL_GREEN_SIZE:
	case EGL_BLUE_SIZE:
	case EGL_ALPHA_SIZE:
		*value = 8;
		return true;
	case EGL_DEPTH_SIZE:
		*value = 24;
		return true;
	case EGL_STENCIL_SIZE:
		*value = c->stencil;
		return true;
	case EGL_LUMINANCE_SIZE:
	case EGL_ALPHA_MASK_SIZE:
	case EGL_SAMPLES:
	case EGL_SAMPLE_BUFFERS:
	case EGL_LEVEL:
	case EGL_MIN_SWAP_INTERVAL:
	case EGL_TRANSPARENT_RED_VALUE:
	case EGL_TRANSPARENT_GREEN_VALUE:
	case EGL_TRANSPARENT_BLUE_VALUE:
		*value = 0;
		return true;
	case EGL_BIND_TO_TEXTURE_RGB:
	case EGL_BIND_TO_TEXTURE_RGBA:
	case EGL_NATIVE_RENDERABLE:
		*value = EGL_FALSE;
		return true;
	case EGL_COLOR_BUFFER_TYPE:
		*value = EGL_RGB_BUFFER;
		return true;
	case EGL_CONFIG_CAVEAT:
	case EGL_TRANSPARENT_TYPE:
		*value = EGL_NONE;
		return true;
	case EGL_CONFIG_ID:
		*value = c->id;
		return true;
	case EGL_CONFORMANT:
	case EGL_RENDERABLE_TYPE:
		*value = renderable;
		return true;
	case EGL_SURFACE_TYPE:
		*value = c->surface_type;
		return true;
	case EGL_MAX_PBUFFER_WIDTH:
	case EGL_MAX_PBUFFER_HEIGHT:
		*value = SGL_EGL_MAX_PBUFFER_SIZE;
		return true;
	case EGL_MAX_PBUFFER_PIXELS:
		*value = SGL_EGL_MAX_PBUFFER_SIZE * SGL_EGL_MAX_PBUFFER_SIZE;
		return true;
	case EGL_MAX_SWAP_INTERVAL:
		*value = 1;
		return true;
	case EGL_NATIVE_VISUAL_ID:
		*value = (EGLint)c->visual;
		return true;
	case EGL_NATIVE_VISUAL_TYPE:
		*value = d->platform == SGL_EGL_X11 ? TrueColor : EGL_NONE;
		return true;
	default:
		return false;
	}
}

EGLBoolean sgl_eglGetConfigAttrib(EGLDisplay dpy, EGLConfig config, EGLint attribute,
				  EGLint *value)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	const struct sgl_egl_config *c = d ? sgl_egl_config_find(d, config) : NULL;
	EGLint v;
	bool known = c && config_attrib(d, c, attribute, &v);
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!c)
		return EGL_FALSE;
	if (!known)
		return sgl_egl_error(EGL_BAD_ATTRIBUTE);
	if (!value)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	*value = v;
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

/* Copies up to `size` configs (all when `out` is NULL: only counted). */
static void list(struct sgl_egl_display *d, const bool *match, EGLConfig *out, EGLint size,
		 EGLint *count)
{
	*count = 0;
	for (int i = 0; i < d->config_count; i++) {
		if (match && !match[i])
			continue;
		if (out && *count >= size)
			break;
		if (out)
			out[*count] = (EGLConfig)&d->configs[i];
		++*count;
	}
}

EGLBoolean sgl_eglGetConfigs(EGLDisplay dpy, EGLConfig *configs, EGLint config_size,
			     EGLint *num_config)
{
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	if (d && num_config)
		list(d, NULL, configs, config_size, num_config);
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!d)
		return EGL_FALSE;
	if (!num_config)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}

enum rule { AT_LEAST, EXACT, MASK, IGNORED };

static enum rule rule_of(EGLint attrib)
{
	switch (attrib) {
	case EGL_BUFFER_SIZE:
	case EGL_RED_SIZE:
	case EGL_GREEN_SIZE:
	case EGL_BLUE_SIZE:
	case EGL_ALPHA_SIZE:
	case EGL_LUMINANCE_SIZE:
	case EGL_ALPHA_MASK_SIZE:
	case EGL_DEPTH_SIZE:
	case EGL_STENCIL_SIZE:
	case EGL_SAMPLES:
	case EGL_SAMPLE_BUFFERS:
		return AT_LEAST;
	case EGL_CONFORMANT:
	case EGL_RENDERABLE_TYPE:
	case EGL_SURFACE_TYPE:
		return MASK;
	case EGL_MAX_PBUFFER_WIDTH:
	case EGL_MAX_PBUFFER_HEIGHT:
	case EGL_MAX_PBUFFER_PIXELS:
	case EGL_NATIVE_VISUAL_ID:
		return IGNORED;
	default:
		return EXACT;
	}
}

/* The spec's defaults for what eglChooseConfig compares exactly or by
 * mask; everything else defaults to EGL_DONT_CARE or 0 (at least 0). */
static EGLint default_of(EGLint attrib)
{
	switch (attrib) {
	case EGL_COLOR_BUFFER_TYPE:
		return EGL_RGB_BUFFER;
	case EGL_LEVEL:
	case EGL_CONFORMANT:
		return 0;
	case EGL_SURFACE_TYPE:
		return EGL_WINDOW_BIT;
	case EGL_TRANSPARENT_TYPE:
		return EGL_NONE;
	default:
		return EGL_DONT_CARE;
	}
}

struct wanted {
	EGLint attrib, value;
};

/* The attributes that decide: the defaults above, overridden by the
 * program's list. false (and the EGL error set) for a bad list. */
static bool parse_wanted(const EGLint *attribs, struct wanted *w, int *n, int max)
{
	static const EGLint defaulted[] = { EGL_COLOR_BUFFER_TYPE, EGL_LEVEL, EGL_CONFORMANT,
					    EGL_SURFACE_TYPE, EGL_TRANSPARENT_TYPE };
	struct sgl_egl_config probe = { 0 };
	struct sgl_egl_display none = { 0 };
	EGLint dummy;
	*n = 0;
	for (size_t i = 0; i < sizeof(defaulted) / sizeof(defaulted[0]); i++)
		w[(*n)++] = (struct wanted){ defaulted[i], default_of(defaulted[i]) };
	for (int i = 0; attribs && attribs[i] != EGL_NONE; i += 2) {
		EGLint a = attribs[i], v = attribs[i + 1];
		if (a == EGL_MATCH_NATIVE_PIXMAP) {
			/* No config renders to pixmaps. */
			w[(*n)++] = (struct wanted){ EGL_SURFACE_TYPE, EGL_PIXMAP_BIT };
			continue;
		}
		if (!config_attrib(&none, &probe, a, &dummy))
			return sgl_egl_error(EGL_BAD_ATTRIBUTE);
		int j;
		for (j = 0; j < *n && w[j].attrib != a; j++)
			;
		if (j == *n) {
			if (*n == max)
				return sgl_egl_error(EGL_BAD_ATTRIBUTE);
			++*n;
		}
		w[j] = (struct wanted){ a, v };
	}
	return true;
}

static bool matches(const struct sgl_egl_display *d, const struct sgl_egl_config *c,
		    const struct wanted *w, int n)
{
	/* EGL_CONFIG_ID, when given, is the only criterion. */
	for (int i = 0; i < n; i++) {
		if (w[i].attrib == EGL_CONFIG_ID && w[i].value != EGL_DONT_CARE)
			return c->id == w[i].value;
	}
	for (int i = 0; i < n; i++) {
		EGLint have;
		if (w[i].value == EGL_DONT_CARE || !config_attrib(d, c, w[i].attrib, &have))
			continue;
		switch (rule_of(w[i].attrib)) {
		case AT_LEAST:
			if (have < w[i].value)
				return false;
			break;
		case MASK:
			if ((have & w[i].value) != w[i].value)
				return false;
			break;
		case EXACT:
			if (have != w[i].value)
				return false;
			break;
		case IGNORED:
			break;
		}
	}
	return true;
}

/*
 * The configs in ID order, which is also the spec's sort order: they differ
 * in EGL_STENCIL_SIZE (smaller first, lower IDs) and visual only. EGL_RENDERABLE_TYPE's default
 * (EGL_OPENGL_ES_BIT, i.e. ES 1) is not applied: every config renders
 * ES 1 too, so it would match them all anyway.
 */
EGLBoolean sgl_eglChooseConfig(EGLDisplay dpy, const EGLint *attrib_list, EGLConfig *configs,
			       EGLint config_size, EGLint *num_config)
{
	struct wanted w[64];
	int n;
	bool match[SGL_EGL_MAX_CONFIGS];
	if (!num_config)
		return sgl_egl_error(EGL_BAD_PARAMETER);
	pthread_mutex_lock(&sgl_egl_lock);
	struct sgl_egl_display *d = sgl_egl_display_locked(dpy, true);
	bool ok = d && parse_wanted(attrib_list, w, &n, (int)(sizeof(w) / sizeof(w[0])));
	if (ok) {
		for (int i = 0; i < d->config_count; i++)
			match[i] = matches(d, &d->configs[i], w, n);
		list(d, match, configs, config_size, num_config);
	}
	pthread_mutex_unlock(&sgl_egl_lock);
	if (!ok)
		return EGL_FALSE;
	sgl_egl_error(EGL_SUCCESS);
	return EGL_TRUE;
}
