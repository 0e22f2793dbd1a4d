/*
 * src/egl/ on what every machine has: Mesa surfaceless (llvmpipe without a
 * GPU) and AUTO. Exits 77 (skip) when not even a surfaceless display opens.
 */
#include <errno.h>
#include <pthread.h>
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

/* Everything the library logged; the handler never prints. */
struct log_buf {
	pthread_mutex_t lock;
	char text[32768];
	size_t len;
	int errors;
};

static struct log_buf logs = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void collect(void *user, enum sglhost_log_level level, const char *file, int line,
		    const char *msg)
{
	struct log_buf *b = user;
	size_t room;
	int n;

	pthread_mutex_lock(&b->lock);
	if (level == SGLHOST_LOG_ERROR)
		b->errors++;
	room = sizeof(b->text) - b->len;
	n = snprintf(b->text + b->len, room, "%d %s:%d %s\n", (int)level, file, line, msg);
	if (n > 0)
		b->len += (size_t)n < room ? (size_t)n : room - 1;
	pthread_mutex_unlock(&b->lock);
}

static const struct sgl_log test_log = {
	.fn = collect,
	.user = &logs,
	.level = SGLHOST_LOG_DEBUG,
};

static void logs_reset(void)
{
	logs.len = 0;
	logs.text[0] = '\0';
	logs.errors = 0;
}

static bool logs_contain(const char *s)
{
	return strstr(logs.text, s) != NULL;
}

static void config(struct sglhost_config *cfg, enum sglhost_platform platform)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = SGLHOST_CONFIG_VERSION;
	cfg->platform = platform;
	cfg->egl_device_index = -1;
}

static struct sgl_egl *host_create(enum sglhost_platform platform)
{
	struct sglhost_config cfg;

	config(&cfg, platform);
	return sgl_egl_create(&cfg, &test_log);
}

static EGLContext ctx_create(struct sgl_egl *egl, enum sglhost_api api, EGLContext share)
{
	return sgl_egl_context_create(egl, api, 0, 0, 0, share, NULL, NULL);
}

static const char *api_name(enum sglhost_api api)
{
	return api == SGLHOST_API_GLES ? "GLES" : api == SGLHOST_API_GL_CORE ? "core" : "compat";
}

/* Checks GL_VERSION against the API and the version the library reported. */
static void check_current(enum sglhost_api api, int major, int minor)
{
	const char *s = (const char *)glGetString(GL_VERSION);
	const char *num;
	int smaj = 0, smin = 0;
	GLint mask = 0;

	assert_non_null(s);
	if (api == SGLHOST_API_GLES) {
		assert_int_equal(strncmp(s, "OpenGL ES ", 10), 0);
		num = s + 10;
	} else {
		assert_int_not_equal(strncmp(s, "OpenGL ES", 9), 0);
		num = s;
	}
	assert_int_equal(sscanf(num, "%d.%d", &smaj, &smin), 2);
	assert_int_equal(smaj, major);
	assert_int_equal(smin, minor);
	if (api != SGLHOST_API_GLES && (major > 3 || (major == 3 && minor >= 2))) {
		glGetIntegerv(GL_CONTEXT_PROFILE_MASK, &mask);
		assert_true(mask & (api == SGLHOST_API_GL_CORE ? GL_CONTEXT_CORE_PROFILE_BIT
							       : GL_CONTEXT_COMPATIBILITY_PROFILE_BIT));
	}
	assert_int_equal(glGetError(), GL_NO_ERROR);
}

struct ctx_case {
	const char *name;
	enum sglhost_platform platform;
	enum sglhost_api api;
	int major, minor;
	/* Least got_major allowed when asking for the highest version. */
	int min_major;
};

