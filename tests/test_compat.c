/*
 * GL compatibility profile through the protocol: immediate mode and display
 * lists (glGenLists, glNewList(GL_COMPILE), glCallList, glListBase +
 * glCallLists, glDeleteLists / glIsList). Pixels are checked at known
 * places after a swap.
 *
 * The window is split in four quadrants:
 *   top left:     red quad, immediate mode
 *   bottom left:  green triangle, list base + 0, glCallList
 *   top right:    blue triangle, list base + 1, glCallLists via glListBase
 *   bottom right: yellow triangle, list base + 2, glCallLists via glListBase
 * Each triangle covers its quadrant's centre but not the quadrant's top
 * corners.
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

#define YELLOW RGBA(255, 255, 0, 255)

/* Quadrant centres in pixels, y from the top. */
#define LEFT_X (W / 4)
#define RIGHT_X (3 * W / 4)
#define TOP_Y (H / 4)
#define BOTTOM_Y (3 * H / 4)

static void immediate_quad(struct sgl_enc *e)
{
	sgl_enc_glBegin(e, GL_QUADS);
	sgl_enc_glColor3f(e, 1, 0, 0);
	sgl_enc_glVertex2f(e, -1, 0);
	sgl_enc_glVertex2f(e, 0, 0);
	sgl_enc_glVertex2f(e, 0, 1);
	sgl_enc_glVertex2f(e, -1, 1);
	sgl_enc_glEnd(e);
}

/* A triangle around the quadrant centre (cx, cy) in NDC, apex up. */
static void triangle(struct sgl_enc *e, float cx, float cy, float r, float g, float b)
{
	sgl_enc_glBegin(e, GL_TRIANGLES);
	sgl_enc_glColor3f(e, r, g, b);
	sgl_enc_glVertex2f(e, cx - 0.45f, cy - 0.45f);
	sgl_enc_glVertex2f(e, cx + 0.45f, cy - 0.45f);
	sgl_enc_glVertex2f(e, cx, cy + 0.45f);
	sgl_enc_glEnd(e);
}

static void clear_black(struct sgl_enc *e)
{
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
}

static void test_immediate_and_lists(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);

	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glMatrixMode(e, GL_PROJECTION);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glMatrixMode(e, GL_MODELVIEW);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glDisable(e, GL_DEPTH_TEST);

	/* Frame 1: the quad, and the lists compiled but not run. */
	clear_black(e);
	immediate_quad(e);
	GLuint base = sgl_enc_glGenLists(e, 3);
	assert_int_not_equal(base, 0);
	sgl_enc_glNewList(e, base + 0, GL_COMPILE);
	triangle(e, -0.5f, -0.5f, 0, 1, 0);
	sgl_enc_glEndList(e);
	sgl_enc_glNewList(e, base + 1, GL_COMPILE);
	triangle(e, 0.5f, 0.5f, 0, 0, 1);
	sgl_enc_glEndList(e);
	sgl_enc_glNewList(e, base + 2, GL_COMPILE);
	triangle(e, 0.5f, -0.5f, 1, 1, 0);
	sgl_enc_glEndList(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	for (GLuint i = 0; i < 3; i++)
		assert_true(sgl_enc_glIsList(e, base + i));
	sgl_enc_sglSwapBuffers(e);

	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), RED);
	assert_int_equal(harness_pixel(&h, 0, 0), RED);
	/* GL_COMPILE drew nothing. */
	assert_int_equal(harness_pixel(&h, LEFT_X, BOTTOM_Y), BLACK);
	assert_int_equal(harness_pixel(&h, RIGHT_X, TOP_Y), BLACK);
	assert_int_equal(harness_pixel(&h, RIGHT_X, BOTTOM_Y), BLACK);

	/* Frame 2: the quad again, then the lists. */
	clear_black(e);
	immediate_quad(e);
	sgl_enc_glCallList(e, base + 0);
	/* Relative names through the list base, two of them as bytes. */
	static const GLubyte rel[2] = { 1, 2 };
	sgl_enc_glListBase(e, base);
	sgl_enc_glCallLists(e, 2, GL_UNSIGNED_BYTE, rel);
	GLint lb = -1;
	sgl_enc_glGetIntegerv(e, GL_LIST_BASE, &lb);
	assert_int_equal(lb, (GLint)base);
	sgl_enc_glListBase(e, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);

	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), RED);
	assert_int_equal(harness_pixel(&h, LEFT_X, BOTTOM_Y), GREEN);
	assert_int_equal(harness_pixel(&h, RIGHT_X, TOP_Y), BLUE);
	assert_int_equal(harness_pixel(&h, RIGHT_X, BOTTOM_Y), YELLOW);
	/* Triangles, not quads: the top corners of their quadrants stay black. */
	assert_int_equal(harness_pixel(&h, 2, H / 2 + 2), BLACK);
	assert_int_equal(harness_pixel(&h, W / 2 + 2, 2), BLACK);
	assert_int_equal(harness_pixel(&h, W - 3, 2), BLACK);
	assert_int_equal(harness_pixel(&h, W - 3, H / 2 + 2), BLACK);

	/* Frame 3: glCallLists with absolute GL_INT names and base 0, in a
	 * different order; the quad is not drawn this time. */
	clear_black(e);
	GLint names[2] = { (GLint)base + 2, (GLint)base };
	sgl_enc_glCallLists(e, 2, GL_INT, names);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), BLACK);
	assert_int_equal(harness_pixel(&h, LEFT_X, BOTTOM_Y), GREEN);
	assert_int_equal(harness_pixel(&h, RIGHT_X, TOP_Y), BLACK);
	assert_int_equal(harness_pixel(&h, RIGHT_X, BOTTOM_Y), YELLOW);

	/* Deleting the range: the names are no lists any more, and calling
	 * them draws nothing and raises no error. */
	sgl_enc_glDeleteLists(e, base, 3);
	for (GLuint i = 0; i < 3; i++)
		assert_false(sgl_enc_glIsList(e, base + i));
	clear_black(e);
	sgl_enc_glCallList(e, base + 1);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, RIGHT_X, TOP_Y), BLACK);

	harness_end(&h);
}

