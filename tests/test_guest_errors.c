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
		cmocka_unit_test(test_client_wait_sync_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