static const struct ctx_case ctx_cases[] = {
	{ "surfaceless compat", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GL_COMPAT, 0, 0, 2 },
	{ "surfaceless core", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GL_CORE, 0, 0, 3 },
	{ "surfaceless gles", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GLES, 0, 0, 2 },
	{ "surfaceless gles 2.0", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GLES, 2, 0, 0 },
	{ "surfaceless gles 3.0", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GLES, 3, 0, 0 },
	{ "surfaceless core 3.3", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GL_CORE, 3, 3, 0 },
	{ "surfaceless compat 2.1", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GL_COMPAT, 2, 1, 0 },
	{ "surfaceless compat 3.0", SGLHOST_PLATFORM_SURFACELESS, SGLHOST_API_GL_COMPAT, 3, 0, 0 },
	{ "auto compat", SGLHOST_PLATFORM_AUTO, SGLHOST_API_GL_COMPAT, 0, 0, 2 },
	{ "auto core", SGLHOST_PLATFORM_AUTO, SGLHOST_API_GL_CORE, 0, 0, 3 },
	{ "auto gles", SGLHOST_PLATFORM_AUTO, SGLHOST_API_GLES, 0, 0, 2 },
	{ "auto gles 2.0", SGLHOST_PLATFORM_AUTO, SGLHOST_API_GLES, 2, 0, 0 },
};

static void test_context(void **state)
{
	const struct ctx_case *c = *state;
	struct sgl_egl *egl;
	EGLContext ctx;
	int major = -1, minor = -1;

	logs_reset();
	egl = host_create(c->platform);
	assert_non_null(egl);
	ctx = sgl_egl_context_create(egl, c->api, c->major, c->minor, 0, EGL_NO_CONTEXT, &major,
				     &minor);
	assert_true(ctx != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, ctx));
	check_current(c->api, major, minor);
	if (c->major > 0)
		assert_true(major > c->major || (major == c->major && minor >= c->minor));
	else
		assert_true(major >= c->min_major);
	print_message("  %s on %s: %s %d.%d\n", c->name, sgl_egl_platform_name(egl),
		      api_name(c->api), major, minor);
	sgl_egl_context_destroy(egl, ctx);
	assert_true(eglGetCurrentContext() == EGL_NO_CONTEXT);
	sgl_egl_destroy(egl);
	assert_int_equal(logs.errors, 0);
}

/* A texture made in one context is visible in a context sharing with it. */
static void test_share(void **state)
{
	static const enum sglhost_api apis[] = {
		SGLHOST_API_GL_COMPAT, SGLHOST_API_GL_CORE, SGLHOST_API_GLES,
	};
	struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);

	(void)state;
	assert_non_null(egl);
	for (size_t i = 0; i < ARRAY_LEN(apis); i++) {
		EGLContext a = ctx_create(egl, apis[i], EGL_NO_CONTEXT);
		EGLContext b = ctx_create(egl, apis[i], a);
		EGLContext alone = ctx_create(egl, apis[i], EGL_NO_CONTEXT);
		GLuint tex = 0;

		assert_true(a != EGL_NO_CONTEXT && b != EGL_NO_CONTEXT);
		assert_true(alone != EGL_NO_CONTEXT);
		assert_true(sgl_egl_make_current(egl, a));
		glGenTextures(1, &tex);
		/* A name becomes a texture on its first bind. */
		glBindTexture(GL_TEXTURE_2D, tex);
		assert_true(glIsTexture(tex));
		glFlush();
		assert_true(sgl_egl_make_current(egl, b));
		assert_true(glIsTexture(tex));
		assert_true(sgl_egl_make_current(egl, alone));
		assert_false(glIsTexture(tex));
		sgl_egl_context_destroy(egl, alone);
		sgl_egl_context_destroy(egl, a);
		/* The share group outlives the context that made it. */
		assert_true(sgl_egl_make_current(egl, b));
		assert_true(glIsTexture(tex));
		sgl_egl_context_destroy(egl, b);
	}
	sgl_egl_destroy(egl);
}