/* glNewList(GL_COMPILE_AND_EXECUTE) draws while compiling; a list that
 * calls another list runs both. */
static void test_compile_and_execute(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);

	GLuint base = sgl_enc_glGenLists(e, 2);
	assert_int_not_equal(base, 0);
	clear_black(e);
	sgl_enc_glNewList(e, base, GL_COMPILE_AND_EXECUTE);
	triangle(e, -0.5f, -0.5f, 0, 1, 0);
	sgl_enc_glEndList(e);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, LEFT_X, BOTTOM_Y), GREEN);

	sgl_enc_glNewList(e, base + 1, GL_COMPILE);
	sgl_enc_glCallList(e, base);
	triangle(e, 0.5f, 0.5f, 0, 0, 1);
	sgl_enc_glEndList(e);
	clear_black(e);
	sgl_enc_glCallList(e, base + 1);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, LEFT_X, BOTTOM_Y), GREEN);
	assert_int_equal(harness_pixel(&h, RIGHT_X, TOP_Y), BLUE);
	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), BLACK);

	sgl_enc_glDeleteLists(e, base, 2);
	assert_false(sgl_enc_glIsList(e, base));
	assert_false(sgl_enc_glIsList(e, base + 1));
	harness_end(&h);
}

/* Client arrays bigger than the host's stream buffers, two per draw, many
 * draws: a buffer orphaned for one array must not lose another array's
 * data of the same draw (it did when all arrays shared one buffer: the
 * quad vanished at the third draw). */
static void test_big_client_arrays(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	enum { N = 30000 };
	float *pos = calloc(N * 2, sizeof(float));
	uint8_t *col = calloc(N * 4, 1);
	assert_non_null(pos);
	assert_non_null(col);
	static const float quad[12] = { -1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, 1 };
	memcpy(pos, quad, sizeof(quad));   /* the rest: degenerate triangles */
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, pos);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, col);
	for (int draw = 0; draw < 8; draw++) {
		uint8_t g = draw & 1 ? 255 : 0;
		for (int i = 0; i < N; i++) {
			col[4 * i + 0] = 255 - g;
			col[4 * i + 1] = g;
			col[4 * i + 3] = 255;
		}
		clear_black(e);
		sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, N);
		sgl_enc_sglSwapBuffers(e);
		assert_int_equal(harness_pixel(&h, W / 2, H / 2), draw & 1 ? GREEN : RED);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
	free(pos);
	free(col);
}

/* A list as long as another query says (GL_COMPRESSED_TEXTURE_FORMATS):
 * the encoder asks for the length before the command begins, or the two
 * queries interleave and the list came back as zeros. */
