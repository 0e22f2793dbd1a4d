/*
 * The guest encoder: GL calls become protocol commands in a batch buffer.
 *
 * Asynchronous calls only append to the batch; calls that return data
 * flush the batch and wait for their reply through the transport's
 * roundtrip callback. Object names are allocated here, so glGen* and
 * glCreate* never wait for the host.
 */
#ifndef SGL_GUEST_ENCODER_H
#define SGL_GUEST_ENCODER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sgl_gl_types.h"
#include "sgl_protocol.h"
#include "sgl_sizes.h"
#include "sgl_encoder_gen.h"

/* How the encoder reaches the host. `submit` sends a batch that produces no
 * reply; `roundtrip` sends a batch whose last command produces one and
 * returns that reply (valid until the next call). Both return 0 or <0. */
struct sgl_transport_ops {
	int (*submit)(void *user, const void *buf, size_t size);
	int (*roundtrip)(void *user, const void *buf, size_t size, const void **reply,
			 size_t *reply_size);
	/* Optional: `submit` of the batch followed by `tail_size` bytes from
	 * elsewhere (the application's memory) and zeros up to a multiple of 8,
	 * as one message. Large uploads skip the copy into the batch. */
	int (*submit_tail)(void *user, const void *buf, size_t size, const void *tail,
			   size_t tail_size);
};

struct sgl_name_pool {
	uint32_t next;
	uint32_t *free;
	size_t nfree, cap;
	uint8_t *live;        /* bit per name <= next: allocated and not freed */
	uint8_t *shader;      /* SGL_OBJ_PROGRAM: bit per name glCreateShader made */
	size_t live_bytes;    /* of `live` and `shader` */
};

/* A buffer mapped by the application, through a target or by name: the
 * guest's shadow of its bytes. */
struct sgl_map {
	GLuint buffer;        /* the mapped buffer */
	uint8_t *shadow;      /* what the application sees */
	uint8_t *lib;         /* the same bytes, where the library writes them */
	void *block;          /* the allocation around `shadow` (unwatched) */
	struct sgl_watch *watch;   /* persistent write maps: written pages (watch.h) */
	uint8_t *sent;        /* unwatched persistent write maps: what the host has */
	int64_t offset, length;
	GLbitfield access;
	uint64_t base;        /* the hash of the range's bytes at map time, when a
			       * copy of them is kept (map_copies.c); else 0 */
};

/* A copy of a buffer range's bytes as the host has them, kept after a map
 * (map_copies.c): the next map of the range needs no download when they
 * are still current, and its unmap sends only what changed. */
struct sgl_map_copy {
	GLuint buffer;
	int64_t offset, length;
	uint64_t hash;        /* sgl_hash64 of bytes; 0: the slot is free */
	uint8_t *bytes;
	uint64_t used;        /* when last used: the oldest is replaced */
};
#define SGL_MAP_COPIES 8

/* A vertex array as the guest knows it: with `client` set its data lives in
 * application memory and travels at draw time. Slots: generic attributes
 * 0..31, then the fixed-function arrays, then texture coordinates per unit. */
struct sgl_array_state {
	bool enabled, client;
	GLint size;
	GLenum type;
	uint32_t flags;       /* 1: normalized, 2: integer */
	GLsizei stride;
	GLuint divisor;       /* glVertexAttribDivisor: read per instance */
	const void *pointer;
};
#define SGL_GENERIC_ARRAYS 32
#define SGL_FIXED_ARRAYS 8    /* vertex, normal, color, secondary color, fog, edge flag,
                                 * color index, point size (GLES 1) */
#define SGL_TEXCOORD_ARRAYS 8
#define SGL_ARRAY_SLOTS (SGL_GENERIC_ARRAYS + SGL_FIXED_ARRAYS + SGL_TEXCOORD_ARRAYS)
_Static_assert(SGL_ARRAY_SLOTS <= 64, "client_mask has 64 bits");

