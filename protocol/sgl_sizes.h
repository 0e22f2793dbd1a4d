/*
 * Sizes shared by the guest encoder and the host decoder.
 *
 * Both sides of the stream must agree, bit for bit, on how many values a
 * pname-style pointer argument carries and how many bytes a client-memory
 * image occupies: the guest copies exactly that many bytes into the stream
 * and the host trusts nothing else.  Keep this file free of GL headers so
 * both builds see the same definitions.
 */
#ifndef SGL_PROTOCOL_SIZES_H
#define SGL_PROTOCOL_SIZES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- pname value counts ------------------------------------------------ */

/* The count is the value of another pname: see sgl_pname_count_source(). */
#define SGL_PNAME_COUNT_DYNAMIC (-1)

/*
 * Largest static count in the table (the 4x4 matrices and the 16-byte UUIDs).
 * Host decoders should hand the driver a buffer of at least this many
 * elements for every non-dynamic query, whatever sgl_pname_count() says, so a
 * driver that writes more than the spec promises cannot overrun it; only the
 * counted values travel back.
 */
#define SGL_PNAME_MAX_COUNT 16

struct sgl_pname_entry {
	uint32_t pname;
	int32_t count;	 /* 1..SGL_PNAME_MAX_COUNT or SGL_PNAME_COUNT_DYNAMIC */
	uint32_t source; /* the NUM_* pname holding the count when dynamic, else 0 */
};

/*
 * Number of values read or written through the pointer of glGet*v,
 * glGet*i_v (per index) and the *Parameter*v families for @pname.
 * Unknown pnames count 1.  Returns SGL_PNAME_COUNT_DYNAMIC for lists whose
 * length is the value of another pname.
 */
int sgl_pname_count(uint32_t pname);

/* The NUM_* pname to query for a dynamic count; 0 for any other pname. */
uint32_t sgl_pname_count_source(uint32_t pname);

/* The whole table, sorted by pname, for tests and for dumping. */
const struct sgl_pname_entry *sgl_pname_table(size_t *n);

/* ---- pnames that return object names ----------------------------------- */

enum sgl_object_class {
	SGL_OBJ_NONE = 0,
	SGL_OBJ_BUFFER,
	SGL_OBJ_TEXTURE,
	SGL_OBJ_RENDERBUFFER,
	SGL_OBJ_FRAMEBUFFER,
	SGL_OBJ_VERTEX_ARRAY,
	SGL_OBJ_PROGRAM,
	SGL_OBJ_QUERY,
	SGL_OBJ_SAMPLER,
	SGL_OBJ_TRANSFORM_FEEDBACK,
	SGL_OBJ_PROGRAM_PIPELINE,
	SGL_OBJ_DISPLAY_LIST,
	SGL_OBJ_SYNC,
	SGL_OBJ_FRAGMENT_SHADER_ATI,
	SGL_OBJ_PROGRAM_ARB,         /* ARB assembly programs: not GLSL's namespace */
	SGL_OBJ_COUNT,
};

/*
 * The object namespace of the name returned by a glGet*v / glGet*i_v query
 * (and glGetVertexAttribiv, glGetQueryiv, glGetProgramPipelineiv,
 * glGetTexLevelParameteriv for the few pnames they share), so the host can
 * translate host names back to guest names.  SGL_OBJ_NONE for everything
 * else, including GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME whose namespace
 * depends on GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE.
 */
uint32_t sgl_pname_object_class(uint32_t pname);

/* ---- client-memory images ---------------------------------------------- */

/* Every byte count above this is refused with -EOVERFLOW. */
#define SGL_IMAGE_MAX_BYTES (UINT64_C(1) << 40)

/* The GL_PACK_* or GL_UNPACK_* state that applies to one transfer. */
struct sgl_pixel_store {
	int32_t row_length, image_height, skip_rows, skip_pixels, skip_images, alignment;
	bool swap_bytes, lsb_first;
};

struct sgl_image_layout {
	uint64_t row_bytes;    /* bytes of pixel data in one row (tight) */
	uint64_t row_stride;   /* bytes between rows, honouring row_length and alignment */
	uint64_t image_stride; /* bytes between images (image_height) */
	uint64_t skip_bytes;   /* offset of the first pixel: skip_pixels, skip_rows, skip_images */
	uint64_t total_bytes;  /* bytes client memory must hold from its start */
	uint64_t tight_bytes;  /* the pixels alone, rows and images packed with alignment 1 */
};

