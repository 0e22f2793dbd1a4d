/*
 * Value counts of pname-style pointer arguments and client-memory image
 * sizes, shared by the guest encoder and the host decoder.
 *
 * The pname table is written from the state tables of the OpenGL 4.6
 * compatibility profile (chapter 23) and OpenGL ES 3.2 (chapter 21), plus a
 * few extensions whose queries we forward.  Only pnames whose count is not 1
 * are listed; everything else counts 1.
 *
 * The GL enum values come from sgl_gl_types.h, which the generator writes
 * from gl.xml (no GL headers: the file builds the same everywhere).
 */
#include <errno.h>

#include "sgl_gl_types.h"
#include "sgl_sizes.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- table lookup ------------------------------------------------------ */

/*
 * Binary search over a table sorted by a leading uint32_t pname member.
 * Returns the matching element or NULL.
 */
static const void *find_sorted(const void *base, size_t n, size_t size, uint32_t pname)
{
	const char *bytes = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t key = *(const uint32_t *)(const void *)(bytes + mid * size);

		if (key == pname)
			return bytes + mid * size;
		if (key < pname)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- pname value counts ------------------------------------------------ */

#define N(pname, count) { GL_##pname, (count), 0 }
#define DYN(pname, source) { GL_##pname, SGL_PNAME_COUNT_DYNAMIC, GL_##source }

/* Sorted by value: the lookup is a binary search (the tests check order). */
static const struct sgl_pname_entry pname_table[] = {
	/* Current values (GL 4.6 compat table 23.8): colours and texture
	 * coordinates are RGBA / STRQ, the normal is XYZ. */
	N(CURRENT_COLOR, 4),
	N(CURRENT_NORMAL, 3),
	N(CURRENT_TEXTURE_COORDS, 4),
	N(CURRENT_RASTER_COLOR, 4),
	N(CURRENT_RASTER_TEXTURE_COORDS, 4),
	N(CURRENT_RASTER_POSITION, 4),
	/* Same value as SMOOTH_POINT_SIZE_RANGE / SMOOTH_LINE_WIDTH_RANGE:
	 * min and max. */
	N(POINT_SIZE_RANGE, 2),
	N(LINE_WIDTH_RANGE, 2),
	/* Front and back mode (compat table 23.13); the core profile keeps
	 * two values too, as does GL_POLYGON_MODE_NV on ES. */
	N(POLYGON_MODE, 2),
	N(LIGHT_MODEL_AMBIENT, 4),
	N(FOG_COLOR, 4),
	/* Near and far; also per viewport through glGet{Float,Double}i_v. */
	N(DEPTH_RANGE, 2),
	N(ACCUM_CLEAR_VALUE, 4),
	/* x, y, width, height; also per viewport through glGet*i_v. */
	N(VIEWPORT, 4),
	N(MODELVIEW_MATRIX, 16),
	N(PROJECTION_MATRIX, 16),
	N(TEXTURE_MATRIX, 16),
	N(SCISSOR_BOX, 4),
	N(COLOR_CLEAR_VALUE, 4),
	/* Per draw buffer through glGetBooleani_v, still RGBA. */
	N(COLOR_WRITEMASK, 4),
	N(MAX_VIEWPORT_DIMS, 2),
	/* Evaluator grids (compat table 23.21): u1,u2 / u1,u2,v1,v2 and
	 * un / un,vn.  MAP1_GRID_SEGMENTS is a single value. */
	N(MAP1_GRID_DOMAIN, 2),
	N(MAP2_GRID_DOMAIN, 4),
	N(MAP2_GRID_SEGMENTS, 2),
	/* glTexParameter / glSamplerParameter. */
	N(TEXTURE_BORDER_COLOR, 4),
	/* glLight / glMaterial (GL 4.6 compat section 12.2.1, table 12.2):
	 * the position is homogeneous, the spot direction is not. */
	N(AMBIENT, 4),
	N(DIFFUSE, 4),
	N(SPECULAR, 4),
	N(POSITION, 4),
	N(SPOT_DIRECTION, 3),
	N(EMISSION, 4),
	N(AMBIENT_AND_DIFFUSE, 4),
	/* Ambient, diffuse and specular colour indices. */
	N(COLOR_INDEXES, 3),
	/* glTexEnv. */
	N(TEXTURE_ENV_COLOR, 4),
	/* glTexGen: plane coefficients p1..p4. */
	N(OBJECT_PLANE, 4),
	N(EYE_PLANE, 4),
	N(BLEND_COLOR, 4),
	/* glConvolutionParameter / glColorTableParameter (imaging subset):
	 * one scale or bias per RGBA component. */
	N(CONVOLUTION_FILTER_SCALE, 4),
	N(CONVOLUTION_FILTER_BIAS, 4),
	N(COLOR_MATRIX, 16),
	N(COLOR_TABLE_SCALE, 4),
	N(COLOR_TABLE_BIAS, 4),
	/* glPointParameter: constant, linear and quadratic coefficients
	 * (same value as DISTANCE_ATTENUATION_EXT). */
	N(POINT_DISTANCE_ATTENUATION, 3),
	N(CONVOLUTION_BORDER_COLOR, 4),
	N(VIEWPORT_BOUNDS_RANGE, 2),
	/* glGetProgramiv: the local size x, y, z of a compute program. */
	N(COMPUTE_WORK_GROUP_SIZE, 3),
	N(CURRENT_SECONDARY_COLOR, 4),
	N(CURRENT_RASTER_SECONDARY_COLOR, 4),
	N(ALIASED_POINT_SIZE_RANGE, 2),
	N(ALIASED_LINE_WIDTH_RANGE, 2),
	N(TRANSPOSE_MODELVIEW_MATRIX, 16),
	N(TRANSPOSE_PROJECTION_MATRIX, 16),
	N(TRANSPOSE_TEXTURE_MATRIX, 16),
	N(TRANSPOSE_COLOR_MATRIX, 16),
	/* glGetVertexAttrib*v. */
	N(CURRENT_VERTEX_ATTRIB, 4),
	/* ARB_vertex_program's current matrix, still queried by old code. */
	N(CURRENT_MATRIX_ARB, 16),
	/* One entry per format: the list is as long as NUM_... says. */
	DYN(COMPRESSED_TEXTURE_FORMATS, NUM_COMPRESSED_TEXTURE_FORMATS),
	DYN(PROGRAM_BINARY_FORMATS, NUM_PROGRAM_BINARY_FORMATS),
	/* EXT_depth_bounds_test: zmin, zmax. */
	N(DEPTH_BOUNDS_EXT, 2),
	N(TRANSPOSE_CURRENT_MATRIX_ARB, 16),
	/* OES_matrix_get (ES 1.1): the matrices as raw float bits. */
	N(MODELVIEW_MATRIX_FLOAT_AS_INT_BITS_OES, 16),
	N(PROJECTION_MATRIX_FLOAT_AS_INT_BITS_OES, 16),
	N(TEXTURE_MATRIX_FLOAT_AS_INT_BITS_OES, 16),
	/* OES_draw_texture: glTexParameter crop rectangle u, v, w, h. */
	N(TEXTURE_CROP_RECT_OES, 4),
	/* EXT_packed_float: whether each of R, G, B, A is signed. */
	N(RGBA_SIGNED_COMPONENTS_EXT, 4),
	DYN(SHADER_BINARY_FORMATS, NUM_SHADER_BINARY_FORMATS),
	N(TEXTURE_SWIZZLE_RGBA, 4),
	/* glGetMultisamplefv: x, y of one sample (same value as
	 * SAMPLE_LOCATION_ARB). */
	N(SAMPLE_POSITION, 2),
	/* Tessellation defaults (GL 4.6 section 11.2.2): two inner and
	 * four outer levels. */
	N(PATCH_DEFAULT_INNER_LEVEL, 2),
	N(PATCH_DEFAULT_OUTER_LEVEL, 4),
	/* EXT_window_rectangles, per index through glGetIntegeri_v. */
	N(WINDOW_RECTANGLE_EXT, 4),
	/*
	 * GL 4.6 table 23.62 gives these 3 x Z+, but they are only queried
	 * per axis with glGet*i_v, one value each; plain glGetIntegerv is an
	 * INVALID_ENUM error and writes nothing.  Listed so nobody "fixes"
	 * them to 3.
	 */
	N(MAX_COMPUTE_WORK_GROUP_COUNT, 1),
	N(MAX_COMPUTE_WORK_GROUP_SIZE, 1),
	/* ES 3.2 table 21.6 (and ARB_ES3_2_compatibility): two corners as
	 * homogeneous (x, y, z, w) each. */
	N(PRIMITIVE_BOUNDING_BOX, 8),
	/* ARB_sample_locations, through glGetMultisamplefv. */
	N(PROGRAMMABLE_SAMPLE_LOCATION_ARB, 2),
	N(MULTISAMPLE_LINE_WIDTH_RANGE, 2),
	/* NV_scissor_exclusive, per index through glGetIntegeri_v. */
	N(SCISSOR_BOX_EXCLUSIVE_NV, 4),
	/* EXT_memory_object via glGetUnsignedBytev(i_)vEXT: UUID_SIZE_EXT
	 * and LUID_SIZE_EXT bytes. */
	N(DEVICE_UUID_EXT, 16),
	N(DRIVER_UUID_EXT, 16),
	N(DEVICE_LUID_EXT, 8),
};

#undef N
#undef DYN

static const struct sgl_pname_entry *find_pname(uint32_t pname)
{
	return find_sorted(pname_table, ARRAY_LEN(pname_table), sizeof(pname_table[0]), pname);
}

int sgl_pname_count(uint32_t pname)
{
	const struct sgl_pname_entry *e = find_pname(pname);

	return e ? e->count : 1;
}

uint32_t sgl_pname_count_source(uint32_t pname)
{
	const struct sgl_pname_entry *e = find_pname(pname);

	return e ? e->source : 0;
}

const struct sgl_pname_entry *sgl_pname_table(size_t *n)
{
	if (n)
		*n = ARRAY_LEN(pname_table);
	return pname_table;
}

/* ---- pnames that return object names ----------------------------------- */

struct object_entry {
	uint32_t pname;
	uint32_t object_class;
};

#define OBJ(pname, cls) { GL_##pname, SGL_OBJ_##cls }

/* Sorted by value, like pname_table. */
static const struct object_entry object_table[] = {
	OBJ(LIST_INDEX, DISPLAY_LIST),
	OBJ(TEXTURE_BINDING_1D, TEXTURE),
	OBJ(TEXTURE_BINDING_2D, TEXTURE),
	OBJ(TEXTURE_BINDING_3D, TEXTURE),
	OBJ(PARAMETER_BUFFER_BINDING, BUFFER),
	/* glGetProgramPipelineiv. */
	OBJ(ACTIVE_PROGRAM, PROGRAM),
	OBJ(PROGRAM_PIPELINE_BINDING, PROGRAM_PIPELINE),
	OBJ(TEXTURE_BINDING_RECTANGLE, TEXTURE),
	OBJ(TEXTURE_BINDING_CUBE_MAP, TEXTURE),
	OBJ(VERTEX_ARRAY_BINDING, VERTEX_ARRAY),
	/* glGetQueryiv. */
	OBJ(CURRENT_QUERY, QUERY),
	OBJ(ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(ELEMENT_ARRAY_BUFFER_BINDING, BUFFER),
	/* Compatibility-profile array bindings (GL 4.6 compat table 23.5). */
	OBJ(VERTEX_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(NORMAL_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(COLOR_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(INDEX_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(TEXTURE_COORD_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(EDGE_FLAG_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(SECONDARY_COLOR_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(FOG_COORD_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(WEIGHT_ARRAY_BUFFER_BINDING, BUFFER),
	/* glGetVertexAttribiv. */
	OBJ(VERTEX_ATTRIB_ARRAY_BUFFER_BINDING, BUFFER),
	OBJ(PIXEL_PACK_BUFFER_BINDING, BUFFER),
	OBJ(PIXEL_UNPACK_BUFFER_BINDING, BUFFER),
	OBJ(SAMPLER_BINDING, SAMPLER),
	OBJ(UNIFORM_BUFFER_BINDING, BUFFER),
	OBJ(CURRENT_PROGRAM, PROGRAM),
	OBJ(TEXTURE_BINDING_1D_ARRAY, TEXTURE),
	OBJ(TEXTURE_BINDING_2D_ARRAY, TEXTURE),
	/* The buffer bound to the TEXTURE_BUFFER target (same value as the
	 * target), not a texture. */
	OBJ(TEXTURE_BUFFER_BINDING, BUFFER),
	OBJ(TEXTURE_BINDING_BUFFER, TEXTURE),
	/* glGetTexLevelParameteriv: the buffer behind a buffer texture. */
	OBJ(TEXTURE_BUFFER_DATA_STORE_BINDING, BUFFER),
	OBJ(TRANSFORM_FEEDBACK_BUFFER_BINDING, BUFFER),
	/* Same value as FRAMEBUFFER_BINDING. */
	OBJ(DRAW_FRAMEBUFFER_BINDING, FRAMEBUFFER),
	OBJ(RENDERBUFFER_BINDING, RENDERBUFFER),
	OBJ(READ_FRAMEBUFFER_BINDING, FRAMEBUFFER),
	OBJ(TEXTURE_BINDING_EXTERNAL_OES, TEXTURE),
	OBJ(TRANSFORM_FEEDBACK_BINDING, TRANSFORM_FEEDBACK),
	OBJ(COPY_READ_BUFFER_BINDING, BUFFER),
	OBJ(COPY_WRITE_BUFFER_BINDING, BUFFER),
	/* glGetIntegeri_v per image unit. */
	OBJ(IMAGE_BINDING_NAME, TEXTURE),
	OBJ(DRAW_INDIRECT_BUFFER_BINDING, BUFFER),
	/* glGetIntegeri_v per vertex buffer binding point. */
	OBJ(VERTEX_BINDING_BUFFER, BUFFER),
	OBJ(TEXTURE_BINDING_CUBE_MAP_ARRAY, TEXTURE),
	OBJ(SHADER_STORAGE_BUFFER_BINDING, BUFFER),
	OBJ(DISPATCH_INDIRECT_BUFFER_BINDING, BUFFER),
	OBJ(TEXTURE_BINDING_2D_MULTISAMPLE, TEXTURE),
	OBJ(TEXTURE_BINDING_2D_MULTISAMPLE_ARRAY, TEXTURE),
	OBJ(QUERY_BUFFER_BINDING, BUFFER),
	/* A buffer name from glGet*v; glGetActiveAtomicCounterBufferiv uses
	 * the same value for a binding index, which is not a name. */
	OBJ(ATOMIC_COUNTER_BUFFER_BINDING, BUFFER),
};

#undef OBJ

uint32_t sgl_pname_object_class(uint32_t pname)
{
	const struct object_entry *e =
		find_sorted(object_table, ARRAY_LEN(object_table), sizeof(object_table[0]), pname);

	return e ? e->object_class : SGL_OBJ_NONE;
}

/* ---- pixel formats and types ------------------------------------------- */

enum format_flags {
	FMT_INTEGER = 1 << 0,	    /* the *_INTEGER formats */
	FMT_INDEX = 1 << 1,	    /* may be used with GL_BITMAP */
	FMT_DEPTH_STENCIL = 1 << 2, /* needs a depth-stencil packed type */
};

struct format_info {
	uint32_t format;
	uint8_t components;
	uint8_t flags;
};

/* GL 4.6 compat table 8.8 plus the ES and EXT spellings we accept. */
static const struct format_info format_table[] = {
	{ GL_COLOR_INDEX, 1, FMT_INDEX },
	{ GL_STENCIL_INDEX, 1, FMT_INDEX },
	{ GL_DEPTH_COMPONENT, 1, 0 },
	{ GL_DEPTH_STENCIL, 2, FMT_DEPTH_STENCIL },
	{ GL_RED, 1, 0 },
	{ GL_GREEN, 1, 0 },
	{ GL_BLUE, 1, 0 },
	{ GL_ALPHA, 1, 0 },
	{ GL_RG, 2, 0 },
	{ GL_RGB, 3, 0 },
	{ GL_BGR, 3, 0 },
	{ GL_RGBA, 4, 0 },
	{ GL_BGRA, 4, 0 },
	{ GL_ABGR_EXT, 4, 0 },
	{ GL_LUMINANCE, 1, 0 },
	{ GL_LUMINANCE_ALPHA, 2, 0 },
	/* EXT_sRGB on ES takes these as a transfer format. */
	{ GL_SRGB_EXT, 3, 0 },
	{ GL_SRGB_ALPHA_EXT, 4, 0 },
	{ GL_RED_INTEGER, 1, FMT_INTEGER },
	{ GL_GREEN_INTEGER, 1, FMT_INTEGER },
	{ GL_BLUE_INTEGER, 1, FMT_INTEGER },
	{ GL_ALPHA_INTEGER, 1, FMT_INTEGER },
	{ GL_RG_INTEGER, 2, FMT_INTEGER },
	{ GL_RGB_INTEGER, 3, FMT_INTEGER },
	{ GL_BGR_INTEGER, 3, FMT_INTEGER },
	{ GL_RGBA_INTEGER, 4, FMT_INTEGER },
	{ GL_BGRA_INTEGER, 4, FMT_INTEGER },
	{ GL_LUMINANCE_INTEGER_EXT, 1, FMT_INTEGER },
	{ GL_LUMINANCE_ALPHA_INTEGER_EXT, 2, FMT_INTEGER },
};

enum type_flags {
	TYPE_FLOAT = 1 << 0,	     /* not allowed with integer formats */
	TYPE_PACKED = 1 << 1,	     /* one element holds the whole pixel */
	TYPE_DEPTH_STENCIL = 1 << 2, /* only with GL_DEPTH_STENCIL */
	TYPE_BITMAP = 1 << 3,
};

struct type_info {
	uint32_t type;
	uint8_t size;	    /* bytes of one element: component or packed pixel */
	uint8_t components; /* components a packed type holds, 0 otherwise */
	uint8_t flags;
};

/* GL 4.6 tables 8.2 and 8.5 (packed types), plus GL_BITMAP from compat. */
static const struct type_info type_table[] = {
	{ GL_UNSIGNED_BYTE, 1, 0, 0 },
	{ GL_BYTE, 1, 0, 0 },
	{ GL_UNSIGNED_SHORT, 2, 0, 0 },
	{ GL_SHORT, 2, 0, 0 },
	{ GL_UNSIGNED_INT, 4, 0, 0 },
	{ GL_INT, 4, 0, 0 },
	{ GL_HALF_FLOAT, 2, 0, TYPE_FLOAT },
	{ GL_HALF_FLOAT_OES, 2, 0, TYPE_FLOAT },
	{ GL_FLOAT, 4, 0, TYPE_FLOAT },
	{ GL_BITMAP, 0, 1, TYPE_BITMAP },
	{ GL_UNSIGNED_BYTE_3_3_2, 1, 3, TYPE_PACKED },
	{ GL_UNSIGNED_BYTE_2_3_3_REV, 1, 3, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_5_6_5, 2, 3, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_5_6_5_REV, 2, 3, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_4_4_4_4, 2, 4, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_4_4_4_4_REV, 2, 4, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_5_5_5_1, 2, 4, TYPE_PACKED },
	{ GL_UNSIGNED_SHORT_1_5_5_5_REV, 2, 4, TYPE_PACKED },
	{ GL_UNSIGNED_INT_8_8_8_8, 4, 4, TYPE_PACKED },
	{ GL_UNSIGNED_INT_8_8_8_8_REV, 4, 4, TYPE_PACKED },
	{ GL_UNSIGNED_INT_10_10_10_2, 4, 4, TYPE_PACKED },
	{ GL_UNSIGNED_INT_2_10_10_10_REV, 4, 4, TYPE_PACKED },
	{ GL_UNSIGNED_INT_10F_11F_11F_REV, 4, 3, TYPE_PACKED | TYPE_FLOAT },
	{ GL_UNSIGNED_INT_5_9_9_9_REV, 4, 3, TYPE_PACKED | TYPE_FLOAT },
	{ GL_UNSIGNED_INT_24_8, 4, 2, TYPE_PACKED | TYPE_DEPTH_STENCIL },
	/* A 32-bit float depth, then 24 unused bits and 8 of stencil. */
	{ GL_FLOAT_32_UNSIGNED_INT_24_8_REV, 8, 2, TYPE_PACKED | TYPE_DEPTH_STENCIL },
};

static const struct format_info *find_format(uint32_t format)
{
	for (size_t i = 0; i < ARRAY_LEN(format_table); i++)
		if (format_table[i].format == format)
			return &format_table[i];
	return NULL;
}

static const struct type_info *find_type(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_LEN(type_table); i++)
		if (type_table[i].type == type)
			return &type_table[i];
	return NULL;
}

int sgl_pixel_components(uint32_t format)
{
	const struct format_info *f = find_format(format);

	return f ? f->components : 0;
}

int sgl_pixel_type_size(uint32_t type, int components, uint32_t *bytes_per_pixel, bool *packed,
			bool *bitmap)
{
	const struct type_info *t = find_type(type);
	uint32_t bytes;

	if (!t || components < 1 || components > 4)
		return -EINVAL;
	/* GL 4.6 section 8.4.4.1: a packed type must hold exactly as many
	 * components as the format has; a bitmap has one. */
	if (t->components && t->components != components)
		return -EINVAL;

	if (t->flags & TYPE_PACKED)
		bytes = t->size;
	else
		bytes = t->size * (uint32_t)components;
	if (bytes_per_pixel)
		*bytes_per_pixel = bytes;
	if (packed)
		*packed = t->flags & TYPE_PACKED;
	if (bitmap)
		*bitmap = t->flags & TYPE_BITMAP;
	return 0;
}

/*
 * The pairings GL rejects outright (GL 4.6 section 8.4.4, and compat
 * section 8.4.4.1 for GL_BITMAP), refused here so both sides agree that
 * such a call carries no pixels.
 */
/*
 * NV_read_depth (GLES 3): glReadPixels returns GL_DEPTH_COMPONENT as
 * GL_UNSIGNED_INT_24_8 too, the depth in the upper 24 bits of a 32-bit word
 * (Mesa's read_pixels_es3_error_check). Desktop GL refuses the pair with
 * INVALID_OPERATION; the host's GL says so, the size is the same.
 */
static bool depth_as_24_8(const struct format_info *f, const struct type_info *t)
{
	return f->format == GL_DEPTH_COMPONENT && t->type == GL_UNSIGNED_INT_24_8;
}

static bool pair_allowed(const struct format_info *f, const struct type_info *t)
{
	if ((t->flags & TYPE_BITMAP) && !(f->flags & FMT_INDEX))
		return false;
	if (depth_as_24_8(f, t))
		return true;
	/* DEPTH_STENCIL takes only UNSIGNED_INT_24_8 and
	 * FLOAT_32_UNSIGNED_INT_24_8_REV, and those take nothing else. */
	if (!(f->flags & FMT_DEPTH_STENCIL) != !(t->flags & TYPE_DEPTH_STENCIL))
		return false;
	/* "INVALID_OPERATION ... if format is one of the integer formats and
	 * type is one of the floating-point types". */
	if ((f->flags & FMT_INTEGER) && (t->flags & TYPE_FLOAT))
		return false;
	return true;
}

/* ---- image layout ------------------------------------------------------ */

void sgl_pixel_store_init(struct sgl_pixel_store *ps)
{
	*ps = (struct sgl_pixel_store){ .alignment = 4 };
}

/* What the layout needs to know about one pixel. */
struct pixel_desc {
	uint64_t bytes; /* bytes of one pixel, 0 for GL_BITMAP */
	uint64_t elem;	/* element size deciding the alignment rule */
	bool bitmap;
};

static int describe_pixel(uint32_t format, uint32_t type, struct pixel_desc *px)
{
	const struct format_info *f = find_format(format);
	const struct type_info *t = find_type(type);
	uint32_t bytes;
	bool bitmap;
	int err;

	if (!f || !t || !pair_allowed(f, t))
		return -EINVAL;
	/* One component in a word made for two. */
	err = sgl_pixel_type_size(type, depth_as_24_8(f, t) ? t->components : f->components,
				  &bytes, NULL, &bitmap);
	if (err)
		return err;
	px->bytes = bytes;
	px->elem = t->size;
	px->bitmap = bitmap;
	return 0;
}

/* GL rejects negative store values and alignments other than 1, 2, 4, 8
 * with INVALID_VALUE (GL 4.6 section 8.4.1). */
static int check_store(const struct sgl_pixel_store *ps)
{
	if (ps->row_length < 0 || ps->image_height < 0 || ps->skip_rows < 0 ||
	    ps->skip_pixels < 0 || ps->skip_images < 0)
		return -EINVAL;
	switch (ps->alignment) {
	case 1:
	case 2:
	case 4:
	case 8:
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Checked arithmetic capped at SGL_IMAGE_MAX_BYTES.  The cap is far below
 * UINT64_MAX, so once every operand is under it no product or sum can wrap;
 * the first failure sticks and the result is thrown away.
 */
struct calc {
	bool overflow;
};

static uint64_t cmul(struct calc *c, uint64_t a, uint64_t b)
{
	if (a != 0 && b > SGL_IMAGE_MAX_BYTES / a) {
		c->overflow = true;
		return 0;
	}
	return a * b;
}

static uint64_t cadd(struct calc *c, uint64_t a, uint64_t b)
{
	if (a > SGL_IMAGE_MAX_BYTES || b > SGL_IMAGE_MAX_BYTES - a) {
		c->overflow = true;
		return 0;
	}
	return a + b;
}

static uint64_t cround(struct calc *c, uint64_t v, uint64_t align)
{
	uint64_t rem = v % align;

	return rem ? cadd(c, v, align - rem) : v;
}

static uint64_t bits_to_bytes(uint64_t bits)
{
	return bits / 8 + (bits % 8 != 0);
}

/*
 * Row size and stride, GL 4.6 section 8.4.4.1: with l pixels per row
 * (ROW_LENGTH, or the width when 0), n components of s bytes and alignment
 * a, a row spans n*l elements when s >= a, else a*ceil(s*n*l / a) bytes.
 * For packed types the element is the whole pixel.  GL_BITMAP rows are
 * a*ceil(l / 8a) bytes (compat section 8.4.4.1).
 */
static void layout_rows(struct calc *c, const struct pixel_desc *px, uint64_t width,
			const struct sgl_pixel_store *ps, struct sgl_image_layout *out)
{
	uint64_t l = ps->row_length > 0 ? (uint64_t)ps->row_length : width;
	uint64_t align = (uint64_t)ps->alignment;
	uint64_t span;

	if (px->bitmap) {
		/* A sub-byte skip shifts the row's bits into a further byte. */
		out->row_bytes = bits_to_bytes((uint64_t)ps->skip_pixels % 8 + width);
		span = bits_to_bytes(l);
	} else {
		out->row_bytes = cmul(c, width, px->bytes);
		span = cmul(c, l, px->bytes);
	}
	/* Element sizes and alignments are powers of two, so when s >= a the
	 * span is already a multiple of a and both branches agree; keep the
	 * spec's form anyway, it is the one reviewers check against. */
	if (!px->bitmap && px->elem >= align)
		out->row_stride = span;
	else
		out->row_stride = cround(c, span, align);
}

/* Image stride (IMAGE_HEIGHT rows, or the height when 0) and the offset of
 * the first pixel after SKIP_PIXELS, SKIP_ROWS and SKIP_IMAGES. */
static void layout_skips(struct calc *c, const struct pixel_desc *px, uint64_t height,
			 const struct sgl_pixel_store *ps, struct sgl_image_layout *out)
{
	uint64_t image_rows = ps->image_height > 0 ? (uint64_t)ps->image_height : height;
	uint64_t pixels, rows, images;

	out->image_stride = cmul(c, out->row_stride, image_rows);
	/* SKIP_PIXELS counts bits for a bitmap; whole bytes go here. */
	if (px->bitmap)
		pixels = (uint64_t)ps->skip_pixels / 8;
	else
		pixels = cmul(c, (uint64_t)ps->skip_pixels, px->bytes);
	rows = cmul(c, (uint64_t)ps->skip_rows, out->row_stride);
	images = cmul(c, (uint64_t)ps->skip_images, out->image_stride);
	out->skip_bytes = cadd(c, cadd(c, pixels, rows), images);
}

/* The last byte read is the end of the last row of the last image. */
static void layout_totals(struct calc *c, const struct pixel_desc *px, uint64_t width,
			  uint64_t height, uint64_t depth, struct sgl_image_layout *out)
{
	uint64_t last_image = cmul(c, depth - 1, out->image_stride);
	uint64_t last_row = cmul(c, height - 1, out->row_stride);
	uint64_t tight_row = px->bitmap ? bits_to_bytes(width) : out->row_bytes;

	out->total_bytes =
		cadd(c, out->skip_bytes, cadd(c, cadd(c, last_image, last_row), out->row_bytes));
	out->tight_bytes = cmul(c, cmul(c, tight_row, height), depth);
}

int sgl_image_layout(uint32_t format, uint32_t type, int32_t width, int32_t height, int32_t depth,
		     const struct sgl_pixel_store *ps, struct sgl_image_layout *out)
{
	struct sgl_pixel_store defaults;
	struct pixel_desc px;
	struct calc c = { false };
	int err;

	if (!out)
		return -EINVAL;
	*out = (struct sgl_image_layout){ 0 };
	if (!ps) {
		sgl_pixel_store_init(&defaults);
		ps = &defaults;
	}
	if (width < 0 || height < 0 || depth < 0)
		return -EINVAL;
	err = check_store(ps);
	if (!err)
		err = describe_pixel(format, type, &px);
	if (err)
		return err;
	/* Nothing is read, whatever the store says. */
	if (width == 0 || height == 0 || depth == 0)
		return 0;

	layout_rows(&c, &px, (uint64_t)width, ps, out);
	layout_skips(&c, &px, (uint64_t)height, ps, out);
	layout_totals(&c, &px, (uint64_t)width, (uint64_t)height, (uint64_t)depth, out);
	if (c.overflow) {
		*out = (struct sgl_image_layout){ 0 };
		return -EOVERFLOW;
	}
	return 0;
}
