/*
 * Vertex arrays a guest can leave without a buffer: without the decoder's
 * draw-time guard each of these makes the host driver read host memory
 * (address 0, or a buffer offset taken as a client pointer) and crash the
 * host. Also client-array data (sglClientArrayData) drawing for real.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 32
#define H 32

static struct harness *setup(enum sglhost_api api)
{
	struct harness *h = calloc(1, sizeof(*h));
	if (!harness_host(h))
		return NULL;
	assert_true(harness_context(h, api, W, H));
	return h;
}

static void done(struct harness *h)
{
	struct sgl_enc *e = &h->enc;
	GLenum err = sgl_enc_glGetError(e);
	(void)err;   /* drivers differ on whether such draws raise errors */
	char reason[256];
	assert_false(harness_lost(h, reason, sizeof(reason)));
	assert_false(e->failed);
	harness_finish(h);
	free(h);
}

/* An enabled generic array that never got a pointer. */
static void test_enabled_without_pointer(void **state)
{
	enum sglhost_api apis[] = { SGLHOST_API_GL_COMPAT, SGLHOST_API_GLES };
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct harness *h = setup(apis[i]);
		if (!h)
			skip();
		sgl_enc_glEnableVertexAttribArray(&h->enc, 0);
		sgl_enc_glEnableVertexAttribArray(&h->enc, 3);
		sgl_enc_glDrawArrays(&h->enc, GL_TRIANGLES, 0, 300);
		done(h);
	}
}

/* A buffer offset that becomes a client pointer when its buffer goes. */
static void test_offset_after_buffer_deleted(void **state)
{
	(void)state;
	struct harness *h = setup(SGLHOST_API_GL_COMPAT);
	if (!h)
		skip();
	struct sgl_enc *e = &h->enc;
	GLuint buf;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, 64, NULL, GL_STATIC_DRAW);
	sgl_enc_glVertexAttribPointer(e, 0, 4, GL_FLOAT, GL_FALSE, 0, (const void *)0x7f0000000000);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glDrawArrays(e, GL_POINTS, 0, 1);   /* in a buffer: fine */
	sgl_enc_glDeleteBuffers(e, 1, &buf);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	done(h);
}

/* Fixed-function arrays of the compatibility profile. */
static void test_fixed_function_arrays(void **state)
{
	(void)state;
	struct harness *h = setup(SGLHOST_API_GL_COMPAT);
	if (!h)
		skip();
	struct sgl_enc *e = &h->enc;
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glClientActiveTexture(e, GL_TEXTURE1);
	sgl_enc_glEnableClientState(e, GL_TEXTURE_COORD_ARRAY);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	done(h);
}

/* A pointer set while no buffer is bound is refused, not stored. */
static void test_pointer_without_buffer(void **state)
{
	(void)state;
	struct harness *h = setup(SGLHOST_API_GL_COMPAT);
	if (!h)
		skip();
	struct sgl_enc *e = &h->enc;
	/* The raw encoder: the guest library would keep this pointer itself. */
	sgl_enc_raw_glVertexAttribPointer(e, 0, 4, GL_FLOAT, GL_FALSE, 0, (const void *)0x1000);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	done(h);
}

static const char *vs = "#version 330 core\nlayout(location = 0) in vec2 p;\n"
			"void main() { gl_Position = vec4(p, 0.0, 1.0); }\n";
static const char *fs = "#version 330 core\nout vec4 c;\n"
			"void main() { c = vec4(1.0, 1.0, 0.0, 1.0); }\n";

/* Client arrays from application memory: the guest sends the range a draw
 * reads (compat, fixed-function and generic, DrawArrays and DrawElements). */
static void test_client_arrays_from_guest(void **state)
{
	(void)state;
	struct harness *h = setup(SGLHOST_API_GL_COMPAT);
	if (!h)
		skip();
	struct sgl_enc *e = &h->enc;
	static const float quad[4][2] = { { -1, -1 }, { 0, -1 }, { 0, 1 }, { -1, 1 } };
	static const uint8_t color[4][4] = { { 0, 255, 255, 255 }, { 0, 255, 255, 255 },
					     { 0, 255, 255, 255 }, { 0, 255, 255, 255 } };
	static const uint16_t idx[6] = { 0, 1, 2, 0, 2, 3 };
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, quad);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, color);
	sgl_enc_glDrawElements(e, GL_TRIANGLES, 6, GL_UNSIGNED_SHORT, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(h, W / 4, H / 2), RGBA(0, 255, 255, 255));
	assert_int_equal(harness_pixel(h, 3 * W / 4, H / 2), RGBA(0, 0, 0, 255));
	done(h);
}

/* Client-array data streamed by the host draws what the guest sent. */
static void test_client_array_data(void **state)
{
	(void)state;
	struct harness *h = setup(SGLHOST_API_GL_CORE);
	if (!h)
		skip();
	struct sgl_enc *e = &h->enc;
	GLuint p = sgl_enc_glCreateProgram(e), s[2];
	const char *src[2] = { vs, fs };
	for (int i = 0; i < 2; i++) {
		s[i] = sgl_enc_glCreateShader(e, i ? GL_FRAGMENT_SHADER : GL_VERTEX_SHADER);
		sgl_enc_glShaderSource(e, s[i], 1, &src[i], NULL);
		sgl_enc_glCompileShader(e, s[i]);
		sgl_enc_glAttachShader(e, p, s[i]);
	}
	sgl_enc_glLinkProgram(e, p);
	sgl_enc_glUseProgram(e, p);
	GLuint vao;
	sgl_enc_glGenVertexArrays(e, 1, &vao);
	sgl_enc_glBindVertexArray(e, vao);
	/* Elements 2..7: a quad over the right half; elements 0..1 unused. */
	static const float v[8][2] = { { -9, -9 }, { -9, -9 }, { 0, -1 }, { 1, -1 }, { 1, 1 },
				       { 0, -1 }, { 1, 1 }, { 0, 1 } };
	sgl_enc_sglClientArrayData(e, 0, 2, GL_FLOAT, 0, 2, 6, v, 0);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 2, 6);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(h, 3 * W / 4, H / 2), RGBA(255, 255, 0, 255));
	assert_int_equal(harness_pixel(h, W / 4, H / 2), RGBA(0, 0, 0, 255));
	done(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enabled_without_pointer),
		cmocka_unit_test(test_offset_after_buffer_deleted),
		cmocka_unit_test(test_fixed_function_arrays),
		cmocka_unit_test(test_pointer_without_buffer),
		cmocka_unit_test(test_client_array_data),
		cmocka_unit_test(test_client_arrays_from_guest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