/* Two hosts share one EGLDisplay: destroying one must not end the other. */
static void test_two_hosts(void **state)
{
	struct sgl_egl *a = host_create(SGLHOST_PLATFORM_SURFACELESS);
	struct sgl_egl *b = host_create(SGLHOST_PLATFORM_SURFACELESS);
	EGLContext ca, cb, cb2;
	GLuint tex = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_true(sgl_egl_display(a) == sgl_egl_display(b));
	ca = ctx_create(a, SGLHOST_API_GL_CORE, EGL_NO_CONTEXT);
	cb = ctx_create(b, SGLHOST_API_GLES, EGL_NO_CONTEXT);
	assert_true(ca != EGL_NO_CONTEXT && cb != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(b, cb));
	sgl_egl_context_destroy(a, ca);
	sgl_egl_destroy(a);

	/* Still current, still working, and new contexts still come. */
	assert_true(eglGetCurrentContext() == cb);
	/* Surfaceless: no default framebuffer, so touch objects only. */
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	assert_true(glIsTexture(tex));
	assert_non_null(glGetString(GL_VERSION));
	assert_int_equal(glGetError(), GL_NO_ERROR);
	cb2 = ctx_create(b, SGLHOST_API_GL_COMPAT, EGL_NO_CONTEXT);
	assert_true(cb2 != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(b, cb2));
	assert_non_null(glGetString(GL_VERSION));
	sgl_egl_context_destroy(b, cb2);
	sgl_egl_context_destroy(b, cb);
	sgl_egl_destroy(b);
}

/* The display is terminated with the last host and initialised again. */
static void test_recreate(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);
		EGLContext ctx;

		assert_non_null(egl);
		ctx = ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT);
		assert_true(ctx != EGL_NO_CONTEXT);
		/* Left current on purpose: destroy must cope. */
		assert_true(sgl_egl_make_current(egl, ctx));
		sgl_egl_destroy(egl);
		assert_true(eglGetCurrentContext() == EGL_NO_CONTEXT);
	}
}

static void *host_thread(void *arg)
{
	bool *ok = arg;

	*ok = true;
	for (int i = 0; i < 4 && *ok; i++) {
		struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);
		EGLContext ctx = egl ? ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT)
				     : EGL_NO_CONTEXT;

		*ok = ctx != EGL_NO_CONTEXT && sgl_egl_make_current(egl, ctx) &&
		      glGetString(GL_VERSION) != NULL;
		if (egl)
			sgl_egl_context_destroy(egl, ctx);
		sgl_egl_destroy(egl);
	}
	return NULL;
}

/* Hosts come and go on several threads over one shared display. */
static void test_threads(void **state)
{
	pthread_t threads[4];
	bool ok[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(threads); i++)
		assert_int_equal(pthread_create(&threads[i], NULL, host_thread, &ok[i]), 0);
	for (size_t i = 0; i < ARRAY_LEN(threads); i++) {
		pthread_join(threads[i], NULL);
		assert_true(ok[i]);
	}
}

static void test_get_proc(void **state)
{
	struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);

	(void)state;
	assert_non_null(egl);
	assert_non_null(sgl_egl_get_proc(egl, "glClear"));
	assert_non_null(sgl_egl_get_proc(egl, "glDrawArrays"));
	assert_non_null(sgl_egl_get_proc(egl, "eglCreateContext"));
	sgl_egl_destroy(egl);
}

static void test_make_current(void **state)
{
	struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);
	EGLContext a, b;

	(void)state;
	assert_non_null(egl);
	a = ctx_create(egl, SGLHOST_API_GL_CORE, EGL_NO_CONTEXT);
	b = ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT);
	assert_true(a != EGL_NO_CONTEXT && b != EGL_NO_CONTEXT);
	/* Creating a context leaves nothing current. */
	assert_true(eglGetCurrentContext() == EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, a));
	assert_true(sgl_egl_make_current(egl, a));
	assert_true(eglGetCurrentContext() == a);
	assert_true(sgl_egl_make_current(egl, b));
	assert_true(eglGetCurrentContext() == b);
	assert_true(sgl_egl_make_current(egl, EGL_NO_CONTEXT));
	assert_true(eglGetCurrentContext() == EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, EGL_NO_CONTEXT));
	sgl_egl_context_destroy(egl, a);
	sgl_egl_context_destroy(egl, b);
	sgl_egl_destroy(egl);
}

