#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "sgl_sizes.h"

/*
 * The expected enum values below are written out by hand, independently of
 * sgl_sizes.c.  When the Khronos headers are installed every value that
 * they name is checked against them at compile time as well.
 */
#if defined(__has_include)
#if __has_include(<GL/gl.h>) && __has_include(<GL/glext.h>)
#include <GL/gl.h>
#include <GL/glext.h>
#define HAVE_GL_HEADERS 1
#endif
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_BYTES SGL_IMAGE_MAX_BYTES
#define I32_MAX INT32_C(2147483647)

/* ---- enum values ------------------------------------------------------- */

/* Formats and types: X(name, value). */
#define PIXEL_ENUMS(X)                                                                  \
	X(COLOR_INDEX, 0x1900) X(STENCIL_INDEX, 0x1901) X(DEPTH_COMPONENT, 0x1902)      \
	X(RED, 0x1903) X(ALPHA, 0x1906) X(RGB, 0x1907) X(RGBA, 0x1908)                   \
	X(LUMINANCE, 0x1909) X(LUMINANCE_ALPHA, 0x190A) X(ABGR_EXT, 0x8000)              \
	X(BGR, 0x80E0) X(BGRA, 0x80E1) X(RG, 0x8227) X(RG_INTEGER, 0x8228)               \
	X(DEPTH_STENCIL, 0x84F9) X(RED_INTEGER, 0x8D94) X(RGB_INTEGER, 0x8D98)           \
	X(RGBA_INTEGER, 0x8D99) X(BGRA_INTEGER, 0x8D9B) X(INTENSITY, 0x8049)             \
	X(BYTE, 0x1400) X(UNSIGNED_BYTE, 0x1401) X(SHORT, 0x1402)                        \
	X(UNSIGNED_SHORT, 0x1403) X(INT, 0x1404) X(UNSIGNED_INT, 0x1405)                 \
	X(FLOAT, 0x1406) X(DOUBLE, 0x140A) X(HALF_FLOAT, 0x140B) X(BITMAP, 0x1A00)       \
	X(UNSIGNED_BYTE_3_3_2, 0x8032) X(UNSIGNED_SHORT_4_4_4_4, 0x8033)                 \
	X(UNSIGNED_SHORT_5_5_5_1, 0x8034) X(UNSIGNED_INT_8_8_8_8, 0x8035)                \
	X(UNSIGNED_INT_10_10_10_2, 0x8036) X(UNSIGNED_BYTE_2_3_3_REV, 0x8362)            \
	X(UNSIGNED_SHORT_5_6_5, 0x8363) X(UNSIGNED_SHORT_5_6_5_REV, 0x8364)              \
	X(UNSIGNED_SHORT_4_4_4_4_REV, 0x8365) X(UNSIGNED_SHORT_1_5_5_5_REV, 0x8366)      \
	X(UNSIGNED_INT_8_8_8_8_REV, 0x8367) X(UNSIGNED_INT_2_10_10_10_REV, 0x8368)       \
	X(UNSIGNED_INT_24_8, 0x84FA) X(UNSIGNED_INT_10F_11F_11F_REV, 0x8C3B)             \
	X(UNSIGNED_INT_5_9_9_9_REV, 0x8C3E) X(FLOAT_32_UNSIGNED_INT_24_8_REV, 0x8DAD)

/* ES-only names absent from <GL/glext.h>. */
#define F_HALF_FLOAT_OES 0x8D61u

/* Enumerators, not const variables: the case tables need constant expressions. */
#define DEFINE_ENUM(name, value) F_##name = value,
enum pixel_enum { PIXEL_ENUMS(DEFINE_ENUM) };

#ifdef HAVE_GL_HEADERS
#define CHECK_ENUM(name, value) _Static_assert(GL_##name == (value), "GL_" #name);
PIXEL_ENUMS(CHECK_ENUM)
#endif

/* ---- pname counts ------------------------------------------------------ */

