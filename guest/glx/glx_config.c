/*
 * Visuals and FBConfigs. The host draws every context into the same kind of
 * framebuffer (RGBA8, depth 24, stencil 8, double-buffered), so there are
 * two configs per TrueColor visual of the screen that can show it: that
 * framebuffer, and the same without stencil for programs that insist on
 * none (glmark2 rejects configs with bits it did not ask for; the stencil
 * is still there on the host, unused).
 */
#include <pthread.h>
#include <stdlib.h>

#include "glx_internal.h"

/* What a pbuffer may be: the host's framebuffer limit is not known here. */
#define MAX_PBUFFER_SIZE 8192

static pthread_mutex_t configs_lock = PTHREAD_MUTEX_INITIALIZER;

/* Depth-24 visuals first: programs take the first match, and an ARGB
 * visual would make their window translucent under a compositor. 16- and
 * 15-bit ones last, for servers that have nothing better: the frame is
 * converted for them (present.c). */
static void list_configs(Display *dpy, int screen, struct sgl_glx_screen_configs *sc)
{
	static const int depths[] = { 24, 32, 16, 15 };
	XVisualInfo tmpl = { .screen = screen, .class = TrueColor };
	int n = 0;
	XVisualInfo *vis = XGetVisualInfo(dpy, VisualScreenMask | VisualClassMask, &tmpl, &n);

	sc->listed = true;
	if (!vis || n <= 0 || !(sc->configs = calloc(2 * (size_t)n, sizeof(*sc->configs)))) {
		XFree(vis);
		return;
	}
	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
		for (int i = 0; i < n; i++) {
			if (vis[i].depth != depths[d])
				continue;
			for (int stencil = 8; stencil >= 0; stencil -= 8) {
				sc->configs[sc->count++] = (struct __GLXFBConfigRec){
					.screen = screen,
					.visual = vis[i].visualid,
					.depth = depths[d],
					.id = (int)vis[i].visualid + (stencil ? 0 : 0x10000),
					.stencil = stencil,
				};
			}
		}
	}
	XFree(vis);
}

const struct sgl_glx_screen_configs *sgl_glx_configs(Display *dpy, int screen)
{
	struct sgl_glx_display *d = sgl_glx_display_get(dpy);
	if (!d || screen < 0 || screen >= d->screens)
		return NULL;
	struct sgl_glx_screen_configs *sc = &d->configs[screen];
	pthread_mutex_lock(&configs_lock);
	if (!sc->listed)
		list_configs(dpy, screen, sc);
	pthread_mutex_unlock(&configs_lock);
	return sc;
}

void sgl_glx_configs_free(struct sgl_glx_display *d)
{
	for (int i = 0; i < d->screens; i++)
		free(d->configs[i].configs);
	free(d->configs);
}

bool sgl_glx_config_valid(Display *dpy, GLXFBConfig config)
{
	struct sgl_glx_display *d = sgl_glx_display_get(dpy);
	for (int i = 0; d && config && i < d->screens; i++) {
		const struct sgl_glx_screen_configs *sc = sgl_glx_configs(dpy, i);
		if (sc && sc->count && config >= sc->configs && config < sc->configs + sc->count)
			return true;
	}
	return false;
}

GLXFBConfig sgl_glx_config_for_visual(Display *dpy, int screen, VisualID visual)
{
	const struct sgl_glx_screen_configs *sc = sgl_glx_configs(dpy, screen);
	for (int i = 0; sc && i < sc->count; i++) {
		if (sc->configs[i].visual == visual)
			return &sc->configs[i];
	}
	return NULL;
}

