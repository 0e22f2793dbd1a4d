/*
 * glXCreateContextAttribsARB's attribute lists (guest/glx/attribs.c): what
 * they ask the host for, and the X error GLX_ARB_create_context(_profile)
 * names for each list it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "glx_internal.h"

/* attribs.c prints refused attributes when asked (display.c decides). */
bool sgl_glx_debug(void)
{
	return false;
}

static struct sgl_glx_request parse(const int *attribs, bool ok)
{
	struct sgl_glx_request r;
	assert_int_equal(sgl_glx_parse_context_attribs(NULL, attribs, &r), ok);
	return r;
}

static void refused(const int *attribs, int error, bool glx)
{
	struct sgl_glx_request r = parse(attribs, false);
	assert_int_equal(r.error, error);
	assert_int_equal(r.glx_error, glx);
}

static void test_requests(void **state)
{
	(void)state;
	struct sgl_glx_request r = parse(NULL, true);
	/* The defaults (1.0): the host's highest compatibility version. */
	assert_int_equal(r.api, SGL_GLX_API_GL_COMPAT);
	assert_int_equal(r.major, 0);

	r = parse((const int[]){ GLX_CONTEXT_MAJOR_VERSION_ARB, 4, GLX_CONTEXT_MINOR_VERSION_ARB, 5,
				 None }, true);
	assert_int_equal(r.api, SGL_GLX_API_GL_CORE);
	assert_int_equal(r.major, 4);

	/* Forward-compatible 3.1: no deprecated features, the core profile. */
	r = parse((const int[]){ GLX_CONTEXT_MAJOR_VERSION_ARB, 3, GLX_CONTEXT_MINOR_VERSION_ARB, 1,
				 GLX_CONTEXT_FLAGS_ARB, GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB,
				 None }, true);
	assert_int_equal(r.api, SGL_GLX_API_GL_CORE);
	assert_int_equal(r.major * 10 + r.minor, 32);
	/* ... and GL_CONTEXT_FLAGS will say forward compatible (glx.c). */
	assert_true(r.forward);
	r = parse(NULL, true);
	assert_false(r.forward);

	r = parse((const int[]){ GLX_CONTEXT_PROFILE_MASK_ARB, GLX_CONTEXT_ES2_PROFILE_BIT_EXT,
				 GLX_CONTEXT_MAJOR_VERSION_ARB, 3, None }, true);
	assert_int_equal(r.api, SGL_GLX_API_GLES);
	assert_int_equal(r.major, 3);
	/* No version: the default 1.0, ES 1. */
	r = parse((const int[]){ GLX_CONTEXT_PROFILE_MASK_ARB, GLX_CONTEXT_ES2_PROFILE_BIT_EXT,
				 None }, true);
	assert_int_equal(r.api, SGL_GLX_API_GLES);
	assert_int_equal(r.major * 10 + r.minor, 10);
}

static void test_refusals(void **state)
{
	(void)state;
	refused((const int[]){ 0x7fff0000, 0, None }, BadValue, false);
	refused((const int[]){ GLX_SAMPLE_BUFFERS, 0, None }, BadValue, false);
	refused((const int[]){ GLX_RENDER_TYPE, GLX_RGBA_BIT, None }, BadValue, false);
	refused((const int[]){ GLX_CONTEXT_FLAGS_ARB, 0x100, None }, BadValue, false);
	refused((const int[]){ GLX_CONTEXT_MAJOR_VERSION_ARB, 3, GLX_RENDER_TYPE,
			       GLX_COLOR_INDEX_TYPE, None }, BadMatch, false);
	refused((const int[]){ GLX_CONTEXT_MAJOR_VERSION_ARB, 2, GLX_CONTEXT_FLAGS_ARB,
			       GLX_CONTEXT_FORWARD_COMPATIBLE_BIT_ARB, None }, BadMatch, false);
	refused((const int[]){ GLX_CONTEXT_MAJOR_VERSION_ARB, 1, GLX_CONTEXT_MINOR_VERSION_ARB, 6,
			       None }, BadMatch, false);
	refused((const int[]){ GLX_CONTEXT_PROFILE_MASK_ARB, 0, None }, SGL_GLX_BAD_PROFILE, true);
	refused((const int[]){ GLX_CONTEXT_PROFILE_MASK_ARB,
			       GLX_CONTEXT_CORE_PROFILE_BIT_ARB |
				       GLX_CONTEXT_COMPATIBILITY_PROFILE_BIT_ARB, None },
		SGL_GLX_BAD_PROFILE, true);
	refused((const int[]){ GLX_CONTEXT_PROFILE_MASK_ARB, 0x8, None }, SGL_GLX_BAD_PROFILE,
		true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