/* pname, value, expected count: every entry of the table and then some. */
#define LISTED_PNAMES(X)                                                                \
	X(CURRENT_COLOR, 0x0B00, 4) X(CURRENT_NORMAL, 0x0B02, 3)                         \
	X(CURRENT_TEXTURE_COORDS, 0x0B03, 4) X(CURRENT_RASTER_COLOR, 0x0B04, 4)          \
	X(CURRENT_RASTER_TEXTURE_COORDS, 0x0B06, 4) X(CURRENT_RASTER_POSITION, 0x0B07, 4) \
	X(POINT_SIZE_RANGE, 0x0B12, 2) X(LINE_WIDTH_RANGE, 0x0B22, 2)                    \
	X(POLYGON_MODE, 0x0B40, 2) X(LIGHT_MODEL_AMBIENT, 0x0B53, 4)                     \
	X(FOG_COLOR, 0x0B66, 4) X(DEPTH_RANGE, 0x0B70, 2) X(ACCUM_CLEAR_VALUE, 0x0B80, 4) \
	X(VIEWPORT, 0x0BA2, 4) X(MODELVIEW_MATRIX, 0x0BA6, 16)                           \
	X(PROJECTION_MATRIX, 0x0BA7, 16) X(TEXTURE_MATRIX, 0x0BA8, 16)                   \
	X(SCISSOR_BOX, 0x0C10, 4) X(COLOR_CLEAR_VALUE, 0x0C22, 4)                        \
	X(COLOR_WRITEMASK, 0x0C23, 4) X(MAX_VIEWPORT_DIMS, 0x0D3A, 2)                    \
	X(MAP1_GRID_DOMAIN, 0x0DD0, 2) X(MAP2_GRID_DOMAIN, 0x0DD2, 4)                    \
	X(MAP2_GRID_SEGMENTS, 0x0DD3, 2) X(TEXTURE_BORDER_COLOR, 0x1004, 4)              \
	X(AMBIENT, 0x1200, 4) X(DIFFUSE, 0x1201, 4) X(SPECULAR, 0x1202, 4)               \
	X(POSITION, 0x1203, 4) X(SPOT_DIRECTION, 0x1204, 3) X(EMISSION, 0x1600, 4)       \
	X(AMBIENT_AND_DIFFUSE, 0x1602, 4) X(COLOR_INDEXES, 0x1603, 3)                    \
	X(TEXTURE_ENV_COLOR, 0x2201, 4) X(OBJECT_PLANE, 0x2501, 4) X(EYE_PLANE, 0x2502, 4) \
	X(BLEND_COLOR, 0x8005, 4) X(CONVOLUTION_FILTER_SCALE, 0x8014, 4)                 \
	X(CONVOLUTION_FILTER_BIAS, 0x8015, 4) X(COLOR_MATRIX, 0x80B1, 16)                \
	X(COLOR_TABLE_SCALE, 0x80D6, 4) X(COLOR_TABLE_BIAS, 0x80D7, 4)                   \
	X(POINT_DISTANCE_ATTENUATION, 0x8129, 3) X(CONVOLUTION_BORDER_COLOR, 0x8154, 4)  \
	X(VIEWPORT_BOUNDS_RANGE, 0x825D, 2) X(COMPUTE_WORK_GROUP_SIZE, 0x8267, 3)        \
	X(CURRENT_SECONDARY_COLOR, 0x8459, 4) X(CURRENT_RASTER_SECONDARY_COLOR, 0x845F, 4) \
	X(ALIASED_POINT_SIZE_RANGE, 0x846D, 2) X(ALIASED_LINE_WIDTH_RANGE, 0x846E, 2)    \
	X(TRANSPOSE_MODELVIEW_MATRIX, 0x84E3, 16) X(TRANSPOSE_PROJECTION_MATRIX, 0x84E4, 16) \
	X(TRANSPOSE_TEXTURE_MATRIX, 0x84E5, 16) X(TRANSPOSE_COLOR_MATRIX, 0x84E6, 16)    \
	X(CURRENT_VERTEX_ATTRIB, 0x8626, 4) X(CURRENT_MATRIX_ARB, 0x8641, 16)            \
	X(COMPRESSED_TEXTURE_FORMATS, 0x86A3, SGL_PNAME_COUNT_DYNAMIC)                   \
	X(PROGRAM_BINARY_FORMATS, 0x87FF, SGL_PNAME_COUNT_DYNAMIC)                       \
	X(DEPTH_BOUNDS_EXT, 0x8891, 2) X(TRANSPOSE_CURRENT_MATRIX_ARB, 0x88B7, 16)       \
	X(RGBA_SIGNED_COMPONENTS_EXT, 0x8C3C, 4)                                         \
	X(SHADER_BINARY_FORMATS, 0x8DF8, SGL_PNAME_COUNT_DYNAMIC)                        \
	X(TEXTURE_SWIZZLE_RGBA, 0x8E46, 4) X(SAMPLE_POSITION, 0x8E50, 2)                 \
	X(PATCH_DEFAULT_INNER_LEVEL, 0x8E73, 2) X(PATCH_DEFAULT_OUTER_LEVEL, 0x8E74, 4)  \
	X(WINDOW_RECTANGLE_EXT, 0x8F12, 4) X(MAX_COMPUTE_WORK_GROUP_COUNT, 0x91BE, 1)    \
	X(MAX_COMPUTE_WORK_GROUP_SIZE, 0x91BF, 1) X(PRIMITIVE_BOUNDING_BOX_ARB, 0x92BE, 8) \
	X(PROGRAMMABLE_SAMPLE_LOCATION_ARB, 0x9341, 2)                                   \
	X(MULTISAMPLE_LINE_WIDTH_RANGE_ARB, 0x9381, 2) X(SCISSOR_BOX_EXCLUSIVE_NV, 0x9556, 4) \
	X(DEVICE_UUID_EXT, 0x9597, 16) X(DRIVER_UUID_EXT, 0x9598, 16)                    \
	X(DEVICE_LUID_EXT, 0x9599, 8)

/* Values shared with other names, and pnames that count 1. */
#define OTHER_PNAMES(X)                                                                 \
	X(SMOOTH_POINT_SIZE_RANGE, 0x0B12, 2) X(SMOOTH_LINE_WIDTH_RANGE, 0x0B22, 2)      \
	X(DISTANCE_ATTENUATION_EXT, 0x8129, 3) X(CURRENT_INDEX, 0x0B01, 1)               \
	X(POINT_SIZE, 0x0B11, 1) X(LINE_WIDTH, 0x0B21, 1) X(SHININESS, 0x1601, 1)        \
	X(SPOT_EXPONENT, 0x1205, 1) X(MAP1_GRID_SEGMENTS, 0x0DD1, 1)                     \
	X(MAX_TEXTURE_SIZE, 0x0D33, 1) X(TEXTURE_ENV_MODE, 0x2200, 1)                    \
	X(TEXTURE_GEN_MODE, 0x2500, 1) X(TEXTURE_MIN_FILTER, 0x2801, 1)                  \
	X(FOG_DENSITY, 0x0B62, 1) X(SAMPLE_MASK_VALUE, 0x8E52, 1) X(BUFFER_SIZE, 0x8764, 1) \
	X(COMPILE_STATUS, 0x8B81, 1) X(NUM_COMPRESSED_TEXTURE_FORMATS, 0x86A2, 1)        \
	X(NUM_PROGRAM_BINARY_FORMATS, 0x87FE, 1) X(NUM_SHADER_BINARY_FORMATS, 0x8DF9, 1) \
	X(ARRAY_BUFFER_BINDING, 0x8894, 1) X(MAX_VIEWPORTS, 0x825B, 1)

