/*
 * GL 1.x commands whose sizes GL state decides or that carry color
 * indices: glGetMap* (the evaluator's order), glGetPixelMap* (the map's
 * size, or a pixel pack buffer), glIndexPointer (a client array) and
 * GL_EXT_vertex_array's pointers, each checked against the host's GL in a
 * compatibility context: the values come back, nothing past them is
 * written, and errors are GL's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 32
#define H 32
#define SENTINEL -12345.0f

static struct sgl_enc *setup(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, W, H));
	return &h->enc;
}

static void fill(float *v, int n, float x)
{
	for (int i = 0; i < n; i++)
		v[i] = x;
}

/* A cubic (order 4) of 3-value points given 5 floats apart: GL keeps the
 * points tight, and GL_COEFF answers 12 values, no more. */
static void test_map1(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	float pts[20], got[32];
	for (int i = 0; i < 20; i++)
		pts[i] = (float)i * 0.5f;

	sgl_enc_glMap1f(e, GL_MAP1_VERTEX_3, 0.25f, 2.0f, 5, 4, pts);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	fill(got, 32, SENTINEL);
	sgl_enc_glGetMapfv(e, GL_MAP1_VERTEX_3, GL_COEFF, got);
	for (int p = 0; p < 4; p++)
		for (int k = 0; k < 3; k++)
			assert_true(got[p * 3 + k] == pts[p * 5 + k]);
	assert_true(got[12] == SENTINEL);

	GLint order[2] = { -1, -1 };
	sgl_enc_glGetMapiv(e, GL_MAP1_VERTEX_3, GL_ORDER, order);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[1], -1);

	GLdouble dom[3] = { -1, -1, -1 };
	sgl_enc_glGetMapdv(e, GL_MAP1_VERTEX_3, GL_DOMAIN, dom);
	assert_true(dom[0] == 0.25 && dom[1] == 2.0 && dom[2] == -1);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	/* Not an evaluator target, not a query: GL's GL_INVALID_ENUM, nothing written. */
	fill(got, 32, SENTINEL);
	sgl_enc_glGetMapfv(e, GL_TEXTURE_2D, GL_COEFF, got);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glGetMapfv(e, GL_MAP1_VERTEX_3, GL_TEXTURE_2D, got);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_true(got[0] == SENTINEL);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A 2 x 3 surface of colours: 24 values, two orders, four domain ends.
 * GL answers the points u-major (GL 2.1 section 5.1), as given here. */
static void test_map2(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	float pts[24], got[40];
	for (int i = 0; i < 24; i++)
		pts[i] = (float)i / 24.0f;

	sgl_enc_glMap2f(e, GL_MAP2_COLOR_4, 0, 1, 12, 2, -1, 3, 4, 3, pts);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	fill(got, 40, SENTINEL);
	sgl_enc_glGetMapfv(e, GL_MAP2_COLOR_4, GL_COEFF, got);
	for (int i = 0; i < 24; i++)
		assert_true(got[i] == pts[i]);
	assert_true(got[24] == SENTINEL);

	GLint order[3] = { -1, -1, -1 };
	sgl_enc_glGetMapiv(e, GL_MAP2_COLOR_4, GL_ORDER, order);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], -1);

	fill(got, 40, SENTINEL);
	sgl_enc_glGetMapfv(e, GL_MAP2_COLOR_4, GL_DOMAIN, got);
	assert_true(got[0] == 0 && got[1] == 1 && got[2] == -1 && got[3] == 3);
	assert_true(got[4] == SENTINEL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Each pixel map comes back with exactly its size, in each type. */
static void test_pixel_maps(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	const GLfloat rvals[5] = { 0.0f, 0.25f, 0.5f, 0.75f, 1.0f };
	const GLuint ivals[4] = { 3, 2, 1, 0 };
	const GLushort svals[2] = { 7, 9 };
	GLfloat fgot[8];
	GLuint igot[8];
	GLushort sgot[8];

	sgl_enc_glPixelMapfv(e, GL_PIXEL_MAP_R_TO_R, 5, rvals);
	sgl_enc_glPixelMapuiv(e, GL_PIXEL_MAP_I_TO_I, 4, ivals);
	sgl_enc_glPixelMapusv(e, GL_PIXEL_MAP_S_TO_S, 2, svals);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	GLint size = 0;
	sgl_enc_glGetIntegerv(e, GL_PIXEL_MAP_R_TO_R_SIZE, &size);
	assert_int_equal(size, 5);

	fill(fgot, 8, SENTINEL);
	sgl_enc_glGetPixelMapfv(e, GL_PIXEL_MAP_R_TO_R, fgot);
	for (int i = 0; i < 5; i++)
		assert_true(fgot[i] == rvals[i]);
	assert_true(fgot[5] == SENTINEL);

	fill(fgot, 8, SENTINEL);
	sgl_enc_glGetPixelMapfv(e, GL_PIXEL_MAP_I_TO_I, fgot);
	for (int i = 0; i < 4; i++)
		assert_true(fgot[i] == (float)ivals[i]);
	assert_true(fgot[4] == SENTINEL);
	/* As unsigned integers Mesa 22.3 answers I_TO_I's 3, 2, 1 as
	 * 0xfffffffd.. (natively too): only the count and the 0 are checked. */
	memset(igot, 0xEE, sizeof(igot));
	sgl_enc_glGetPixelMapuiv(e, GL_PIXEL_MAP_I_TO_I, igot);
	assert_int_equal(igot[3], 0);
	assert_int_equal(igot[4], 0xEEEEEEEEu);

	memset(sgot, 0xEE, sizeof(sgot));
	sgl_enc_glGetPixelMapusv(e, GL_PIXEL_MAP_S_TO_S, sgot);
	assert_int_equal(sgot[0], 7);
	assert_int_equal(sgot[1], 9);
	assert_int_equal(sgot[2], 0xEEEE);

	/* A map that is none: GL_INVALID_ENUM, nothing written. */
	fill(fgot, 8, SENTINEL);
	sgl_enc_glGetPixelMapfv(e, GL_TEXTURE_2D, fgot);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_true(fgot[0] == SENTINEL);
	/* A map of no values: GL's GL_INVALID_VALUE (Mesa 22.3 lets a size
	 * that is no power of two pass, natively too). */
	sgl_enc_glPixelMapuiv(e, GL_PIXEL_MAP_R_TO_R, 0, ivals);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);

	/* With a pixel pack buffer bound the values land in it, at the offset. */
	GLuint buf = 0;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_PIXEL_PACK_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_PIXEL_PACK_BUFFER, 64, NULL, GL_STATIC_READ);
	sgl_enc_glGetPixelMapfv(e, GL_PIXEL_MAP_R_TO_R, (GLfloat *)(uintptr_t)8);
	fill(fgot, 8, SENTINEL);
	sgl_enc_glGetBufferSubData(e, GL_PIXEL_PACK_BUFFER, 8, 5 * sizeof(GLfloat), fgot);
	for (int i = 0; i < 5; i++)
		assert_true(fgot[i] == rvals[i]);
	sgl_enc_glBindBuffer(e, GL_PIXEL_PACK_BUFFER, 0);
	/* ... and from a pixel unpack buffer the values are read from it. */
	static const GLfloat gvals[3] = { 1.0f, 0.5f, 0.0f };
	sgl_enc_glBindBuffer(e, GL_PIXEL_UNPACK_BUFFER, buf);
	sgl_enc_glBufferSubData(e, GL_PIXEL_UNPACK_BUFFER, 0, sizeof(gvals), gvals);
	sgl_enc_glPixelMapfv(e, GL_PIXEL_MAP_G_TO_G, 3, NULL);
	sgl_enc_glBindBuffer(e, GL_PIXEL_UNPACK_BUFFER, 0);
	fill(fgot, 8, SENTINEL);
	sgl_enc_glGetPixelMapfv(e, GL_PIXEL_MAP_G_TO_G, fgot);
	for (int i = 0; i < 3; i++)
		assert_true(fgot[i] == gvals[i]);
	assert_true(fgot[3] == SENTINEL);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A color-index array: GL knows its type, stride and pointer, judges bad
 * types and strides itself, and a draw that reads it (from application
 * memory) leaves the context sound. In RGBA mode the indices colour
 * nothing, so the vertices alone decide the pixels. */
