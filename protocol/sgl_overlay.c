/* The FPS overlay (sgl_overlay.h): a 3x5 pixel font scaled by 2. */
#include "sgl_overlay.h"

#include <stdio.h>
#include <string.h>

#define SCALE 2
#define MARGIN 2

/* Rows of 3 bits, top first, for the characters the overlay shows. */
static const uint8_t *glyph(char c)
{
	static const uint8_t digits[10][5] = {
		{ 7, 5, 5, 5, 7 }, { 2, 6, 2, 2, 7 }, { 7, 1, 7, 4, 7 }, { 7, 1, 7, 1, 7 },
		{ 5, 5, 7, 1, 1 }, { 7, 4, 7, 1, 7 }, { 7, 4, 7, 5, 7 }, { 7, 1, 1, 1, 1 },
		{ 7, 5, 7, 5, 7 }, { 7, 5, 7, 1, 7 },
	};
	static const uint8_t f[5] = { 7, 4, 6, 4, 4 }, p[5] = { 6, 5, 6, 4, 4 },
			     s[5] = { 7, 4, 7, 1, 7 }, space[5] = { 0 };
	if (c >= '0' && c <= '9')
		return digits[c - '0'];
	return c == 'F' ? f : c == 'P' ? p : c == 'S' ? s : space;
}

uint32_t sgl_fps_tick(struct sgl_fps_meter *m, int64_t now_ns)
{
	if (!m->start_ns || now_ns < m->start_ns) {
		m->start_ns = now_ns;
		m->frames = 0;
	}
	m->frames++;
	int64_t span = now_ns - m->start_ns;
	if (span >= 500000000) {
		m->fps = (uint32_t)(((int64_t)m->frames * 1000000000 + span / 2) / span);
		m->start_ns = now_ns;
		m->frames = 0;
	}
	return m->fps;
}

static void fill(uint8_t *pixels, uint32_t width, uint32_t height, size_t stride, uint32_t x0,
		 uint32_t y0, uint32_t w, uint32_t h, uint8_t v)
{
	for (uint32_t y = y0; y < y0 + h && y < height; y++)
		for (uint32_t x = x0; x < x0 + w && x < width; x++) {
			uint8_t *p = pixels + (size_t)y * stride + (size_t)x * 4;
			p[0] = p[1] = p[2] = v;   /* grey: the same in BGRA and RGBA */
			p[3] = 0xff;
		}
}

void sgl_overlay_draw(uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
		      uint32_t fps)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%u FPS", (unsigned)fps);
	const uint32_t advance = 4 * SCALE;
	fill(pixels, width, height, stride, 0, 0, 2 * MARGIN + (uint32_t)n * advance,
	     2 * MARGIN + 5 * SCALE, 0);
	for (int i = 0; i < n; i++) {
		const uint8_t *g = glyph(text[i]);
		for (uint32_t row = 0; row < 5; row++)
			for (uint32_t col = 0; col < 3; col++)
				if (g[row] & (4 >> col))
					fill(pixels, width, height, stride,
					     MARGIN + (uint32_t)i * advance + col * SCALE,
					     MARGIN + row * SCALE, SCALE, SCALE, 0xff);
	}
}
