/*
 * The validating decoder: runs a guest command buffer against one context.
 *
 * The generated table (sgl_decoder_gen.c) holds one handler per opcode.
 * Before a handler calls GL it has checked that the command's size equals
 * the size recomputed from its fixed arguments, mapped every object name,
 * and turned every pointer into either a pointer inside the validated
 * payload or a checked buffer offset. Helpers below are what the generated
 * and hand-written handlers share.
 *
 * Handler results: 0 = done (maybe with a GL error recorded), <0 = the
 * command was malformed: the context is lost, d->reason says why.
 */
#ifndef SGL_DECODER_H
#define SGL_DECODER_H

#include <stdbool.h>
#include <stdint.h>

#include <epoxy/gl.h>

#include "sglhost.h"
#include "sgl_protocol.h"
#include "sgl_gl_table.h"
#include "contexts/namemap.h"
#include "util/log.h"

struct sgl_dec;
struct sglhost_context;

typedef int (*sgl_handler)(struct sgl_dec *d, const uint8_t *p, uint32_t size);
extern const sgl_handler sgl_dec_table[SGL_OP_COUNT];

#define SGL_STREAM_SLOTS (32 + 5 + 32 + 3)

struct sgl_dec {
	const struct sgl_gl_table *gl;
	/* Name map of each object class: the context's own or its share group's. */
	struct sgl_namemap *maps[SGL_OBJ_COUNT];
	/* Host FBO standing for the guest's framebuffer 0. */
	GLuint default_fbo;
	/* The names the window's draw and read buffers were last set by
	 * (GL_FRONT_LEFT, GL_LEFT...): GL answers the name it was given. */
	GLenum window_draw, window_read;
	struct sgl_mem_budget *budget;
	const struct sgl_log *log;
	struct sglhost_context *ctx;   /* NULL when decoding without a context (tests) */
	bool gles;
	bool ctx_compat;    /* GL compatibility profile: fixed-function arrays too */
	int major, minor;

	/* The submit in progress. */
	sglhost_reply_fn reply;
	void *reply_user;
	uint32_t opcode;

	/* Reply being built; scratch arena reset for every command. */
	uint8_t *reply_buf;
	uint64_t reply_cap;
	uint64_t reply_size;
	uint8_t *scratch;
	uint64_t scratch_cap;
	uint64_t scratch_used;

	/* Guest names of programs and shaders deleted while in use: GL keeps
	 * them (and their names) until they are no longer used (names.c). */
	uint32_t *zombies;
	size_t nzombies, zombies_cap;

	/* A GL error the decoder raised itself, returned by the next glGetError. */
	GLenum error;
	/* Errors raised so far (recorded or not), and their count when the
	 * reply being built began: a reply flags the error its command raised
	 * (SGL_REPLY_GL_ERROR). */
	uint32_t errors_raised, reply_errors;
	/* [0] unpack, [1] pack, as GL took the guest's calls (sgl_sizes.h's
	 * rules, the guest's own). */
	struct sgl_pixel_store pixel[2];

	/* Vertex arrays: set when array state changed since the last draw
	 * (see sgl_dec_guard_arrays); a zero buffer for arrays with none. */
	bool arrays_dirty;
	GLuint null_buffer;
	GLint max_attribs;
	GLint max_texunits;        /* 0 until sgl_dec_bad_texunit asks GL */
	GLint max_levels;          /* 0 until sgl_dec_bad_level asks GL */

	/* Client arrays: the host buffers their data is streamed into, one
	 * per array (generic 0..31, then the fixed-function ones), so a draw
	 * that orphans one array's buffer never loses another array's data. */
	struct sgl_stream {
		GLuint buffer;
		uint64_t size, used;
	} streams[SGL_STREAM_SLOTS];

	/* glSelectBuffer / glFeedbackBuffer storage GL writes into (select.c). */
	void *select_buf, *feedback_buf;
	uint32_t select_size, feedback_size;

	/* The extensions this context advertises (see strings.c). */
	char *ext_joined;         /* "GL_a GL_b ...", NULL until first asked */
	char **ext_names;
	uint32_t ext_count;

	/* Persistent maps the guest holds a shadow of, with the bytes it was
	 * last known to hold (persistent.c). */
	struct sgl_pmap {
		uint32_t buffer;      /* guest name */
		uint8_t *host;        /* GL's map pointer */
		int64_t offset, length;
		uint8_t *seen;
	} *pmaps;
	size_t npmaps, pmaps_cap;

	bool lost;
	char reason[256];
	uint64_t commands;
	uint64_t bytes;
};

void sgl_dec_init(struct sgl_dec *d, const struct sgl_gl_table *gl, struct sgl_mem_budget *budget,
		  const struct sgl_log *log);
void sgl_dec_finish(struct sgl_dec *d);

