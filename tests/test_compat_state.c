/*
 * Compatibility-profile state that lives on both sides of the protocol:
 * client-array pointers the host must know about (glGet, errors, edge
 * flags, instanced divisors), display lists named without glGenLists,
 * GL_BITMAP images under the pixel store, the window's front and back
 * buffers (by name too), and selection buffers. Checked with real pixels and GL's own answers.
 */
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


static struct sgl_enc *setup(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, W, H));
	sgl_enc_glViewport(&h->enc, 0, 0, W, H);
	return &h->enc;
}

static void clear(struct sgl_enc *e, float r, float g, float b)
{
	sgl_enc_glClearColor(e, r, g, b, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
}

static GLint get_int(struct sgl_enc *e, GLenum pname)
{
	GLint v[4] = { -1, -1, -1, -1 };
	sgl_enc_glGetIntegerv(e, pname, v);
	return v[0];
}

/* A client pointer still reaches GL: it answers glGet about the array and
 * checks size/type (GL_BGRA needs GL_UNSIGNED_BYTE; packed types need 4). */
static void test_client_pointer_state(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const uint8_t colors[16];

	sgl_enc_glColorPointer(e, GL_BGRA, GL_UNSIGNED_BYTE, 8, colors);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(get_int(e, GL_COLOR_ARRAY_SIZE), GL_BGRA);
	assert_int_equal(get_int(e, GL_COLOR_ARRAY_STRIDE), 8);
	sgl_enc_glColorPointer(e, GL_BGRA, GL_FLOAT, 0, colors);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glVertexAttribPointer(e, 1, 4, GL_INT_2_10_10_10_REV, GL_TRUE, 0, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glVertexAttribPointer(e, 1, 3, GL_INT_2_10_10_10_REV, GL_TRUE, 0, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	/* GL_CURRENT_VERTEX_ATTRIB has four values. */
	GLint cur[4] = { 0, 0, 0, 0 };
	sgl_enc_glVertexAttribI4i(e, 2, 7, -8, 9, -10);
	sgl_enc_glGetVertexAttribIiv(e, 2, GL_CURRENT_VERTEX_ATTRIB, cur);
	assert_int_equal(cur[0], 7);
	assert_int_equal(cur[3], -10);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Polygons in line mode draw only the edges whose flag is set: a client
 * edge-flag array decides. */
static int lit_in_row(struct harness *h, uint32_t y)
{
	int n = 0;
	for (uint32_t x = 0; x < W; x++)
		n += harness_pixel(h, x, y) != BLACK;
	return n;
}

static void test_edge_flag_array(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const float quad[8] = { -0.5f, -0.5f, 0.5f, -0.5f, 0.5f, 0.5f, -0.5f, 0.5f };
	GLboolean flags[4];

	sgl_enc_glPolygonMode(e, GL_FRONT_AND_BACK, GL_LINE);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_EDGE_FLAG_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, quad);
	sgl_enc_glEdgeFlagPointer(e, 0, flags);
	for (int on = 0; on < 2; on++) {
		memset(flags, on, sizeof(flags));
		clear(e, 0, 0, 0);
		sgl_enc_glDrawArrays(e, GL_QUADS, 0, 4);
		sgl_enc_sglSwapBuffers(e);
		/* The left and right edges cross the middle row. */
		if (on)
			assert_true(lit_in_row(&h, H / 2) >= 2);
		else
			assert_int_equal(lit_in_row(&h, H / 2), 0);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

static GLuint shader(struct sgl_enc *e, GLenum type, const char *src)
{
	GLuint s = sgl_enc_glCreateShader(e, type);
	sgl_enc_glShaderSource(e, s, 1, &src, NULL);
	sgl_enc_glCompileShader(e, s);
	return s;
}

/* Per-instance client arrays: attribute 1 (divisor 1) places and colours
 * each of two instances; only its first two elements exist. */
static void test_instanced_client_arrays(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const float tri[6] = { -0.4f, -0.8f, 0.4f, -0.8f, 0.0f, 0.8f };
	static const float inst[8] = { -0.5f, 0, 1, 0, /* red on the left */
				       0.5f, 0, 0, 1 /* green on the right */ };
	GLuint prog = sgl_enc_glCreateProgram(e);
	sgl_enc_glAttachShader(e, prog, shader(e, GL_VERTEX_SHADER,
		"#version 120\nattribute vec2 pos; attribute vec4 inst; varying vec4 c;\n"
		"void main() { gl_Position = vec4(pos * 0.5 + inst.xy, 0.0, 1.0);\n"
		"  c = vec4(inst.z, inst.w, 0.0, 1.0); }\n"));
	sgl_enc_glAttachShader(e, prog, shader(e, GL_FRAGMENT_SHADER,
		"#version 120\nvarying vec4 c; void main() { gl_FragColor = c; }\n"));
	sgl_enc_glBindAttribLocation(e, prog, 0, "pos");
	sgl_enc_glBindAttribLocation(e, prog, 1, "inst");
	sgl_enc_glLinkProgram(e, prog);
	sgl_enc_glUseProgram(e, prog);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glEnableVertexAttribArray(e, 1);
	sgl_enc_glVertexAttribPointer(e, 0, 2, GL_FLOAT, GL_FALSE, 0, tri);
	sgl_enc_glVertexAttribPointer(e, 1, 4, GL_FLOAT, GL_FALSE, 0, inst);
	sgl_enc_glVertexAttribDivisor(e, 1, 1);
	clear(e, 0, 0, 0);
	sgl_enc_glDrawArraysInstanced(e, GL_TRIANGLES, 0, 3, 2);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 4, H / 2), RED);
	assert_int_equal(harness_pixel(&h, 3 * W / 4, H / 2), GREEN);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A list drawing a full-window quad of one colour. */
static void quad_list(struct sgl_enc *e, GLuint list, float r, float g, float b)
{
	sgl_enc_glNewList(e, list, GL_COMPILE);
	sgl_enc_glColor3f(e, r, g, b);
	sgl_enc_glBegin(e, GL_QUADS);
	sgl_enc_glVertex2f(e, -1, -1);
	sgl_enc_glVertex2f(e, 1, -1);
	sgl_enc_glVertex2f(e, 1, 1);
	sgl_enc_glVertex2f(e, -1, 1);
	sgl_enc_glEnd(e);
	sgl_enc_glEndList(e);
}

/* glNewList may name any unused list; glGenLists then hands out others. */
static void test_list_without_gen(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);

	quad_list(e, 5, 0, 0, 1);
	assert_true(sgl_enc_glIsList(e, 5));
	GLuint gen = sgl_enc_glGenLists(e, 1);
	assert_true(gen > 5);
	quad_list(e, gen, 0, 1, 0);
	clear(e, 1, 0, 0);
	sgl_enc_glCallList(e, gen);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	sgl_enc_glCallList(e, 5);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), BLUE);
	/* Guest names are not host names: list 7 does not exist. */
	assert_false(sgl_enc_glIsList(e, 7));
	sgl_enc_glCallList(e, 7);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* 7x8 glBitmaps whose rows have one bit set: 0x80 is the first pixel by
 * default, 0x01 is under LSB_FIRST (else the eighth, outside the bitmap),
 * and 0x40 is under SKIP_PIXELS 1 (else the second). */
static void bitmap_at(struct sgl_enc *e, int x, const uint8_t *bits)
{
	sgl_enc_glRasterPos2i(e, x, 8);
	sgl_enc_glBitmap(e, 7, 8, 0, 0, 0, 0, bits);
}

static void test_bitmap_store(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	/* Two bytes a row: 0x80 then 0x00 (alignment 2). */
	uint8_t bits[16];
	for (int i = 0; i < 8; i++) {
		bits[2 * i] = 0x80;
		bits[2 * i + 1] = 0;
	}
	sgl_enc_glMatrixMode(e, GL_PROJECTION);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glOrtho(e, 0, W, 0, H, -1, 1);
	sgl_enc_glPixelStorei(e, GL_UNPACK_ALIGNMENT, 2);
	clear(e, 0, 0, 0);
	sgl_enc_glColor3f(e, 1, 0, 0);
	bitmap_at(e, 0, bits);
	sgl_enc_glPixelStorei(e, GL_UNPACK_LSB_FIRST, GL_TRUE);
	for (int i = 0; i < 8; i++)
		bits[2 * i] = 0x01;   /* LSB first: bit 0 is the first pixel */
	sgl_enc_glColor3f(e, 0, 1, 0);
	bitmap_at(e, 16, bits);
	sgl_enc_glPixelStorei(e, GL_UNPACK_LSB_FIRST, GL_FALSE);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_PIXELS, 1);
	for (int i = 0; i < 8; i++)
		bits[2 * i] = 0x40;
	sgl_enc_glColor3f(e, 0, 0, 1);
	bitmap_at(e, 32, bits);
	sgl_enc_sglSwapBuffers(e);
	/* Row y = 10 from the bottom is H - 11 from the top. */
	assert_int_equal(harness_pixel(&h, 0, H - 11), RED);
	assert_int_equal(harness_pixel(&h, 1, H - 11), BLACK);
	assert_int_equal(harness_pixel(&h, 16, H - 11), GREEN);
	assert_int_equal(harness_pixel(&h, 17, H - 11), BLACK);
	assert_int_equal(harness_pixel(&h, 32, H - 11), BLUE);
	assert_int_equal(harness_pixel(&h, 33, H - 11), BLACK);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

static uint32_t read_pixel(struct sgl_enc *e, GLenum buffer)
{
	uint32_t p = 0;
	sgl_enc_glReadBuffer(e, buffer);
	sgl_enc_glReadPixels(e, W / 2, H / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, &p);
	return p;
}

/* The window has a front and a back buffer, drawn and read apart. */
static void test_front_and_back(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const float blue[4] = { 0, 0, 1, 1 };

	sgl_enc_glDrawBuffer(e, GL_FRONT);
	clear(e, 1, 0, 0);
	sgl_enc_glDrawBuffer(e, GL_BACK);
	clear(e, 0, 1, 0);
	assert_int_equal(read_pixel(e, GL_FRONT), RED);
	assert_int_equal(read_pixel(e, GL_BACK), GREEN);
	assert_int_equal(get_int(e, GL_DRAW_BUFFER), GL_BACK);
	assert_int_equal(get_int(e, GL_READ_BUFFER), GL_BACK);
	/* The window is double-buffered, though an FBO on the host (which GL
	 * calls single-buffered): SDL_GL_GetAttribute asks. */
	assert_int_equal(get_int(e, GL_DOUBLEBUFFER), GL_TRUE);
	GLboolean dbl = GL_FALSE;
	sgl_enc_glGetBooleanv(e, GL_DOUBLEBUFFER, &dbl);
	assert_int_equal(dbl, GL_TRUE);
	GLfloat dblf = 0.0f;
	sgl_enc_glGetFloatv(e, GL_DOUBLEBUFFER, &dblf);
	assert_true(dblf == 1.0f);
	/* GL 4.5 asks the framebuffer too, by target and by name, and the
	 * answers agree (piglit's compare-framebuffer-parameter-with-get). */
	GLint by_target = GL_FALSE, by_name = GL_FALSE;
	sgl_enc_glGetFramebufferParameteriv(e, GL_DRAW_FRAMEBUFFER, GL_DOUBLEBUFFER, &by_target);
	sgl_enc_glGetNamedFramebufferParameteriv(e, 0, GL_DOUBLEBUFFER, &by_name);
	assert_int_equal(by_target, GL_TRUE);
	assert_int_equal(by_name, GL_TRUE);
	sgl_enc_glDrawBuffer(e, GL_FRONT_AND_BACK);
	assert_int_equal(get_int(e, GL_DRAW_BUFFER), GL_FRONT_AND_BACK);
	sgl_enc_glClearBufferfv(e, GL_COLOR, 0, blue);
	assert_int_equal(read_pixel(e, GL_FRONT), BLUE);
	assert_int_equal(read_pixel(e, GL_BACK_LEFT), BLUE);
	GLint type = 0;
	sgl_enc_glGetFramebufferAttachmentParameteriv(e, GL_READ_FRAMEBUFFER, GL_FRONT_LEFT,
						     GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE, &type);
	assert_int_equal(type, GL_FRAMEBUFFER_DEFAULT);
	/* A swap shows the back buffer: the old front becomes the back. */
	sgl_enc_glDrawBuffer(e, GL_BACK);
	clear(e, 0, 1, 0);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	assert_int_equal(read_pixel(e, GL_FRONT), GREEN);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* GL judges a format/type pair we cannot size when no data comes. */
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA16UI, 1, 1, 0, GL_RGBA_INTEGER, GL_FLOAT,
			     NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Framebuffer 0 by name (EXT_direct_state_access) is the window too, and
 * GL answers the buffer names it was given; the window has no
 * framebuffer parameters (GL_INVALID_OPERATION, nothing written). */
static void test_window_by_name(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);

	sgl_enc_glFramebufferDrawBufferEXT(e, 0, GL_FRONT);
	clear(e, 1, 0, 0);
	sgl_enc_glFramebufferDrawBufferEXT(e, 0, GL_BACK_LEFT);
	clear(e, 0, 1, 0);
	assert_int_equal(get_int(e, GL_DRAW_BUFFER), GL_BACK_LEFT);
	sgl_enc_glFramebufferReadBufferEXT(e, 0, GL_FRONT_LEFT);
	assert_int_equal(get_int(e, GL_READ_BUFFER), GL_FRONT_LEFT);
	assert_int_equal(read_pixel(e, GL_FRONT), RED);
	assert_int_equal(read_pixel(e, GL_BACK), GREEN);
	sgl_enc_glFramebufferDrawBufferEXT(e, 0, GL_LEFT);
	assert_int_equal(get_int(e, GL_DRAW_BUFFER), GL_LEFT);
	clear(e, 0, 0, 1);
	assert_int_equal(read_pixel(e, GL_FRONT), BLUE);
	assert_int_equal(read_pixel(e, GL_BACK), BLUE);
	sgl_enc_glDrawBuffer(e, GL_FRONT_AND_BACK);
	assert_int_equal(get_int(e, GL_DRAW_BUFFER), GL_FRONT_AND_BACK);
	sgl_enc_glFramebufferReadBufferEXT(e, 0, GL_LEFT);
	assert_int_equal(get_int(e, GL_READ_BUFFER), GL_LEFT);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	sgl_enc_glFramebufferParameteri(e, GL_FRAMEBUFFER, GL_FRAMEBUFFER_DEFAULT_WIDTH, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	GLint v = 0x0badc0de;
	sgl_enc_glGetFramebufferParameteriv(e, GL_READ_FRAMEBUFFER,
					    GL_FRAMEBUFFER_DEFAULT_WIDTH, &v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(v, 0x0badc0de);
	/* GL 4.5 answers what the window's buffers are. */
	sgl_enc_glGetFramebufferParameteriv(e, GL_FRAMEBUFFER, GL_IMPLEMENTATION_COLOR_READ_FORMAT,
					    &v);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* An application framebuffer has them. */
	GLuint fb = 0;
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferParameteri(e, GL_FRAMEBUFFER, GL_FRAMEBUFFER_DEFAULT_WIDTH, 7);
	sgl_enc_glGetFramebufferParameteriv(e, GL_FRAMEBUFFER, GL_FRAMEBUFFER_DEFAULT_WIDTH, &v);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(v, 7);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Selection: GL fills a buffer it keeps (the host's); glRenderMode brings
 * the hit records back into ours. */
static void test_selection(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	GLuint hits[16];
	memset(hits, 0xff, sizeof(hits));

	sgl_enc_glSelectBuffer(e, 16, hits);
	assert_int_equal(sgl_enc_glRenderMode(e, GL_SELECT), 0);
	sgl_enc_glInitNames(e);
	sgl_enc_glPushName(e, 7);
	sgl_enc_glRectf(e, -0.5f, -0.5f, 0.5f, 0.5f);
	sgl_enc_glLoadName(e, 9);
	sgl_enc_glRectf(e, 2, 2, 3, 3);   /* outside the view: no hit */
	assert_int_equal(sgl_enc_glRenderMode(e, GL_RENDER), 1);
	assert_int_equal(hits[0], 1);      /* names in the record */
	assert_int_equal(hits[3], 7);
	/* GL keeps its buffer while selecting: changing it is an error. */
	sgl_enc_glRenderMode(e, GL_SELECT);
	sgl_enc_glSelectBuffer(e, 16, hits);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glRenderMode(e, GL_RENDER);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_pointer_state),
		cmocka_unit_test(test_edge_flag_array),
		cmocka_unit_test(test_instanced_client_arrays),
		cmocka_unit_test(test_list_without_gen),
		cmocka_unit_test(test_bitmap_store),
		cmocka_unit_test(test_front_and_back),
		cmocka_unit_test(test_window_by_name),
		cmocka_unit_test(test_selection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
