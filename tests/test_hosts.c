/*
 * Several hosts in one process, and share groups.
 *
 * - Two hosts (two sglhost_create on the same surfaceless display), one
 *   context each, with interleaved submits: each keeps its own state and
 *   renders its own clear colour. Destroying one host (with a context still
 *   alive, which sglhost_destroy must destroy) leaves the other working, and
 *   a host created afterwards works too.
 * - Two contexts in one share group: a texture made by one is usable by the
 *   other (names are shared), not by a context outside the group; the group
 *   outlives the context that made it.
 *
 * Each context has its own guest encoder with its own name allocator. The
 * contexts of a share group must not both allocate names of a shared class
 * (their allocators would collide), so only context A creates textures here;
 * B uses A's names by value.
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

#define W 32
#define H 24

#define RED RGBA(255, 0, 0, 255)
#define GREEN RGBA(0, 255, 0, 255)
#define BLUE RGBA(0, 0, 255, 255)
#define YELLOW RGBA(255, 255, 0, 255)
#define MAGENTA RGBA(255, 0, 255, 255)
#define CYAN RGBA(0, 255, 255, 255)

/* ---------------------------------------------------------------------- */
/* Several contexts per host (harness_peer): their state and pixels. */

static bool ctx_lost(struct sglhost_context *ctx, char *reason, size_t n)
{
	struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
	assert_int_equal(sglhost_context_get_status(ctx, &st), 0);
	snprintf(reason, n, "%s", st.reason);
	return st.lost;
}

static void assert_alive(struct sglhost_context *ctx)
{
	char reason[256];
	if (ctx_lost(ctx, reason, sizeof(reason)))
		fail_msg("context lost: %s", reason);
}

static uint32_t ctx_pixel(struct sglhost_context *ctx, uint32_t x, uint32_t y)
{
	uint32_t px[W * H];
	assert_int_equal(sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_RGBA8888, px, W * 4, W, H),
			 0);
	return px[y * W + x];
}

static void clear_color(struct sgl_enc *e, uint32_t rgba)
{
	sgl_enc_glClearColor(e, (float)(rgba & 255) / 255.0f, (float)(rgba >> 8 & 255) / 255.0f,
			     (float)(rgba >> 16 & 255) / 255.0f, 1.0f);
}

/* Clears to `rgba`, swaps, checks two pixels. */
static void render_check(struct sgl_enc *e, struct sglhost_context *ctx, uint32_t rgba)
{
	clear_color(e, rgba);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(sgl_enc_flush(e), 0);
	assert_int_equal(ctx_pixel(ctx, W / 2, H / 2), rgba);
	assert_int_equal(ctx_pixel(ctx, W - 1, H - 1), rgba);
	assert_alive(ctx);
}

/* ---------------------------------------------------------------------- */

/* One frame on two hosts, submit by submit in alternation. */
static void interleaved_frame(struct harness *a, struct harness *b, uint32_t ca, uint32_t cb)
{
	clear_color(&a->enc, ca);
	assert_int_equal(sgl_enc_flush(&a->enc), 0);
	clear_color(&b->enc, cb);
	assert_int_equal(sgl_enc_flush(&b->enc), 0);
	sgl_enc_glClear(&a->enc, GL_COLOR_BUFFER_BIT);
	assert_int_equal(sgl_enc_flush(&a->enc), 0);
	sgl_enc_glClear(&b->enc, GL_COLOR_BUFFER_BIT);
	assert_int_equal(sgl_enc_flush(&b->enc), 0);
	/* Each host's state is its own: a query on one between the other's
	 * submits sees its own clear colour. */
	GLfloat cc[4] = { -1, -1, -1, -1 };
	sgl_enc_glGetFloatv(&a->enc, GL_COLOR_CLEAR_VALUE, cc);
	assert_true(cc[0] == (float)(ca & 255) / 255.0f && cc[2] == (float)(ca >> 16 & 255) / 255.0f);
	sgl_enc_sglSwapBuffers(&b->enc);
	assert_int_equal(sgl_enc_flush(&b->enc), 0);
	sgl_enc_sglSwapBuffers(&a->enc);
	assert_int_equal(sgl_enc_flush(&a->enc), 0);

	assert_int_equal(harness_pixel(b, W / 2, H / 2), cb);
	assert_int_equal(harness_pixel(a, W / 2, H / 2), ca);
	assert_int_equal(harness_pixel(b, 0, 0), cb);
	assert_int_equal(harness_pixel(a, 0, 0), ca);
	assert_false(harness_lost(a, NULL, 0));
	assert_false(harness_lost(b, NULL, 0));
}

