/*
 * The wire format shared by guest and host (docs/protocol.md).
 *
 * Little-endian. Every command is {u32 opcode, u32 size} then fixed-width
 * arguments (8-byte ones first, then 4-byte ones), then the variable data of
 * its pointer arguments in parameter order, each padded to 8 bytes; `size`
 * counts the whole command and is a multiple of 8. Replies have the same
 * header, then the return value in 8 bytes (if any), then output data.
 * The host recomputes every size from the fixed arguments.
 */
#ifndef SGL_WIRE_H
#define SGL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sgl_sizes.h"

struct sgl_header {
	uint32_t opcode;
	uint32_t size;
};

/* Set in the opcode of a reply whose command raised a GL error: GL wrote
 * nothing to its outputs, so the guest leaves the application's memory as
 * it was (the data that follows is zeros). */
#define SGL_REPLY_GL_ERROR 0x80000000u

/* Largest variable segment either side accepts (the host also applies its
 * per-context memory limit). */
#define SGL_MAX_SEGMENT ((int64_t)1 << 40)

static inline uint64_t sgl_pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

/*
 * Negative lengths that also say which GL error the arguments raise: an
 * unknown enum (GL_INVALID_ENUM) or a pairing GL refuses
 * (GL_INVALID_OPERATION). Any other negative length is GL_INVALID_VALUE.
 * Far below any count a GL size type holds.
 */
#define SGL_LEN_BAD_ENUM (INT64_MIN + 1)
#define SGL_LEN_BAD_OP (INT64_MIN + 2)

/* The GL error of an invalid length, unless an earlier one is set. */
static inline uint32_t sgl_len_error(uint32_t prev, int64_t len)
{
	if (prev)
		return prev;
	if (len == SGL_LEN_BAD_ENUM)
		return 0x0500;   /* GL_INVALID_ENUM */
	if (len == SGL_LEN_BAD_OP)
		return 0x0502;   /* GL_INVALID_OPERATION */
	return 0x0501;           /* GL_INVALID_VALUE */
}

/* Length arithmetic: a negative operand means "invalid" and stays so. */
static inline int64_t sgl_len_mul(int64_t a, int64_t b)
{
	int64_t r;
	if (a == SGL_LEN_BAD_ENUM || a == SGL_LEN_BAD_OP)
		return a;
	if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) || r > SGL_MAX_SEGMENT)
		return -1;
	return r;
}

static inline int64_t sgl_len_div(int64_t a, int64_t b)
{
	if (a == SGL_LEN_BAD_ENUM || a == SGL_LEN_BAD_OP)
		return a;
	return a < 0 || b <= 0 ? -1 : a / b;
}

static inline int64_t sgl_seg_bytes(int64_t count, int64_t elem_size)
{
	return sgl_len_mul(count, elem_size);
}

/* Bytes of a tightly packed client image, or -1 when the arguments are
 * invalid (GL raises an error then and reads nothing). */
int64_t sgl_image_bytes(int64_t format, int64_t type, int64_t width, int64_t height,
			int64_t depth);
/* Bytes of `count` indices of `type`, or -1. */
int64_t sgl_index_bytes(int64_t count, int64_t type);
/* Bytes of glClearBuffer*v's value: 4 values for GL_COLOR, 1 for GL_DEPTH
 * and GL_STENCIL (every element is 4 bytes). */
int64_t sgl_clearbuffer_bytes(int64_t buffer);
/* Bytes of `drawcount` indirect draw commands of `size` bytes, `stride`
 * apart (0: packed), as glMultiDraw*Indirect reads them, or -1. */
int64_t sgl_indirect_bytes(int64_t drawcount, int64_t stride, int64_t size);
/* Bytes of glMap1*'s and glMap2*'s control points (`elem`: 4 or 8 bytes),
 * as GL 2.1 section 5.1 reads them: (order - 1) strides and the k values
 * of the target's last point, per dimension. 0 for what GL rejects (it
 * reads nothing then). */
int64_t sgl_map1_bytes(int64_t target, int64_t stride, int64_t order, int64_t elem);
int64_t sgl_map2_bytes(int64_t target, int64_t ustride, int64_t uorder, int64_t vstride,
		       int64_t vorder, int64_t elem);
/* The dimensions of an evaluator target: 1 (GL_MAP1_*), 2 (GL_MAP2_*), 0
 * for a target that is none. */
int sgl_getmap_dims(uint32_t target);
/* Values glGetMap*(target, query) writes when the map's orders are uorder
 * (and vorder, for GL_MAP2_*): GL_COEFF the control points, GL_ORDER and
 * GL_DOMAIN 1 or 2 values a dimension. 0 where GL raises an error. */
