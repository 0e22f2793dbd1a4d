/*
 * The strings the guest reports as the environment changes them
 * (guest/reported.c), through the encoder and a real host context:
 * GL_VERSION_OVERRIDE (the string and GL_MAJOR/MINOR_VERSION),
 * GLSL_VERSION_OVERRIDE, SGL_EXTENSION_MAX_YEAR.
 * Each context caches its strings, so each case takes a new context.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "reported.h"

static const char *string(GLenum name, const char *var, const char *value)
{
	static char out[65536];
	struct harness h;
	if (!harness_host(&h))
		skip();
	if (var)
		setenv(var, value, 1);
	assert_true(harness_context(&h, SGLHOST_API_GL_COMPAT, 16, 16));
	const char *s = (const char *)sgl_enc_glGetString(&h.enc, name);
	assert_non_null(s);
	snprintf(out, sizeof(out), "%s", s);
	if (var)
		unsetenv(var);
	harness_finish(&h);
	return out;
}

static void test_gl_version(void **state)
{
	(void)state;
	char host[256];
	snprintf(host, sizeof(host), "%s", string(GL_VERSION, NULL, NULL));
	const char *rest = strchr(host, ' ');
	assert_non_null(rest);
	const char *s = string(GL_VERSION, "GL_VERSION_OVERRIDE", "2.1");
	assert_int_equal(strncmp(s, "2.1 ", 4), 0);
	assert_string_equal(s + 3, rest);      /* the profile and vendor text stay */
	/* Not a version: the host's string. */
	assert_string_equal(string(GL_VERSION, "GL_VERSION_OVERRIDE", "two"), host);
}

/* GL_MAJOR_VERSION and GL_MINOR_VERSION agree with the override. */
static void test_version_integers(void **state)
{
	(void)state;
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context(&h, SGLHOST_API_GL_COMPAT, 16, 16));
	GLint major = 0, minor = -1;
	sgl_enc_glGetIntegerv(&h.enc, GL_MAJOR_VERSION, &major);
	assert_true(major >= 3);
	setenv("GL_VERSION_OVERRIDE", "2.1", 1);
	sgl_enc_glGetIntegerv(&h.enc, GL_MAJOR_VERSION, &major);
	sgl_enc_glGetIntegerv(&h.enc, GL_MINOR_VERSION, &minor);
	unsetenv("GL_VERSION_OVERRIDE");
	assert_int_equal(major, 2);
	assert_int_equal(minor, 1);
	harness_finish(&h);
}

static void test_glsl_version(void **state)
{
	(void)state;
	assert_string_equal(string(GL_SHADING_LANGUAGE_VERSION, "GLSL_VERSION_OVERRIDE", "130"),
			    "1.30");
	assert_string_equal(string(GL_SHADING_LANGUAGE_VERSION, "GLSL_VERSION_OVERRIDE", "3.30"),
			    "3.30");
	/* The host's own is a newer one than either. */
	assert_string_not_equal(string(GL_SHADING_LANGUAGE_VERSION, NULL, NULL), "1.30");
}

static bool has(const char *list, const char *ext)
{
	size_t n = strlen(ext);
	for (const char *p = list; (p = strstr(p, ext)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

static void test_extension_year(void **state)
{
	(void)state;
	char *all = strdup(string(GL_EXTENSIONS, NULL, NULL));
	const char *old = string(GL_EXTENSIONS, "SGL_EXTENSION_MAX_YEAR", "2003");
	printf("# GL_EXTENSIONS: %zu characters, %zu up to 2003\n", strlen(all), strlen(old));
	assert_true(strlen(old) < strlen(all) / 2);
	assert_true(has(all, "GL_ARB_multitexture") && has(old, "GL_ARB_multitexture"));
	assert_true(has(all, "GL_ARB_vertex_buffer_object") && has(old, "GL_ARB_vertex_buffer_object"));
	assert_true(has(all, "GL_ARB_texture_float") && !has(old, "GL_ARB_texture_float"));
	assert_true(has(all, "GL_ARB_debug_output") && !has(old, "GL_ARB_debug_output"));
	/* Every extension kept is one of the host's, each once, none of a
	 * later year. */
	char *copy = strdup(old);
	for (char *save, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		assert_true(has(all, t));
		assert_true(sgl_extension_year(t, strlen(t)) <= 2003);
	}
	free(copy);
	/* A limit past the table's last year keeps the whole string. */
	assert_string_equal(string(GL_EXTENSIONS, "SGL_EXTENSION_MAX_YEAR", "2010"), all);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gl_version),
		cmocka_unit_test(test_version_integers),
		cmocka_unit_test(test_glsl_version),
		cmocka_unit_test(test_extension_year),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
