/*
 * End to end: a scene encoded by the guest encoder (clear, shaders, VBO,
 * texture upload with a non-trivial pixel store, indexed draw, readback)
 * runs through the public API on surfaceless llvmpipe; pixels are checked at
 * known places. Once per API: GL core, GL compat, GLES.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 64
#define H 48

static const char *vs_gl =
	"#version 330 core\n"
	"layout(location = 0) in vec2 pos;\n"
	"out vec2 uv;\n"
	"void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }\n";
static const char *fs_gl =
	"#version 330 core\n"
	"in vec2 uv; uniform sampler2D tex; uniform vec4 tint; out vec4 color;\n"
	"void main() { color = texture(tex, uv) * tint; }\n";
static const char *vs_es =
	"#version 300 es\n"
	"layout(location = 0) in vec2 pos;\n"
	"out vec2 uv;\n"
	"void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }\n";
static const char *fs_es =
	"#version 300 es\nprecision mediump float;\n"
	"in vec2 uv; uniform sampler2D tex; uniform vec4 tint; out vec4 color;\n"
	"void main() { color = texture(tex, uv) * tint; }\n";

static GLuint shader(struct sgl_enc *e, GLenum type, const char *src)
{
	GLuint s = sgl_enc_glCreateShader(e, type);
	sgl_enc_glShaderSource(e, s, 1, &src, NULL);
	sgl_enc_glCompileShader(e, s);
	GLint ok = 0;
	sgl_enc_glGetShaderiv(e, s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[1024] = "";
		sgl_enc_glGetShaderInfoLog(e, s, sizeof(log), NULL, log);
		fail_msg("shader: %s", log);
	}
	return s;
}

/* Buffer maps: a read map sees the data, a write map's bytes land. */
static void check_maps(struct sgl_enc *e, const float *quad, size_t size)
{
	const float *r = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, (GLsizeiptr)size,
						  GL_MAP_READ_BIT);
	assert_non_null(r);
	assert_memory_equal(r, quad, size);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));

	float *w = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 8, 8, GL_MAP_WRITE_BIT);
	assert_non_null(w);
	w[0] = 42.0f;
	w[1] = -7.0f;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	r = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 16, GL_MAP_READ_BIT);
	assert_non_null(r);
	assert_true(r[0] == quad[0] && r[1] == quad[1] && r[2] == 42.0f && r[3] == -7.0f);
	sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER);
	/* Put the quad back for the draw. */
	sgl_enc_glBufferSubData(e, GL_ARRAY_BUFFER, 0, (GLsizeiptr)size, quad);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