/* Creating a context restores what the thread had current, and its API. */
static void test_create_keeps_current(void **state)
{
	struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);
	EGLContext a, b;

	(void)state;
	assert_non_null(egl);
	a = ctx_create(egl, SGLHOST_API_GL_COMPAT, EGL_NO_CONTEXT);
	assert_true(a != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, a));
	assert_true(eglBindAPI(EGL_OPENGL_API));
	b = ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT);
	assert_true(b != EGL_NO_CONTEXT);
	assert_true(eglGetCurrentContext() == a);
	assert_int_equal(eglQueryAPI(), EGL_OPENGL_API);
	assert_int_not_equal(strncmp((const char *)glGetString(GL_VERSION), "OpenGL ES", 9), 0);
	sgl_egl_context_destroy(egl, b);
	sgl_egl_context_destroy(egl, a);
	sgl_egl_destroy(egl);
}

struct bad_request {
	enum sglhost_api api;
	int major, minor;
	int err;
};

static void test_bad_requests(void **state)
{
	static const struct bad_request reqs[] = {
		{ SGLHOST_API_GL_CORE, 2, 1, EINVAL },
		{ SGLHOST_API_GL_CORE, 3, 1, EINVAL },
		{ SGLHOST_API_GLES, -1, 0, EINVAL },
		{ SGLHOST_API_GLES, 0, 1, EINVAL },
		{ SGLHOST_API_GLES, 1, 2, EINVAL },   /* ES 1.0 and 1.1 only */
		{ (enum sglhost_api)42, 0, 0, EINVAL },
		{ SGLHOST_API_GLES, 9, 0, ENOTSUP },
		{ SGLHOST_API_GL_CORE, 9, 9, ENOTSUP },
	};
	struct sgl_egl *egl = host_create(SGLHOST_PLATFORM_SURFACELESS);

	(void)state;
	assert_non_null(egl);
	for (size_t i = 0; i < ARRAY_LEN(reqs); i++) {
		int major = -1, minor = -1;
		EGLContext ctx;

		logs_reset();
		errno = 0;
		ctx = sgl_egl_context_create(egl, reqs[i].api, reqs[i].major, reqs[i].minor,
					     0, EGL_NO_CONTEXT, &major, &minor);
		assert_true(ctx == EGL_NO_CONTEXT);
		assert_int_equal(errno, reqs[i].err);
		assert_int_equal(logs.errors, 1);
		assert_int_equal(major, -1);
	}
	sgl_egl_destroy(egl);
}

struct bad_host {
	enum sglhost_platform platform;
	const char *render_node;
	int device_index;
	int err;
	const char *logged;
};