struct sgl_enc {
	uint8_t *buf, *cur, *end;
	size_t cap;
	const struct sgl_transport_ops *ops;
	void *user;
	bool failed;          /* the transport failed: the context is gone */
	bool reply_error;     /* the last reply's command raised a GL error: it
			       * wrote nothing (SGL_REPLY_GL_ERROR) */
	GLenum error;         /* errors the guest raises itself */
	struct sgl_name_pool names[SGL_OBJ_COUNT];
	struct sgl_pixel_store unpack, pack;
	GLuint buffers[SGL_BUFFER_TARGETS]; /* bound per target (encoder.c); the
					     * element array's lives per VAO */
	GLuint vertex_array;
	GLuint *element_buffers;     /* per vertex array name, [0] = default VAO */
	size_t element_cap;
	uint32_t list_base;
	/* Buffer maps, keyed by buffer name (buffers.c): no fixed limit,
	 * map_bytes of shadows within SGL_MAP_BUDGET. */
	struct sgl_map **maps;
	size_t nmaps, maps_cap;
	uint64_t map_bytes;
	uint32_t persistent_maps;    /* persistent maps: pulled at fences and glFinish */
	uint32_t unwatched_writes;   /* persistent write maps compared at every sync */
	uint64_t compare_bytes;      /* ... and their bytes (buffers.c) */
	_Atomic uint32_t maps_dirty; /* watched maps written since the last sync */
	bool maps_wanted;            /* the batch holds a command that may read them */
	bool maps_syncing;           /* persistent.c is sending them */
	uint8_t *mbuf;               /* ... from this batch of their own */
	size_t mcap;
	struct sgl_map_copy copies[SGL_MAP_COPIES];  /* map_copies.c */
	uint64_t copy_bytes, copy_clock;
	struct sgl_array_state arrays[SGL_ARRAY_SLOTS];
	uint64_t client_mask;   /* slots both enabled and client: draws check this */
	/* GL strings live as long as the context: fetched once, kept here. */
	struct sgl_gl_string {
		uint32_t name, index;
		char *text;
	} *strings;
	size_t nstrings, strings_cap;
	GLenum client_active_texture;
	/* Primitive restart (restart.c): the index a draw's range leaves out. */
	bool restart, restart_fixed;
	GLuint restart_index;
	bool list_compiling;           /* inside glNewList(GL_COMPILE) */
	/* glPushClientAttrib's stack (client_attrib.c). */
	struct sgl_client_attrib *client_stack;
	uint32_t client_depth, client_max;
	uint32_t max_vertex_attribs;   /* the host's, once asked (arrays.c); 0: not yet */
	/* The application's debug callback: the guest runs it with the
	 * messages it drains from the host's log (debug.c). */
	GLDEBUGPROC debug_callback;
	const void *debug_user;
	bool debug_draining;
	/* GL_CONTEXT_FLAGS bits the application asked for that the host's
	 * context does not show (forward compatible: a 3.0 forward-compatible
	 * context is the host's core profile); glGetIntegerv adds them. */
	GLint context_flags;
	/* glSelectBuffer / glFeedbackBuffer: the application's, filled by
	 * glRenderMode (select.c). */
	GLuint *select_buf;
	GLfloat *feedback_buf;
	uint32_t select_size, feedback_size;
	uint64_t commands;
	/* The flush timer (timer.c) sends a batch left waiting while the
	 * owning thread is outside GL. The owner marks its calls with
	 * sgl_enc_enter/leave: plain stores, the timer pays for the fences.
	 * `calls` is odd while the owner is inside a call and moves with
	 * every call; `depth` counts nested ones (owner only). */
	uint64_t tail_min;    /* sgl_enc_tail_ok: SGL_ENC_TAIL_MIN (tests lower it) */
	_Atomic uint32_t calls;
	_Atomic uint32_t timer_flushing;  /* the timer holds the encoder */
	uint32_t depth;
	uint32_t timer_seen;              /* the timer's: `calls` at its last look */
	bool timer_pending;               /* the timer's: calls since it last looked */
};

void sgl_enc_wait_timer(struct sgl_enc *e);

/* Around every use of an encoder by its owning thread (entry points, swap,
 * make current): the flush timer never touches it in between. */