/* ES names that <GL/glext.h> does not carry: table entries of their own... */
#define ES_LISTED_PNAMES(X)                                                             \
	X(TEXTURE_CROP_RECT_OES, 0x8B9D, 4)                                              \
	X(MODELVIEW_MATRIX_FLOAT_AS_INT_BITS_OES, 0x898D, 16)                            \
	X(PROJECTION_MATRIX_FLOAT_AS_INT_BITS_OES, 0x898E, 16)                           \
	X(TEXTURE_MATRIX_FLOAT_AS_INT_BITS_OES, 0x898F, 16)

/* ...and ES spellings of values listed above. */
#define ES_ALIAS_PNAMES(X)                                                              \
	X(PRIMITIVE_BOUNDING_BOX, 0x92BE, 8) X(MULTISAMPLE_LINE_WIDTH_RANGE, 0x9381, 2)  \
	X(POLYGON_MODE_NV, 0x0B40, 2)

#ifdef HAVE_GL_HEADERS
#define CHECK_PNAME(name, value, count) CHECK_ENUM(name, value)
LISTED_PNAMES(CHECK_PNAME)
OTHER_PNAMES(CHECK_PNAME)
#endif

struct pname_case {
	const char *name;
	uint32_t pname;
	int count;
};

#define PNAME_ROW(name, value, count) { #name, value, count },

/* Exactly the table's entries. */
static const struct pname_case listed_pnames[] = {
	LISTED_PNAMES(PNAME_ROW) ES_LISTED_PNAMES(PNAME_ROW)
};
static const struct pname_case other_pnames[] = {
	OTHER_PNAMES(PNAME_ROW) ES_ALIAS_PNAMES(PNAME_ROW)
};

static void check_pname_cases(const struct pname_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = sgl_pname_count(cases[i].pname);

		if (got != cases[i].count)
			fail_msg("GL_%s (0x%04X): count %d, expected %d", cases[i].name,
				 (unsigned)cases[i].pname, got, cases[i].count);
	}
}

static void test_pname_known_counts(void **state)
{
	(void)state;
	check_pname_cases(listed_pnames, ARRAY_LEN(listed_pnames));
	check_pname_cases(other_pnames, ARRAY_LEN(other_pnames));
}

static void test_pname_unknown_is_one(void **state)
{
	(void)state;
	assert_int_equal(sgl_pname_count(0), 1);
	assert_int_equal(sgl_pname_count(0xDEADu), 1);
	assert_int_equal(sgl_pname_count(UINT32_MAX), 1);
	assert_int_equal(sgl_pname_count_source(0xDEADu), 0);
	assert_int_equal(sgl_pname_count_source(0x0BA2), 0); /* GL_VIEWPORT */
}

static void test_pname_dynamic(void **state)
{
	(void)state;
	/* COMPRESSED_TEXTURE_FORMATS <- NUM_COMPRESSED_TEXTURE_FORMATS */
	assert_int_equal(sgl_pname_count(0x86A3), SGL_PNAME_COUNT_DYNAMIC);
	assert_int_equal(sgl_pname_count_source(0x86A3), 0x86A2);
	/* PROGRAM_BINARY_FORMATS <- NUM_PROGRAM_BINARY_FORMATS */
	assert_int_equal(sgl_pname_count(0x87FF), SGL_PNAME_COUNT_DYNAMIC);
	assert_int_equal(sgl_pname_count_source(0x87FF), 0x87FE);
	/* SHADER_BINARY_FORMATS <- NUM_SHADER_BINARY_FORMATS */
	assert_int_equal(sgl_pname_count(0x8DF8), SGL_PNAME_COUNT_DYNAMIC);
	assert_int_equal(sgl_pname_count_source(0x8DF8), 0x8DF9);
}

static bool listed(uint32_t pname)
{
	for (size_t i = 0; i < ARRAY_LEN(listed_pnames); i++)
		if (listed_pnames[i].pname == pname)
			return true;
	return false;
}

/* Sorted (the lookup is a binary search), counts in range, sources only on
 * dynamic entries and themselves single values, and nothing unreviewed. */
static void test_pname_table_sanity(void **state)
{
	size_t n = 0;
	const struct sgl_pname_entry *t = sgl_pname_table(&n);
	int max_seen = 0;

	(void)state;
	assert_int_equal(n, ARRAY_LEN(listed_pnames));
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && t[i - 1].pname >= t[i].pname)
			fail_msg("table not sorted at 0x%04X", (unsigned)t[i].pname);
		if (!listed(t[i].pname))
			fail_msg("0x%04X missing from the test's list", (unsigned)t[i].pname);
		if (t[i].count == SGL_PNAME_COUNT_DYNAMIC) {
			assert_int_not_equal(t[i].source, 0);
			assert_int_equal(sgl_pname_count(t[i].source), 1);
			continue;
		}
		assert_int_equal(t[i].source, 0);
		assert_in_range(t[i].count, 1, SGL_PNAME_MAX_COUNT);
		if (t[i].count > max_seen)
			max_seen = t[i].count;
		assert_int_equal(sgl_pname_count(t[i].pname), t[i].count);
	}
	/* SGL_PNAME_MAX_COUNT is the largest count, not just a bound. */
	assert_int_equal(max_seen, SGL_PNAME_MAX_COUNT);
}

/* ---- object classes ---------------------------------------------------- */

struct object_case {
	uint32_t pname;
	uint32_t cls;
};

