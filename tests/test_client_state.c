/*
 * Client state the guest tracks for itself, through the protocol:
 * primitive restart (a draw from client arrays sends the vertices its
 * indices name, never the restart index's, which may lie far past the
 * arrays; guest/restart.c) and the client attribute stack (after
 * glPopClientAttrib the guest's arrays and pixel store are GL's again;
 * guest/client_attrib.c), and draws that read client arrays in ways other
 * than glDrawArrays: glArrayElement inside glBegin/glEnd and display lists
 * (guest/array_element.c), glMultiDrawArrays (guest/indirect.c); and how
 * many values a vertex attribute query writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 32
#define H 32

/* A strip over the whole window in two runs split by a restart index:
 * 4 vertices, then the restart, then the same 4 again. */
static const float quad[8] = { -1, -1, 1, -1, -1, 1, 1, 1 };

static void *small_copy(const void *src, size_t n)
{
	/* Its own allocation: reading far past it faults. */
	void *p = malloc(n);
	assert_non_null(p);
	memcpy(p, src, n);
	return p;
}

static void draw_restart(struct sgl_enc *e, GLenum type, const void *idx, GLsizei n)
{
	sgl_enc_glClearColor(e, 1, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glDrawElements(e, GL_TRIANGLE_STRIP, n, type, idx);
}

static void test_restart_index_outside_arrays(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	float *pos = small_copy(quad, sizeof(quad));
	sgl_enc_glColor3f(e, 0, 1, 0);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, pos);

	/* NV_primitive_restart's client state, a 32-bit index. */
	static const GLuint idx32[9] = { 0, 1, 2, 3, 0x12345678, 0, 1, 2, 3 };
	sgl_enc_glEnableClientState(e, GL_PRIMITIVE_RESTART_NV);
	sgl_enc_glPrimitiveRestartIndexNV(e, 0x12345678);
	draw_restart(e, GL_UNSIGNED_INT, idx32, 9);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	/* The same compiled into a display list, then called. */
	GLuint list = sgl_enc_glGenLists(e, 1);
	sgl_enc_glNewList(e, list, GL_COMPILE);
	draw_restart(e, GL_UNSIGNED_INT, idx32, 9);
	sgl_enc_glEndList(e);
	sgl_enc_glDisableClientState(e, GL_PRIMITIVE_RESTART_NV);
	sgl_enc_glClearColor(e, 0, 0, 1, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glCallList(e, list);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	/* GL 3.1's switch and the fixed index of a 16-bit type. */
	static const GLushort idx16[9] = { 0, 1, 2, 3, 0xffff, 0, 1, 2, 3 };
	sgl_enc_glEnable(e, GL_PRIMITIVE_RESTART_FIXED_INDEX);
	draw_restart(e, GL_UNSIGNED_SHORT, idx16, 9);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	sgl_enc_glDisable(e, GL_PRIMITIVE_RESTART_FIXED_INDEX);
	sgl_enc_glEnable(e, GL_PRIMITIVE_RESTART);
	sgl_enc_glPrimitiveRestartIndex(e, 0xfff0);
	static const GLushort idx16b[9] = { 0, 1, 2, 3, 0xfff0, 0, 1, 2, 3 };
	draw_restart(e, GL_UNSIGNED_SHORT, idx16b, 9);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
	free(pos);
}

/* A color array from a buffer, a client one pushed over it and popped:
 * the draw takes the buffer's colors again (the guest sent its client
 * array, which the host bound in the buffer's place). */
static void test_pop_client_arrays(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	static const GLubyte green[16] = { 0, 255, 0, 255, 0, 255, 0, 255,
					   0, 255, 0, 255, 0, 255, 0, 255 };
	static const GLubyte red[16] = { 255, 0, 0, 255, 255, 0, 0, 255,
					 255, 0, 0, 255, 255, 0, 0, 255 };
	GLuint buf;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(green), green, GL_STATIC_DRAW);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, NULL);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, 0);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, quad);

	sgl_enc_glPushClientAttrib(e, GL_CLIENT_VERTEX_ARRAY_BIT);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, red);
	sgl_enc_glPopClientAttrib(e);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	/* Enables come back too: a client array disabled under the push. */
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, green);
	sgl_enc_glPushClientAttrib(e, GL_CLIENT_ALL_ATTRIB_BITS);
	sgl_enc_glDisableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glPopClientAttrib(e);
	sgl_enc_glColor3f(e, 1, 0, 0);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	/* A pop with nothing pushed changes nothing but raises its error. */
	sgl_enc_glPopClientAttrib(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_STACK_UNDERFLOW);
	harness_end(&h);
}

