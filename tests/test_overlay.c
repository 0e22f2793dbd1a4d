/*
 * The FPS overlay (protocol/sgl_overlay.c): the rate a meter measures, the
 * box and digits it draws (clipped to small frames), and the host's
 * SGLHOST_CONFIG_FPS_OVERLAY drawing it into the frames it reads back
 * after swaps, and only then. The guest's SGL_FPS_OVERLAY draws the same
 * (guest/overlay.c; tests/windows/run.sh checks it in a presented frame).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"
#include "sgl_overlay.h"

static void test_meter(void **state)
{
	(void)state;
	struct sgl_fps_meter m = { 0 };
	uint32_t fps = 0;
	/* 100 presents a second for a second, starting at an arbitrary time. */
	for (int i = 0; i <= 100; i++)
		fps = sgl_fps_tick(&m, 5000000000 + (int64_t)i * 10000000);
	assert_int_equal(fps, 100);
	for (int i = 1; i <= 30; i++)   /* then 30 a second */
		fps = sgl_fps_tick(&m, 6000000000 + (int64_t)i * 33333333);
	assert_int_equal(fps, 30);
}

#define W 80
#define H 20

static uint8_t at(const uint8_t *p, int x, int y)
{
	return p[(y * W + x) * 4];
}

static void test_draw(void **state)
{
	(void)state;
	uint8_t *p = malloc(W * H * 4);
	memset(p, 0x80, W * H * 4);
	sgl_overlay_draw(p, W, H, W * 4, 42);
	/* "42 FPS": 6 glyphs of 8 pixels and a 2-pixel margin each side. */
	assert_int_equal(at(p, 0, 0), 0);            /* the box */
	assert_int_equal(at(p, 51, 13), 0);
	assert_int_equal(at(p, 52, 0), 0x80);        /* right of it */
	assert_int_equal(at(p, 0, 14), 0x80);        /* below it */
	assert_int_equal(at(p, 2, 2), 0xff);         /* the 4's top-left stroke */
	assert_int_equal(at(p, 4, 2), 0);            /* and its gap */
	int white = 0;
	for (int i = 0; i < W * H * 4; i++)
		white += p[i] == 0xff;
	assert_true(white > 4 * 40);
	/* Clipped to a frame smaller than the box. */
	uint8_t small[6 * 4 * 4];
	memset(small, 0x80, sizeof(small));
	sgl_overlay_draw(small, 6, 4, 6 * 4, 123456);
	assert_int_equal(small[0], 0);
	free(p);
}

/* Red frames swapped 20 ms apart on a host with(out) the overlay: the
 * top-left of the frame read back. */
static uint32_t frame_corner(uint32_t flags, uint32_t *far)
{
	struct harness h;
	if (!harness_host_flags(&h, flags))
		skip();
	assert_true(harness_context(&h, SGLHOST_API_GL_COMPAT, 96, 32));
	struct timespec ms20 = { 0, 20000000 };
	for (int i = 0; i < 40; i++) {
		sgl_enc_glClearColor(&h.enc, 1, 0, 0, 1);
		sgl_enc_glClear(&h.enc, GL_COLOR_BUFFER_BIT);
		sgl_enc_sglSwapBuffers(&h.enc);
		sgl_enc_flush(&h.enc);
		nanosleep(&ms20, NULL);
	}
	uint32_t corner = harness_pixel(&h, 0, 0);
	*far = harness_pixel(&h, 90, 28);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
	return corner;
}

static void test_host_overlay(void **state)
{
	(void)state;
	uint32_t far;
	assert_int_equal(frame_corner(SGLHOST_CONFIG_FPS_OVERLAY, &far), BLACK);
	assert_int_equal(far, RED);
	assert_int_equal(frame_corner(0, &far), RED);
	assert_int_equal(far, RED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meter),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_host_overlay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
