/* Client images travel tightly packed: the guest applies the application's
 * pixel-store state on its side, the host uploads with a tight one. */
#include "encoder.h"

static int layouts(const struct sgl_pixel_store *store, GLenum format, GLenum type, GLsizei w,
		   GLsizei h, GLsizei d, struct sgl_image_layout *app, struct sgl_image_layout *tight)
{
	struct sgl_pixel_store ps = *store, t;
	if (d <= 1) {
		/* GL applies these to 3D images only. */
		ps.skip_images = 0;
		ps.image_height = 0;
	}
	sgl_pixel_store_init(&t);
	t.alignment = 1;
	if (sgl_image_layout(format, type, w, h, d, &ps, app) < 0 ||
	    sgl_image_layout(format, type, w, h, d, &t, tight) < 0)
		return -1;
	return 0;
}

void sgl_enc_image_in(struct sgl_enc *e, uint8_t *dst, const void *src, GLenum format,
		      GLenum type, GLsizei width, GLsizei height, GLsizei depth)
{
	struct sgl_image_layout a, t;
	if (layouts(&e->unpack, format, type, width, height, depth, &a, &t) < 0)
		return;
	const uint8_t *s = (const uint8_t *)src + a.skip_bytes;
	for (GLsizei z = 0; z < depth; z++)
		for (GLsizei y = 0; y < height; y++)
			memcpy(dst + (uint64_t)z * t.image_stride + (uint64_t)y * t.row_stride,
			       s + (uint64_t)z * a.image_stride + (uint64_t)y * a.row_stride,
			       t.row_bytes);
}

const void *sgl_enc_image_tail(struct sgl_enc *e, const void *src, GLenum format, GLenum type,
			       GLsizei width, GLsizei height, GLsizei depth)
{
	struct sgl_image_layout a, t;
	if (!src || layouts(&e->unpack, format, type, width, height, depth, &a, &t) < 0)
		return NULL;
	if (a.row_stride != t.row_stride || (depth > 1 && a.image_stride != t.image_stride))
		return NULL;
	return (const uint8_t *)src + a.skip_bytes;
}

void sgl_enc_image_out(struct sgl_enc *e, void *dst, const uint8_t *src, GLenum format,
		       GLenum type, GLsizei width, GLsizei height, GLsizei depth)
{
	struct sgl_image_layout a, t;
	if (layouts(&e->pack, format, type, width, height, depth, &a, &t) < 0)
		return;
	uint8_t *d = (uint8_t *)dst + a.skip_bytes;
	for (GLsizei z = 0; z < depth; z++)
		for (GLsizei y = 0; y < height; y++)
			memcpy(d + (uint64_t)z * a.image_stride + (uint64_t)y * a.row_stride,
			       src + (uint64_t)z * t.image_stride + (uint64_t)y * t.row_stride,
			       t.row_bytes);
}