static inline __attribute__((always_inline)) void sgl_enc_enter(struct sgl_enc *e)
{
	uint32_t v = atomic_load_explicit(&e->calls, memory_order_relaxed);
	if (v & 1) {
		e->depth++;
		return;
	}
	atomic_store_explicit(&e->calls, v + 1, memory_order_relaxed);
	/* The timer's membarrier() orders this store before its look at
	 * `calls`; only the compiler must not move them. */
	atomic_signal_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&e->timer_flushing, memory_order_relaxed))
		sgl_enc_wait_timer(e);
}

static inline __attribute__((always_inline)) void sgl_enc_leave(struct sgl_enc *e)
{
	if (e->depth) {
		e->depth--;
		return;
	}
	uint32_t v = atomic_load_explicit(&e->calls, memory_order_relaxed);
	atomic_store_explicit(&e->calls, v + 1, memory_order_release);
}

/* batch_size: bytes of the batch buffer (it grows for larger commands). */
int sgl_enc_init(struct sgl_enc *e, size_t batch_size, const struct sgl_transport_ops *ops,
		 void *user);
void sgl_enc_finish(struct sgl_enc *e);

/* Sends what is batched. 0 or <0. sgl_enc_send: the same for a caller that
 * already holds the encoder (the flush timer). */
int sgl_enc_flush(struct sgl_enc *e);
int sgl_enc_send(struct sgl_enc *e);

/* Slow path of sgl_enc_begin: flush and make room for `bytes`. */
uint8_t *sgl_enc_begin_slow(struct sgl_enc *e, uint32_t op, uint64_t bytes);

/* Room for one command of `bytes` (a multiple of 8); writes its header. */
static inline uint8_t *sgl_enc_begin(struct sgl_enc *e, uint32_t op, uint64_t bytes)
{
	if ((uint64_t)(e->end - e->cur) < bytes)
		return sgl_enc_begin_slow(e, op, bytes);
	uint8_t *p = e->cur;
	struct sgl_header h = { op, (uint32_t)bytes };
	memcpy(p, &h, sizeof(h));
	e->cur = p + bytes;
	e->commands++;
	return p;
}

/* Uploads from this size on go straight from the application's memory
 * (generated encoders: the last segment of a command with no reply). */
#define SGL_ENC_TAIL_MIN (128u << 10)

static inline bool sgl_enc_tail_ok(struct sgl_enc *e, int64_t bytes)
{
	return bytes > 0 && (uint64_t)bytes >= e->tail_min && e->ops && e->ops->submit_tail;
}

/* Like sgl_enc_begin for a command of `bytes` whose last `tail` bytes (its
 * padded last segment) are not put in the batch: the header says `bytes`,
 * the batch holds the rest. sgl_enc_send_tail then sends the batch and the
 * segment's `size` bytes from `src` (plus padding) as one message. */
uint8_t *sgl_enc_begin_tail(struct sgl_enc *e, uint32_t op, uint64_t bytes, uint64_t tail);
void sgl_enc_send_tail(struct sgl_enc *e, const void *src, uint64_t size);

static inline void sgl_enc_zero_pad(uint8_t *seg, uint64_t bytes)
{
	memset(seg + bytes, 0, sgl_pad8(bytes) - bytes);
}

/* Flushes, waits for the reply to `op` and checks its size; returns the
 * reply payload or NULL (and the encoder failed). */
const uint8_t *sgl_enc_reply(struct sgl_enc *e, uint32_t op, uint64_t payload);

/* The same for replies whose size only the host knows (strings, texture
 * levels, uniforms): the payload and its size, or NULL. */
const uint8_t *sgl_enc_reply_any(struct sgl_enc *e, uint32_t op, size_t *payload);

/* A reply of u32 n, pad, then n values of `esize` bytes: copies them to
 * `out` (when n <= max) and returns n; 0 on a malformed reply. */
size_t sgl_enc_reply_counted(struct sgl_enc *e, uint32_t op, void *out, size_t esize,
			     size_t max);

/* Begins command `op` whose `fixed`-byte struct is followed by `count`
 * strings (u32 lengths, then the bytes; glShaderSource's layout). NULL
 * lengths or negative ones mean NUL-terminated. Returns the struct, or NULL. */
void *sgl_enc_string_array(struct sgl_enc *e, uint32_t op, size_t fixed, GLsizei count,
			   const GLchar *const *string, const GLint *length);