static void test_two_hosts(void **state)
{
	(void)state;
	struct harness a, b;
	if (!harness_host(&a))
		skip();
	assert_true(harness_host(&b));
	assert_ptr_not_equal(a.host, b.host);
	assert_true(harness_context(&a, SGLHOST_API_GL_COMPAT, W, H));
	assert_true(harness_context(&b, SGLHOST_API_GL_COMPAT, W, H));

	interleaved_frame(&a, &b, RED, GREEN);
	interleaved_frame(&a, &b, BLUE, YELLOW);
	/* Objects with the same guest name on both hosts stay apart. */
	GLuint ta, tb;
	sgl_enc_glGenTextures(&a.enc, 1, &ta);
	sgl_enc_glGenTextures(&b.enc, 1, &tb);
	assert_int_equal(ta, tb);
	sgl_enc_glBindTexture(&a.enc, GL_TEXTURE_2D, ta);
	assert_true(sgl_enc_glIsTexture(&a.enc, ta));
	sgl_enc_glDeleteTextures(&b.enc, 1, &tb);
	assert_true(sgl_enc_glIsTexture(&a.enc, ta));
	assert_int_equal(sgl_enc_glGetError(&a.enc), GL_NO_ERROR);
	assert_int_equal(sgl_enc_glGetError(&b.enc), GL_NO_ERROR);
	interleaved_frame(&a, &b, MAGENTA, CYAN);

	/* Destroy host A with its context still alive: sglhost_destroy
	 * destroys what is left. B carries on. */
	sgl_enc_finish(&a.enc);
	sglhost_destroy(a.host);
	free(a.reply);
	memset(&a, 0, sizeof(a));

	render_check(&b.enc, b.ctx, RED);
	/* B can still make contexts. */
	struct harness extra;
	harness_peer(&extra, b.host, NULL, SGLHOST_API_GL_COMPAT, W, H);
	render_check(&extra.enc, extra.ctx, GREEN);
	harness_finish(&extra);
	render_check(&b.enc, b.ctx, BLUE);

	/* A host made after another went away works, next to B. */
	struct harness c;
	assert_true(harness_host(&c));
	assert_true(harness_context(&c, SGLHOST_API_GL_COMPAT, W, H));
	render_check(&c.enc, c.ctx, YELLOW);
	render_check(&b.enc, b.ctx, MAGENTA);
	harness_finish(&c);
	render_check(&b.enc, b.ctx, CYAN);
	harness_finish(&b);
}

/* A 4x4 texture of one colour, made and filled by `e`. */
static GLuint make_texture(struct sgl_enc *e, uint32_t rgba)
{
	uint32_t img[16];
	for (int i = 0; i < 16; i++)
		img[i] = rgba;
	GLuint t;
	sgl_enc_glGenTextures(e, 1, &t);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, t);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE, img);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, 0);
	sgl_enc_glFinish(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	return t;
}

static void test_share_group(void **state)
{
	(void)state;
	struct harness h;
	if (!harness_host(&h))
		skip();
	struct harness a, b, c;
	harness_peer(&a, h.host, NULL, SGLHOST_API_GL_COMPAT, W, H);
	harness_peer(&b, h.host, a.ctx, SGLHOST_API_GL_COMPAT, W, H);  /* A's share group */
	harness_peer(&c, h.host, NULL, SGLHOST_API_GL_COMPAT, W, H);   /* a group of its own */

	GLuint t = make_texture(&a.enc, MAGENTA);
	assert_int_equal(sgl_enc_flush(&a.enc), 0);

	/* B: A's name, encoded by B's encoder, is a texture, with A's data. */
	assert_true(sgl_enc_glIsTexture(&b.enc, t));
	assert_int_equal(harness_texel(&b.enc, t, 1, 2), MAGENTA);
	sgl_enc_glBindTexture(&b.enc, GL_TEXTURE_2D, t);
	assert_int_equal(sgl_enc_glGetError(&b.enc), GL_NO_ERROR);
	GLint bound = 0;
	sgl_enc_glGetIntegerv(&b.enc, GL_TEXTURE_BINDING_2D, &bound);
	assert_int_equal(bound, (GLint)t);
	sgl_enc_glBindTexture(&b.enc, GL_TEXTURE_2D, 0);

	/* C is outside the group: the name means nothing there. Binding it
	 * (compatibility profile) makes C's own texture, empty, not A's. */
	assert_false(sgl_enc_glIsTexture(&c.enc, t));
	sgl_enc_glBindTexture(&c.enc, GL_TEXTURE_2D, t);
	assert_int_equal(sgl_enc_glGetError(&c.enc), GL_NO_ERROR);
	GLint width = -1;
	sgl_enc_glGetTexLevelParameteriv(&c.enc, GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &width);
	assert_int_equal(width, 0);
	sgl_enc_glBindTexture(&c.enc, GL_TEXTURE_2D, 0);

	/* B changes the texture, A sees it. */
	uint32_t cyan[16];
	for (int i = 0; i < 16; i++)
		cyan[i] = CYAN;
	sgl_enc_glBindTexture(&b.enc, GL_TEXTURE_2D, t);
	sgl_enc_glTexSubImage2D(&b.enc, GL_TEXTURE_2D, 0, 0, 0, 4, 4, GL_RGBA, GL_UNSIGNED_BYTE,
				cyan);
	sgl_enc_glBindTexture(&b.enc, GL_TEXTURE_2D, 0);
	sgl_enc_glFinish(&b.enc);
	assert_int_equal(sgl_enc_glGetError(&b.enc), GL_NO_ERROR);
	assert_int_equal(harness_texel(&a.enc, t, 3, 3), CYAN);

	/* B deletes it: gone for A too. */
	sgl_enc_glDeleteTextures(&b.enc, 1, &t);
	assert_int_equal(sgl_enc_flush(&b.enc), 0); /* B's batch before A's query */
	assert_false(sgl_enc_glIsTexture(&a.enc, t));
	assert_false(sgl_enc_glIsTexture(&b.enc, t));

	/* The group outlives the context that made its objects. */
	GLuint t2 = make_texture(&a.enc, YELLOW);
	assert_int_equal(sgl_enc_flush(&a.enc), 0);
	harness_finish(&a);
	assert_true(sgl_enc_glIsTexture(&b.enc, t2));
	assert_int_equal(harness_texel(&b.enc, t2, 0, 0), YELLOW);

	/* Everyone still renders. */
	render_check(&b.enc, b.ctx, GREEN);
	render_check(&c.enc, c.ctx, BLUE);
	assert_alive(b.ctx);
	assert_alive(c.ctx);
	harness_finish(&b);
	harness_finish(&c);
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_hosts),
		cmocka_unit_test(test_share_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