/* GL defaults: alignment 4, everything else 0 / false. */
void sgl_pixel_store_init(struct sgl_pixel_store *ps);

/*
 * glPixelStore's rules, for the guest encoder and the host decoder alike
 * (protocol/sgl_pixel_store.c): both track the state and must agree with
 * GL and each other (tests/test_pixel_store.c).
 */
enum sgl_pixel_param {
	SGL_PS_ALIGNMENT,
	SGL_PS_ROW_LENGTH,
	SGL_PS_IMAGE_HEIGHT,
	SGL_PS_SKIP_PIXELS,
	SGL_PS_SKIP_ROWS,
	SGL_PS_SKIP_IMAGES,
	SGL_PS_COUNT,                      /* the ones a tight layout resets */
	SGL_PS_SWAP_BYTES = SGL_PS_COUNT,
	SGL_PS_LSB_FIRST,
	SGL_PS_ALL,
};
/* The parameter a glPixelStore pname sets (*pack: a GL_PACK_* one), or -1. */
int sgl_pixel_store_param(uint32_t pname, bool *pack);
/* The pname of a parameter; 0 for none. */
uint32_t sgl_pixel_store_pname(int param, bool pack);
/* glPixelStoref's value as glPixelStorei takes it: the nearest integer,
 * halves away from zero; clamped to the int32 range, NaN 0. */
int32_t sgl_pixel_store_round(float value);
int32_t sgl_pixel_store_get(const struct sgl_pixel_store *ps, int param);
/* Sets a parameter as GL does; false, with ps unchanged, where GL raises
 * GL_INVALID_VALUE (negative values, alignments other than 1, 2, 4, 8). */
bool sgl_pixel_store_set(struct sgl_pixel_store *ps, int param, int32_t value);

/* Components (groups' elements) of a pixel format; 0 if unknown. */
int sgl_pixel_components(uint32_t format);

/*
 * Size of one pixel of @components components of @type.  @packed is set for
 * the packed types (one element holds the whole pixel), @bitmap for
 * GL_BITMAP, whose pixel is one bit: *bytes_per_pixel is then 0.
 * Any output pointer may be NULL.  Returns 0, or -EINVAL when the type is
 * unknown or does not fit @components.
 */
int sgl_pixel_type_size(uint32_t type, int components, uint32_t *bytes_per_pixel, bool *packed,
			bool *bitmap);

/*
 * Layout in client memory of a width x height x depth image of
 * @format/@type under the store @ps (NULL means GL defaults).
 *
 * Pass depth 1 for 2D and height 1 for 1D transfers.  GL applies
 * skip_images and image_height to 3D transfers only, so callers must zero
 * them in @ps for 1D/2D ones: left set they still give an upper bound, but
 * one that can reach past the end of the application's buffer.
 *
 * GL_BITMAP: skip_pixels counts bits.  skip_bytes holds the whole bytes
 * (skip_pixels / 8) of the row start; the remaining skip_pixels % 8 bits are
 * carried by the store and counted in row_bytes, which covers every byte a
 * row touches, so total_bytes stays an upper bound of what GL reads.
 *
 * All fields are 0 when any dimension is 0.  Returns 0, -EINVAL for an
 * unknown or mismatched format/type, a negative size or a bad store, and
 * -EOVERFLOW when a byte count exceeds SGL_IMAGE_MAX_BYTES.
 */
int sgl_image_layout(uint32_t format, uint32_t type, int32_t width, int32_t height, int32_t depth,
		     const struct sgl_pixel_store *ps, struct sgl_image_layout *out);

/* ---- buffer binding points -------------------------------------------- */

/*
 * Every buffer target GL has, by a fixed index (sgl_buffer_targets.c); the
 * first five are named because the encoder treats them apart (array and
 * element-array sources, pixel transfers, indirect draws).
 */
enum {
	SGL_BUFFER_ARRAY,
	SGL_BUFFER_ELEMENT_ARRAY,
	SGL_BUFFER_PIXEL_PACK,
	SGL_BUFFER_PIXEL_UNPACK,
	SGL_BUFFER_DRAW_INDIRECT,
	SGL_BUFFER_TARGETS = 15,
};

/* The index of a buffer target, or of the pname that queries its binding
 * (GL_ARRAY_BUFFER and GL_ARRAY_BUFFER_BINDING alike); -1 for neither. */
int sgl_buffer_target_index(uint32_t target_or_binding);

/* The pname that queries @target's binding; 0 when it is no buffer target. */
uint32_t sgl_buffer_binding_pname(uint32_t target);

#endif
