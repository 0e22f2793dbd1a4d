/*
 * The FPS overlay both sides can draw into presented frames (SharedGL's
 * -o): the host with `sgl-host --fps-overlay`, a guest with
 * SGL_FPS_OVERLAY=1. sgl_overlay.c.
 */
#ifndef SGL_OVERLAY_H
#define SGL_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

/* Frames per second of one stream of presents. */
struct sgl_fps_meter {
	int64_t start_ns;     /* of the current half-second window; 0: none yet */
	uint32_t frames;      /* presented in it */
	uint32_t fps;         /* the last window's rate */
};

/* Counts a present at `now_ns` (any monotonic clock); the rate is
 * updated every half second. Returns it. */
uint32_t sgl_fps_tick(struct sgl_fps_meter *m, int64_t now_ns);

/* Draws "<fps> FPS" in white on a black box at the top-left of a frame of
 * 4-byte pixels (BGRA or RGBA alike), first row the top one; clipped to
 * the frame. */
void sgl_overlay_draw(uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
		      uint32_t fps);

#endif