int64_t sgl_getmap_values(uint32_t target, uint32_t query, int64_t uorder, int64_t vorder);
/* The GL_PIXEL_MAP_*_SIZE pname of a pixel map, 0 for a map that is none. */
uint32_t sgl_pixelmap_size_pname(uint32_t map);

/* ---- Hand-written commands (protocol/protocol_commands.txt, custom in
 * overrides.txt). Variable data follows each struct, 8-byte padded. ---- */

/* sglSwapBuffers: the guest presents its window-system framebuffer. */
struct sgl_cmd_sglSwapBuffers {
	struct sgl_header hdr;
};

/* sglResizeSurface: new size of the window-system framebuffer. */
struct sgl_cmd_sglResizeSurface {
	struct sgl_header hdr;
	uint32_t width;
	uint32_t height;
};

/* sglClientArrayData: client-side vertex array data for the next draw.
 * `array` is a generic attribute index, or one of SGL_ARRAY_* for the fixed
 * function arrays. The data is `count` elements of `size` x `type`,
 * tightly packed (stride 0), starting at element `first`. */
enum sgl_client_array {
	SGL_ARRAY_VERTEX = 0x10000,
	SGL_ARRAY_NORMAL,
	SGL_ARRAY_COLOR,
	SGL_ARRAY_SECONDARY_COLOR,
	SGL_ARRAY_FOG_COORD,
	SGL_ARRAY_TEXCOORD, /* + texture unit, up to 32 units */
	SGL_ARRAY_EDGE_FLAG = SGL_ARRAY_TEXCOORD + 32, /* GLboolean, size 1 */
	SGL_ARRAY_INDEX,      /* color indices (glIndexPointer), size 1 */
	SGL_ARRAY_POINT_SIZE, /* GLES 1 point sizes (glPointSizePointerOES), size 1 */
};
struct sgl_cmd_sglClientArrayData {
	struct sgl_header hdr;
	uint32_t array;
	int32_t size;
	uint32_t type;
	uint32_t normalized;  /* or integer (1 << 1) for glVertexAttribIPointer */
	int32_t first;
	int32_t count;
	uint32_t bytes;
	uint32_t pad_;
};

/* sglBufferReadRange: reply with `size` bytes of the buffer bound to
 * `target`, from `offset` (read maps and glGetBufferSubData on GLES). */
struct sgl_cmd_sglBufferReadRange {
	struct sgl_header hdr;
	int64_t offset;
	int64_t size;
	uint32_t target;
	uint32_t pad_;
};

/* glShaderSource: `count` strings; an array of `count` u32 byte lengths,
 * then the concatenated bytes. */
struct sgl_cmd_glShaderSource {
	struct sgl_header hdr;
	uint32_t shader;
	int32_t count;
};

/* glCompileShaderIncludeARB: `count` search paths as in glShaderSource. */
struct sgl_cmd_glCompileShaderIncludeARB {
	struct sgl_header hdr;
	uint32_t shader;
	int32_t count;
};

/* glTransformFeedbackVaryings: `count` names as in glShaderSource (u32
 * lengths, then the bytes, no NULs). */
struct sgl_cmd_glTransformFeedbackVaryings {
	struct sgl_header hdr;
	uint32_t program;
	int32_t count;
	uint32_t bufferMode;
	uint32_t pad_;
};

/* glCreateShaderProgramv: `count` sources as in glShaderSource; the guest
 * picks the program's name (new_name), as for glCreateProgram. */
struct sgl_cmd_glCreateShaderProgramv {
	struct sgl_header hdr;
	uint32_t type;
	int32_t count;
	uint32_t new_name;
	uint32_t pad_;
};

/* glGetUniformIndices: `count` names as in glShaderSource; the reply is
 * u32 n, pad, then n u32 indices (n is count, or 0 when GL wrote none). */
struct sgl_cmd_glGetUniformIndices {
	struct sgl_header hdr;
	uint32_t program;
	int32_t count;
};

/* glGetActiveUniformBlockiv: the reply is u32 n, pad, then n values; n is
 * GL_UNIFORM_BLOCK_ACTIVE_UNIFORMS for GL_UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES,
 * 1 for the other pnames, 0 when GL raised an error. */
struct sgl_cmd_glGetActiveUniformBlockiv {
	struct sgl_header hdr;
	uint32_t program;
	uint32_t uniformBlockIndex;
	uint32_t pname;
	uint32_t pad_;
};