static void test_dynamic_length_get(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	GLint n = -1;
	sgl_enc_glGetIntegerv(e, GL_NUM_COMPRESSED_TEXTURE_FORMATS, &n);
	assert_true(n >= 0 && n < 1000);
	if (n == 0) {
		harness_finish(&h);
		skip();
	}
	GLint *list = calloc((size_t)n + 1, sizeof(*list));
	assert_non_null(list);
	list[n] = 0x5a5a;
	sgl_enc_glGetIntegerv(e, GL_COMPRESSED_TEXTURE_FORMATS, list);
	for (GLint i = 0; i < n; i++) {
		GLint size = 0;
		assert_int_not_equal(list[i], 0);
		/* Each one is a compressed format GL accepts for a texture. */
		sgl_enc_glGetInternalformativ(e, GL_TEXTURE_2D, (GLenum)list[i],
					      GL_TEXTURE_COMPRESSED, 1, &size);
		assert_int_equal(size, GL_TRUE);
	}
	assert_int_equal(list[n], 0x5a5a);
	GLint again = -1;
	sgl_enc_glGetIntegerv(e, GL_NUM_COMPRESSED_TEXTURE_FORMATS, &again);
	assert_int_equal(again, n);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
	free(list);
}

/* A length the decoder cannot compute raises the error GL would: an
 * unknown enum GL_INVALID_ENUM, a negative size GL_INVALID_VALUE. Texture
 * images GL judges itself (without the pixels): the integer format with
 * GL_FLOAT that our tables call a refused pairing (GL_INVALID_OPERATION) is
 * GL_INVALID_ENUM to Mesa 22.3, natively too. */
static void test_invalid_length_errors(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	static const uint32_t idx[3] = { 0, 1, 2 };
	static const float px[4] = { 0 };
	GLuint tex = 0;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glDrawElements(e, GL_TRIANGLES, 3, GL_FLOAT, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glDrawElements(e, GL_TRIANGLES, -3, GL_UNSIGNED_INT, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 1, 1, 0, 0x1234, GL_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8UI, 1, 1, 0, GL_RGBA_INTEGER,
			     GL_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 1, 1, 0, GL_RGBA, GL_FLOAT, px);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
}

/* Core profile: a draw with no GL_DRAW_INDIRECT_BUFFER (or element buffer)
 * bound and no data is GL_INVALID_OPERATION, as GL says. */
static void test_indirect_without_buffer(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_CORE, W, H);
	GLuint vao = 0;
	sgl_enc_glGenVertexArrays(e, 1, &vao);
	sgl_enc_glBindVertexArray(e, vao);
	sgl_enc_glDrawArraysIndirect(e, GL_TRIANGLES, NULL);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	/* No element buffer and no indices either. */
	sgl_enc_glDrawElementsInstancedBaseVertex(e, GL_TRIANGLES, 3, GL_UNSIGNED_INT, NULL, 2, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	harness_end(&h);
}

/* glBeginConditionalRender maps its query name like every query command:
 * a query whose name was freed and reused by the guest names another
 * object on the host. The queries count the samples of a quad drawn with
 * colour writes off (none in the first); the red quad drawn under each
 * condition shows whether the host rendered it. */
static void test_conditional_render(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	GLuint junk[4], q[2];
	sgl_enc_glGenQueries(e, 4, junk);
	sgl_enc_glDeleteQueries(e, 3, junk);
	sgl_enc_glGenQueries(e, 2, q);
	sgl_enc_glDisable(e, GL_DEPTH_TEST);
	clear_black(e);
	sgl_enc_glBeginQuery(e, GL_SAMPLES_PASSED, q[0]);
	sgl_enc_glEndQuery(e, GL_SAMPLES_PASSED);
	sgl_enc_glBeginConditionalRender(e, q[0], GL_QUERY_WAIT);
	immediate_quad(e);
	sgl_enc_glEndConditionalRender(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), BLACK);
	clear_black(e);
	sgl_enc_glColorMask(e, GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
	sgl_enc_glBeginQuery(e, GL_SAMPLES_PASSED, q[1]);
	immediate_quad(e);
	sgl_enc_glEndQuery(e, GL_SAMPLES_PASSED);
	sgl_enc_glColorMask(e, GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
	sgl_enc_glBeginConditionalRender(e, q[1], GL_QUERY_WAIT);
	immediate_quad(e);
	sgl_enc_glEndConditionalRender(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, LEFT_X, TOP_Y), RED);
	harness_end(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_immediate_and_lists),
		cmocka_unit_test(test_compile_and_execute),
		cmocka_unit_test(test_big_client_arrays),
		cmocka_unit_test(test_dynamic_length_get),
		cmocka_unit_test(test_invalid_length_errors),
		cmocka_unit_test(test_indirect_without_buffer),
		cmocka_unit_test(test_conditional_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
