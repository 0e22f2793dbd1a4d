/* A minimal PNG writer: RGBA8, stored (uncompressed) deflate blocks. */
#ifndef SGL_GUEST_PNG_H
#define SGL_GUEST_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes `rgba` (top row first, `stride` bytes per row) to `path`.
 * Returns 0 or -errno. */
int png_write_rgba(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height,
		   size_t stride);

#endif