/* glGetString / glGetStringi: reply is the string with its NUL. */
struct sgl_cmd_glGetString {
	struct sgl_header hdr;
	uint32_t name;
	uint32_t pad_;
};
struct sgl_cmd_glGetStringi {
	struct sgl_header hdr;
	uint32_t name;
	uint32_t index;
};

/* glGenLists: the guest picks `first`..`first + range - 1`. */
struct sgl_cmd_glGenLists {
	struct sgl_header hdr;
	uint32_t first;
	int32_t range;
};
struct sgl_cmd_glDeleteLists {
	struct sgl_header hdr;
	uint32_t list;
	int32_t range;
};
/* Selection and feedback: GL writes into a buffer it keeps between calls,
 * so the buffer is the host's (at most SGL_RENDER_BUFFER_MAX values); the
 * guest keeps the application's pointer. glRenderMode's reply is
 * {int32 result, uint32 mode left, uint32 count, pad} then `count` values
 * of the buffer of the mode left (GL_SELECT: uint32, GL_FEEDBACK: float). */
#define SGL_RENDER_BUFFER_MAX (1u << 20)
struct sgl_cmd_glSelectBuffer {
	struct sgl_header hdr;
	int32_t size;
	uint32_t pad_;
};
struct sgl_cmd_glFeedbackBuffer {
	struct sgl_header hdr;
	int32_t size;
	uint32_t type;
};
struct sgl_cmd_glRenderMode {
	struct sgl_header hdr;
	uint32_t mode;
	uint32_t pad_;
};
struct sgl_render_mode_reply {
	int32_t result;
	uint32_t left;
	uint32_t count;
	uint32_t pad_;
};

/* glGetVertexAttribPointerv / glGetPointerv: the host's pointer value (a
 * buffer offset, or 0) in a u64 reply; client arrays the guest answers. */
struct sgl_cmd_glGetVertexAttribPointerv {
	struct sgl_header hdr;
	uint32_t index;
	uint32_t pname;
};
struct sgl_cmd_glGetPointerv {
	struct sgl_header hdr;
	uint32_t pname;
	uint32_t pad_;
};

/* glCallLists: the guest resolves glListBase + lists[i] itself and sends
 * `n` absolute u32 list names. */
struct sgl_cmd_glCallLists {
	struct sgl_header hdr;
	int32_t n;
	uint32_t pad_;
};

/* glMapBufferRange: the host maps the buffer for real (so GL validates the
 * call and the buffer reads as mapped) and replies with a
 * sgl_map_reply, followed by the `length` bytes of the range when
 * `has_data` is SGL_MAP_DATA (the map succeeded and did not invalidate
 * the range). `known`, when not 0, is the sgl_hash64() of the guest's own
 * copy of that range: when the mapped bytes hash the same the reply says
 * SGL_MAP_DATA_KNOWN and carries none.
 * glMapNamedBufferRange(EXT), glFlushMappedNamedBufferRange(EXT) and
 * glUnmapNamedBuffer(EXT) have the layouts of their target twins with the
 * buffer's name where those have the target. */
struct sgl_cmd_glMapBufferRange {
	struct sgl_header hdr;
	int64_t offset;
	int64_t length;
	uint32_t target;
	uint32_t access;
	uint64_t known;
};
struct sgl_cmd_glMapNamedBufferRange {
	struct sgl_header hdr;
	int64_t offset;
	int64_t length;
	uint32_t buffer;
	uint32_t access;
	uint64_t known;
};
enum sgl_map_data {
	SGL_MAP_NO_DATA = 0,     /* invalidated, or the map failed */
	SGL_MAP_DATA = 1,        /* the range's bytes follow */
	SGL_MAP_DATA_KNOWN = 2,  /* the guest's copy (`known`) is the range */
};
struct sgl_map_reply {
	uint32_t mapped;
	uint32_t has_data;       /* enum sgl_map_data */
};
struct sgl_cmd_glMapBuffer {
	struct sgl_header hdr;
	uint32_t target;
	uint32_t access;
};
/* glUnmapBuffer: `length` bytes written at `offset` (in the buffer) follow
 * when has_data; the host stores them in its map, then unmaps. */
struct sgl_cmd_glUnmapBuffer {
	struct sgl_header hdr;
	int64_t offset;
	int64_t length;
	uint32_t target;
	uint32_t has_data;
};
/* glFlushMappedBufferRange: `length` bytes for `offset` (in the buffer)
 * follow; the host stores them in its map and flushes that range. */