static void test_index_pointer(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat tri[6] = { -1, -1, 3, -1, -1, 3 };
	static const GLfloat idx[3] = { 1, 2, 3 };
	GLint v = 0;
	void *ptr = NULL;

	sgl_enc_glIndexPointer(e, GL_FLOAT, 4, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glGetIntegerv(e, GL_INDEX_ARRAY_TYPE, &v);
	assert_int_equal(v, GL_FLOAT);
	sgl_enc_glGetIntegerv(e, GL_INDEX_ARRAY_STRIDE, &v);
	assert_int_equal(v, 4);
	sgl_enc_glGetPointerv(e, GL_INDEX_ARRAY_POINTER, &ptr);
	assert_ptr_equal(ptr, idx);

	sgl_enc_glIndexPointer(e, GL_BYTE, 0, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glIndexPointer(e, GL_FLOAT, -4, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);

	sgl_enc_glIndexPointer(e, GL_FLOAT, 0, idx);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_INDEX_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, tri);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glColor3f(e, 0, 1, 0);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	/* From a buffer: the pointer is the offset. */
	GLuint buf = 0;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(idx), idx, GL_STATIC_DRAW);
	sgl_enc_glIndexPointer(e, GL_FLOAT, 0, (const void *)(uintptr_t)4);
	sgl_enc_glGetPointerv(e, GL_INDEX_ARRAY_POINTER, &ptr);
	assert_ptr_equal(ptr, (void *)(uintptr_t)4);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 2);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* GL_EXT_vertex_array: the core pointers with a count GL ignores. */
static void test_vertex_array_ext(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat tri[6] = { -1, -1, 3, -1, -1, 3 };
	static const GLubyte colors[12] = { 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255 };
	void *ptr = NULL;

	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glVertexPointerEXT(e, 2, GL_FLOAT, 0, 3, tri);
	sgl_enc_glColorPointerEXT(e, 4, GL_UNSIGNED_BYTE, 0, 3, colors);
	sgl_enc_glGetPointerv(e, GL_VERTEX_ARRAY_POINTER, &ptr);
	assert_ptr_equal(ptr, tri);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), BLUE);
	/* GL judges the arguments as the core command does. */
	sgl_enc_glVertexPointerEXT(e, 5, GL_FLOAT, 0, 3, tri);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map1),
		cmocka_unit_test(test_map2),
		cmocka_unit_test(test_pixel_maps),
		cmocka_unit_test(test_index_pointer),
		cmocka_unit_test(test_vertex_array_ext),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
