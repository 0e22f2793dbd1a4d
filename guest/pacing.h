/* Presents paced to the swap interval an application sets
 * (glXSwapIntervalEXT, eglSwapInterval, wglSwapIntervalEXT): pacing.c. */
#ifndef SGL_GUEST_PACING_H
#define SGL_GUEST_PACING_H

#include <stdint.h>

struct sgl_pacer {
	int interval;        /* refresh periods between presents; 0: unpaced */
	int64_t next_ns;     /* CLOCK_MONOTONIC time the next present is due */
};

/* The interval the application set (negative ones are ignored). */
void sgl_pacer_set(struct sgl_pacer *p, int interval);

/* Before a present: waits until it is due, `interval` periods of the
 * refresh rate ($SGL_REFRESH_HZ, default 60) after the last one. */
void sgl_pacer_wait(struct sgl_pacer *p);

#endif
