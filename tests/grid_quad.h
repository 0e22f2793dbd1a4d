/* The quads of the persistent-map pattern (tests/test_persistent.c,
 * bench/persistent_maps.c): the window as a grid of `grid` x `grid` cells,
 * cell i row by row from the bottom left, each drawn as a quad of 4
 * vertices of one color. */
#ifndef SGL_TEST_GRID_QUAD_H
#define SGL_TEST_GRID_QUAD_H

#include <stdint.h>
#include <string.h>

struct grid_vertex {
	float x, y;
	uint8_t rgba[4];
};

/* Writes cell i's 4 vertices (window coordinates -1..1, counter-clockwise),
 * each of color `rgba` (its bytes as they lie in memory: R, G, B, A). */
static inline void grid_quad(struct grid_vertex *v, int grid, int i, uint32_t rgba)
{
	const float step = 2.0f / (float)grid;
	const float x0 = -1.0f + (float)(i % grid) * step, y0 = -1.0f + (float)(i / grid) * step;
	const float xs[4] = { x0, x0 + step, x0 + step, x0 };
	const float ys[4] = { y0, y0, y0 + step, y0 + step };
	for (int k = 0; k < 4; k++) {
		v[k].x = xs[k];
		v[k].y = ys[k];
		memcpy(v[k].rgba, &rgba, 4);
	}
}

#endif
