/*
 * Which frame the window shows after each SwapBuffers, through our
 * opengl32.dll: 40 frames, each cleared to a colour of its own. Each swap
 * waits for its frame by default, so the window shows frame k after swap k.
 * With SGL_FRAME_LATENCY=1 a swap returns before its frame comes back: the
 * window must show exactly frame k-1 (never an older frame, never a mix:
 * every corner and the middle are checked), and frame k after glFinish.
 * Prints "wgl_latency: ok 64-bit" (or 32-bit) when every frame was right.
 */
#include "wgl_window.h"

#include <GL/gl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES 40

static unsigned colour(int k)
{
	return (unsigned)((k * 6) << 16 | (255 - k * 6) << 8 | (k * 3 + 10));
}

/* The window shows `want` at its corners and middle. */
static bool shows(struct test_window *w, unsigned want)
{
	const int xy[5][2] = { { 0, 0 }, { 63, 0 }, { 0, 47 }, { 63, 47 }, { 32, 24 } };
	for (int i = 0; i < 5; i++) {
		unsigned got = test_window_pixel(w, xy[i][0], xy[i][1]);
		/* GDI may hand 24-bit colour back exactly; allow 2 per channel. */
		for (int s = 0; s < 24; s += 8)
			if (abs((int)((got >> s) & 255) - (int)((want >> s) & 255)) > 2) {
				printf("wgl_latency: pixel %d,%d is %06x, not %06x\n", xy[i][0],
				       xy[i][1], got, want);
				return false;
			}
	}
	return true;
}

int main(void)
{
	const char *v = getenv("SGL_FRAME_LATENCY");
	bool deferred = v && !strcmp(v, "1");
	struct test_window w;
	if (!test_window_open(&w, "wgl_latency", 64, 48, 24, 8, 0, 0))
		return 1;
	int wrong = 0;
	for (int k = 0; k < FRAMES; k++) {
		unsigned c = colour(k);
		glClearColor((c >> 16) / 255.0f, ((c >> 8) & 255) / 255.0f, (c & 255) / 255.0f, 1);
		glClear(GL_COLOR_BUFFER_BIT);
		if (!SwapBuffers(w.dc)) {
			printf("wgl_latency: SwapBuffers failed at frame %d\n", k);
			return 1;
		}
		/* Frame 0 deferred: nothing shown yet, nothing to check. */
		if ((!deferred || k > 0) && !shows(&w, colour(deferred ? k - 1 : k))) {
			printf("wgl_latency: after swap %d the window does not show frame %d\n", k,
			       deferred ? k - 1 : k);
			wrong++;
		}
	}
	glFinish();
	if (!shows(&w, colour(FRAMES - 1))) {
		printf("wgl_latency: after glFinish the window does not show the last frame\n");
		wrong++;
	}
	test_window_close(&w);
	if (wrong)
		return 1;
	printf("wgl_latency: %d frames, each shown %s\n", FRAMES,
	       deferred ? "at the next swap (SGL_FRAME_LATENCY=1)" : "at its own swap");
	printf("wgl_latency: ok %s\n", test_arch());
	return 0;
}