/* 0 (Success) or GLX_BAD_ATTRIBUTE. */
static int config_attrib(GLXFBConfig c, int attrib, int *value)
{
	switch (attrib) {
	case GLX_FBCONFIG_ID:
		*value = c->id;
		break;
	case GLX_VISUAL_ID:
		*value = (int)c->visual;
		break;
	case GLX_SCREEN:
		*value = c->screen;
		break;
	case GLX_USE_GL:
	case GLX_RGBA:
	case GLX_DOUBLEBUFFER:
	case GLX_X_RENDERABLE:
		*value = True;
		break;
	case GLX_BUFFER_SIZE:
		*value = 32;
		break;
	case GLX_RED_SIZE:
	case GLX_GREEN_SIZE:
	case GLX_BLUE_SIZE:
	case GLX_ALPHA_SIZE:
		*value = 8;
		break;
	case GLX_STENCIL_SIZE:
		*value = c->stencil;
		break;
	case GLX_DEPTH_SIZE:
		*value = 24;
		break;
	case GLX_RENDER_TYPE:
		*value = GLX_RGBA_BIT;
		break;
	case GLX_DRAWABLE_TYPE:
		*value = GLX_WINDOW_BIT | GLX_PIXMAP_BIT | GLX_PBUFFER_BIT;
		break;
	case GLX_X_VISUAL_TYPE:
		*value = GLX_TRUE_COLOR;
		break;
	case GLX_CONFIG_CAVEAT:
	case GLX_TRANSPARENT_TYPE:
		*value = GLX_NONE;
		break;
	case GLX_MAX_PBUFFER_WIDTH:
	case GLX_MAX_PBUFFER_HEIGHT:
		*value = MAX_PBUFFER_SIZE;
		break;
	case GLX_MAX_PBUFFER_PIXELS:
		*value = MAX_PBUFFER_SIZE * MAX_PBUFFER_SIZE;
		break;
	case GLX_LEVEL:
	case GLX_STEREO:
	case GLX_AUX_BUFFERS:
	case GLX_ACCUM_RED_SIZE:
	case GLX_ACCUM_GREEN_SIZE:
	case GLX_ACCUM_BLUE_SIZE:
	case GLX_ACCUM_ALPHA_SIZE:
	case GLX_SAMPLE_BUFFERS:
	case GLX_SAMPLES:
	case GLX_TRANSPARENT_INDEX_VALUE:
	case GLX_TRANSPARENT_RED_VALUE:
	case GLX_TRANSPARENT_GREEN_VALUE:
	case GLX_TRANSPARENT_BLUE_VALUE:
	case GLX_TRANSPARENT_ALPHA_VALUE:
	case GLX_FRAMEBUFFER_SRGB_CAPABLE_ARB:
		*value = 0;
		break;
	default:
		return GLX_BAD_ATTRIBUTE;
	}
	return Success;
}

/*
 * Whether `c` satisfies one requested attribute. Lenient where programs
 * ask for more than they use: accumulation buffers (up to 16 bits),
 * multisampling, sRGB and single buffering match the one config we have
 * (queries still say what it really is); unknown attributes are ignored.
 */
static bool config_matches(GLXFBConfig c, int attrib, int value)
{
	int have = 0;
	if (value == (int)GLX_DONT_CARE && attrib != GLX_LEVEL)
		return true;
	switch (attrib) {
	case GLX_FBCONFIG_ID:
	case GLX_VISUAL_ID:
	case GLX_LEVEL:
	case GLX_STEREO:
	case GLX_X_VISUAL_TYPE:
	case GLX_CONFIG_CAVEAT:
	case GLX_TRANSPARENT_TYPE:
		config_attrib(c, attrib, &have);
		return have == value;
	case GLX_BUFFER_SIZE:
	case GLX_RED_SIZE:
	case GLX_GREEN_SIZE:
	case GLX_BLUE_SIZE:
	case GLX_ALPHA_SIZE:
	case GLX_DEPTH_SIZE:
	case GLX_STENCIL_SIZE:
	case GLX_AUX_BUFFERS:
		config_attrib(c, attrib, &have);
		return have >= value;
	case GLX_ACCUM_RED_SIZE:
	case GLX_ACCUM_GREEN_SIZE:
	case GLX_ACCUM_BLUE_SIZE:
	case GLX_ACCUM_ALPHA_SIZE:
		return value <= 16;
	case GLX_RENDER_TYPE:
		return value & GLX_RGBA_BIT;
	case GLX_DRAWABLE_TYPE:
		return !(value & ~(GLX_WINDOW_BIT | GLX_PIXMAP_BIT | GLX_PBUFFER_BIT));
	default:
		return true;
	}
}

static bool config_matches_all(GLXFBConfig c, const int *attribs)
{
	for (int i = 0; attribs && attribs[i] != None; i += 2) {
		if (!config_matches(c, attribs[i], attribs[i + 1]))
			return false;
	}
	return true;
}

/* Arrays the program frees with XFree (which is free). */
static GLXFBConfig *choose(Display *dpy, int screen, const int *attribs, int *count)
{
	const struct sgl_glx_screen_configs *sc = sgl_glx_configs(dpy, screen);
	GLXFBConfig *out;
	int n = 0;

	*count = 0;
	if (!sc || !sc->count || !(out = malloc((size_t)sc->count * sizeof(*out))))
		return NULL;
	for (int i = 0; i < sc->count; i++) {
		if (config_matches_all(&sc->configs[i], attribs))
			out[n++] = &sc->configs[i];
	}
	if (!n) {
		free(out);
		return NULL;
	}
	/* GLX sorts smaller stencil buffers first; otherwise the listed
	 * order (a stable insertion sort: the lists are short). */
	for (int i = 1; attribs && i < n; i++) {
		GLXFBConfig c = out[i];
		int j = i;
		for (; j > 0 && out[j - 1]->stencil > c->stencil; j--)
			out[j] = out[j - 1];
		out[j] = c;
	}
	*count = n;
	return out;
}

