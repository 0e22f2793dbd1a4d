/*
 * GLX_ARB_create_context: what an attribute list asks for, checked the way
 * the specification says, with the X error a server-side GLX would raise.
 */
#include <stdio.h>

#include "glx_internal.h"

static bool valid_gl_version(int major, int minor)
{
	static const int last_minor[] = { -1, 5, 1, 3, 6 };
	return major >= 1 && major <= 4 && minor >= 0 && minor <= last_minor[major];
}

static void fail(struct sgl_glx_request *r, int code, bool glx)
{
	if (!r->error) {
		r->error = code;
		r->glx_error = glx;
	}
}

/* The API and version to ask the host for. "If attributes
 * GLX_CONTEXT_MAJOR_VERSION_ARB and GLX_CONTEXT_MINOR_VERSION_ARB, when
 * considered together with attributes GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB
 * and GLX_RENDER_TYPE, specify an OpenGL version and feature set that are
 * not defined, BadMatch is generated." */
static void resolve_api(struct sgl_glx_request *r, int profile, int flags, int render_type)
{
	bool fwd = flags & GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB;
	if (profile & GLX_CONTEXT_ES2_PROFILE_BIT_EXT) {
		r->api = SGL_GLX_API_GLES;
		/* GLX_EXT_create_context_es_profile: any ES version, the
		 * attributes' default 1.0 too, which is ES 1 (Mesa's GLX gives
		 * ES-CM 1.1 for it: waffle's gles1 asks so). */
		if (!(r->major == 1 && r->minor <= 1) && !(r->major == 2 && r->minor == 0) &&
		    !(r->major == 3 && r->minor <= 2))
			fail(r, BadMatch, false);
		return;
	}
	if (!valid_gl_version(r->major, r->minor) || (fwd && r->major < 3) ||
	    (render_type == GLX_COLOR_INDEX_TYPE && r->major >= 3)) {
		fail(r, BadMatch, false);
		return;
	}
	/* Profiles start at 3.2; the default profile is core. */
	bool profiled = r->major > 3 || (r->major == 3 && r->minor >= 2);
	if (profiled && !(profile & GLX_CONTEXT_COMPATIBILITY_PROFILE_BIT_ARB)) {
		r->api = SGL_GLX_API_GL_CORE;
		return;
	}
	if (fwd && !profiled) {
		/* A forward-compatible 3.0 or 3.1 context has none of the
		 * deprecated features: the host's core profile. */
		r->api = SGL_GLX_API_GL_CORE;
		r->major = 3;
		r->minor = 2;
		return;
	}
	r->api = SGL_GLX_API_GL_COMPAT;
	/* 1.0 is the attribute default: "any version", the host's highest. */
	if (r->major == 1 && r->minor == 0)
		r->major = r->minor = 0;
}

static bool one_profile(int profile)
{
	const int known = GLX_CONTEXT_CORE_PROFILE_BIT_ARB |
			  GLX_CONTEXT_COMPATIBILITY_PROFILE_BIT_ARB | GLX_CONTEXT_ES2_PROFILE_BIT_EXT;
	return profile && !(profile & ~known) && !(profile & (profile - 1));
}

bool sgl_glx_parse_context_attribs(Display *dpy, const int *attribs, struct sgl_glx_request *r)
{
	const int known_flags = GLX_CONTEXT_DEBUG_BIT_ARB | GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB |
				GLX_CONTEXT_ROBUST_ACCESS_BIT_ARB;
	int profile = GLX_CONTEXT_CORE_PROFILE_BIT_ARB, flags = 0, render_type = GLX_RGBA_TYPE;

	*r = (struct sgl_glx_request){ .major = 1, .screen = dpy ? DefaultScreen(dpy) : 0 };
	for (int i = 0; attribs && attribs[i] != None; i += 2) {
		int v = attribs[i + 1];
		switch (attribs[i]) {
		case GLX_CONTEXT_MAJOR_VERSION_ARB:
			r->major = v;
			break;
		case GLX_CONTEXT_MINOR_VERSION_ARB:
			r->minor = v;
			break;
		case GLX_CONTEXT_PROFILE_MASK_ARB:
			/* "has no bits set; has any bits set other than [the
			 * profiles]; has more than one of these bits set ...
			 * GLXBadProfileARB is generated." */
			if (!one_profile(v))
				fail(r, SGL_GLX_BAD_PROFILE, true);
			profile = v;
			break;
		case GLX_CONTEXT_FLAGS_ARB:
			/* Debug and robust access: the host's context is what
			 * it is, a superset is allowed. Unknown bits are
			 * BadValue. */
			if (v & ~known_flags)
				fail(r, BadValue, false);
			flags = v;
			break;
		case GLX_RENDER_TYPE:
			if (v != GLX_RGBA_TYPE && v != GLX_COLOR_INDEX_TYPE)
				fail(r, BadValue, false);
			render_type = v;
			break;
		case GLX_SCREEN:
			r->screen = v;
			break;
		case GLX_CONTEXT_RESET_NOTIFICATION_STRATEGY_ARB:
			if (v != GLX_NO_RESET_NOTIFICATION_ARB && v != GLX_LOSE_CONTEXT_ON_RESET_ARB)
				fail(r, BadValue, false);
			break;
		case GLX_CONTEXT_RELEASE_BEHAVIOR_ARB:
			if (v != GLX_CONTEXT_RELEASE_BEHAVIOR_NONE_ARB &&
			    v != GLX_CONTEXT_RELEASE_BEHAVIOR_FLUSH_ARB)
				fail(r, BadValue, false);
			break;
		case GLX_CONTEXT_OPENGL_NO_ERROR_ARB:
			/* A hint: errors are still raised. */
			break;
		default:
			/* "If an attribute or attribute value in <attrib_list>
			 * is not recognized ... BadValue is generated." */
			if (sgl_glx_debug())
				fprintf(stderr, "sgl: glXCreateContextAttribsARB: unknown 0x%x\n",
					attribs[i]);
			fail(r, BadValue, false);
			break;
		}
	}
	if (!r->error)
		resolve_api(r, profile, flags, render_type);
	r->debug = flags & GLX_CONTEXT_DEBUG_BIT_ARB;
	r->forward = flags & GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB;
	return !r->error;
}
