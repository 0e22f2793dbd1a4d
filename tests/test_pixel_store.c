/*
 * glPixelStore{i,f}: the guest's tracked state, the host's tracked state and
 * GL's own agree for every pname and for extreme values (protocol/
 * sgl_pixel_store.c is the one definition both sides use).
 *
 * For each pname and value: a valid baseline, the call, then an upload and a
 * readback with no client memory (NULL: the guest reads and writes nothing,
 * but the host still packs tight around GL's call and puts back the state
 * it tracked), then GL's answer to glGetIntegerv, which must equal what the
 * guest encoder tracked. A host that tracked another value than GL took
 * would put that value back; a guest that tracked another would lay out the
 * next client image wrongly.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static const GLenum pnames[] = {
	GL_UNPACK_ALIGNMENT, GL_UNPACK_ROW_LENGTH, GL_UNPACK_IMAGE_HEIGHT, GL_UNPACK_SKIP_PIXELS,
	GL_UNPACK_SKIP_ROWS, GL_UNPACK_SKIP_IMAGES, GL_UNPACK_SWAP_BYTES, GL_UNPACK_LSB_FIRST,
	GL_PACK_ALIGNMENT, GL_PACK_ROW_LENGTH, GL_PACK_IMAGE_HEIGHT, GL_PACK_SKIP_PIXELS,
	GL_PACK_SKIP_ROWS, GL_PACK_SKIP_IMAGES, GL_PACK_SWAP_BYTES, GL_PACK_LSB_FIRST,
};

static const float floats[] = {
	0.0f, 0.49999997f, 0.5f, 1.0f, 1.5f, 2.5f, 3.49f, 3.5f, 7.5f, 8.0f, 8.4f, 8.5f,
	-0.4f, -0.5f, -1.0f, -2.5f, 1e9f, 2147483520.0f, 2147483648.0f, 1e10f, -1e10f,
	-2147483648.0f, 3.4028235e38f, -3.4028235e38f, INFINITY, -INFINITY, NAN,
};

static const GLint ints[] = { 0, 1, 2, 3, 4, 5, 8, 16, -1, -8, 2147483647, -2147483647 - 1 };

static int32_t guest_value(struct sgl_enc *e, GLenum pname)
{
	bool pack;
	int param = sgl_pixel_store_param(pname, &pack);
	assert_true(param >= 0);
	return sgl_pixel_store_get(pack ? &e->pack : &e->unpack, param);
}

/* Sets pname with `set`, then checks GL and the guest agree after the host
 * packed tight and put its state back (sides: unpack for uploads, pack for
 * readbacks). */
static void check(struct harness *h, GLenum pname, bool is_float, float f, GLint i)
{
	struct sgl_enc *e = &h->enc;
	GLint got = -12345;
	sgl_enc_glPixelStorei(e, pname, pname == GL_UNPACK_ALIGNMENT || pname == GL_PACK_ALIGNMENT
				   ? 2 : 1);
	if (is_float)
		sgl_enc_glPixelStoref(e, pname, f);
	else
		sgl_enc_glPixelStorei(e, pname, i);
	GLenum err = sgl_enc_glGetError(e);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 1, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     NULL);
	sgl_enc_glReadPixels(e, 0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	sgl_enc_glGetError(e);
	sgl_enc_glGetIntegerv(e, pname, &got);
	int32_t guest = guest_value(e, pname);
	if (got != guest) {
		if (is_float)
			fail_msg("glPixelStoref(0x%04x, %.9g) (error 0x%x): GL has %d, the guest %d",
				 pname, (double)f, err, got, guest);
		else
			fail_msg("glPixelStorei(0x%04x, %d) (error 0x%x): GL has %d, the guest %d",
				 pname, i, err, got, guest);
	}
	/* GL's error and the state agree: an error leaves the baseline. */
	int32_t base = pname == GL_UNPACK_ALIGNMENT || pname == GL_PACK_ALIGNMENT ? 2 : 1;
	if (err != GL_NO_ERROR)
		assert_int_equal(got, base);
	assert_false(harness_lost(h, NULL, 0));
}

static void test_agree(void **state)
{
	(void)state;
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context(&h, SGLHOST_API_GL_COMPAT, 8, 8));
	GLuint tex = 0;
	sgl_enc_glGenTextures(&h.enc, 1, &tex);
	sgl_enc_glBindTexture(&h.enc, GL_TEXTURE_2D, tex);
	unsigned n = 0;
	for (size_t p = 0; p < sizeof(pnames) / sizeof(pnames[0]); p++) {
		for (size_t k = 0; k < sizeof(floats) / sizeof(floats[0]); k++, n++)
			check(&h, pnames[p], true, floats[k], 0);
		for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++, n++)
			check(&h, pnames[p], false, 0.0f, ints[k]);
	}
	printf("# %u pixel-store calls: GL, host and guest agree\n", n);
	harness_finish(&h);
}

/* The rounding itself, where GL says "nearest integer". */
static void test_round(void **state)
{
	(void)state;
	assert_int_equal(sgl_pixel_store_round(0.49999997f), 0);
	assert_int_equal(sgl_pixel_store_round(0.5f), 1);
	assert_int_equal(sgl_pixel_store_round(2.5f), 3);
	assert_int_equal(sgl_pixel_store_round(-0.5f), -1);
	assert_int_equal(sgl_pixel_store_round(-0.4f), 0);
	assert_int_equal(sgl_pixel_store_round(2147483520.0f), 2147483520);
	assert_int_equal(sgl_pixel_store_round(2147483648.0f), INT32_MAX);
	assert_int_equal(sgl_pixel_store_round(INFINITY), INT32_MAX);
	assert_int_equal(sgl_pixel_store_round(-2147483648.0f), INT32_MIN);
	assert_int_equal(sgl_pixel_store_round(-INFINITY), INT32_MIN);
	assert_int_equal(sgl_pixel_store_round(NAN), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