static void test_pname_object_class(void **state)
{
	static const struct object_case cases[] = {
		{ 0x8894, SGL_OBJ_BUFFER },	       /* ARRAY_BUFFER_BINDING */
		{ 0x8895, SGL_OBJ_BUFFER },	       /* ELEMENT_ARRAY_BUFFER_BINDING */
		{ 0x889F, SGL_OBJ_BUFFER },	       /* VERTEX_ATTRIB_ARRAY_BUFFER_BINDING */
		{ 0x88ED, SGL_OBJ_BUFFER },	       /* PIXEL_PACK_BUFFER_BINDING */
		{ 0x88EF, SGL_OBJ_BUFFER },	       /* PIXEL_UNPACK_BUFFER_BINDING */
		{ 0x8A28, SGL_OBJ_BUFFER },	       /* UNIFORM_BUFFER_BINDING */
		{ 0x8F36, SGL_OBJ_BUFFER },	       /* COPY_READ_BUFFER_BINDING */
		{ 0x8F37, SGL_OBJ_BUFFER },	       /* COPY_WRITE_BUFFER_BINDING */
		{ 0x8F43, SGL_OBJ_BUFFER },	       /* DRAW_INDIRECT_BUFFER_BINDING */
		{ 0x90EF, SGL_OBJ_BUFFER },	       /* DISPATCH_INDIRECT_BUFFER_BINDING */
		{ 0x90D3, SGL_OBJ_BUFFER },	       /* SHADER_STORAGE_BUFFER_BINDING */
		{ 0x92C1, SGL_OBJ_BUFFER },	       /* ATOMIC_COUNTER_BUFFER_BINDING */
		{ 0x8C8F, SGL_OBJ_BUFFER },	       /* TRANSFORM_FEEDBACK_BUFFER_BINDING */
		{ 0x9193, SGL_OBJ_BUFFER },	       /* QUERY_BUFFER_BINDING */
		{ 0x8C2A, SGL_OBJ_BUFFER },	       /* TEXTURE_BUFFER_BINDING */
		{ 0x8068, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_1D */
		{ 0x8069, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_2D */
		{ 0x806A, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_3D */
		{ 0x8514, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_CUBE_MAP */
		{ 0x84F6, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_RECTANGLE */
		{ 0x8C1C, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_1D_ARRAY */
		{ 0x8C1D, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_2D_ARRAY */
		{ 0x900A, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_CUBE_MAP_ARRAY */
		{ 0x8C2C, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_BUFFER */
		{ 0x9104, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_2D_MULTISAMPLE */
		{ 0x9105, SGL_OBJ_TEXTURE },	       /* TEXTURE_BINDING_2D_MULTISAMPLE_ARRAY */
		{ 0x8CA6, SGL_OBJ_FRAMEBUFFER },       /* DRAW_FRAMEBUFFER_BINDING */
		{ 0x8CAA, SGL_OBJ_FRAMEBUFFER },       /* READ_FRAMEBUFFER_BINDING */
		{ 0x8CA7, SGL_OBJ_RENDERBUFFER },      /* RENDERBUFFER_BINDING */
		{ 0x8B8D, SGL_OBJ_PROGRAM },	       /* CURRENT_PROGRAM */
		{ 0x85B5, SGL_OBJ_VERTEX_ARRAY },      /* VERTEX_ARRAY_BINDING */
		{ 0x8919, SGL_OBJ_SAMPLER },	       /* SAMPLER_BINDING */
		{ 0x8E25, SGL_OBJ_TRANSFORM_FEEDBACK }, /* TRANSFORM_FEEDBACK_BINDING */
		{ 0x825A, SGL_OBJ_PROGRAM_PIPELINE },  /* PROGRAM_PIPELINE_BINDING */
		{ 0x0B33, SGL_OBJ_DISPLAY_LIST },      /* LIST_INDEX */
		{ 0x8865, SGL_OBJ_QUERY },	       /* CURRENT_QUERY */
		{ 0x8CD1, SGL_OBJ_NONE },	       /* FRAMEBUFFER_ATTACHMENT_OBJECT_NAME */
		{ 0x0BA2, SGL_OBJ_NONE },	       /* VIEWPORT */
		{ 0x8892, SGL_OBJ_NONE },	       /* ARRAY_BUFFER, the target */
		{ 0, SGL_OBJ_NONE },
		{ UINT32_MAX, SGL_OBJ_NONE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (sgl_pname_object_class(cases[i].pname) != cases[i].cls)
			fail_msg("0x%04X: class %u, expected %u", (unsigned)cases[i].pname,
				 (unsigned)sgl_pname_object_class(cases[i].pname),
				 (unsigned)cases[i].cls);
}

/* ---- formats and types ------------------------------------------------- */

static void test_pixel_components(void **state)
{
	(void)state;
	assert_int_equal(sgl_pixel_components(F_RED), 1);
	assert_int_equal(sgl_pixel_components(F_ALPHA), 1);
	assert_int_equal(sgl_pixel_components(F_RG), 2);
	assert_int_equal(sgl_pixel_components(F_RGB), 3);
	assert_int_equal(sgl_pixel_components(F_BGR), 3);
	assert_int_equal(sgl_pixel_components(F_RGBA), 4);
	assert_int_equal(sgl_pixel_components(F_BGRA), 4);
	assert_int_equal(sgl_pixel_components(F_ABGR_EXT), 4);
	assert_int_equal(sgl_pixel_components(F_RED_INTEGER), 1);
	assert_int_equal(sgl_pixel_components(F_RG_INTEGER), 2);
	assert_int_equal(sgl_pixel_components(F_RGB_INTEGER), 3);
	assert_int_equal(sgl_pixel_components(F_BGRA_INTEGER), 4);
	assert_int_equal(sgl_pixel_components(F_LUMINANCE), 1);
	assert_int_equal(sgl_pixel_components(F_LUMINANCE_ALPHA), 2);
	assert_int_equal(sgl_pixel_components(F_DEPTH_COMPONENT), 1);
	assert_int_equal(sgl_pixel_components(F_STENCIL_INDEX), 1);
	assert_int_equal(sgl_pixel_components(F_DEPTH_STENCIL), 2);
	assert_int_equal(sgl_pixel_components(F_COLOR_INDEX), 1);
	/* INTENSITY is an internal format only. */
	assert_int_equal(sgl_pixel_components(F_INTENSITY), 0);
	assert_int_equal(sgl_pixel_components(0x1234), 0);
}

struct type_case {
	uint32_t type;
	int components;
	int ret;
	uint32_t bytes;
	bool packed, bitmap;
};

static void test_pixel_type_size(void **state)
{
	static const struct type_case cases[] = {
		{ F_UNSIGNED_BYTE, 3, 0, 3, false, false },
		{ F_BYTE, 4, 0, 4, false, false },
		{ F_SHORT, 2, 0, 4, false, false },
		{ F_UNSIGNED_SHORT, 1, 0, 2, false, false },
		{ F_INT, 3, 0, 12, false, false },
		{ F_UNSIGNED_INT, 4, 0, 16, false, false },
		{ F_HALF_FLOAT, 3, 0, 6, false, false },
		{ F_HALF_FLOAT_OES, 4, 0, 8, false, false },
		{ F_FLOAT, 4, 0, 16, false, false },
		{ F_UNSIGNED_BYTE_3_3_2, 3, 0, 1, true, false },
		{ F_UNSIGNED_BYTE_2_3_3_REV, 3, 0, 1, true, false },
		{ F_UNSIGNED_SHORT_5_6_5, 3, 0, 2, true, false },
		{ F_UNSIGNED_SHORT_5_6_5_REV, 3, 0, 2, true, false },
		{ F_UNSIGNED_SHORT_4_4_4_4, 4, 0, 2, true, false },
		{ F_UNSIGNED_SHORT_4_4_4_4_REV, 4, 0, 2, true, false },
		{ F_UNSIGNED_SHORT_5_5_5_1, 4, 0, 2, true, false },
		{ F_UNSIGNED_SHORT_1_5_5_5_REV, 4, 0, 2, true, false },
		{ F_UNSIGNED_INT_8_8_8_8, 4, 0, 4, true, false },
		{ F_UNSIGNED_INT_8_8_8_8_REV, 4, 0, 4, true, false },
		{ F_UNSIGNED_INT_10_10_10_2, 4, 0, 4, true, false },
		{ F_UNSIGNED_INT_2_10_10_10_REV, 4, 0, 4, true, false },
		{ F_UNSIGNED_INT_10F_11F_11F_REV, 3, 0, 4, true, false },
		{ F_UNSIGNED_INT_5_9_9_9_REV, 3, 0, 4, true, false },
		{ F_UNSIGNED_INT_24_8, 2, 0, 4, true, false },
		{ F_FLOAT_32_UNSIGNED_INT_24_8_REV, 2, 0, 8, true, false },
		{ F_BITMAP, 1, 0, 0, false, true },
		/* Packed types fix their component count. */
		{ F_UNSIGNED_SHORT_5_6_5, 4, -EINVAL, 0, false, false },
		{ F_UNSIGNED_INT_8_8_8_8, 3, -EINVAL, 0, false, false },
		{ F_UNSIGNED_INT_24_8, 1, -EINVAL, 0, false, false },
		{ F_BITMAP, 4, -EINVAL, 0, false, false },
		{ F_UNSIGNED_BYTE, 0, -EINVAL, 0, false, false },
		{ F_UNSIGNED_BYTE, 5, -EINVAL, 0, false, false },
		{ F_DOUBLE, 1, -EINVAL, 0, false, false },
		{ 0x1234, 1, -EINVAL, 0, false, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct type_case *c = &cases[i];
		uint32_t bytes = 0xFFFF;
		bool packed = false, bitmap = false;
		int ret = sgl_pixel_type_size(c->type, c->components, &bytes, &packed, &bitmap);

		if (ret != c->ret)
			fail_msg("type 0x%04X x%d: ret %d, expected %d", (unsigned)c->type,
				 c->components, ret, c->ret);
		if (ret)
			continue;
		assert_int_equal(bytes, c->bytes);
		assert_int_equal(packed, c->packed);
		assert_int_equal(bitmap, c->bitmap);
	}
	/* Every output is optional. */
	assert_int_equal(sgl_pixel_type_size(F_FLOAT, 4, NULL, NULL, NULL), 0);
}

/* ---- image layout ------------------------------------------------------ */

/* A store with the given fields; alignment 0 in a case means the default 4. */
#define STORE(...) { __VA_ARGS__ }

struct layout_case {
	const char *what;
	uint32_t format, type;
	int32_t w, h, d;
	struct sgl_pixel_store ps;
	int ret;
	/* row_bytes, row_stride, image_stride, skip_bytes, total_bytes, tight_bytes */
	uint64_t expect[6];
};

static const struct layout_case layout_cases[] = {
	/* 3 px * 3 B = 9, padded to 4 -> 12; total 12 + 9; tight 9 * 2 */
	{ "rgb ubyte align 4", F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, STORE(0), 0,
	  { 9, 12, 24, 0, 21, 18 } },
	/* no padding at alignment 1: 9 + 9 */
	{ "rgb ubyte align 1", F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, STORE(.alignment = 1), 0,
	  { 9, 9, 18, 0, 18, 18 } },
	/* 12-byte rows are already aligned */
	{ "rgba ubyte", F_RGBA, F_UNSIGNED_BYTE, 3, 2, 1, STORE(0), 0,
	  { 12, 12, 24, 0, 24, 24 } },
	/* row_length 10: 30 B -> 32; image 2 rows = 64; total 32 + 9 */
	{ "row_length", F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, STORE(.row_length = 10), 0,
	  { 9, 32, 64, 0, 41, 18 } },
	/* skip 1 px (3 B) + 2 rows (24 B) = 27; total 27 + 12 + 9 */
	{ "skip rows and pixels", F_RGB, F_UNSIGNED_BYTE, 3, 2, 1,
	  STORE(.skip_rows = 2, .skip_pixels = 1), 0, { 9, 12, 24, 27, 48, 18 } },
	/* row_length below width: rows overlap; 6 + 9 = 15 < tight 18 */
	{ "short row_length", F_RGB, F_UNSIGNED_BYTE, 3, 2, 1,
	  STORE(.row_length = 2, .alignment = 1), 0, { 9, 6, 12, 0, 15, 18 } },
	/* ALPHA: 5 B -> 8, skip 3 px = 3 B; total 3 + 5 */
	{ "alpha skip pixels align 8", F_ALPHA, F_UNSIGNED_BYTE, 5, 1, 1,
	  STORE(.skip_pixels = 3, .alignment = 8), 0, { 5, 8, 8, 3, 8, 5 } },
	/* s = 2 < a = 8: 18 B -> 24; total 24 + 18 */
	{ "rgb ushort align 8", F_RGB, F_UNSIGNED_SHORT, 3, 2, 1, STORE(.alignment = 8), 0,
	  { 18, 24, 48, 0, 42, 36 } },
	/* s = 4 < a = 8: 12 B -> 16; total 16 + 12 */
	{ "rgb float align 8", F_RGB, F_FLOAT, 1, 2, 1, STORE(.alignment = 8), 0,
	  { 12, 16, 32, 0, 28, 24 } },
	/* s = 4 >= a = 4: rows are n * l elements, 12 B */
	{ "rgb float align 4", F_RGB, F_FLOAT, 1, 2, 1, STORE(0), 0,
	  { 12, 12, 24, 0, 24, 24 } },
	/* 3 * 6 = 18 B -> 20; total 20 + 18 */
	{ "rgb half oes", F_RGB, F_HALF_FLOAT_OES, 3, 2, 1, STORE(0), 0,
	  { 18, 20, 40, 0, 38, 36 } },
	/* 2 * 2 B = 6 -> 8; total 8 + 6 */
	{ "luminance alpha", F_LUMINANCE_ALPHA, F_UNSIGNED_BYTE, 3, 3, 1, STORE(0), 0,
	  { 6, 8, 24, 0, 22, 18 } },
	/* 2 px * 16 B = 32, a multiple of 8 */
	{ "rgba_integer int align 8", F_RGBA_INTEGER, F_INT, 2, 2, 1, STORE(.alignment = 8), 0,
	  { 32, 32, 64, 0, 64, 64 } },
	/* 640 * 4 = 2560; 2560 * 480 = 1228800 */
	{ "depth float", F_DEPTH_COMPONENT, F_FLOAT, 640, 480, 1, STORE(0), 0,
	  { 2560, 2560, 1228800, 0, 1228800, 1228800 } },
	/* packed: element = pixel = 2 B; 6 B -> 8; total 8 + 6 */
	{ "565", F_RGB, F_UNSIGNED_SHORT_5_6_5, 3, 2, 1, STORE(0), 0,
	  { 6, 8, 16, 0, 14, 12 } },
	/* 1 B pixels: 5 B -> 8; total 2 * 8 + 5 */
	{ "332 align 8", F_RGB, F_UNSIGNED_BYTE_3_3_2, 5, 3, 1, STORE(.alignment = 8), 0,
	  { 5, 8, 24, 0, 21, 15 } },
	{ "bgra 8888 rev", F_BGRA, F_UNSIGNED_INT_8_8_8_8_REV, 3, 2, 1, STORE(0), 0,
	  { 12, 12, 24, 0, 24, 24 } },
	/* element 8 >= any alignment: 3 * 8 = 24 */
	{ "depth stencil f32", F_DEPTH_STENCIL, F_FLOAT_32_UNSIGNED_INT_24_8_REV, 3, 1, 1,
	  STORE(.alignment = 8), 0, { 24, 24, 24, 0, 24, 24 } },
	/* element 4 < 8: 12 B -> 16; total 16 + 12 */
	{ "depth stencil 24_8", F_DEPTH_STENCIL, F_UNSIGNED_INT_24_8, 3, 2, 1,
	  STORE(.alignment = 8), 0, { 12, 16, 32, 0, 28, 24 } },
	/* NV_read_depth: one depth in a 24_8 word, sized as depth stencil 24_8 */
	{ "depth 24_8", F_DEPTH_COMPONENT, F_UNSIGNED_INT_24_8, 3, 2, 1,
	  STORE(.alignment = 8), 0, { 12, 16, 32, 0, 28, 24 } },
	/* 3D: row 8, image 4 rows = 32, skip one image = 32;
	 * total 32 + 2 * 32 + 8 + 8 = 112; tight 2 * 2 * 3 * 4 = 48 */
	{ "3d image_height skip_images", F_RGBA, F_UNSIGNED_BYTE, 2, 2, 3,
	  STORE(.image_height = 4, .skip_images = 1), 0, { 8, 8, 32, 32, 112, 48 } },
	/* 3D, image_height 0: 6 B -> 8, image 3 rows = 24; total 24 + 16 + 6 */
	{ "3d default image_height", F_RGB, F_UNSIGNED_BYTE, 2, 3, 2, STORE(0), 0,
	  { 6, 8, 24, 0, 46, 36 } },
	/* image_height 2 < height 4: images overlap; total 8 + 3 * 4 + 4 */
	{ "3d short image_height", F_RGBA, F_UNSIGNED_BYTE, 1, 4, 2, STORE(.image_height = 2), 0,
	  { 4, 4, 8, 0, 24, 32 } },
	/* 10 bits = 2 B -> 4; total 2 * 4 + 2; tight 3 * 2 */
	{ "bitmap align 4", F_COLOR_INDEX, F_BITMAP, 10, 3, 1, STORE(0), 0,
	  { 2, 4, 12, 0, 10, 6 } },
	/* skip 3 bits: 3 + 10 bits still fit 2 B; skip 1 row = 2 B;
	 * total 2 + 2 * 2 + 2 */
	{ "bitmap skip 3 bits", F_STENCIL_INDEX, F_BITMAP, 10, 3, 1,
	  STORE(.skip_pixels = 3, .skip_rows = 1, .alignment = 1), 0, { 2, 2, 6, 2, 8, 6 } },
	/* skip 7 bits: 7 + 10 = 17 bits touch 3 B; total 2 + 4 + 3 */
	{ "bitmap skip 7 bits", F_COLOR_INDEX, F_BITMAP, 10, 3, 1,
	  STORE(.skip_pixels = 7, .skip_rows = 1, .alignment = 1), 0, { 3, 2, 6, 2, 9, 6 } },
	/* skip 9 bits: 1 whole byte, then 1 + 10 bits in 2 B; total 1 + 4 + 2 */
	{ "bitmap skip 9 bits", F_COLOR_INDEX, F_BITMAP, 10, 3, 1,
	  STORE(.skip_pixels = 9, .alignment = 1), 0, { 2, 2, 6, 1, 7, 6 } },
	/* row_length 20 bits = 3 B -> 4 at alignment 2; total 4 + 2 */
	{ "bitmap row_length", F_COLOR_INDEX, F_BITMAP, 10, 2, 1,
	  STORE(.row_length = 20, .alignment = 2), 0, { 2, 4, 8, 0, 6, 4 } },
	/* nothing is read from an empty image, whatever the skips */
	{ "zero width", F_RGBA, F_UNSIGNED_BYTE, 0, 5, 1, STORE(.skip_rows = 100), 0,
	  { 0, 0, 0, 0, 0, 0 } },
	{ "zero depth", F_RGBA, F_UNSIGNED_BYTE, 5, 5, 0, STORE(0), 0, { 0, 0, 0, 0, 0, 0 } },
	/* (2^31 - 1) * 16 = 34359738352, under 2^40 */
	{ "widest float row", F_RGBA, F_FLOAT, I32_MAX, 1, 1, STORE(0), 0,
	  { 34359738352u, 34359738352u, 34359738352u, 0, 34359738352u, 34359738352u } },
	/* 2^20 px * 4 B = 2^22 per row, * 2^18 rows = exactly 2^40: allowed */
	{ "exactly 2^40", F_RGBA, F_UNSIGNED_BYTE, 1 << 20, 1 << 18, 1, STORE(0), 0,
	  { 1u << 22, 1u << 22, MAX_BYTES, 0, MAX_BYTES, MAX_BYTES } },

	/* overflow */
	{ "2^40 + 1 row", F_RGBA, F_UNSIGNED_BYTE, 1 << 20, (1 << 18) + 1, 1, STORE(0),
	  -EOVERFLOW, { 0 } },
	{ "huge rgba32f", F_RGBA, F_FLOAT, I32_MAX, I32_MAX, 1, STORE(0), -EOVERFLOW, { 0 } },
	/* rows of 2^30 * 16 = 2^34 B; 2^30 of them are exactly 2^64, which an
	 * unchecked multiply wraps to 0 and an image stride to 2^34 */
	{ "wrapping product", F_RGBA, F_FLOAT, 1 << 30, (1 << 30) + 1, 1, STORE(0), -EOVERFLOW,
	  { 0 } },
	{ "huge 3d", F_RGBA, F_UNSIGNED_BYTE, 65536, 65536, 65536, STORE(0), -EOVERFLOW, { 0 } },
	{ "huge bitmap", F_COLOR_INDEX, F_BITMAP, I32_MAX, I32_MAX, I32_MAX, STORE(0),
	  -EOVERFLOW, { 0 } },
	{ "huge skip_rows", F_RGBA, F_FLOAT, 1, 1, 1,
	  STORE(.row_length = I32_MAX, .skip_rows = I32_MAX), -EOVERFLOW, { 0 } },
	{ "huge skip_images", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1,
	  STORE(.image_height = I32_MAX, .skip_images = I32_MAX), -EOVERFLOW, { 0 } },
	{ "huge skip_pixels", F_RGBA, F_FLOAT, 1, 1, 1, STORE(.skip_pixels = I32_MAX), 0,
	  { 16, 16, 16, 34359738352u, 34359738368u, 16 } },
	{ "huge depth stencil", F_DEPTH_STENCIL, F_FLOAT_32_UNSIGNED_INT_24_8_REV, I32_MAX,
	  I32_MAX, 1, STORE(0), -EOVERFLOW, { 0 } },

	/* negative sizes */
	{ "negative width", F_RGBA, F_UNSIGNED_BYTE, -1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "negative height", F_RGBA, F_UNSIGNED_BYTE, 1, -1, 1, STORE(0), -EINVAL, { 0 } },
	{ "negative depth", F_RGBA, F_UNSIGNED_BYTE, 1, 1, INT32_MIN, STORE(0), -EINVAL, { 0 } },

	/* bad stores (GL: INVALID_VALUE) */
	{ "alignment 3", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.alignment = 3), -EINVAL, { 0 } },
	{ "alignment 16", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.alignment = 16), -EINVAL,
	  { 0 } },
	{ "alignment -4", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.alignment = -4), -EINVAL,
	  { 0 } },
	{ "negative row_length", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.row_length = -1),
	  -EINVAL, { 0 } },
	{ "negative skip_pixels", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.skip_pixels = -1),
	  -EINVAL, { 0 } },
	{ "negative image_height", F_RGBA, F_UNSIGNED_BYTE, 1, 1, 1, STORE(.image_height = -1),
	  -EINVAL, { 0 } },

	/* unknown enums and mismatched pairs */
	{ "unknown format", 0x1234, F_UNSIGNED_BYTE, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "intensity is no format", F_INTENSITY, F_UNSIGNED_BYTE, 1, 1, 1, STORE(0), -EINVAL,
	  { 0 } },
	{ "unknown type", F_RGBA, 0x1234, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "double is no type", F_RGBA, F_DOUBLE, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "rgba 565", F_RGBA, F_UNSIGNED_SHORT_5_6_5, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "rgb 4444", F_RGB, F_UNSIGNED_SHORT_4_4_4_4, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "bgra 11f11f10f", F_BGRA, F_UNSIGNED_INT_10F_11F_11F_REV, 1, 1, 1, STORE(0), -EINVAL,
	  { 0 } },
	{ "rgba bitmap", F_RGBA, F_BITMAP, 8, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "luminance bitmap", F_LUMINANCE, F_BITMAP, 8, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "depth stencil ubyte", F_DEPTH_STENCIL, F_UNSIGNED_BYTE, 1, 1, 1, STORE(0), -EINVAL,
	  { 0 } },
	{ "rg 24_8", F_RG, F_UNSIGNED_INT_24_8, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "la f32_24_8", F_LUMINANCE_ALPHA, F_FLOAT_32_UNSIGNED_INT_24_8_REV, 1, 1, 1, STORE(0),
	  -EINVAL, { 0 } },
	{ "rgba_integer float", F_RGBA_INTEGER, F_FLOAT, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "red_integer half", F_RED_INTEGER, F_HALF_FLOAT, 1, 1, 1, STORE(0), -EINVAL, { 0 } },
	{ "rgb_integer 11f11f10f", F_RGB_INTEGER, F_UNSIGNED_INT_10F_11F_11F_REV, 1, 1, 1,
	  STORE(0), -EINVAL, { 0 } },
};

static void check_layout_case(const struct layout_case *c)
{
	struct sgl_pixel_store ps = c->ps;
	struct sgl_image_layout out;
	uint64_t got[6];
	int ret;

	if (ps.alignment == 0)
		ps.alignment = 4;
	ret = sgl_image_layout(c->format, c->type, c->w, c->h, c->d, &ps, &out);
	if (ret != c->ret)
		fail_msg("%s: ret %d, expected %d", c->what, ret, c->ret);
	got[0] = out.row_bytes;
	got[1] = out.row_stride;
	got[2] = out.image_stride;
	got[3] = out.skip_bytes;
	got[4] = out.total_bytes;
	got[5] = out.tight_bytes;
	/* Failures leave the layout zeroed, so nobody uses a half result. */
	for (int i = 0; i < 6; i++)
		if (got[i] != c->expect[i])
			fail_msg("%s: field %d is %llu, expected %llu", c->what, i,
				 (unsigned long long)got[i], (unsigned long long)c->expect[i]);
}

static void test_image_layout_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(layout_cases); i++)
		check_layout_case(&layout_cases[i]);
}

/* Every packed format/type pair that GL allows lays out as whole pixels. */
static void test_image_layout_packed_pairs(void **state)
{
	static const uint32_t pairs[][3] = {
		{ F_RGB, F_UNSIGNED_BYTE_2_3_3_REV, 1 },
		{ F_RGB, F_UNSIGNED_SHORT_5_6_5_REV, 2 },
		{ F_RGBA, F_UNSIGNED_SHORT_4_4_4_4_REV, 2 },
		{ F_BGRA, F_UNSIGNED_SHORT_5_5_5_1, 2 },
		{ F_BGRA, F_UNSIGNED_SHORT_1_5_5_5_REV, 2 },
		{ F_ABGR_EXT, F_UNSIGNED_INT_8_8_8_8, 4 },
		{ F_RGBA, F_UNSIGNED_INT_10_10_10_2, 4 },
		{ F_RGBA_INTEGER, F_UNSIGNED_INT_2_10_10_10_REV, 4 },
		{ F_RGB, F_UNSIGNED_INT_10F_11F_11F_REV, 4 },
		{ F_RGB, F_UNSIGNED_INT_5_9_9_9_REV, 4 },
	};
	struct sgl_image_layout out;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		/* 7 px at alignment 1: rows are exactly 7 pixels */
		struct sgl_pixel_store ps;

		sgl_pixel_store_init(&ps);
		ps.alignment = 1;
		assert_int_equal(sgl_image_layout(pairs[i][0], pairs[i][1], 7, 3, 1, &ps, &out), 0);
		assert_int_equal(out.row_stride, 7 * pairs[i][2]);
		assert_int_equal(out.total_bytes, 21 * pairs[i][2]);
	}
}

static void test_image_layout_defaults(void **state)
{
	struct sgl_pixel_store ps;
	struct sgl_image_layout a, b;

	(void)state;
	sgl_pixel_store_init(&ps);
	assert_int_equal(ps.alignment, 4);
	assert_int_equal(ps.row_length, 0);
	assert_int_equal(ps.image_height, 0);
	assert_int_equal(ps.skip_rows, 0);
	assert_int_equal(ps.skip_pixels, 0);
	assert_int_equal(ps.skip_images, 0);
	assert_false(ps.swap_bytes);
	assert_false(ps.lsb_first);

	/* A NULL store means the defaults. */
	assert_int_equal(sgl_image_layout(F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, &ps, &a), 0);
	assert_int_equal(sgl_image_layout(F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, NULL, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.row_stride, 12);

	/* Byte swapping and bit order move bytes, not sizes. */
	ps.swap_bytes = true;
	ps.lsb_first = true;
	assert_int_equal(sgl_image_layout(F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, &ps, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));

	assert_int_equal(sgl_image_layout(F_RGB, F_UNSIGNED_BYTE, 3, 2, 1, &ps, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pname_known_counts),
		cmocka_unit_test(test_pname_unknown_is_one),
		cmocka_unit_test(test_pname_dynamic),
		cmocka_unit_test(test_pname_table_sanity),
		cmocka_unit_test(test_pname_object_class),
		cmocka_unit_test(test_pixel_components),
		cmocka_unit_test(test_pixel_type_size),
		cmocka_unit_test(test_image_layout_table),
		cmocka_unit_test(test_image_layout_packed_pairs),
		cmocka_unit_test(test_image_layout_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