struct sgl_cmd_glFlushMappedBufferRange {
	struct sgl_header hdr;
	int64_t offset;
	int64_t length;
	uint32_t target;
	uint32_t pad_;
};
/* sglMappedWrite: `length` bytes for `offset` (in the buffer) of the
 * persistently mapped buffer `buffer` follow; the host stores them in its
 * map. The guest sends them before each command that may read them. With
 * `any_map` 1 they go into any map of the buffer, persistent or not: the
 * runs an unmap changed, sent ahead of an unmap without bytes when the
 * guest knew the range's bytes at map time (guest/map_copies.c). */
struct sgl_cmd_sglMappedWrite {
	struct sgl_header hdr;
	int64_t offset;
	int64_t length;
	uint32_t buffer;
	uint32_t any_map;
};
/* sglMapsPull: no arguments. The reply brings what the host's GL wrote into
 * the context's persistent maps since the guest last saw them: a
 * sgl_pull_reply, then `count` records, each a sgl_pull_record and its
 * `length` bytes (padded to 8). `more`: the reply was full, ask again. */
struct sgl_cmd_sglMapsPull {
	struct sgl_header hdr;
};
/* sglUniformRemaining: how many elements of the uniform array at `location`
 * a glUniform*v there can write (1 for a non-array, 0 for no uniform), in
 * `program` (a guest name) or, with `current`, in the current program.
 * Reply: one int32_t and 4 bytes of padding. */
struct sgl_cmd_sglUniformRemaining {
	struct sgl_header hdr;
	uint32_t program;
	int32_t location;
	uint32_t current;
	uint32_t pad_;
};
struct sgl_pull_reply {
	uint32_t count;
	uint32_t more;
};
struct sgl_pull_record {
	int64_t offset;       /* in the buffer */
	int64_t length;
	uint32_t buffer;
	uint32_t pad_;
};

/* glGetTexImage / glGetCompressedTexImage: with a pack buffer bound
 * (offmask 1) GL writes at `offset`; otherwise the reply holds the level
 * tightly packed (or the compressed image), sized by the host from the
 * real level, never from the guest. */
struct sgl_cmd_glGetTexImage {
	struct sgl_header hdr;
	uint64_t offset;
	uint32_t target;
	int32_t level;
	uint32_t format;
	uint32_t type;
	uint32_t offmask;
	uint32_t pad_;
};
struct sgl_cmd_glGetCompressedTexImage {
	struct sgl_header hdr;
	uint64_t offset;
	uint32_t target;
	int32_t level;
	uint32_t offmask;
	uint32_t pad_;
};

/* glGetUniform{f,i,ui,d}v: the reply is a u32 count, a u32 pad, then
 * `count` values of the command's type (4 or 8 bytes each). */
struct sgl_cmd_glGetUniform {
	struct sgl_header hdr;
	uint32_t program;
	int32_t location;
};

/* glGetProgramStringARB: the reply is a u32 length, a u32 pad, then the
 * program's bytes (no NUL, as GL writes them). */
struct sgl_cmd_glGetProgramStringARB {
	struct sgl_header hdr;
	uint32_t target;
	uint32_t pname;
};

/* glGenFragmentShadersATI: the first guest name of the range. */
struct sgl_cmd_glGenFragmentShadersATI {
	struct sgl_header hdr;
	uint32_t first;
	uint32_t range;
};
struct sgl_cmd_glBindFragmentShaderATI {
	struct sgl_header hdr;
	uint32_t id;
	uint32_t pad_;
};

/* glObjectPtrLabel: the sync's guest name, then `length` label bytes when
 * has_label (length -1 never travels: the guest measures the string).
 * glGetObjectPtrLabel: the reply is an i32 length, a u32 pad, then bufSize
 * bytes. */
struct sgl_cmd_glObjectPtrLabel {
	struct sgl_header hdr;
	uint64_t sync;
	int32_t length;
	uint32_t has_label;
};
struct sgl_cmd_glGetObjectPtrLabel {
	struct sgl_header hdr;
	uint64_t sync;
	int32_t bufSize;
	uint32_t pad_;
};

/* glGetTextureImage, glGetTextureSubImage, glGetCompressedTextureImage and
 * glGetCompressedTextureSubImage: the arguments (unused ones 0), then,
 * without a pack buffer, the application's bufSize bytes as they are; the
 * reply is those bytes after GL wrote into them. */
struct sgl_cmd_texture_readback {
	struct sgl_header hdr;
	uint64_t offset;      /* into the pack buffer, when has_offset */
	uint32_t texture;
	int32_t level, xoffset, yoffset, zoffset, width, height, depth;
	uint32_t format, type;
	int32_t bufSize;
	uint32_t has_offset;
};

#endif