/* Runs `len` bytes of commands (8-byte aligned). 0, or <0 with d->lost set. */
int sgl_dec_run(struct sgl_dec *d, const uint8_t *buf, size_t len, sglhost_reply_fn reply,
		void *user);

/* Marks the context lost with a reason; returns -EPROTO. */
int sgl_dec_fail(struct sgl_dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sgl_dec_short(struct sgl_dec *d, uint32_t op, uint32_t size, size_t need);
int sgl_dec_size_mismatch(struct sgl_dec *d, uint32_t op, uint32_t size, uint64_t expect);
int sgl_dec_missing(struct sgl_dec *d, uint32_t op);
int sgl_dec_unsupported(struct sgl_dec *d, const uint8_t *p, uint32_t size);
int sgl_dec_guest_only(struct sgl_dec *d, const uint8_t *p, uint32_t size);

/* Records a GL error of the decoder's own (the first one wins, as in GL). */
void sgl_dec_gl_error(struct sgl_dec *d, GLenum error);

/* Object names. The map functions return 0 (mapped), 1 (unknown: a GL
 * error is recorded, the command is skipped) or <0 (context lost). */
int sgl_dec_map_slow(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest,
		     GLuint *host);
/* The mapped case inline: it is on the path of every Bind* and Use*. */
static inline int sgl_dec_map(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest,
			      GLuint *host)
{
	uint64_t h = guest ? sgl_namemap_lookup(d->maps[cls], guest) : 0;
	if (__builtin_expect(h != 0, 1)) {
		*host = (GLuint)h;
		return 0;
	}
	return sgl_dec_map_slow(d, cls, guest, host);
}
uint64_t sgl_dec_lookup(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest);
/* Names GL creates on first use (first_use.c): *name, a guest name, becomes
 * the host's; an unused one gets a new object from `gen` when `creates`
 * (the profile says so), else GL's error as sgl_dec_map. 0 stays 0. */
int sgl_dec_map_or_create_slow(struct sgl_dec *d, enum sgl_object_class cls, GLuint *name,
			       bool creates, void (*gen)(GLsizei, GLuint *));
static inline int sgl_dec_map_or_create(struct sgl_dec *d, enum sgl_object_class cls,
					GLuint *name, bool creates,
					void (*gen)(GLsizei, GLuint *))
{
	uint64_t h = *name ? sgl_namemap_lookup(d->maps[cls], *name) : 0;
	if (__builtin_expect(h != 0 || *name == 0, 1)) {
		*name = (GLuint)h;
		return 0;
	}
	return sgl_dec_map_or_create_slow(d, cls, name, creates, gen);
}
int sgl_dec_map_sync(struct sgl_dec *d, uint64_t guest, GLsync *host);
int sgl_dec_map_array(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
		      uint32_t n, GLuint *out);
int sgl_dec_map_array_del(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			  uint32_t n, GLuint *out);
int sgl_dec_check_new_names(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			    uint32_t n, GLuint *out);
int sgl_dec_insert_names(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			 uint32_t n, const GLuint *host);
void sgl_dec_unmap_array(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			 uint32_t n);
void sgl_dec_unmap(struct sgl_dec *d, enum sgl_object_class cls, uint64_t guest);
int sgl_dec_created(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest, uint64_t host);
void sgl_dec_reverse_array(struct sgl_dec *d, enum sgl_object_class cls, GLuint *names,
			   uint32_t n);
GLuint sgl_dec_reverse(struct sgl_dec *d, enum sgl_object_class cls, GLuint host);
/* params[0] back to the guest's name when `pname` answers with an object
 * (sgl_pname_object_class); state.c. */
void sgl_dec_reverse_pname(struct sgl_dec *d, GLenum pname, GLint *params);

/* 0 when the buffer binding `pname` is non-zero; else 1 with
 * GL_INVALID_OPERATION recorded (an offset without a buffer would be a guest
 * pointer). */
int sgl_dec_check_binding(struct sgl_dec *d, GLenum pname);
/* A texture unit outside GL_TEXTURE0 .. + GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS:
 * raises GL_INVALID_ENUM and returns 1 (the command is not run). */
int sgl_dec_bad_texunit(struct sgl_dec *d, GLenum texunit);
/* The same for a texture target GL knows (any texture, cube face or proxy
 * target), of `dims` dimensions when not 0 (image commands):
 * GL_INVALID_ENUM and 1 otherwise. */
int sgl_dec_bad_textarget(struct sgl_dec *d, GLenum target, int dims);
/* A mipmap level outside 0 .. log2(GL_MAX_TEXTURE_SIZE): GL_INVALID_VALUE
 * and 1 (EXT_direct_state_access images: Mesa indexed its levels with it). */
int sgl_dec_bad_level(struct sgl_dec *d, GLint level);
/* EXT_direct_state_access sub-images: GL_INVALID_OPERATION and 1 when the
 * image (of texture unit `multitex`, else texture name) does not exist. */
int sgl_dec_no_image_ext(struct sgl_dec *d, bool multitex, GLuint unit_or_texture, GLenum target,
			 GLint level);
int64_t sgl_dec_pname_count(struct sgl_dec *d, GLenum pname);
/* After a texture image call GL judged without pixels (their length was
 * ours to refuse, `ours`): GL's error if it raised one, else ours. */
void sgl_dec_judged(struct sgl_dec *d, uint32_t ours);
/* Counts GL state decides (overrides.txt's getmap(), pixelmap()): state_counts.c. */
int64_t sgl_dec_getmap_count(struct sgl_dec *d, uint32_t target, uint32_t query);
int64_t sgl_dec_pixelmap_count(struct sgl_dec *d, uint32_t map);
int64_t sgl_dec_atomicbuf_count(struct sgl_dec *d, uint32_t program, uint32_t index,
				uint32_t pname);

/* Memory for one command, charged to the context budget; NULL (and the
 * context lost) when over budget. */
void *sgl_dec_scratch(struct sgl_dec *d, uint64_t bytes);
/* Largest zeroed image that stands in for a NULL one (protocol/emit_host.py). */
#define SGL_DEC_NULL_IMAGE_MAX ((int64_t)16 << 20)


/* buffers.c: where a command naming a buffer (by target, or by guest name
 * for named maps) reaches it; sgl_dec_buffer_enter returns 0 (s says
 * where), 1 (no buffer: GL_INVALID_OPERATION recorded) or <0 (lost);
 * sgl_dec_buffer_leave puts back the binding enter borrowed. */
struct sgl_buffer_site {
	GLenum target;
	GLint restore;        /* the GL_COPY_WRITE_BUFFER binding to put back */
	bool bound;
};
int sgl_dec_buffer_enter(struct sgl_dec *d, uint32_t op, uint32_t target_or_buffer,
			 struct sgl_buffer_site *s);
void sgl_dec_buffer_leave(struct sgl_dec *d, const struct sgl_buffer_site *s);

/* persistent.c: the guest's view of its persistent maps. A map made
 * (`sent`: the guest got its bytes, else zeros), bytes the guest stored at
 * `dst` in some map, a map gone; and everything freed. */
int sgl_dec_pmap_add(struct sgl_dec *d, uint32_t buffer, uint8_t *host, int64_t offset,
		     int64_t length, bool sent);
void sgl_dec_pmap_stored(struct sgl_dec *d, const uint8_t *dst, int64_t length);
void sgl_dec_pmap_remove(struct sgl_dec *d, const void *host);
void sgl_dec_pmap_finish(struct sgl_dec *d);

/* Replies: begin returns zeroed payload memory of `bytes`; end sends it. */
uint8_t *sgl_dec_reply_begin(struct sgl_dec *d, uint32_t op, uint64_t bytes);
int sgl_dec_reply_end(struct sgl_dec *d);

/*
 * Before a draw: no enabled vertex array may lack a buffer, or the driver
 * would read host memory at its offset as a client pointer (the default
 * state; or the buffer was deleted). Checked only when array state may have
 * changed since the last draw.
 */
void sgl_dec_guard_arrays_slow(struct sgl_dec *d);
static inline void sgl_dec_guard_arrays(struct sgl_dec *d)
{
	if (__builtin_expect(d->arrays_dirty, 0))
		sgl_dec_guard_arrays_slow(d);
}

/* String arrays after a `fixed`-byte struct (src/decoder/strings.c): 0 with
 * strs/lens in scratch memory (NUL-terminated copies with `nul`), 1 when
 * count < 0 (GL_INVALID_VALUE recorded), <0 for a malformed command. */
int sgl_dec_string_array(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size,
			 size_t fixed, int32_t count, bool nul, const GLchar ***strs,
			 GLint **lens);

/* Number of extensions the context advertises (host's, filtered). */
uint32_t sgl_dec_extension_count(struct sgl_dec *d);

/* Client-memory images travel tightly packed: around such a call the
 * pack/unpack state is set to tight and then restored to the guest's. */
void sgl_dec_pixels_tight(struct sgl_dec *d, bool pack);
/* glGetIntegerv answers about the window's buffers (window.c): its
 * attachments back to GL_BACK / GL_FRONT. */
void sgl_dec_window_buffer_names(struct sgl_dec *d, GLenum pname, GLint *data);
/* The window's own answer for `pname` (window.c's table: GL_DOUBLEBUFFER),
 * in *value, when the framebuffer bound at `binding`
 * (GL_DRAW/READ_FRAMEBUFFER_BINDING) is the window; false otherwise, where
 * the host GL's answer stands. The getters' posts use it. */
bool sgl_dec_window_answer(struct sgl_dec *d, GLenum binding, GLenum pname, GLint *value);
void sgl_dec_pixels_restore(struct sgl_dec *d, bool pack);

#endif
