/*
 * glPixelStore's rules, one definition for the guest encoder and the host
 * decoder: both track the pixel-store state (the guest to lay client images
 * out, the host to put the guest's state back after it packed an image
 * tight), and they must agree with GL and with each other on every pname
 * and value, or an image lands shifted after the next upload.
 */
#include "sgl_sizes.h"
#include "sgl_gl_types.h"

static const uint32_t pnames[2][SGL_PS_ALL] = {
	{ GL_UNPACK_ALIGNMENT, GL_UNPACK_ROW_LENGTH, GL_UNPACK_IMAGE_HEIGHT,
	  GL_UNPACK_SKIP_PIXELS, GL_UNPACK_SKIP_ROWS, GL_UNPACK_SKIP_IMAGES,
	  GL_UNPACK_SWAP_BYTES, GL_UNPACK_LSB_FIRST },
	{ GL_PACK_ALIGNMENT, GL_PACK_ROW_LENGTH, GL_PACK_IMAGE_HEIGHT,
	  GL_PACK_SKIP_PIXELS, GL_PACK_SKIP_ROWS, GL_PACK_SKIP_IMAGES,
	  GL_PACK_SWAP_BYTES, GL_PACK_LSB_FIRST },
};

int sgl_pixel_store_param(uint32_t pname, bool *pack)
{
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < SGL_PS_ALL; i++)
			if (pnames[k][i] == pname) {
				*pack = k == 1;
				return i;
			}
	return -1;
}

uint32_t sgl_pixel_store_pname(int param, bool pack)
{
	return param >= 0 && param < SGL_PS_ALL ? pnames[pack][param] : 0;
}

int32_t sgl_pixel_store_round(float value)
{
	/* GL 4.6 section 8.4.1: "rounded to the nearest integer". Halves go
	 * away from zero, as Mesa's IROUND; in double, where f +- 0.5 is
	 * exact. Beyond the int32 range the conversion would be undefined:
	 * clamp. NaN has no nearest integer: 0. */
	if (value != value)
		return 0;
	if (value >= 2147483648.0f)
		return INT32_MAX;
	if (value <= -2147483648.0f)
		return INT32_MIN;
	double r = value >= 0 ? (double)value + 0.5 : (double)value - 0.5;
	if (r >= 2147483647.0)
		return INT32_MAX;
	if (r <= -2147483648.0)
		return INT32_MIN;
	return (int32_t)r;
}

int32_t sgl_pixel_store_get(const struct sgl_pixel_store *ps, int param)
{
	switch (param) {
	case SGL_PS_ALIGNMENT: return ps->alignment;
	case SGL_PS_ROW_LENGTH: return ps->row_length;
	case SGL_PS_IMAGE_HEIGHT: return ps->image_height;
	case SGL_PS_SKIP_PIXELS: return ps->skip_pixels;
	case SGL_PS_SKIP_ROWS: return ps->skip_rows;
	case SGL_PS_SKIP_IMAGES: return ps->skip_images;
	case SGL_PS_SWAP_BYTES: return ps->swap_bytes;
	case SGL_PS_LSB_FIRST: return ps->lsb_first;
	default: return 0;
	}
}

bool sgl_pixel_store_set(struct sgl_pixel_store *ps, int param, int32_t value)
{
	/* GL 4.6 section 8.4.1: INVALID_VALUE for a negative length, skip or
	 * height, and for an alignment other than 1, 2, 4 or 8; the state
	 * stays. The booleans take any value (non-zero is true). */
	switch (param) {
	case SGL_PS_SWAP_BYTES:
		ps->swap_bytes = value != 0;
		return true;
	case SGL_PS_LSB_FIRST:
		ps->lsb_first = value != 0;
		return true;
	case SGL_PS_ALIGNMENT:
		if (value != 1 && value != 2 && value != 4 && value != 8)
			return false;
		ps->alignment = value;
		return true;
	default:
		break;
	}
	if (value < 0 || param < 0 || param >= SGL_PS_ALL)
		return false;
	switch (param) {
	case SGL_PS_ROW_LENGTH: ps->row_length = value; break;
	case SGL_PS_IMAGE_HEIGHT: ps->image_height = value; break;
	case SGL_PS_SKIP_PIXELS: ps->skip_pixels = value; break;
	case SGL_PS_SKIP_ROWS: ps->skip_rows = value; break;
	default: ps->skip_images = value; break;
	}
	return true;
}
