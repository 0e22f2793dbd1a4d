/*
 * src/egl/ on real hardware: GBM on a render node and an EGL device with a
 * render node. Exits 77 (skip) when the machine has neither; a platform the
 * machine lacks is skipped on its own.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <epoxy/gl.h>

#include "egl/egl.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifndef EGL_DRM_RENDER_NODE_FILE_EXT
#define EGL_DRM_RENDER_NODE_FILE_EXT 0x3377
#endif

/* Set once in main, before any test runs. */
static bool have_render_node;
static bool have_render_device;

/* The last lines logged, to show why a create failed. */
static char last_log[1024];

static void collect(void *user, enum sglhost_log_level level, const char *file, int line,
		    const char *msg)
{
	(void)user;
	snprintf(last_log, sizeof(last_log), "%d %s:%d %s", (int)level, file, line, msg);
}

static const struct sgl_log test_log = {
	.fn = collect,
	.level = SGLHOST_LOG_DEBUG,
};

static bool probe_render_node(void)
{
	glob_t g;
	bool found = glob("/dev/dri/renderD*", 0, NULL, &g) == 0 && g.gl_pathc > 0;

	globfree(&g);
	return found;
}

static bool probe_render_device(void)
{
	EGLDeviceEXT devices[16];
	EGLint count = 0;

	if (!epoxy_has_egl_extension(EGL_NO_DISPLAY, "EGL_EXT_platform_device") ||
	    !eglQueryDevicesEXT(ARRAY_LEN(devices), devices, &count))
		return false;
	for (EGLint i = 0; i < count; i++) {
		const char *exts = eglQueryDeviceStringEXT(devices[i], EGL_EXTENSIONS);

		if (exts && strstr(exts, "EGL_EXT_device_drm_render_node") &&
		    eglQueryDeviceStringEXT(devices[i], EGL_DRM_RENDER_NODE_FILE_EXT))
			return true;
	}
	return false;
}

/* Clears a 4x4 FBO and reads one pixel back. */
static void clear_and_read(void)
{
	GLubyte px[4] = { 0 };
	GLuint fbo, rb;

	glGenFramebuffers(1, &fbo);
	glGenRenderbuffers(1, &rb);
	glBindRenderbuffer(GL_RENDERBUFFER, rb);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, 4, 4);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rb);
	assert_int_equal(glCheckFramebufferStatus(GL_FRAMEBUFFER), GL_FRAMEBUFFER_COMPLETE);
	glViewport(0, 0, 4, 4);
	glClearColor(1.0f, 0.5f, 0.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);
	glReadPixels(1, 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	assert_int_equal(glGetError(), GL_NO_ERROR);
	assert_int_equal(px[0], 255);
	assert_in_range(px[1], 127, 128);
	assert_int_equal(px[2], 0);
	assert_int_equal(px[3], 255);
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDeleteRenderbuffers(1, &rb);
	glDeleteFramebuffers(1, &fbo);
}

static void run_api(struct sgl_egl *egl, enum sglhost_api api)
{
	int major = 0, minor = 0;
	EGLContext ctx = sgl_egl_context_create(egl, api, 0, 0, 0, EGL_NO_CONTEXT, &major, &minor);
	const char *version;

	assert_true(ctx != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, ctx));
	version = (const char *)glGetString(GL_VERSION);
	assert_non_null(version);
	assert_int_equal(strncmp(version, "OpenGL ES", 9) == 0, api == SGLHOST_API_GLES);
	assert_true(major >= 3);
	print_message("  %s: %s %d.%d, %s\n", sgl_egl_platform_name(egl),
		      api == SGLHOST_API_GLES ? "GLES" : "core", major, minor,
		      (const char *)glGetString(GL_RENDERER));
	clear_and_read();
	sgl_egl_context_destroy(egl, ctx);
}

struct platform_case {
	const char *name;
	enum sglhost_platform platform;
	const bool *available;
	const char *name_prefix;
};

static const struct platform_case cases[] = {
	{ "render node", SGLHOST_PLATFORM_RENDER_NODE, &have_render_node, "render-node /dev/dri/renderD" },
	{ "egl device", SGLHOST_PLATFORM_DEVICE, &have_render_device, "device " },
};

static void test_platform(void **state)
{
	const struct platform_case *c = *state;
	struct sglhost_config cfg;
	struct sgl_egl *egl;

	if (!*c->available)
		skip();
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = SGLHOST_CONFIG_VERSION;
	cfg.platform = c->platform;
	cfg.egl_device_index = -1;
	egl = sgl_egl_create(&cfg, &test_log);
	if (!egl)
		print_error("create failed: %s (last log: %s)\n", strerror(errno), last_log);
	assert_non_null(egl);
	assert_int_equal(strncmp(sgl_egl_platform_name(egl), c->name_prefix,
				 strlen(c->name_prefix)), 0);
	run_api(egl, SGLHOST_API_GLES);
	run_api(egl, SGLHOST_API_GL_CORE);
	sgl_egl_destroy(egl);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_LEN(cases)];

	have_render_node = probe_render_node();
	have_render_device = probe_render_device();
	if (!have_render_node && !have_render_device) {
		fprintf(stderr, "no render node and no EGL device with one, skipping\n");
		return 77;
	}
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_platform,
									 (void *)&cases[i]);
		tests[i].name = cases[i].name;
	}
	return cmocka_run_group_tests_name("test_egl_device", tests, NULL, NULL);
}
