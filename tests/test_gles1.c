/*
 * GLES 1.1 contexts on the host: the fixed-function pipeline of ES-CM
 * driven through the protocol with float and fixed-point (16.16) commands,
 * client arrays (point sizes too), GL_OES_draw_texture, glGetFixedv,
 * GL_OES_framebuffer_object beside the window. Checked with real pixels.
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

#define W 64
#define H 64
#define X(f) ((GLfixed)((f) * 65536.0))

static struct sgl_enc *setup(struct harness *h)
{
	if (!harness_host(h))
		skip();
	if (!harness_context_version(h, SGLHOST_API_GLES, 1, 1, W, H))
		fail_msg("no GLES 1.1 context: %s", h->log);
	return &h->enc;
}

static void test_version(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	const char *v = (const char *)sgl_enc_glGetString(e, GL_VERSION);
	assert_non_null(v);
	assert_memory_equal(v, "OpenGL ES-CM 1.", 15);
	const char *x = (const char *)sgl_enc_glGetString(e, GL_EXTENSIONS);
	assert_non_null(x);
	assert_non_null(strstr(x, "GL_OES_fixed_point"));
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* ES 1 has no shaders: the driver's GL_INVALID_OPERATION, no lost context. */
	sgl_enc_glCreateShader(e, GL_VERTEX_SHADER);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Left half: float commands; right half: the same in 16.16 fixed point. */
static void test_fixed_and_float(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat left[8] = { -1, -1, 0, -1, -1, 1, 0, 1 };
	static const GLfixed right[8] = { 0, X(-1), X(1), X(-1), 0, X(1), X(1), X(1) };

	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColorx(e, 0, 0, 0, X(1));
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glMatrixMode(e, GL_PROJECTION);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glOrthof(e, -1, 1, -1, 1, -1, 1);
	sgl_enc_glMatrixMode(e, GL_MODELVIEW);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);

	sgl_enc_glColor4f(e, 1, 0, 0, 1);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, left);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);

	sgl_enc_glColor4x(e, 0, X(1), 0, X(1));
	sgl_enc_glVertexPointer(e, 2, GL_FIXED, 0, right);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 4, H / 2), RED);
	assert_int_equal(harness_pixel(&h, 3 * W / 4, H / 2), GREEN);

	/* Fixed-point state reads back in both forms. */
	GLfixed c[4] = { 0 };
	sgl_enc_glGetFixedv(e, GL_CURRENT_COLOR, c);
	assert_int_equal(c[1], X(1));
	assert_int_equal(c[0], 0);
	sgl_enc_glLineWidthx(e, X(2));
	GLfloat lw = 0;
	sgl_enc_glGetFloatv(e, GL_LINE_WIDTH, &lw);
	assert_true(lw == 2.0f);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* glFrustumx / glTranslatex / glRotatex and a clip plane (glClipPlanef)
 * that cuts the quad's lower half away. */
static void test_transforms_and_clip(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat quad[8] = { -1, -1, 1, -1, -1, 1, 1, 1 };
	const GLfloat plane[4] = { 0, 1, 0, 0 };   /* keeps y >= 0 */

	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glMatrixMode(e, GL_PROJECTION);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glFrustumx(e, X(-1), X(1), X(-1), X(1), X(1), X(10));
	sgl_enc_glMatrixMode(e, GL_MODELVIEW);
	sgl_enc_glLoadIdentity(e);
	sgl_enc_glTranslatex(e, 0, 0, X(-2));
	sgl_enc_glRotatex(e, X(90), 0, 0, X(1));
	sgl_enc_glScalef(e, 2, 2, 1);
	sgl_enc_glClipPlanef(e, GL_CLIP_PLANE0, plane);
	sgl_enc_glEnable(e, GL_CLIP_PLANE0);
	GLfloat back[4] = { -1, -1, -1, -1 };
	sgl_enc_glGetClipPlanef(e, GL_CLIP_PLANE0, back);
	/* Eye coordinates: the plane went through the modelview's inverse. */
	assert_true(back[3] == 0.0f);

	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, quad);
	sgl_enc_glColor4ub(e, 0, 0, 255, 255);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* The quad fills the view; the plane (y >= 0 in object space, which the
	 * 90 degree turn makes x <= 0 on screen) keeps its left half. */
	assert_int_equal(harness_pixel(&h, W / 4, H / 2), BLUE);
	assert_int_equal(harness_pixel(&h, 3 * W / 4, H / 2), BLACK);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Per-vertex point sizes from application memory (GL_OES_point_size_array)
 * and a texture drawn straight to the window (GL_OES_draw_texture). */
