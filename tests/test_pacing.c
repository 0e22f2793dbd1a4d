/*
 * Presents paced to the swap interval (guest/pacing.c): at 100 Hz an
 * interval of 2 holds 11 presents to at least 10 x 20 ms; interval 0 and
 * an interval never set hold nothing; a present already late is not held.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "pacing.h"

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double run(struct sgl_pacer *p, int presents)
{
	double t0 = seconds();
	for (int i = 0; i < presents; i++)
		sgl_pacer_wait(p);
	return seconds() - t0;
}

static void test_interval(void **state)
{
	(void)state;
	setenv("SGL_REFRESH_HZ", "100", 1);
	struct sgl_pacer p = { 0 };
	assert_true(run(&p, 11) < 0.005);          /* never set: unpaced */
	sgl_pacer_set(&p, 2);
	double t = run(&p, 11);
	printf("# 11 presents at interval 2, 100 Hz: %.3f s\n", t);
	assert_true(t >= 0.199 && t < 0.5);
	sgl_pacer_set(&p, -1);                     /* ignored */
	assert_int_equal(p.interval, 2);
	sgl_pacer_set(&p, 0);
	assert_true(run(&p, 11) < 0.005);
}

static void test_late_present_not_held(void **state)
{
	(void)state;
	setenv("SGL_REFRESH_HZ", "100", 1);
	struct sgl_pacer p = { 0 };
	sgl_pacer_set(&p, 1);
	sgl_pacer_wait(&p);
	struct timespec ms30 = { 0, 30000000 };
	nanosleep(&ms30, NULL);                    /* a slow frame */
	double t0 = seconds();
	sgl_pacer_wait(&p);
	assert_true(seconds() - t0 < 0.005);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_late_present_not_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