/* The pixel store comes back with GL_CLIENT_PIXEL_STORE_BIT: a 3x2 RGB
 * image at GL's alignment 4 (rows of 9 bytes padded to 12) is laid out by
 * it after the pop, not by the alignment 1 set under the push. */
static void test_pop_pixel_store(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	GLubyte img[24];
	memset(img, 0, sizeof(img));
	for (int y = 0; y < 2; y++)
		for (int x = 0; x < 3; x++)
			img[y * 12 + x * 3 + 1] = 255;   /* green, row padding 3 bytes */
	sgl_enc_glPushClientAttrib(e, GL_CLIENT_PIXEL_STORE_BIT);
	sgl_enc_glPixelStorei(e, GL_UNPACK_ALIGNMENT, 1);
	sgl_enc_glPopClientAttrib(e);
	GLuint tex;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGB8, 3, 2, 0, GL_RGB, GL_UNSIGNED_BYTE, img);
	GLubyte out[4 * 6];
	memset(out, 0x55, sizeof(out));
	sgl_enc_glPixelStorei(e, GL_PACK_ALIGNMENT, 1);
	sgl_enc_glGetTexImage(e, GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, out);
	for (int i = 0; i < 6; i++) {
		uint32_t px;
		memcpy(&px, out + 4 * i, 4);
		assert_int_equal(px, GREEN);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
}

/* Green vertices from client arrays, glArrayElement in a list compiled
 * with GL_COMPILE (the host can stream nothing inside glBegin/glEnd), the
 * restart index as glPrimitiveRestartNV; then glMultiDrawArrays. */
static void test_client_arrays_other_draws(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	static const GLubyte color[16] = { 0, 255, 0, 255, 0, 255, 0, 255,
					   0, 255, 0, 255, 0, 255, 0, 255 };
	float *pos = small_copy(quad, sizeof(quad));
	sgl_enc_glColor3f(e, 0, 0, 1);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, pos);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, color);
	sgl_enc_glEnableClientState(e, GL_PRIMITIVE_RESTART_NV);
	sgl_enc_glPrimitiveRestartIndexNV(e, 77);
	GLuint list = sgl_enc_glGenLists(e, 1);
	sgl_enc_glNewList(e, list, GL_COMPILE);
	sgl_enc_glBegin(e, GL_TRIANGLE_STRIP);
	for (int i = 0; i < 4; i++)
		sgl_enc_glArrayElement(e, i);
	sgl_enc_glArrayElement(e, 77);
	for (int i = 0; i < 4; i++)
		sgl_enc_glArrayElement(e, i);
	sgl_enc_glEnd(e);
	sgl_enc_glEndList(e);
	sgl_enc_glClearColor(e, 1, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glCallList(e, list);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	assert_int_equal(harness_pixel(&h, 1, 1), GREEN);

	const GLint first[2] = { 0, 0 };
	const GLsizei count[2] = { 3, 4 };
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glMultiDrawArrays(e, GL_TRIANGLE_STRIP, first, count, 2);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);
	assert_int_equal(harness_pixel(&h, 1, 1), GREEN);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
	free(pos);
}

/* glGetVertexAttrib*v writes four values for GL_CURRENT_VERTEX_ATTRIB
 * only: an application's single GLint gets one (it got four, and piglit
 * ext_direct_state_access-vao's stack was smashed). */
static void test_vertex_attrib_query_size(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = harness_start(&h, SGLHOST_API_GL_COMPAT, W, H);
	sgl_enc_glVertexAttribPointer(e, 5, 3, GL_FLOAT, GL_FALSE, 0, quad);
	GLint iv[4] = { -7, -7, -7, -7 };
	sgl_enc_glGetVertexAttribiv(e, 5, GL_VERTEX_ATTRIB_ARRAY_SIZE, iv);
	assert_int_equal(iv[0], 3);
	assert_int_equal(iv[1], -7);
	GLuint uv[4] = { 7, 7, 7, 7 };
	sgl_enc_glGetVertexAttribIuiv(e, 5, GL_VERTEX_ATTRIB_ARRAY_STRIDE, uv);
	assert_int_equal(uv[0], 0);
	assert_int_equal(uv[1], 7);
	GLfloat fv[4] = { -1, -1, -1, -1 };
	sgl_enc_glVertexAttrib4f(e, 5, 1, 2, 3, 4);
	sgl_enc_glGetVertexAttribfv(e, 5, GL_CURRENT_VERTEX_ATTRIB, fv);
	assert_true(fv[0] == 1 && fv[3] == 4);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_end(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_index_outside_arrays),
		cmocka_unit_test(test_pop_client_arrays),
		cmocka_unit_test(test_pop_pixel_store),
		cmocka_unit_test(test_client_arrays_other_draws),
		cmocka_unit_test(test_vertex_attrib_query_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