static void test_point_sizes_and_draw_tex(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat pts[4] = { -0.5f, 0, 0.5f, 0 };
	static const GLfixed sizes[2] = { X(1), X(9) };

	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_POINT_SIZE_ARRAY_OES);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, pts);
	sgl_enc_glPointSizePointerOES(e, GL_FIXED, 0, sizes);
	sgl_enc_glColor4f(e, 1, 1, 1, 1);
	sgl_enc_glDrawArrays(e, GL_POINTS, 0, 2);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* Point 0 (x = 16) is one pixel wide, point 1 (x = 48) nine. */
	assert_int_equal(harness_pixel(&h, 16 + 3, H / 2), BLACK);
	assert_int_equal(harness_pixel(&h, 48 + 3, H / 2), RGBA(255, 255, 255, 255));
	void *ptr = NULL;
	sgl_enc_glGetPointerv(e, GL_POINT_SIZE_ARRAY_POINTER_OES, &ptr);
	assert_ptr_equal(ptr, sizes);
	/* From a buffer the pointer is the offset, which the host knows. */
	GLuint buf = 0;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(sizes), sizes, GL_STATIC_DRAW);
	sgl_enc_glPointSizePointerOES(e, GL_FIXED, 0, (const void *)(uintptr_t)4);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, 0);
	sgl_enc_glGetPointerv(e, GL_POINT_SIZE_ARRAY_POINTER_OES, &ptr);
	assert_ptr_equal(ptr, (void *)(uintptr_t)4);
	sgl_enc_glDisableClientState(e, GL_POINT_SIZE_ARRAY_OES);

	const uint8_t red[4 * 4] = { 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255 };
	GLuint tex = 0;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexParameterx(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA, 2, 2, 0, GL_RGBA, GL_UNSIGNED_BYTE, red);
	const GLint crop[4] = { 0, 0, 2, 2 };
	sgl_enc_glTexParameteriv(e, GL_TEXTURE_2D, GL_TEXTURE_CROP_RECT_OES, crop);
	sgl_enc_glEnable(e, GL_TEXTURE_2D);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glDrawTexiOES(e, 0, 0, 0, 8, 8);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(harness_pixel(&h, 4, H - 4), RED);
	assert_int_equal(harness_pixel(&h, 12, H - 4), BLACK);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* GL_OES_framebuffer_object: render to a texture, back to the window
 * (framebuffer 0 is the window, GL_FRAMEBUFFER_BINDING_OES answers 0 for
 * it), and draw the texture there. */
static void test_framebuffer_object(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = setup(&h);
	static const GLfloat quad[8] = { -1, -1, 1, -1, -1, 1, 1, 1 };
	static const GLfixed uv[8] = { 0, 0, X(1), 0, 0, X(1), X(1), X(1) };
	GLuint tex = 0, fbo = 0;
	GLint bound = -1;

	sgl_enc_glGetIntegerv(e, GL_FRAMEBUFFER_BINDING_OES, &bound);
	assert_int_equal(bound, 0);
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA, 8, 8, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     NULL);
	sgl_enc_glGenFramebuffersOES(e, 1, &fbo);
	sgl_enc_glBindFramebufferOES(e, GL_FRAMEBUFFER_OES, fbo);
	sgl_enc_glFramebufferTexture2DOES(e, GL_FRAMEBUFFER_OES, GL_COLOR_ATTACHMENT0_OES,
					  GL_TEXTURE_2D, tex, 0);
	assert_int_equal(sgl_enc_glCheckFramebufferStatusOES(e, GL_FRAMEBUFFER_OES),
			 GL_FRAMEBUFFER_COMPLETE_OES);
	sgl_enc_glGetIntegerv(e, GL_FRAMEBUFFER_BINDING_OES, &bound);
	assert_int_equal(bound, (GLint)fbo);
	/* The attachment in the guest's names (the host's differ: its window
	 * has textures of its own). */
	GLint v = -1;
	sgl_enc_glGetFramebufferAttachmentParameterivOES(e, GL_FRAMEBUFFER_OES,
							 GL_COLOR_ATTACHMENT0_OES,
							 GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME_OES, &v);
	assert_int_equal(v, (GLint)tex);
	GLfixed fx = -1;
	sgl_enc_glGetFixedv(e, GL_TEXTURE_BINDING_2D, &fx);
	assert_int_equal(fx, (GLfixed)(tex << 16));
	sgl_enc_glViewport(e, 0, 0, 8, 8);
	sgl_enc_glClearColor(e, 1, 0, 1, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);

	sgl_enc_glBindFramebufferOES(e, GL_FRAMEBUFFER_OES, 0);
	sgl_enc_glGetIntegerv(e, GL_FRAMEBUFFER_BINDING_OES, &bound);
	assert_int_equal(bound, 0);
	/* Framebuffer 0 has no attachments to ask about in ES 1 (the native
	 * driver's GL_INVALID_OPERATION), and nothing is written. */
	v = -1;
	sgl_enc_glGetFramebufferAttachmentParameterivOES(e, GL_FRAMEBUFFER_OES,
							 GL_COLOR_ATTACHMENT0_OES,
							 GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE_OES, &v);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(v, -1);
	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glEnable(e, GL_TEXTURE_2D);
	sgl_enc_glTexEnvx(e, GL_TEXTURE_ENV, GL_TEXTURE_ENV_MODE, GL_REPLACE);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_TEXTURE_COORD_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, quad);
	sgl_enc_glTexCoordPointer(e, 2, GL_FIXED, 0, uv);
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_STRIP, 0, 4);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), RGBA(255, 0, 255, 255));
	sgl_enc_glDeleteFramebuffersOES(e, 1, &fbo);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_fixed_and_float),
		cmocka_unit_test(test_transforms_and_clip),
		cmocka_unit_test(test_point_sizes_and_draw_tex),
		cmocka_unit_test(test_framebuffer_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
