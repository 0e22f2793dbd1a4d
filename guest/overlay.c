/*
 * The guest's FPS overlay (SGL_FPS_OVERLAY=1): the frame the host sent is
 * copied, the rate the program presents at is drawn on the copy's top-left
 * corner (protocol/sgl_overlay.c, the same drawing as the host's
 * --fps-overlay) and the copy is what the window system shows. The copy
 * costs a frame's memory and a memcpy per present; without the variable
 * nothing of this runs.
 */
#include "overlay.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool enabled;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
	const char *v = getenv("SGL_FPS_OVERLAY");
	enabled = v && !strcmp(v, "1");
}

bool sgl_overlay_enabled(void)
{
	pthread_once(&once, read_env);
	return enabled;
}

void sgl_overlay_present(void *user, const struct sgl_frame *f)
{
	struct sgl_guest_overlay *o = user;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	uint32_t fps = sgl_fps_tick(&o->fps, (int64_t)t.tv_sec * 1000000000 + t.tv_nsec);
	size_t size = (size_t)f->stride * f->height;
	if (size > o->cap) {
		uint8_t *p = realloc(o->pixels, size);
		if (!p) {
			o->present(o->user, f);   /* no memory: without the overlay */
			return;
		}
		o->pixels = p;
		o->cap = size;
	}
	memcpy(o->pixels, f->pixels, size);
	sgl_overlay_draw(o->pixels, f->width, f->height, f->stride, fps);
	struct sgl_frame copy = *f;
	copy.pixels = o->pixels;
	copy.shmid = -1;          /* ours now, not the host's segment */
	o->present(o->user, &copy);
}
