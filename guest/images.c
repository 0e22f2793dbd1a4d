/* Client images travel tightly packed: the guest applies the application's
 * pixel-store state on its side, the host uploads with a tight one. */
#include "encoder.h"

/* `images`: a 3D command's image (glTexImage3D, glTexSubImage3D, a 3D or
 * array texture's glGetTexImage): GL applies SKIP_IMAGES and IMAGE_HEIGHT
 * to those only, and to those at any depth, 1 included (piglit texsubimage
 * replaces one slice with glTexSubImage3D and SKIP_IMAGES = its zoffset). */
static int layouts(const struct sgl_pixel_store *store, GLenum format, GLenum type, GLsizei w,
		   GLsizei h, GLsizei d, bool images, struct sgl_image_layout *app,
		   struct sgl_image_layout *tight)
{
	struct sgl_pixel_store ps = *store, t;
	if (!images) {
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

/* GL_BITMAP rows hold one bit a pixel, starting SKIP_PIXELS bits in: the
 * wire has them from the first bit of the first byte (whole bytes copy as
 * they are when the skip is whole bytes). Bit order stays the
 * application's; the host applies LSB_FIRST (as SWAP_BYTES) itself. */
static bool bit_at(const uint8_t *row, uint64_t i, bool lsb_first)
{
	return row[i / 8] >> (lsb_first ? i % 8 : 7 - i % 8) & 1;
}

static void put_bit(uint8_t *row, uint64_t i, bool v, bool lsb_first)
{
	uint8_t m = (uint8_t)(1u << (lsb_first ? i % 8 : 7 - i % 8));
	row[i / 8] = v ? (uint8_t)(row[i / 8] | m) : (uint8_t)(row[i / 8] & ~m);
}

static void bitmap_rows(const struct sgl_pixel_store *ps, const struct sgl_image_layout *a,
			const struct sgl_image_layout *t, uint8_t *app, uint8_t *tight,
			GLsizei width, GLsizei height, bool in)
{
	uint64_t skip = (uint64_t)ps->skip_pixels % 8;
	bool lsb = ps->lsb_first;
	for (GLsizei y = 0; y < height; y++) {
		uint8_t *ar = app + a->skip_bytes + (uint64_t)y * a->row_stride;
		uint8_t *tr = tight + (uint64_t)y * t->row_stride;
		for (GLsizei x = 0; x < width; x++) {
			if (in)
				put_bit(tr, (uint64_t)x, bit_at(ar, skip + (uint64_t)x, lsb), lsb);
			else
				put_bit(ar, skip + (uint64_t)x, bit_at(tr, (uint64_t)x, lsb), lsb);
		}
	}
}

void sgl_enc_image_in(struct sgl_enc *e, uint8_t *dst, const void *src, GLenum format,
		      GLenum type, GLsizei width, GLsizei height, GLsizei depth, bool images)
{
	struct sgl_image_layout a, t;
	if (layouts(&e->unpack, format, type, width, height, depth, images, &a, &t) < 0)
		return;
	if (type == GL_BITMAP && e->unpack.skip_pixels % 8) {
		memset(dst, 0, t.tight_bytes);
		bitmap_rows(&e->unpack, &a, &t, (uint8_t *)(uintptr_t)src, dst, width, height, true);
		return;
	}
	const uint8_t *s = (const uint8_t *)src + a.skip_bytes;
	for (GLsizei z = 0; z < depth; z++)
		for (GLsizei y = 0; y < height; y++)
			memcpy(dst + (uint64_t)z * t.image_stride + (uint64_t)y * t.row_stride,
			       s + (uint64_t)z * a.image_stride + (uint64_t)y * a.row_stride,
			       t.row_bytes);
}

const void *sgl_enc_image_tail(struct sgl_enc *e, const void *src, GLenum format, GLenum type,
			       GLsizei width, GLsizei height, GLsizei depth, bool images)
{
	struct sgl_image_layout a, t;
	if (!src || layouts(&e->unpack, format, type, width, height, depth, images, &a, &t) < 0)
		return NULL;
	if (a.row_stride != t.row_stride || (depth > 1 && a.image_stride != t.image_stride))
		return NULL;
	return (const uint8_t *)src + a.skip_bytes;
}

void sgl_enc_image_out(struct sgl_enc *e, void *dst, const uint8_t *src, GLenum format,
		       GLenum type, GLsizei width, GLsizei height, GLsizei depth, bool images)
{
	struct sgl_image_layout a, t;
	if (layouts(&e->pack, format, type, width, height, depth, images, &a, &t) < 0)
		return;
	if (type == GL_BITMAP && e->pack.skip_pixels % 8) {
		bitmap_rows(&e->pack, &a, &t, dst, (uint8_t *)(uintptr_t)src, width, height, false);
		return;
	}
	uint8_t *d = (uint8_t *)dst + a.skip_bytes;
	for (GLsizei z = 0; z < depth; z++)
		for (GLsizei y = 0; y < height; y++)
			memcpy(d + (uint64_t)z * a.image_stride + (uint64_t)y * a.row_stride,
			       src + (uint64_t)z * t.image_stride + (uint64_t)y * t.row_stride,
			       t.row_bytes);
}

/* "If format contains integer components ... an INVALID_OPERATION error is
 * generated" (GL 3.0, 3.7.4), before the format/type pairing is judged
 * (an integer format with a float type is GL_INVALID_ENUM elsewhere). */
void sgl_enc_glDrawPixels(struct sgl_enc *e, GLsizei width, GLsizei height, GLenum format,
			  GLenum type, const void *pixels)
{
	if ((format >= GL_RED_INTEGER && format <= GL_LUMINANCE_ALPHA_INTEGER_EXT) ||
	    format == GL_RG_INTEGER) {
		sgl_enc_error(e, GL_INVALID_OPERATION);
		return;
	}
	sgl_enc_raw_glDrawPixels(e, width, height, format, type, pixels);
}