int64_t sgl_enc_pname_count(struct sgl_enc *e, GLenum pname);
/* A limit of the host's GL (a round trip), `fallback` where it answers
 * nothing; the application's pending error stays as it was. */
GLint sgl_enc_host_limit(struct sgl_enc *e, GLenum pname, GLint fallback);
/* Counts GL state decides (overrides.txt's getmap(), pixelmap()): state_counts.c. */
int64_t sgl_enc_getmap_count(struct sgl_enc *e, uint32_t target, uint32_t query);
int64_t sgl_enc_pixelmap_count(struct sgl_enc *e, uint32_t map);
int64_t sgl_enc_atomicbuf_count(struct sgl_enc *e, uint32_t program, uint32_t index,
				uint32_t pname);
bool sgl_enc_buffer_bound(struct sgl_enc *e, GLenum binding);
/* The guest's record of the buffer bound to `target`; NULL: not tracked. */
GLuint *sgl_enc_buffer_binding(struct sgl_enc *e, GLenum target);
/* buffers.c: the map of the buffer bound to `target`, or NULL. */
struct sgl_map *sgl_enc_find_map(struct sgl_enc *e, GLenum target);
/* map_copies.c: the hash to send with a map of the range (0: no copy). */
uint64_t sgl_map_copy_known(struct sgl_enc *e, GLuint buffer, GLbitfield access, int64_t offset,
			    int64_t length);
/* The map's bytes at map time are known (its reply's, or the copy the
 * host said was current with `known`): fills m->lib, keeps the copy, sets
 * m->base. false when `known` names no copy. */
bool sgl_map_copy_fill(struct sgl_enc *e, struct sgl_map *m, const uint8_t *reply_bytes,
		       uint64_t known);
/* A write map's unmap with a base: the runs that changed go as
 * sglMappedWrite (any map), and the copy follows. false when the map has
 * no base any more (the caller sends the whole range). */
bool sgl_map_copy_send_changes(struct sgl_enc *e, const struct sgl_map *m);
/* A write map's range as unmapped without a base becomes the copy. */
void sgl_map_copy_keep(struct sgl_enc *e, const struct sgl_map *m);
void sgl_map_copy_forget(struct sgl_enc *e, GLuint buffer);
void sgl_map_copy_free(struct sgl_enc *e);
/* buffers.c: a deleted buffer's maps go away with it. */
void sgl_enc_forget_maps(struct sgl_enc *e, GLuint buffer);
/* persistent.c: a command that can read a persistent map (draws, flushes,
 * fences, barriers, swaps) is in the batch: what the application wrote
 * into its maps goes to the host ahead of the batch when it is sent
 * (sgl_enc_maps_first). Nothing written costs one load. */
static inline void sgl_enc_sync_maps(struct sgl_enc *e)
{
	if (e->unwatched_writes || atomic_load_explicit(&e->maps_dirty, memory_order_relaxed))
		e->maps_wanted = true;
}
void sgl_enc_maps_first_slow(struct sgl_enc *e);
static inline void sgl_enc_maps_first(struct sgl_enc *e)
{
	if (e->maps_wanted && !e->maps_syncing)
		sgl_enc_maps_first_slow(e);
}
/* buffers.c: where GL makes the host's writes into persistent maps visible
 * to the client (a signaled fence, glFinish) they come into the shadows. */
void sgl_enc_pull_maps_slow(struct sgl_enc *e);
static inline void sgl_enc_pull_maps(struct sgl_enc *e)
{
	if (e->persistent_maps)
		sgl_enc_pull_maps_slow(e);
}
/* buffers.c: `op` with `len` bytes of m's shadow from `off` (in the map). */
/* persistent.c: sends, as sglMappedWrite (any_map as given), the runs of
 * 256-byte blocks where the map's bytes differ from `copy` (as long as
 * the map), and brings `copy` up to date; true when any differed. */
bool sgl_enc_send_changed(struct sgl_enc *e, const struct sgl_map *m, uint8_t *copy,
			  uint32_t any_map);
