/*
 * Pixel transfers of formats and types that GL takes and our size rules
 * once refused or sized wrongly (found by piglit): each call goes through
 * the guest encoder into a real host context, and its result must be GL's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 8
#define H 8

/* A W x H context of `api` (version major.0; 0: the highest). */
static struct sgl_enc *context(struct harness *h, enum sglhost_api api, int major)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context_version(h, api, major, 0, W, H));
	return &h->enc;
}

/* A framebuffer of one depth renderbuffer of `internal`, cleared to 0.5. */
static void depth_fbo(struct sgl_enc *e, GLenum internal)
{
	GLuint rb, fbo;
	sgl_enc_glGenRenderbuffers(e, 1, &rb);
	sgl_enc_glBindRenderbuffer(e, GL_RENDERBUFFER, rb);
	sgl_enc_glRenderbufferStorage(e, GL_RENDERBUFFER, internal, W, H);
	sgl_enc_glGenFramebuffers(e, 1, &fbo);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fbo);
	sgl_enc_glFramebufferRenderbuffer(e, GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT,
					  GL_RENDERBUFFER, rb);
	assert_int_equal(sgl_enc_glCheckFramebufferStatus(e, GL_FRAMEBUFFER),
			 GL_FRAMEBUFFER_COMPLETE);
	sgl_enc_glClearDepthf(e, 0.5f);
	sgl_enc_glClear(e, GL_DEPTH_BUFFER_BIT);
}

/* NV_read_depth on GLES 3 (piglit read_depth_gles3): depth reads back as
 * GL_UNSIGNED_INT_24_8 (the depth in the upper 24 bits) and, from a float
 * depth buffer, as GL_FLOAT. The pair DEPTH_COMPONENT / UNSIGNED_INT_24_8
 * was refused by the size rules (GL_INVALID_OPERATION, nothing written). */
static void test_read_depth_gles3(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = context(&h, SGLHOST_API_GLES, 3);

	depth_fbo(e, GL_DEPTH_COMPONENT24);
	GLuint word[2] = { 0xdeadbeef, 0xdeadbeef };
	sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_DEPTH_COMPONENT, GL_UNSIGNED_INT_24_8, word);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	uint32_t depth24 = word[0] >> 8;
	assert_true(depth24 >= 0x7ffffe && depth24 <= 0x800001);
	/* One pixel is one word: the next is untouched. */
	assert_int_equal(word[1], 0xdeadbeef);

	depth_fbo(e, GL_DEPTH_COMPONENT32F);
	float f[2] = { -1, -1 };
	sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_DEPTH_COMPONENT, GL_FLOAT, f);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_true(f[0] == 0.5f);
	assert_true(f[1] == -1.0f);
	harness_finish(&h);
}

/* Desktop GL refuses the same pair; the host's GL says so and the guest
 * writes nothing. */
static void test_read_depth_24_8_desktop(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = context(&h, SGLHOST_API_GL_COMPAT, 0);

	depth_fbo(e, GL_DEPTH_COMPONENT24);
	GLuint word = 0xdeadbeef;
	sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_DEPTH_COMPONENT, GL_UNSIGNED_INT_24_8, &word);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(word, 0xdeadbeef);
	harness_finish(&h);
}

/* A 4x4x4 RGBA8 image whose texel (x, y, z) is (x, y, z, 0xff). */
static void fill_slices(uint8_t *img)
{
	for (int z = 0; z < 4; z++)
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 4; x++) {
				uint8_t *t = img + ((z * 4 + y) * 4 + x) * 4;
				t[0] = (uint8_t)x;
				t[1] = (uint8_t)y;
				t[2] = (uint8_t)z;
				t[3] = 0xff;
			}
}

/* GL applies SKIP_IMAGES and IMAGE_HEIGHT to a 3D command's image at any
 * depth: glTexSubImage3D of one slice with SKIP_IMAGES = 2 takes the third
 * image (piglit texsubimage on GL_TEXTURE_3D and cube map arrays: the
 * guest used the first, as if the call were a 2D one). The same on the way
 * back: glGetTexImage of a 3D texture one slice deep starts SKIP_IMAGES
 * images in. */
static void test_skip_images_depth_one(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = context(&h, SGLHOST_API_GL_COMPAT, 0);
	static uint8_t img[4 * 4 * 4 * 4], zero[4 * 4 * 4 * 4], back[4 * 4 * 4 * 4];
	fill_slices(img);

	GLuint tex;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_3D, tex);
	sgl_enc_glTexImage3D(e, GL_TEXTURE_3D, 0, GL_RGBA8, 4, 4, 4, 0, GL_RGBA,
			     GL_UNSIGNED_BYTE, zero);
	sgl_enc_glPixelStorei(e, GL_UNPACK_IMAGE_HEIGHT, 4);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_IMAGES, 2);
	sgl_enc_glTexSubImage3D(e, GL_TEXTURE_3D, 0, 0, 0, 2, 4, 4, 1, GL_RGBA,
				GL_UNSIGNED_BYTE, img);
	sgl_enc_glPixelStorei(e, GL_UNPACK_SKIP_IMAGES, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glGetTexImage(e, GL_TEXTURE_3D, 0, GL_RGBA, GL_UNSIGNED_BYTE, back);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* Slice 2 is the image's third; the others stay zero. */
	assert_memory_equal(back + 2 * 64, img + 2 * 64, 64);
	assert_memory_equal(back, zero, 2 * 64);
	assert_memory_equal(back + 3 * 64, zero, 64);

	/* One slice deep, packed SKIP_IMAGES = 1 images in. */
	GLuint flat;
	sgl_enc_glGenTextures(e, 1, &flat);
	sgl_enc_glBindTexture(e, GL_TEXTURE_3D, flat);
	sgl_enc_glTexImage3D(e, GL_TEXTURE_3D, 0, GL_RGBA8, 4, 4, 1, 0, GL_RGBA,
			     GL_UNSIGNED_BYTE, img + 64);
	memset(back, 0x55, sizeof(back));
	sgl_enc_glPixelStorei(e, GL_PACK_IMAGE_HEIGHT, 4);
	sgl_enc_glPixelStorei(e, GL_PACK_SKIP_IMAGES, 1);
	sgl_enc_glGetTexImage(e, GL_TEXTURE_3D, 0, GL_RGBA, GL_UNSIGNED_BYTE, back);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_memory_equal(back + 64, img + 64, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(back[i], 0x55);
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_depth_gles3),
		cmocka_unit_test(test_read_depth_24_8_desktop),
		cmocka_unit_test(test_skip_images_depth_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