static void test_bad_hosts(void **state)
{
	static const struct bad_host hosts[] = {
		{ SGLHOST_PLATFORM_RENDER_NODE, "/nonexistent/renderD999", -1, ENODEV,
		  "/nonexistent/renderD999" },
		/* A named node is never silently replaced by AUTO. */
		{ SGLHOST_PLATFORM_AUTO, "/nonexistent/renderD999", -1, ENODEV,
		  "/nonexistent/renderD999" },
		{ SGLHOST_PLATFORM_DEVICE, NULL, 1000, ENODEV, "device" },
		{ SGLHOST_PLATFORM_DEVICE, NULL, -2, EINVAL, "device index -2" },
		{ (enum sglhost_platform)99, NULL, -1, EINVAL, "platform 99" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(hosts); i++) {
		struct sglhost_config cfg;

		logs_reset();
		config(&cfg, hosts[i].platform);
		cfg.render_node = hosts[i].render_node;
		cfg.egl_device_index = hosts[i].device_index;
		errno = 0;
		assert_null(sgl_egl_create(&cfg, &test_log));
		assert_int_equal(errno, hosts[i].err);
		assert_true(logs_contain(hosts[i].logged));
	}
	errno = 0;
	assert_null(sgl_egl_create(NULL, &test_log));
	assert_int_equal(errno, EINVAL);
	sgl_egl_destroy(NULL);
}

/* An explicit device index works on whatever device 0 is (llvmpipe here). */
static void test_device_index(void **state)
{
	struct sglhost_config cfg;
	struct sgl_egl *egl;
	EGLContext ctx;
	EGLint count = 0;

	(void)state;
	if (!epoxy_has_egl_extension(EGL_NO_DISPLAY, "EGL_EXT_platform_device") ||
	    !eglQueryDevicesEXT(0, NULL, &count) || count == 0)
		skip();
	config(&cfg, SGLHOST_PLATFORM_DEVICE);
	cfg.egl_device_index = 0;
	egl = sgl_egl_create(&cfg, &test_log);
	assert_non_null(egl);
	assert_int_equal(strncmp(sgl_egl_platform_name(egl), "device 0", 8), 0);
	ctx = ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT);
	assert_true(ctx != EGL_NO_CONTEXT);
	assert_true(sgl_egl_make_current(egl, ctx));
	assert_non_null(glGetString(GL_VERSION));
	print_message("  %s: %s\n", sgl_egl_platform_name(egl),
		      (const char *)glGetString(GL_RENDERER));
	sgl_egl_context_destroy(egl, ctx);
	sgl_egl_destroy(egl);
}

static void test_names(void **state)
{
	struct sgl_egl *s = host_create(SGLHOST_PLATFORM_SURFACELESS);
	struct sgl_egl *a = host_create(SGLHOST_PLATFORM_AUTO);
	const char *name;

	(void)state;
	assert_non_null(s);
	assert_non_null(a);
	assert_string_equal(sgl_egl_platform_name(s), "surfaceless");
	name = sgl_egl_platform_name(a);
	assert_true(strcmp(name, "surfaceless") == 0 || strncmp(name, "device ", 7) == 0);
	print_message("  auto picked: %s\n", name);
	sgl_egl_destroy(a);
	sgl_egl_destroy(s);
}

/* The log struct is copied: the caller's may go away after create. */
static void test_log_copied(void **state)
{
	struct sglhost_config cfg;
	struct sgl_log log = test_log;
	struct sgl_egl *egl;

	(void)state;
	config(&cfg, SGLHOST_PLATFORM_SURFACELESS);
	egl = sgl_egl_create(&cfg, &log);
	assert_non_null(egl);
	memset(&log, 0, sizeof(log));
	logs_reset();
	assert_true(sgl_egl_context_create(egl, SGLHOST_API_GL_CORE, 2, 0, 0, EGL_NO_CONTEXT, NULL,
					   NULL) == EGL_NO_CONTEXT);
	assert_int_equal(logs.errors, 1);
	assert_true(logs_contain("src/egl/egl.c:"));
	sgl_egl_destroy(egl);
}

/* Nothing is logged above the configured level, nor without a handler. */
static void test_log_level(void **state)
{
	struct sglhost_config cfg;
	struct sgl_log quiet = test_log;
	struct sgl_egl *egl;

	(void)state;
	quiet.level = SGLHOST_LOG_WARN;
	config(&cfg, SGLHOST_PLATFORM_SURFACELESS);
	logs_reset();
	egl = sgl_egl_create(&cfg, &quiet);
	assert_non_null(egl);
	sgl_egl_context_destroy(egl, ctx_create(egl, SGLHOST_API_GLES, EGL_NO_CONTEXT));
	sgl_egl_destroy(egl);
	assert_int_equal(logs.len, 0);

	egl = sgl_egl_create(&cfg, NULL);
	assert_non_null(egl);
	assert_true(sgl_egl_context_create(egl, SGLHOST_API_GLES, 9, 0, 0, EGL_NO_CONTEXT, NULL,
					   NULL) == EGL_NO_CONTEXT);
	sgl_egl_destroy(egl);
	assert_int_equal(logs.len, 0);
}