GLXFBConfig *sgl_glXChooseFBConfig(Display *dpy, int screen, const int *attribs, int *count)
{
	int n;
	GLXFBConfig *out = choose(dpy, screen, attribs, &n);
	if (count)
		*count = n;
	return out;
}

GLXFBConfig *sgl_glXGetFBConfigs(Display *dpy, int screen, int *count)
{
	return sgl_glXChooseFBConfig(dpy, screen, NULL, count);
}

int sgl_glXGetFBConfigAttrib(Display *dpy, GLXFBConfig config, int attrib, int *value)
{
	(void)dpy;
	if (!config || !value)
		return GLX_BAD_ATTRIBUTE;
	return config_attrib(config, attrib, value);
}

/*
 * A visual stands for several of our configs (with and without stencil),
 * but GLX 1.2 programs name a visual only: glXChooseVisual, then
 * glXCreateContext with the XVisualInfo it returned. The last infos handed
 * out remember the config they were chosen for, so such a program gets the
 * buffers it asked for (glxgears: no stencil, and its depth clears are
 * then plain clears on the host). An info we did not hand out, or whose
 * memory now holds another visual, falls back to the visual's first config.
 */
#define GIVEN_INFOS 16
struct given_info {
	const XVisualInfo *info;
	int screen;
	VisualID visual;
	GLXFBConfig config;
};
static struct given_info given[GIVEN_INFOS];
static unsigned given_next;

static XVisualInfo *visual_info(Display *dpy, GLXFBConfig c)
{
	XVisualInfo tmpl = { .screen = c->screen, .visualid = c->visual };
	int n = 0;
	XVisualInfo *vis = XGetVisualInfo(dpy, VisualScreenMask | VisualIDMask, &tmpl, &n);
	if (vis) {
		pthread_mutex_lock(&configs_lock);
		for (unsigned i = 0; i < GIVEN_INFOS; i++) {
			if (given[i].info == vis)
				given[i].info = NULL;
		}
		given[given_next++ % GIVEN_INFOS] = (struct given_info){ vis, vis->screen,
									   vis->visualid, c };
		pthread_mutex_unlock(&configs_lock);
	}
	return vis;
}

GLXFBConfig sgl_glx_config_for_info(Display *dpy, const XVisualInfo *vis)
{
	GLXFBConfig c = NULL;
	pthread_mutex_lock(&configs_lock);
	for (unsigned i = 0; i < GIVEN_INFOS && !c; i++) {
		if (given[i].info == vis && given[i].screen == vis->screen &&
		    given[i].visual == vis->visualid && given[i].config->screen == vis->screen)
			c = given[i].config;
	}
	pthread_mutex_unlock(&configs_lock);
	/* Still one of this display's configs (a display closed and another
	 * opened could have reused the memory). */
	if (c && !sgl_glx_config_valid(dpy, c))
		c = NULL;
	return c ? c : sgl_glx_config_for_visual(dpy, vis->screen, vis->visualid);
}

XVisualInfo *sgl_glXGetVisualFromFBConfig(Display *dpy, GLXFBConfig config)
{
	return config ? visual_info(dpy, config) : NULL;
}

/* GLX 1.2 lists: booleans stand alone, other attributes take a value. The
 * result is a GLX 1.3 list; GLX_RGBA is implied (there is no colour-index
 * config, and programs that forget GLX_RGBA still want colour). */
static void convert_visual_attribs(const int *in, int *out, size_t cap)
{
	size_t n = 0;
	for (int i = 0; in && in[i] != None && n + 3 < cap; i++) {
		switch (in[i]) {
		case GLX_USE_GL:
		case GLX_RGBA:
			break;
		case GLX_DOUBLEBUFFER:
		case GLX_STEREO:
			out[n++] = in[i];
			out[n++] = True;
			break;
		default:
			out[n++] = in[i];
			out[n++] = in[++i];
			break;
		}
	}
	out[n] = None;
}

XVisualInfo *sgl_glXChooseVisual(Display *dpy, int screen, int *attribs)
{
	int list[256];
	int n;
	convert_visual_attribs(attribs, list, sizeof(list) / sizeof(list[0]));
	GLXFBConfig *configs = choose(dpy, screen, list, &n);
	if (!configs)
		return NULL;
	XVisualInfo *vis = visual_info(dpy, configs[0]);
	free(configs);
	return vis;
}

int sgl_glXGetConfig(Display *dpy, XVisualInfo *vis, int attrib, int *value)
{
	if (!vis || !value)
		return GLX_BAD_VALUE;
	GLXFBConfig c = sgl_glx_config_for_info(dpy, vis);
	if (!c) {
		if (attrib != GLX_USE_GL)
			return GLX_BAD_VISUAL;
		*value = False;
		return Success;
	}
	return config_attrib(c, attrib, value);
}
