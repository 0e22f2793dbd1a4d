/*
 * The guest library's error paths, one test per class of mistake an
 * application can make: the application never crashes in our code, and the
 * GL error raised is the one GL raises (Mesa llvmpipe is the reference
 * where the spec is silent). Most run through a real host; waits that the
 * host cuts short are played by a scripted host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static void context(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, 16, 16));
}

/* GL looks the shader up before it reads a string: bad names with strings
 * nobody may read raise the name's error (GL 4.6, 7.1); NULL arrays and
 * strings raise Mesa's errors. */
static void test_shader_source_errors(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	/* What piglit's shadersource-errors passes: text bytes read as a
	 * pointer array. Reading a string through it faults. */
	const GLchar *const *unreadable = (const GLchar *const *)(uintptr_t)16;
	const GLchar *const null_string[1] = { NULL };
	GLuint vs = sgl_enc_glCreateShader(e, GL_VERTEX_SHADER);
	GLuint prog = sgl_enc_glCreateProgram(e);

	sgl_enc_glShaderSource(e, vs, 0, unreadable, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glShaderSource(e, vs, -1, unreadable, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glShaderSource(e, 99, 1, unreadable, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glShaderSource(e, prog, 1, unreadable, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glShaderSource(e, vs, 1, NULL, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glShaderSource(e, vs, 1, null_string, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);

	/* Shader includes name the other error (ARB_shading_language_include). */
	sgl_enc_glCompileShaderIncludeARB(e, 0x7777, 0, NULL, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);

	/* A shader deleted while attached is still a shader to GL. */
	static const GLchar *const src[1] = { "void main() { gl_Position = vec4(0.0); }\n" };
	sgl_enc_glAttachShader(e, prog, vs);
	sgl_enc_glDeleteShader(e, vs);
	sgl_enc_glShaderSource(e, vs, 1, src, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	GLint len = 0;
	sgl_enc_glGetShaderiv(e, vs, GL_SHADER_SOURCE_LENGTH, &len);
	assert_int_equal(len, (GLint)strlen(src[0]) + 1);

	/* glCreateShaderProgramv sets its source the same way, then goes on. */
	GLuint p = sgl_enc_glCreateShaderProgramv(e, GL_VERTEX_SHADER, 1, null_string);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_true(p != 0);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Generic attributes past GL_MAX_VERTEX_ATTRIBS do not exist: GL raises
 * GL_INVALID_VALUE for each call naming one, client pointers included, and
 * remembers nothing for it. */
static void test_attrib_past_max(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	static const GLfloat quad[8] = { 0 };
	GLint max = 0;
	sgl_enc_glGetIntegerv(e, GL_MAX_VERTEX_ATTRIBS, &max);
	if (max >= SGL_GENERIC_ARRAYS)
		skip();
	GLuint index = (GLuint)max;
	sgl_enc_glVertexAttribPointer(e, index, 2, GL_FLOAT, GL_FALSE, 0, quad);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glEnableVertexAttribArray(e, index);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	void *ptr = (void *)quad;
	sgl_enc_glGetVertexAttribPointerv(e, index, GL_VERTEX_ATTRIB_ARRAY_POINTER, &ptr);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	/* A draw has no client array to send for it. */
	sgl_enc_glDrawArrays(e, GL_POINTS, 0, 4);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* "The command generating the error is ignored" (GL 4.6, 2.3.1): a query
 * that raises an error writes nothing into the application's memory. */
static void test_query_error_writes_nothing(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLint v[4] = { 0x0badc0de, 0x0badc0de, 0x0badc0de, 0x0badc0de };
	sgl_enc_glGetIntegerv(e, 0x1234, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_int_equal(v[0], 0x0badc0de);
	GLuint tex = 0;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glGetTexParameterIiv(e, GL_TEXTURE_2D, GL_TEXTURE_CROP_RECT_OES, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], 0x0badc0de);
	/* A query that succeeds still answers. */
	sgl_enc_glGetTexParameteriv(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(v[0], GL_NEAREST_MIPMAP_LINEAR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Robust queries write at most bufSize bytes, whatever the element size,
 * and nothing at all when bufSize is too small (GL_INVALID_OPERATION). */
static void test_robust_query_bounds(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	struct {
		GLushort us[32];
		GLuint ui[32];
		GLuint guard;
	} m;
	GLfloat map[32];
	for (int i = 0; i < 32; i++)
		map[i] = (float)(i & 1);
	sgl_enc_glPixelMapfv(e, GL_PIXEL_MAP_R_TO_R, 32, map);
	memset(&m, 0xab, sizeof(m));
	sgl_enc_glGetnPixelMapusvARB(e, GL_PIXEL_MAP_R_TO_R, (GLsizei)sizeof(m.us), m.us);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(m.us[0], 0);
	assert_int_equal(m.us[1], 0xffff);
	assert_int_equal(m.ui[0], 0xabababab);
	sgl_enc_glGetnPixelMapuivARB(e, GL_PIXEL_MAP_R_TO_R, (GLsizei)sizeof(m.ui), m.ui);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(m.ui[1], 0xffffffffu);
	assert_int_equal(m.guard, 0xabababab);
	memset(&m, 0xab, sizeof(m));
	sgl_enc_glGetnPixelMapuivARB(e, GL_PIXEL_MAP_R_TO_R, (GLsizei)sizeof(m.ui) - 1, m.ui);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(m.ui[0], 0xabababab);
	GLubyte px[4 * 4 * 4 - 1];
	memset(px, 0xab, sizeof(px));
	sgl_enc_glReadnPixels(e, 0, 0, 4, 4, GL_RGBA, GL_UNSIGNED_BYTE, (GLsizei)sizeof(px), px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(px[0], 0xab);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A query of a name that is no program raises GL_INVALID_VALUE and returns
 * GL's "none" (GL_INVALID_INDEX, -1), not a zero that names something. */
static void test_query_of_no_program(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	assert_int_equal(sgl_enc_glGetUniformBlockIndex(e, 0xd0d0, "a"), GL_INVALID_INDEX);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_int_equal(sgl_enc_glGetUniformLocation(e, 0xd0d0, "a"), -1);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_int_equal(sgl_enc_glGetAttribLocation(e, 0, "a"), -1);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A NULL image with no unpack buffer: GL checks the arguments and raises
 * its own error, or none (Mesa reads nothing). */
static void test_null_subimage(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint tex = 0;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA, 16, 16, 0, GL_RGBA, GL_FLOAT, NULL);
	sgl_enc_glTexSubImage2D(e, GL_TEXTURE_2D, 0, 0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glTexSubImage1D(e, GL_TEXTURE_2D, 0, 6, 10, GL_RGBA, GL_FLOAT, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glTexSubImage2D(e, GL_TEXTURE_2D, 0, 6, 6, 100, 100, GL_RGBA, GL_FLOAT, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	/* 64-bit attributes: the index is judged before the client pointer. */
	GLint max = 0;
	sgl_enc_glGetIntegerv(e, GL_MAX_VERTEX_ATTRIBS, &max);
	static const GLdouble quad[8] = { 0 };
	sgl_enc_glVertexAttribLPointer(e, (GLuint)max, 2, GL_DOUBLE, 0, quad);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Pixel transfers of an integer format with a float type are
 * GL_INVALID_ENUM (Mesa), an integer format with a packed type GL refuses
 * GL_INVALID_OPERATION, and nothing is written either way. */
static void test_integer_pixel_types(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint px[16];
	memset(px, 0xab, sizeof(px));
	sgl_enc_glReadPixels(e, 0, 0, 2, 2, GL_RGBA_INTEGER, GL_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glReadPixels(e, 0, 0, 2, 2, GL_RG_INTEGER, GL_HALF_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_int_equal(px[0], 0xabababab);
	/* A pairing that sizes: GL judges the framebuffer (not integer). */
	sgl_enc_glReadPixels(e, 0, 0, 2, 2, GL_RGBA_INTEGER, GL_UNSIGNED_INT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(px[0], 0xabababab);
	/* glDrawPixels of an integer format: GL_INVALID_OPERATION first. */
	sgl_enc_glDrawPixels(e, 1, 1, GL_RGBA_INTEGER, GL_INT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	/* Binding a name glGenTextures never gave creates the texture
	 * (compatibility profile), with no error to find later. */
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, 42);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	GLuint tex = 0;
	sgl_enc_glGenTextures(e, 1, &tex);
	assert_true(tex != 42);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA32UI, 4, 4, 0, GL_RGBA_INTEGER,
			     GL_UNSIGNED_INT, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glTexSubImage2D(e, GL_TEXTURE_2D, 0, 0, 0, 2, 2, GL_RGBA_INTEGER, GL_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/*
 * A scripted host for glClientWaitSync: it answers GL_TIMEOUT_EXPIRED
 * `expire` times, as a host that caps each wait does, then
 * GL_CONDITION_SATISFIED, and records what each wait asked for.
 */
struct wait_host {
	int expire, waits;
	uint32_t flags[64];
	uint64_t timeouts[64];
	uint8_t reply[16];
};

static int wait_submit(void *user, const void *buf, size_t size)
{
	(void)user;
	(void)buf;
	(void)size;
	return 0;
}

static int wait_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			  size_t *reply_size)
{
	struct wait_host *w = user;
	struct sgl_header hdr;
	size_t at = 0;
	/* The last command of the batch is the one answered. */
	for (;;) {
		memcpy(&hdr, (const uint8_t *)buf + at, sizeof(hdr));
		if (at + hdr.size >= size)
			break;
		at += hdr.size;
	}
	assert_int_equal(hdr.opcode, SGL_OP_glClientWaitSync);
	struct sgl_cmd_glClientWaitSync c;
	memcpy(&c, (const uint8_t *)buf + at, sizeof(c));
	assert_true(w->waits < 64);
	w->flags[w->waits] = c.flags;
	w->timeouts[w->waits] = c.timeout;
	uint32_t r = w->waits++ < w->expire ? GL_TIMEOUT_EXPIRED : GL_CONDITION_SATISFIED;
	if (r == GL_TIMEOUT_EXPIRED) {
		/* The host waited up to 10 ms of what was asked. */
		uint64_t ns = c.timeout < 10000000 ? c.timeout : 10000000;
		struct timespec t = { 0, (long)ns };
		nanosleep(&t, NULL);
	}
	hdr.size = sizeof(w->reply);
	memcpy(w->reply, &hdr, sizeof(hdr));
	memset(w->reply + 8, 0, 8);
	memcpy(w->reply + 8, &r, sizeof(r));
	*reply = w->reply;
	*reply_size = sizeof(w->reply);
	return 0;
}

static const struct sgl_transport_ops wait_ops = { wait_submit, wait_roundtrip, NULL };

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* "ClientWaitSync will block and will wait up to <timeout> nanoseconds for
 * <sync> to become signaled" (GL 4.6, 4.1.1): a host's shorter waits are
 * repeated until the sync signals or the application's timeout passes. */
/* glUniform*v with a count far past the uniform (piglit
 * glsl-uniform-out-of-bounds): GL_INVALID_OPERATION for a non-array, the
 * array's remaining elements written for an array, nothing for location
 * -1; the guest raised GL_OUT_OF_MEMORY (INT_MAX values do not fit the
 * wire). The values live in a buffer one element longer than the array:
 * the guest reads no further (overrides.txt's uniform_count). */
static void test_uniform_count_past_uniform(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	static const char *vs =
		"#version 120\n"
		"uniform vec4 a;\n"
		"uniform vec4 b[4];\n"
		"void main() { gl_Position = a + b[0] + b[1] + b[2] + b[3]; }\n";
	GLuint prog = sgl_enc_glCreateProgram(e);
	sgl_enc_glAttachShader(e, prog, harness_shader(e, GL_VERTEX_SHADER, vs));
	sgl_enc_glLinkProgram(e, prog);
	GLint linked = 0;
	sgl_enc_glGetProgramiv(e, prog, GL_LINK_STATUS, &linked);
	assert_int_equal(linked, 1);
	sgl_enc_glUseProgram(e, prog);
	GLint a = sgl_enc_glGetUniformLocation(e, prog, "a");
	GLint b = sgl_enc_glGetUniformLocation(e, prog, "b");
	GLint b2 = sgl_enc_glGetUniformLocation(e, prog, "b[2]");
	assert_true(a >= 0 && b >= 0 && b2 >= 0);
	float *v = malloc(5 * 4 * sizeof(float));
	assert_non_null(v);
	for (int i = 0; i < 20; i++)
		v[i] = (float)i;
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	sgl_enc_glUniform4fv(e, a, INT32_MAX, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glProgramUniform4fv(e, prog, a, INT32_MAX, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glUniformMatrix2fv(e, a, INT32_MAX, GL_FALSE, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glUniform4fv(e, -1, INT32_MAX, v);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	/* From b[2]: two elements written, b[0] and b[1] untouched. */
	sgl_enc_glUniform4fv(e, b2, INT32_MAX, v);
	sgl_enc_glGetError(e);   /* GL may or may not complain; it writes */
	float got[4] = { 0 };
	sgl_enc_glGetUniformfv(e, prog, b2 + 1, got);
	assert_true(got[0] == 4.0f && got[3] == 7.0f);
	sgl_enc_glGetUniformfv(e, prog, b, got);
	assert_true(got[0] == 0.0f && got[3] == 0.0f);
	free(v);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

static void test_client_wait_sync_timeout(void **state)
{
	(void)state;
	struct wait_host w = { .expire = 5 };
	struct sgl_enc e;
	assert_int_equal(sgl_enc_init(&e, 4096, &wait_ops, &w), 0);
	GLsync s = (GLsync)(uintptr_t)1;

	/* No timeout to speak of: waits until signalled, flushing once. */
	assert_int_equal(sgl_enc_glClientWaitSync(&e, s, GL_SYNC_FLUSH_COMMANDS_BIT,
						  GL_TIMEOUT_IGNORED),
			 GL_CONDITION_SATISFIED);
	assert_int_equal(w.waits, 6);
	assert_int_equal(w.flags[0], GL_SYNC_FLUSH_COMMANDS_BIT);
	for (int i = 1; i < w.waits; i++)
		assert_int_equal(w.flags[i], 0);

	/* 35 ms that never signal: GL_TIMEOUT_EXPIRED after 35 ms, no sooner,
	 * each wait asking only for what is left. */
	w = (struct wait_host){ .expire = 1000 };
	double t0 = seconds();
	assert_int_equal(sgl_enc_glClientWaitSync(&e, s, 0, 35000000), GL_TIMEOUT_EXPIRED);
	double spent = seconds() - t0;
	assert_true(spent >= 0.035);
	for (int i = 1; i < w.waits; i++)
		assert_true(w.timeouts[i] < w.timeouts[i - 1]);

	/* A zero timeout polls once. */
	w = (struct wait_host){ .expire = 1000 };
	assert_int_equal(sgl_enc_glClientWaitSync(&e, s, 0, 0), GL_TIMEOUT_EXPIRED);
	assert_int_equal(w.waits, 1);
	sgl_enc_finish(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shader_source_errors),
		cmocka_unit_test(test_attrib_past_max),
		cmocka_unit_test(test_query_error_writes_nothing),
		cmocka_unit_test(test_robust_query_bounds),
		cmocka_unit_test(test_query_of_no_program),
		cmocka_unit_test(test_null_subimage),
		cmocka_unit_test(test_integer_pixel_types),
		cmocka_unit_test(test_uniform_count_past_uniform),
		cmocka_unit_test(test_client_wait_sync_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