/* SGLHOST_CONTEXT_LOSE_ON_RESET and _ROBUST_ACCESS reach the driver: the
 * context answers GL_LOSE_CONTEXT_ON_RESET and has robust access, for GL
 * (EGL_KHR_create_context's token) and GLES (the EXT one); without the
 * flag the strategy is GL_NO_RESET_NOTIFICATION. */
static void test_robustness(void **state)
{
	const enum sglhost_api apis[] = { SGLHOST_API_GL_CORE, SGLHOST_API_GL_COMPAT,
					  SGLHOST_API_GLES };
	struct sglhost_config cfg;
	(void)state;
	config(&cfg, SGLHOST_PLATFORM_SURFACELESS);
	struct sgl_egl *egl = sgl_egl_create(&cfg, &test_log);
	assert_non_null(egl);
	for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++) {
		for (int lose = 0; lose < 2; lose++) {
			uint32_t flags = SGLHOST_CONTEXT_ROBUST_ACCESS |
					 (lose ? SGLHOST_CONTEXT_LOSE_ON_RESET : 0);
			EGLContext ctx = sgl_egl_context_create(egl, apis[i], 0, 0, flags,
								EGL_NO_CONTEXT, NULL, NULL);
			assert_true(ctx != EGL_NO_CONTEXT);
			assert_true(sgl_egl_make_current(egl, ctx));
			GLint strategy = 0, flags_got = 0;
			glGetIntegerv(GL_RESET_NOTIFICATION_STRATEGY, &strategy);
			assert_int_equal(strategy,
					 lose ? GL_LOSE_CONTEXT_ON_RESET : GL_NO_RESET_NOTIFICATION);
			if (apis[i] != SGLHOST_API_GLES) {
				glGetIntegerv(GL_CONTEXT_FLAGS, &flags_got);
				assert_true(flags_got & GL_CONTEXT_FLAG_ROBUST_ACCESS_BIT);
			}
			sgl_egl_make_current(egl, EGL_NO_CONTEXT);
			sgl_egl_context_destroy(egl, ctx);
		}
	}
	sgl_egl_destroy(egl);
}

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_robustness),
	cmocka_unit_test(test_share),
	cmocka_unit_test(test_two_hosts),
	cmocka_unit_test(test_recreate),
	cmocka_unit_test(test_threads),
	cmocka_unit_test(test_get_proc),
	cmocka_unit_test(test_make_current),
	cmocka_unit_test(test_create_keeps_current),
	cmocka_unit_test(test_bad_requests),
	cmocka_unit_test(test_bad_hosts),
	cmocka_unit_test(test_device_index),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_log_copied),
	cmocka_unit_test(test_log_level),
};

int main(void)
{
	struct CMUnitTest tests[ARRAY_LEN(ctx_cases) + ARRAY_LEN(fixed_tests)];
	struct sgl_egl *probe = host_create(SGLHOST_PLATFORM_SURFACELESS);
	size_t n = 0;

	if (!probe) {
		fprintf(stderr, "no surfaceless EGL display, skipping\n");
		return 77;
	}
	sgl_egl_destroy(probe);

	for (size_t i = 0; i < ARRAY_LEN(ctx_cases); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_context,
									 (void *)&ctx_cases[i]);
		tests[n++].name = ctx_cases[i].name;
	}
	for (size_t i = 0; i < ARRAY_LEN(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	return cmocka_run_group_tests_name("test_egl", tests, NULL, NULL);
}
