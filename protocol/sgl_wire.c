/* Size functions of the wire format, shared by guest and host. */
#include "sgl_wire.h"

#include <errno.h>

/* An integer format (GL_RED_INTEGER...GL_LUMINANCE_ALPHA_INTEGER_EXT,
 * GL_RG_INTEGER) with a float type: GL_INVALID_ENUM, as Mesa says (GL 3.0's
 * integer-errors: glReadPixels(GL_RGBA_INTEGER, GL_FLOAT)). */
static bool integer_with_float(uint32_t format, uint32_t type)
{
	bool integer = (format >= 0x8D94 && format <= 0x8D9D) || format == 0x8228;
	return integer && (type == 0x1406 || type == 0x140B || type == 0x8D61 ||
			   type == 0x8C3B || type == 0x8C3E);
}

/* Why GL refuses a format and type that describe no pixel: an unknown
 * one (GL_INVALID_ENUM) or a pairing it rejects (GL_INVALID_OPERATION). */
static int64_t image_error(uint32_t format, uint32_t type)
{
	if (!sgl_pixel_components(format) || integer_with_float(format, type))
		return SGL_LEN_BAD_ENUM;
	for (int n = 1; n <= 4; n++)
		if (sgl_pixel_type_size(type, n, NULL, NULL, NULL) == 0)
			return SGL_LEN_BAD_OP;
	return SGL_LEN_BAD_ENUM;
}

int64_t sgl_image_bytes(int64_t format, int64_t type, int64_t width, int64_t height,
			int64_t depth)
{
	struct sgl_pixel_store tight;
	struct sgl_image_layout l;

	if (format < 0 || format > UINT32_MAX || type < 0 || type > UINT32_MAX ||
	    width < 0 || width > INT32_MAX || height < 0 || height > INT32_MAX ||
	    depth < 0 || depth > INT32_MAX)
		return -1;
	sgl_pixel_store_init(&tight);
	tight.alignment = 1;
	if (sgl_image_layout((uint32_t)format, (uint32_t)type, (int32_t)width, (int32_t)height,
			     (int32_t)depth, &tight, &l) < 0)
		return image_error((uint32_t)format, (uint32_t)type);
	return l.total_bytes > (uint64_t)SGL_MAX_SEGMENT ? -1 : (int64_t)l.total_bytes;
}

int64_t sgl_index_bytes(int64_t count, int64_t type)
{
	int64_t size;

	switch (type) {
	case 0x1401: size = 1; break;   /* GL_UNSIGNED_BYTE */
	case 0x1403: size = 2; break;   /* GL_UNSIGNED_SHORT */
	case 0x1405: size = 4; break;   /* GL_UNSIGNED_INT */
	default: return SGL_LEN_BAD_ENUM;
	}
	return sgl_len_mul(count, size);
}

int64_t sgl_clearbuffer_bytes(int64_t buffer)
{
	switch (buffer) {
	case 0x1801:   /* GL_DEPTH */
	case 0x1802:   /* GL_STENCIL */
		return 4;
	default:       /* GL_COLOR; GL rejects anything else and reads nothing */
		return 16;
	}
}

int64_t sgl_indirect_bytes(int64_t drawcount, int64_t stride, int64_t size)
{
	/* GL rejects these (GL_INVALID_VALUE) and reads nothing. */
	if (drawcount < 0 || stride < 0 || stride % 4 || size <= 0)
		return -1;
	if (drawcount == 0)
		return 0;
	int64_t span = sgl_len_mul(drawcount - 1, stride ? stride : size);
	return span < 0 || span > SGL_MAX_SEGMENT - size ? -1 : span + size;
}

/* Values per control point of an evaluator target (GL 2.1 Table 5.1), 0
 * for a target that is none. GL_MAP2_x is GL_MAP1_x + 0x20. */
enum { MAP1_FIRST = 0x0D90, MAP2_FIRST = 0x0DB0 };
static int64_t eval_k(int64_t target, int64_t first)
{
	/* COLOR_4, INDEX, NORMAL, TEXTURE_COORD_1..4, VERTEX_3, VERTEX_4 */
	static const int8_t k[9] = { 4, 1, 3, 1, 2, 3, 4, 3, 4 };
	return target >= first && target < first + 9 ? k[target - first] : 0;
}

/* GL's MAX_EVAL_ORDER is at least 8; no implementation goes past 64. */
#define EVAL_ORDER_MAX 64
#define EVAL_STRIDE_MAX (1 << 20)

int64_t sgl_map1_bytes(int64_t target, int64_t stride, int64_t order, int64_t elem)
{
	const int64_t k = eval_k(target, MAP1_FIRST);
	if (!k || stride < k || stride > EVAL_STRIDE_MAX || order < 1 || order > EVAL_ORDER_MAX)
		return 0;
	return ((order - 1) * stride + k) * elem;
}

int64_t sgl_map2_bytes(int64_t target, int64_t ustride, int64_t uorder, int64_t vstride,
		       int64_t vorder, int64_t elem)
{
	const int64_t k = eval_k(target, MAP2_FIRST);
	if (!k || ustride < k || vstride < k || ustride > EVAL_STRIDE_MAX ||
	    vstride > EVAL_STRIDE_MAX || uorder < 1 || vorder < 1 || uorder > EVAL_ORDER_MAX ||
	    vorder > EVAL_ORDER_MAX)
		return 0;
	return ((uorder - 1) * ustride + (vorder - 1) * vstride + k) * elem;
}

int sgl_getmap_dims(uint32_t target)
{
	return eval_k(target, MAP1_FIRST) ? 1 : eval_k(target, MAP2_FIRST) ? 2 : 0;
}

int64_t sgl_getmap_values(uint32_t target, uint32_t query, int64_t uorder, int64_t vorder)
{
	enum { COEFF = 0x0A00, ORDER = 0x0A01, DOMAIN = 0x0A02 };
	const int dims = sgl_getmap_dims(target);
	if (!dims)
		return 0;
	switch (query) {
	case ORDER: return dims;
	case DOMAIN: return 2 * dims;
	case COEFF: break;
	default: return 0;
	}
	if (uorder < 1 || uorder > EVAL_ORDER_MAX)
		return 0;
	if (dims == 1)
		return uorder * eval_k(target, MAP1_FIRST);
	if (vorder < 1 || vorder > EVAL_ORDER_MAX)
		return 0;
	return uorder * vorder * eval_k(target, MAP2_FIRST);
}

/* GL_PIXEL_MAP_I_TO_I .. GL_PIXEL_MAP_A_TO_A; their sizes are 0x40 above. */
uint32_t sgl_pixelmap_size_pname(uint32_t map)
{
	return map >= 0x0C70 && map <= 0x0C79 ? map + 0x40 : 0;
}