void sgl_enc_send_map_range(struct sgl_enc *e, uint32_t op, const struct sgl_map *m,
			    int64_t off, int64_t len, uint32_t name, uint32_t flag);
/* buffers.c: frees every shadow (the encoder goes away). */
void sgl_enc_free_maps(struct sgl_enc *e);

/* Names. */
void sgl_enc_gen_names(struct sgl_enc *e, enum sgl_object_class cls, GLsizei n, GLuint *out);
uint32_t sgl_enc_new_name(struct sgl_enc *e, enum sgl_object_class cls);
void sgl_enc_claim_name(struct sgl_enc *e, enum sgl_object_class cls, uint32_t name);
void sgl_enc_free_names(struct sgl_enc *e, enum sgl_object_class cls, GLsizei n,
			const GLuint *names);
void sgl_enc_free_name(struct sgl_enc *e, enum sgl_object_class cls, uint32_t name);
/* Whether `name` is a shader this encoder made with glCreateShader and has
 * not deleted (false says nothing: another context may have made it). */
bool sgl_enc_known_shader(const struct sgl_enc *e, GLuint name);

/* Client images <-> tightly packed wire images, honouring pixel store;
 * `images`: a 3D command's image, which SKIP_IMAGES and IMAGE_HEIGHT apply to
 * (guest/images.c). */
void sgl_enc_image_in(struct sgl_enc *e, uint8_t *dst, const void *src, GLenum format,
		      GLenum type, GLsizei width, GLsizei height, GLsizei depth, bool images);
/* Where the tight image starts in `src` when the application's layout
 * already is the wire's (no row padding or gaps): it can be sent as it is
 * (sgl_enc_send_tail). NULL otherwise. */
const void *sgl_enc_image_tail(struct sgl_enc *e, const void *src, GLenum format, GLenum type,
			       GLsizei width, GLsizei height, GLsizei depth, bool images);
void sgl_enc_image_out(struct sgl_enc *e, void *dst, const uint8_t *src, GLenum format,
		       GLenum type, GLsizei width, GLsizei height, GLsizei depth, bool images);

/* Protocol-only commands. */
void sgl_enc_sglSwapBuffers(struct sgl_enc *e);
void sgl_enc_sglResizeSurface(struct sgl_enc *e, uint32_t width, uint32_t height);
void sgl_enc_sglClientArrayData(struct sgl_enc *e, uint32_t array, GLint size, GLenum type,
				uint32_t flags, GLint first, GLsizei count, const void *data,
				GLsizei stride);
/* Records a GL error the guest raises itself (the first one stays). */
static inline void sgl_enc_error(struct sgl_enc *e, GLenum err)
{
	if (e->error == GL_NO_ERROR)
		e->error = err;
}
/* Client vertex arrays (arrays.c): whether a draw must send any, sending
 * the range [first, first + count) of each, and the lowest and highest
 * index of an index array (fetched when it lives in a buffer). */
bool sgl_enc_any_client_array(const struct sgl_enc *e);
int sgl_enc_generic_slot(struct sgl_enc *e, GLuint index);
void sgl_enc_send_client_arrays(struct sgl_enc *e, int64_t first, int64_t count);
bool sgl_enc_index_range(struct sgl_enc *e, GLsizei count, GLenum type, const void *indices,
			 int64_t *lo, int64_t *hi);
/* restart.c: the restart index of `type` when primitive restart is on. */
bool sgl_enc_restart_index(const struct sgl_enc *e, GLenum type, uint32_t *index);
void sgl_enc_restart_client_state(struct sgl_enc *e, GLenum array, bool on);
/* Runs the application's debug callback, if any, with the messages the
 * host logged (debug.c). */
void sgl_enc_debug_drain(struct sgl_enc *e);
int sgl_enc_sglBufferReadRange(struct sgl_enc *e, GLenum target, int64_t offset, int64_t size,
			       void *out);
/* overrides.txt's uniform_count (guest/uniforms.c): the count a glUniform*v
 * sends, `bytes_each` bytes of values per counted element. */
GLsizei sgl_enc_uniform_count(struct sgl_enc *e, GLuint program, bool current, GLint location,
			      GLsizei count, int64_t bytes_each);

#endif
