/* SGL_FPS_OVERLAY=1: the guest's frame rate drawn into each frame it
 * presents (overlay.c), in every guest. */
#ifndef SGL_GUEST_OVERLAY_H
#define SGL_GUEST_OVERLAY_H

#include <stdbool.h>

#include "session.h"
#include "sgl_overlay.h"

/* A context's overlay: its frame rate and a copy of its frame to draw on. */
struct sgl_guest_overlay {
	struct sgl_fps_meter fps;
	uint8_t *pixels;
	size_t cap;
	/* The present it wraps, for one swap. */
	sgl_present_fn present;
	void *user;
};

/* Whether $SGL_FPS_OVERLAY is 1 (read once). */
bool sgl_overlay_enabled(void);

/* Presents through `o`: counts the frame, draws the rate into a copy of
 * it and hands the copy to o->present. */
void sgl_overlay_present(void *o, const struct sgl_frame *frame);

#endif
