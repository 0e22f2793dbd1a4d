/*
 * Round trips through opengl32.dll: N calls of glGetError (argv[1],
 * default 2000), each a request and its answer over the transport, timed
 * one by one. Prints "wgl_roundtrip: N round trips, p50 X us, p99 Y us".
 * (On Wine's builtin opengl32 glGetError stays in the process: the figure
 * is ours only; bench/bench_windows.sh.)
 */
#include "wgl_window.h"

#include <GL/gl.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct test_window w;
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	if (n < 1 || !test_window_open(&w, "wgl_roundtrip", 64, 64, 0, 0, 0, 0))
		return 1;
	double *us = malloc(sizeof(*us) * (size_t)n);
	LARGE_INTEGER freq, t0, t1;
	QueryPerformanceFrequency(&freq);
	glGetError();   /* the session is up before the first timed call */
	for (int i = 0; i < n && us; i++) {
		QueryPerformanceCounter(&t0);
		GLenum e = glGetError();
		QueryPerformanceCounter(&t1);
		us[i] = (double)(t1.QuadPart - t0.QuadPart) * 1e6 / (double)freq.QuadPart;
		if (e != GL_NO_ERROR) {
			printf("wgl_roundtrip: FAILED: glGetError %#x\n", e);
			return 1;
		}
	}
	if (!us)
		return 1;
	qsort(us, (size_t)n, sizeof(*us), compare);
	printf("wgl_roundtrip: %d round trips, p50 %.1f us, p99 %.1f us\n", n, us[n / 2],
	       us[(size_t)n * 99 / 100]);
	test_window_close(&w);
	free(us);
	printf("wgl_roundtrip: ok %s\n", test_arch());
	return 0;
}