static void scene(struct harness *h, bool es)
{
	struct sgl_enc *e = &h->enc;

	sgl_enc_glClearColor(e, 0.0f, 0.0f, 1.0f, 1.0f);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);

	GLuint prog = sgl_enc_glCreateProgram(e);
	GLuint vs = shader(e, GL_VERTEX_SHADER, es ? vs_es : vs_gl);
	GLuint fs = shader(e, GL_FRAGMENT_SHADER, es ? fs_es : fs_gl);
	sgl_enc_glAttachShader(e, prog, vs);
	sgl_enc_glAttachShader(e, prog, fs);
	sgl_enc_glLinkProgram(e, prog);
	GLint linked = 0;
	sgl_enc_glGetProgramiv(e, prog, GL_LINK_STATUS, &linked);
	assert_int_equal(linked, 1);
	sgl_enc_glUseProgram(e, prog);
	GLint tint = sgl_enc_glGetUniformLocation(e, prog, "tint");
	assert_true(tint >= 0);
	sgl_enc_glUniform4f(e, tint, 1.0f, 1.0f, 1.0f, 1.0f);

	/* glGetUniform*v write as many values as the uniform has: 4 for the
	 * vec4, 1 for the sampler; the rest of the buffer stays untouched. */
	GLfloat got[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	sgl_enc_glGetUniformfv(e, prog, tint, got);
	assert_true(got[0] == 1.0f && got[3] == 1.0f && got[4] == -1.0f);
	GLint unit[2] = { -1, -1 };
	sgl_enc_glGetUniformiv(e, prog, sgl_enc_glGetUniformLocation(e, prog, "tex"), unit);
	assert_true(unit[0] == 0 && unit[1] == -1);
	sgl_enc_glGetUniformfv(e, prog, 12345, got);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);

	/* A quad over the left half of the window. */
	static const float quad[] = { -1, -1, 0, -1, 0, 1, -1, 1 };
	static const uint16_t idx[] = { 0, 1, 2, 0, 2, 3 };
	harness_vertex_array(e, quad, sizeof(quad), idx, sizeof(idx));
	check_maps(e, quad, sizeof(quad));

	/* Texture: the 4x4 green block sits at (2, 1) inside an 8x6 red image:
	 * only a guest that honours ROW_LENGTH / SKIP_* uploads pure green. */
	uint8_t img[6][8][4];
	for (int y = 0; y < 6; y++)
		for (int x = 0; x < 8; x++) {
			bool in = x >= 2 && x < 6 && y >= 1 && y < 5;
			uint8_t px[4] = { in ? 0 : 255, in ? 255 : 0, 0, 255 };
			memcpy(img[y][x], px, 4);
		}
	GLuint tex;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glPixelStorei(e, GL_UNPACK_ROW_LENGTH, 8);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_PIXELS, 2);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_ROWS, 1);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE, img);
	sgl_enc_glPixelStorei(e, GL_UNPACK_ROW_LENGTH, 0);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_PIXELS, 0);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_ROWS, 0);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);

	if (!es) {
		/* Read the level back, 3 bytes a pixel with a pack alignment of 4
		 * (12-byte rows: no padding needed) and a skip of one row. */
		uint8_t back[5][4][3];
		memset(back, 0xcc, sizeof(back));
		sgl_enc_glPixelStorei(e, GL_PACK_SKIP_ROWS, 1);
		sgl_enc_glGetTexImage(e, GL_TEXTURE_2D, 0, GL_RGB, GL_UNSIGNED_BYTE, back);
		sgl_enc_glPixelStorei(e, GL_PACK_SKIP_ROWS, 0);
		assert_int_equal(back[0][0][0], 0xcc);
		for (int y = 1; y < 5; y++)
			for (int x = 0; x < 4; x++)
				assert_true(back[y][x][0] == 0 && back[y][x][1] == 255 &&
					    back[y][x][2] == 0);
	}
	sgl_enc_glDrawElements(e, GL_TRIANGLES, 6, GL_UNSIGNED_SHORT, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

static void check_frame(struct harness *h)
{
	assert_false(harness_lost(h, NULL, 0));
	/* Left half green (texture), right half blue (clear). */
	assert_int_equal(harness_pixel(h, W / 4, H / 2), RGBA(0, 255, 0, 255));
	assert_int_equal(harness_pixel(h, 3, 3), RGBA(0, 255, 0, 255));
	assert_int_equal(harness_pixel(h, 3 * W / 4, H / 2), RGBA(0, 0, 255, 255));
	assert_int_equal(harness_pixel(h, W - 1, 0), RGBA(0, 0, 255, 255));
}

static void check_queries(struct harness *h, bool es)
{
	struct sgl_enc *e = &h->enc;
	GLint vp[4] = { -1, -1, -1, -1 };
	sgl_enc_glGetIntegerv(e, GL_VIEWPORT, vp);
	assert_int_equal(vp[2], W);
	assert_int_equal(vp[3], H);
	const char *r = (const char *)sgl_enc_glGetString(e, GL_RENDERER);
	assert_non_null(r);

	/* Extensions: only forwardable ones, the same through every query. */
	GLint next = 0;
	sgl_enc_glGetIntegerv(e, GL_NUM_EXTENSIONS, &next);
	assert_true(next > 50);
	for (GLint i = 0; i < next; i++) {
		const char *x = (const char *)sgl_enc_glGetStringi(e, GL_EXTENSIONS, (GLuint)i);
		assert_non_null(x);
		assert_true(strncmp(x, "GL_", 3) == 0);
	}
	assert_null(sgl_enc_glGetStringi(e, GL_EXTENSIONS, (GLuint)next));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	if (es) {
		const char *all = (const char *)sgl_enc_glGetString(e, GL_EXTENSIONS);
		assert_non_null(all);
		int words = 1;
		for (const char *c = all; *c; c++)
			words += *c == ' ';
		assert_int_equal(words, next);
	}

	/* glReadPixels through the protocol across the green/blue edge. GL:
	 * RGB with a pack alignment of 4, so 9-byte rows padded to 12 (the
	 * padding is not written). GLES only reads RGBA. */
	uint8_t rows[2][12];
	memset(rows, 0xcc, sizeof(rows));
	sgl_enc_glPixelStorei(e, GL_PACK_ALIGNMENT, 4);
	sgl_enc_glReadPixels(e, W / 2 - 1, 0, es ? 3 : 3, 2, es ? GL_RGBA : GL_RGB,
			     GL_UNSIGNED_BYTE, rows);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	int bpp = es ? 4 : 3;
	for (int y = 0; y < 2; y++) {
		static const uint8_t green[3] = { 0, 255, 0 }, blue[3] = { 0, 0, 255 };
		assert_memory_equal(&rows[y][0], green, 3);
		assert_memory_equal(&rows[y][bpp], blue, 3);
		assert_memory_equal(&rows[y][2 * bpp], blue, 3);
	}
	if (!es)
		assert_int_equal(rows[0][9], 0xcc);
}

static void run(enum sglhost_api api)
{
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context(&h, api, W, H));
	scene(&h, api == SGLHOST_API_GLES);
	check_queries(&h, api == SGLHOST_API_GLES);
	sgl_enc_sglSwapBuffers(&h.enc);
	check_frame(&h);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* sglhost_context_read_pixels: top row first, RGBA and BGRA, a padded
 * stride left alone past each row, and the guest's pack state untouched. */
static void readback_layout(enum sglhost_api api)
{
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context(&h, api, W, H));
	struct sgl_enc *e = &h.enc;
	sgl_enc_glClearColor(e, 1, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glEnable(e, GL_SCISSOR_TEST);
	sgl_enc_glScissor(e, 0, H / 2, W, H / 2);     /* GL's top half */
	sgl_enc_glClearColor(e, 0, 1, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glDisable(e, GL_SCISSOR_TEST);
	sgl_enc_glPixelStorei(e, GL_PACK_ROW_LENGTH, 7);
	sgl_enc_glPixelStorei(e, GL_PACK_ALIGNMENT, 2);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_flush(e), 0);

	size_t stride = W * 4 + 16;
	uint8_t *px = malloc(stride * H);
	assert_non_null(px);
	for (int bgra = 0; bgra < 2; bgra++) {
		memset(px, 0xcc, stride * H);
		assert_int_equal(sglhost_context_read_pixels(h.ctx, bgra ? SGLHOST_PIXEL_BGRA8888 :
							     SGLHOST_PIXEL_RGBA8888, px, stride, W, H), 0);
		static const uint8_t green[4] = { 0, 255, 0, 255 };
		static const uint8_t red_rgba[4] = { 255, 0, 0, 255 }, red_bgra[4] = { 0, 0, 255, 255 };
		for (uint32_t y = 0; y < H; y++) {
			const uint8_t *want = y < H / 2 ? green : bgra ? red_bgra : red_rgba;
			assert_memory_equal(px + y * stride, want, 4);
			assert_memory_equal(px + y * stride + (W - 1) * 4, want, 4);
			assert_int_equal(px[y * stride + W * 4], 0xcc);
			assert_int_equal(px[y * stride + stride - 1], 0xcc);
		}
	}
	free(px);
	GLint v = 0;
	sgl_enc_glGetIntegerv(e, GL_PACK_ROW_LENGTH, &v);
	assert_int_equal(v, 7);
	sgl_enc_glGetIntegerv(e, GL_PACK_ALIGNMENT, &v);
	assert_int_equal(v, 2);
	if (api != SGLHOST_API_GLES) {
		v = -1;
		sgl_enc_glGetIntegerv(e, 0x8758 /* GL_PACK_INVERT_MESA */, &v);
		assert_int_equal(v, 0);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

static void test_readback_core(void **state) { (void)state; readback_layout(SGLHOST_API_GL_CORE); }
static void test_readback_compat(void **state) { (void)state; readback_layout(SGLHOST_API_GL_COMPAT); }
static void test_readback_gles(void **state) { (void)state; readback_layout(SGLHOST_API_GLES); }

/* The window framebuffer has the depth and stencil buffers the guest's
 * configuration names (SGLHOST_CONTEXT_NO_*), and works with them. */
static void test_framebuffer_flags(void **state)
{
	(void)state;
	static const uint32_t cases[] = { 0, SGLHOST_CONTEXT_NO_STENCIL, SGLHOST_CONTEXT_NO_DEPTH,
					  SGLHOST_CONTEXT_NO_DEPTH | SGLHOST_CONTEXT_NO_STENCIL };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness h;
		if (!harness_host(&h))
			skip();
		h.flags = cases[i];
		if (!harness_context(&h, SGLHOST_API_GL_COMPAT, W, H))
			fail_msg("flags 0x%x: %s", cases[i], h.log);
		struct sgl_enc *e = &h.enc;
		bool depth = !(cases[i] & SGLHOST_CONTEXT_NO_DEPTH);
		bool stencil = !(cases[i] & SGLHOST_CONTEXT_NO_STENCIL);
		GLint bits = -1;
		sgl_enc_glGetIntegerv(e, GL_DEPTH_BITS, &bits);
		assert_int_equal(bits, depth ? 24 : 0);
		sgl_enc_glGetIntegerv(e, GL_STENCIL_BITS, &bits);
		assert_int_equal(bits, stencil ? 8 : 0);

		sgl_enc_glClearDepth(e, 0.5);
		sgl_enc_glClearStencil(e, 5);
		sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
		float z = -1;
		sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_DEPTH_COMPONENT, GL_FLOAT, &z);
		assert_int_equal(sgl_enc_glGetError(e), depth ? GL_NO_ERROR : GL_INVALID_OPERATION);
		if (depth)
			assert_true(z > 0.49f && z < 0.51f);
		uint8_t st = 0;
		sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_STENCIL_INDEX, GL_UNSIGNED_BYTE, &st);
		assert_int_equal(sgl_enc_glGetError(e), stencil ? GL_NO_ERROR : GL_INVALID_OPERATION);
		if (stencil)
			assert_int_equal(st, 5);
		/* Swaps keep them (only the color buffers change places). */
		sgl_enc_sglSwapBuffers(e);
		sgl_enc_glClearDepth(e, 0.25);
		sgl_enc_glClear(e, GL_DEPTH_BUFFER_BIT);
		sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_STENCIL_INDEX, GL_UNSIGNED_BYTE, &st);
		if (stencil)
			assert_int_equal(st, 5);
		sgl_enc_glGetIntegerv(e, GL_STENCIL_BITS, &bits);
		assert_int_equal(bits, stencil ? 8 : 0);
		sgl_enc_glGetError(e);
		assert_false(harness_lost(&h, NULL, 0));
		harness_finish(&h);
	}

	/* Unknown bits are refused. */
	struct harness h;
	if (!harness_host(&h))
		skip();
	h.flags = 1u << 7;
	errno = 0;
	assert_false(harness_context(&h, SGLHOST_API_GL_COMPAT, W, H));
	assert_int_equal(errno, EINVAL);
	harness_finish(&h);
}

static void test_core(void **state) { (void)state; run(SGLHOST_API_GL_CORE); }
static void test_compat(void **state) { (void)state; run(SGLHOST_API_GL_COMPAT); }
static void test_gles(void **state) { (void)state; run(SGLHOST_API_GLES); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_gles),
		cmocka_unit_test(test_readback_core),
		cmocka_unit_test(test_readback_compat),
		cmocka_unit_test(test_readback_gles),
		cmocka_unit_test(test_framebuffer_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
