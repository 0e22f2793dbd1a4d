/*
 * Bad guest input, table-driven: one row per class of malformed command.
 *
 * Every row builds a raw command buffer by hand (with the generated wire
 * structs) and submits it straight to a fresh "victim" context. A row either
 * expects the context to be lost (-EPROTO, a reason naming the problem) or
 * expects a GL error with the context alive.
 *
 * For a lost context the test checks that
 * - the submit returned -EPROTO and the status says lost, with the reason;
 * - the malformed command did not run: the decoder counted only the commands
 *   before it, and a texture the victim renders into (shared with a partner
 *   context of its share group, which reads it back) kept its colour, so the
 *   glClear that a row pairs with glClearColor never reached GL;
 * - the partner context (created before the victim, same host, same share
 *   group) and an unrelated context of the same host still render;
 * - a further submit returns -EPIPE and changes nothing;
 * - the library said so once, through its log handler only: nothing reached
 *   stdout or stderr during the submit;
 * - for rejected glGen* / glGenLists: the names the command carried are
 *   still free in the share group (a partial insert would leave them taken).
 *
 * Rows that stay alive check the GL error, that the command changed no
 * state (bindings, objects), and that the context still renders.
 *
 * "pointer_absent_*" rows send a command whose nullmask says an array GL
 * reads is absent (the application passed NULL). GL must never see NULL
 * there; any outcome but a crash is accepted. They run the submit in a
 * child process so that a crash is reported as a failure, not the end of
 * the test program.
 */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define W 16
#define H 16

#define BLUE RGBA(0, 0, 255, 255)

/* ---------------------------------------------------------------------- */
/* Log capture: the host's log handler. */

static struct {
	char text[32768];
	unsigned warnings; /* messages at WARN or ERROR */
} g_log;

static void log_fn(void *user, enum sglhost_log_level level, const char *file, int line,
		   const char *msg)
{
	(void)user;
	size_t n = strlen(g_log.text);
	if (n < sizeof(g_log.text) - 1)
		snprintf(g_log.text + n, sizeof(g_log.text) - n, "%d %s:%d: %s\n", (int)level, file,
			 line, msg);
	if (level <= SGLHOST_LOG_WARN)
		g_log.warnings++;
}

static void log_reset(void)
{
	g_log.text[0] = '\0';
	g_log.warnings = 0;
}

/* ---------------------------------------------------------------------- */
/* A context with a guest encoder feeding it (several per host). */

struct peer {
	struct sglhost_context *ctx;
	struct sgl_enc enc;
	bool enc_ready;
	uint8_t *reply;
	size_t reply_size, reply_cap;
	int last_rc;
};

static int peer_submit(void *user, const void *buf, size_t size)
{
	struct peer *p = user;
	p->last_rc = sglhost_context_submit(p->ctx, buf, size, NULL, NULL);
	return p->last_rc;
}

static int peer_collect(void *user, const void *data, size_t size)
{
	struct peer *p = user;
	if (size > p->reply_cap) {
		uint8_t *n = realloc(p->reply, size);
		if (!n)
			return -ENOMEM;
		p->reply = n;
		p->reply_cap = size;
	}
	memcpy(p->reply, data, size);
	p->reply_size = size;
	return 0;
}

static int peer_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			  size_t *reply_size)
{
	struct peer *p = user;
	p->reply_size = 0;
	p->last_rc = sglhost_context_submit(p->ctx, buf, size, peer_collect, p);
	if (p->last_rc < 0 || !p->reply_size)
		return -1;
	*reply = p->reply;
	*reply_size = p->reply_size;
	return 0;
}

static const struct sgl_transport_ops peer_ops = { peer_submit, peer_roundtrip, NULL };

static void peer_open(struct peer *p, struct sglhost *host, struct sglhost_context *share)
{
	struct sglhost_context_config cc;
	memset(p, 0, sizeof(*p));
	sglhost_context_config_init(&cc);
	cc.api = SGLHOST_API_GL_COMPAT;
	cc.width = W;
	cc.height = H;
	cc.share = share;
	p->ctx = sglhost_context_create(host, &cc);
	assert_non_null(p->ctx);
	assert_int_equal(sgl_enc_init(&p->enc, 64 * 1024, &peer_ops, p), 0);
	p->enc_ready = true;
}

static void peer_close(struct peer *p)
{
	if (p->enc_ready)
		sgl_enc_finish(&p->enc);
	sglhost_context_destroy(p->ctx);
	free(p->reply);
	memset(p, 0, sizeof(*p));
}

static struct sglhost_context_status peer_status(struct peer *p)
{
	struct sglhost_context_status st;
	memset(&st, 0, sizeof(st));
	st.version = SGLHOST_STATUS_VERSION;
	assert_int_equal(sglhost_context_get_status(p->ctx, &st), 0);
	return st;
}

/* Pixel (x, y), top row first, of the window-system framebuffer. */
static uint32_t peer_pixel(struct peer *p, uint32_t x, uint32_t y)
{
	uint32_t px[W * H];
	assert_int_equal(sgl_enc_flush(&p->enc), 0);
	assert_int_equal(sglhost_context_read_pixels(p->ctx, SGLHOST_PIXEL_RGBA8888, px, W * 4, W, H),
			 0);
	return px[y * W + x];
}

/* Clears the window to `rgba`, presents, reads it back: the context works. */
static void peer_render_check(struct peer *p, uint32_t rgba)
{
	struct sgl_enc *e = &p->enc;
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, 0);
	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, (float)(rgba & 255) / 255.0f, (float)(rgba >> 8 & 255) / 255.0f,
			     (float)(rgba >> 16 & 255) / 255.0f, 1.0f);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(peer_pixel(p, W / 2, H / 2), rgba | 0xff000000u);
	assert_int_equal(peer_pixel(p, 0, H - 1), rgba | 0xff000000u);
	assert_false(peer_status(p).lost);
}

/* Reads texel (W/2, H/2) of a shared 2D texture through an FBO of `p`. */
static uint32_t peer_read_texture(struct peer *p, GLuint tex)
{
	struct sgl_enc *e = &p->enc;
	GLuint fb;
	uint8_t px[4] = { 0xde, 0xad, 0xbe, 0xef };
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferTexture2D(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	assert_int_equal(sgl_enc_glCheckFramebufferStatus(e, GL_FRAMEBUFFER),
			 GL_FRAMEBUFFER_COMPLETE);
	sgl_enc_glReadPixels(e, W / 2, H / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, 0);
	sgl_enc_glDeleteFramebuffers(e, 1, &fb);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	uint32_t v;
	memcpy(&v, px, 4);
	return v;
}

/* ---------------------------------------------------------------------- */
/* Raw command buffers. */

struct wire {
	uint64_t mem[1024]; /* 8-aligned */
	size_t len;
	unsigned cmds;      /* whole commands appended so far */
	size_t bad_at;      /* where the malformed command starts */
	unsigned bad_cmds;  /* commands before it: what may run */
};

static void put(struct wire *w, const void *src, size_t n)
{
	assert_true(w->len + n <= sizeof(w->mem));
	if (src)
		memcpy((uint8_t *)w->mem + w->len, src, n);
	else
		memset((uint8_t *)w->mem + w->len, 0, n);
	w->len += n;
}

static void put_u32(struct wire *w, uint32_t v) { put(w, &v, 4); }

static void put_hdr(struct wire *w, uint32_t op, uint32_t size)
{
	struct sgl_header h = { op, size };
	put(w, &h, sizeof(h));
}

/* A well-formed command. */
static void cmd(struct wire *w, const void *c, size_t n)
{
	put(w, c, n);
	w->cmds++;
}

/* The next bytes are the malformed command. */
static void mark_bad(struct wire *w)
{
	w->bad_at = w->len;
	w->bad_cmds = w->cmds;
}

static void clear_color_red(struct wire *w)
{
	struct sgl_cmd_glClearColor c = { { SGL_OP_glClearColor, sizeof(c) }, 1, 0, 0, 1 };
	cmd(w, &c, sizeof(c));
}

static void clear(struct wire *w)
{
	struct sgl_cmd_glClear c = { { SGL_OP_glClear, sizeof(c) }, GL_COLOR_BUFFER_BIT, 0 };
	cmd(w, &c, sizeof(c));
}

/* glGenTextures / glDeleteTextures with an explicit name array. */
static void textures_cmd(struct wire *w, uint32_t op, int32_t n, const uint32_t *names,
			 uint32_t count)
{
	struct sgl_cmd_glGenTextures c = { { op, 0 }, n, 1 };
	c.hdr.size = (uint32_t)(sizeof(c) + sgl_pad8(4 * (uint64_t)count));
	put(w, &c, sizeof(c));
	put(w, names, 4 * (size_t)count);
	put(w, NULL, sgl_pad8(4 * (uint64_t)count) - 4 * (uint64_t)count);
	w->cmds++;
}

static void uniform4fv(struct wire *w, int32_t count, uint32_t nullmask, uint32_t payload)
{
	struct sgl_cmd_glUniform4fv c = { { SGL_OP_glUniform4fv, (uint32_t)sizeof(c) + payload },
					  0, count, nullmask, 0 };
	put(w, &c, sizeof(c));
	put(w, NULL, payload);
	w->cmds++;
}

static void get_uniform_location(struct wire *w, uint32_t name_len, const char *bytes,
				 uint32_t payload)
{
	struct sgl_cmd_glGetUniformLocation c = {
		{ SGL_OP_glGetUniformLocation, (uint32_t)sizeof(c) + payload }, 0, name_len, 1, 0
	};
	put(w, &c, sizeof(c));
	uint8_t seg[64] = { 0 };
	memcpy(seg, bytes, strlen(bytes));
	assert_true(payload <= sizeof(seg));
	put(w, seg, payload);
	w->cmds++;
}

/* ---------------------------------------------------------------------- */
/* The table. */

struct env {
	struct peer partner; /* created first; the victim joins its share group */
	struct peer victim;
	GLuint tex;          /* victim's render target, a shared texture */
	GLint loc;           /* a live uniform location, after prepare_program */
};

struct row {
	const char *name;
	void (*build)(struct wire *w, const struct env *env);
	/* Lost rows: a substring of the reason. NULL: the context must stay. */
	const char *reason;
	/* Rows that stay: the GL error the command raises (or error_alt). */
	GLenum error, error_alt;
	bool no_reply_sink;
	/* GL would dereference NULL: any outcome but a crash is right (lost
	 * with a reason, a GL error, or a harmless substitute for the data). */
	bool survive;
	/* Submit in a child process: the command may crash the host. */
	bool isolate;
	/* Victim state the row needs, set up through its encoder. */
	void (*prepare)(struct env *env);
	/* Extra check that the command had no effect (lost rows: run on the
	 * partner; other rows: on the victim). */
	void (*check)(struct env *env);
};

/* -- truncated buffers -- */
static void b_trunc_tail(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_u32(w, SGL_OP_glClear);
}
static void b_trunc_7(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_header h = { SGL_OP_glClear, 16 };
	put(w, &h, 7);
}
static void b_size_past_end(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 24);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
}
static void b_size_past_end_huge(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 0xfffffff8u);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
}
/* -- size not a multiple of 8 / below the header -- */
static void b_size_12(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 12);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
}
static void b_size_0(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 0);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
}
static void b_size_4(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 4);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
}
/* -- size below the fixed part -- */
static void b_short_clear(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 8);
	clear(w); /* would be read as the mask by a decoder that over-reads */
}
static void b_short_clear_color(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	put_hdr(w, SGL_OP_glClearColor, 16);
	float rg[2] = { 1, 0 };
	put(w, rg, sizeof(rg));
	clear(w);
}
/* -- size mismatch -- */
static void b_fixed_extra(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glClear, 24);
	put_u32(w, GL_COLOR_BUFFER_BIT);
	put_u32(w, 0);
	put(w, NULL, 8);
}
static void b_count_short(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uniform4fv(w, 2, 1, 16);
}
static void b_count_long(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uniform4fv(w, 1, 1, 32);
}
static void b_delete_count(struct wire *w, const struct env *e)
{
	/* n = 3 names, 2 sent: the victim's own texture among them. */
	mark_bad(w);
	uint32_t names[2] = { e->tex, 500 };
	textures_cmd(w, SGL_OP_glDeleteTextures, 3, names, 2);
}
/* -- oversized counts, overflowing products -- */
static void b_count_huge(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uniform4fv(w, 0x7fffffff, 1, 16);
}
static void b_count_x16_wraps(struct wire *w, const struct env *e)
{
	/* 0x10000001 * 16 is 16 in 32-bit arithmetic. */
	(void)e;
	mark_bad(w);
	uniform4fv(w, 0x10000001, 1, 16);
}
static void b_count_x64_wraps(struct wire *w, const struct env *e)
{
	/* glUniformMatrix4fv: 0x04000001 * 64 is 64 in 32-bit arithmetic. */
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glUniformMatrix4fv c = { { SGL_OP_glUniformMatrix4fv, sizeof(c) + 64 },
						0, 0x04000001, 0, 1 };
	put(w, &c, sizeof(c));
	put(w, NULL, 64);
	w->cmds++;
}
static void buffer_data(struct wire *w, int64_t size, uint32_t nullmask, uint32_t payload)
{
	struct sgl_cmd_glBufferData c = { { SGL_OP_glBufferData, (uint32_t)sizeof(c) + payload },
					  size, GL_ARRAY_BUFFER, GL_STATIC_DRAW, nullmask, 0 };
	put(w, &c, sizeof(c));
	put(w, NULL, payload);
	w->cmds++;
}
static void b_buffer_data_2_62(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	buffer_data(w, (int64_t)1 << 62, 1, 8);
}
static void b_buffer_data_negative(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	buffer_data(w, -8, 1, 8);
}
static void b_buffer_sub_data_int64_max(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glBufferSubData c = { { SGL_OP_glBufferSubData, sizeof(c) + 8 },
					     0, INT64_MAX - 3, GL_ARRAY_BUFFER, 1 };
	put(w, &c, sizeof(c));
	put(w, NULL, 8);
	w->cmds++;
}
/* -- buffer maps by name -- */
static void b_named_map_extra(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glMapNamedBufferRange c = { { SGL_OP_glMapNamedBufferRange, sizeof(c) + 8 },
						   0, 8, 1, GL_MAP_READ_BIT, 0 };
	put(w, &c, sizeof(c));
	put(w, NULL, 8);
	w->cmds++;
}
static void b_named_unmap_int64_max(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glUnmapBuffer c = { { SGL_OP_glUnmapNamedBuffer, sizeof(c) + 8 },
					   0, INT64_MAX - 3, 1, 1 };
	put(w, &c, sizeof(c));
	put(w, NULL, 8);
	w->cmds++;
}
static void b_named_flush_unknown(struct wire *w, const struct env *e)
{
	(void)e;
	struct sgl_cmd_glUnmapBuffer c = { { SGL_OP_glFlushMappedNamedBufferRange, sizeof(c) + 8 },
					   0, 8, 777, 0 };
	put(w, &c, sizeof(c));
	put(w, NULL, 8);
	w->cmds++;
}
/* -- unknown opcodes, unsupported commands -- */
static void unknown_op(struct wire *w, uint32_t op)
{
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, op, 16);
	put(w, NULL, 8);
	clear(w);
}
static void b_op_0(struct wire *w, const struct env *e) { (void)e; unknown_op(w, 0); }
static void b_op_count(struct wire *w, const struct env *e) { (void)e; unknown_op(w, SGL_OP_COUNT); }
static void b_op_max(struct wire *w, const struct env *e) { (void)e; unknown_op(w, 0xffffffffu); }
static void b_unsupported(struct wire *w, const struct env *e)
{
	/* glDebugMessageCallback(callback, userParam): a guest function
	 * pointer, which no host can call; the guest library runs callbacks
	 * itself (guest_only in overrides.txt). */
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glDebugMessageCallback, 24);
	uint64_t args[2] = { 0x1000, 0x2000 };
	put(w, args, sizeof(args));
	clear(w);
}
/* A command the protocol does not carry yet (build/protocol/unsupported.txt). */
static void b_unsupported_yet(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glImportMemoryFdEXT, 8);
	clear(w);
}
/* -- bad object names -- */
static void b_gen_zero(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uint32_t names[2] = { 600, 0 };
	textures_cmd(w, SGL_OP_glGenTextures, 2, names, 2);
}
static void b_gen_duplicate(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uint32_t names[2] = { 601, 601 };
	textures_cmd(w, SGL_OP_glGenTextures, 2, names, 2);
}
static void b_gen_in_use(struct wire *w, const struct env *e)
{
	mark_bad(w);
	uint32_t names[2] = { 602, e->tex };
	textures_cmd(w, SGL_OP_glGenTextures, 2, names, 2);
}
static void b_gen_too_high(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uint32_t names[1] = { (1u << 22) + 1 };
	textures_cmd(w, SGL_OP_glGenTextures, 1, names, 1);
}
static void gen_lists(struct wire *w, uint32_t first, int32_t range)
{
	struct sgl_cmd_glGenLists c = { { SGL_OP_glGenLists, sizeof(c) }, first, range };
	cmd(w, &c, sizeof(c));
}
static void b_lists_overlap(struct wire *w, const struct env *e)
{
	/* 802 is taken by the first command; the range 800..802 overlaps it. */
	(void)e;
	gen_lists(w, 802, 1);
	mark_bad(w);
	gen_lists(w, 800, 3);
}
static void b_lists_past_limit(struct wire *w, const struct env *e)
{
	/* 4194303 and 4194304 are valid names, 4194305 is past the limit. */
	(void)e;
	mark_bad(w);
	gen_lists(w, (1u << 22) - 1, 3);
}
static void b_lists_first_zero(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	gen_lists(w, 0, 2);
}
static void b_lists_wrap(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	gen_lists(w, 0xffffffffu, 2);
}
static void b_lists_huge(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	gen_lists(w, 1000, 0x7fffffff);
}

/* -- pointer arguments without their data -- */
static void b_segment_missing(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	uniform4fv(w, 1, 1, 0);
}
static void b_buffer_data_missing(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	buffer_data(w, 16, 1, 0);
}
static void b_names_missing(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glGenTextures c = { { SGL_OP_glGenTextures, sizeof(c) }, 1, 1 };
	cmd(w, &c, sizeof(c));
}
static void b_string_no_nul(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	get_uniform_location(w, 4, "abcd", 8); /* the padding is zero, the string is not */
}
static void b_string_empty(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	get_uniform_location(w, 0, "", 0);
}
static void b_string_past_end(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	get_uniform_location(w, 0xffffffffu, "ab", 8);
}
/* nullmask says absent (the application passed NULL) for an array GL
 * reads: the host must not hand GL a NULL pointer to dereference. */
static void b_absent_vertex3fv(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glVertex3fv c = { { SGL_OP_glVertex3fv, sizeof(c) }, 0, 0 };
	cmd(w, &c, sizeof(c));
}
static void b_absent_tex_parameterfv(struct wire *w, const struct env *e)
{
	(void)e;
	mark_bad(w);
	struct sgl_cmd_glTexParameterfv c = { { SGL_OP_glTexParameterfv, sizeof(c) },
					      GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, 0, 0 };
	cmd(w, &c, sizeof(c));
}
static void b_absent_uniform4fv(struct wire *w, const struct env *e)
{
	mark_bad(w);
	struct sgl_cmd_glUniform4fv c = { { SGL_OP_glUniform4fv, sizeof(c) }, e->loc, 1, 0, 0 };
	cmd(w, &c, sizeof(c));
}

/* -- replies without a sink -- */
static void b_no_sink_get_error(struct wire *w, const struct env *e)
{
	(void)e;
	clear_color_red(w);
	mark_bad(w);
	put_hdr(w, SGL_OP_glGetError, 8);
	clear(w);
}
static void b_no_sink_is_texture(struct wire *w, const struct env *e)
{
	clear_color_red(w);
	mark_bad(w);
	struct sgl_cmd_glIsTexture c = { { SGL_OP_glIsTexture, sizeof(c) }, e->tex, 0 };
	put(w, &c, sizeof(c));
	clear(w);
}
/* -- GL errors, context alive -- */
static void b_bind_unknown(struct wire *w, const struct env *e)
{
	(void)e;
	struct sgl_cmd_glBindTexture c = { { SGL_OP_glBindTexture, sizeof(c) }, GL_TEXTURE_2D, 9999 };
	cmd(w, &c, sizeof(c));
}
static void b_delete_negative(struct wire *w, const struct env *e)
{
	(void)e;
	struct sgl_cmd_glDeleteTextures c = { { SGL_OP_glDeleteTextures, sizeof(c) }, -1, 1 };
	cmd(w, &c, sizeof(c));
}
static void b_delete_negative_null(struct wire *w, const struct env *e)
{
	(void)e;
	struct sgl_cmd_glDeleteTextures c = { { SGL_OP_glDeleteTextures, sizeof(c) }, -1, 0 };
	cmd(w, &c, sizeof(c));
}
static void b_uniform_negative(struct wire *w, const struct env *e)
{
	(void)e;
	uniform4fv(w, -1, 1, 0);
}
static void b_attrib_offset(struct wire *w, const struct env *e)
{
	(void)e;
	struct sgl_cmd_glVertexAttribPointer c = { { SGL_OP_glVertexAttribPointer, sizeof(c) },
						   16, 0, 4, GL_FLOAT, 0, 0, 0 };
	cmd(w, &c, sizeof(c));
}
static void b_buffer_data_2_62_encoded(struct wire *w, const struct env *e)
{
	/* What the guest encoder sends for glBufferData(2^62, data): the
	 * length is invalid, so no data travels. */
	(void)e;
	uint32_t name = 700;
	textures_cmd(w, SGL_OP_glGenBuffers, 1, &name, 1);
	struct sgl_cmd_glBindBuffer b = { { SGL_OP_glBindBuffer, sizeof(b) }, GL_ARRAY_BUFFER, 700 };
	cmd(w, &b, sizeof(b));
	buffer_data(w, (int64_t)1 << 62, 1, 0);
	b.buffer = 0;
	cmd(w, &b, sizeof(b));
}

/* -- preparation -- */

static void prepare_program(struct env *env)
{
	static const char *vs = "#version 120\n"
				"attribute vec2 pos;\n"
				"void main() { gl_Position = vec4(pos, 0.0, 1.0); }\n";
	static const char *fs = "#version 120\n"
				"uniform vec4 u;\n"
				"void main() { gl_FragColor = u; }\n";
	struct sgl_enc *e = &env->victim.enc;
	GLuint prog = sgl_enc_glCreateProgram(e);
	GLuint s[2] = { sgl_enc_glCreateShader(e, GL_VERTEX_SHADER),
			sgl_enc_glCreateShader(e, GL_FRAGMENT_SHADER) };
	sgl_enc_glShaderSource(e, s[0], 1, &vs, NULL);
	sgl_enc_glShaderSource(e, s[1], 1, &fs, NULL);
	for (int i = 0; i < 2; i++) {
		sgl_enc_glCompileShader(e, s[i]);
		sgl_enc_glAttachShader(e, prog, s[i]);
	}
	sgl_enc_glLinkProgram(e, prog);
	GLint linked = 0;
	sgl_enc_glGetProgramiv(e, prog, GL_LINK_STATUS, &linked);
	assert_int_equal(linked, 1);
	sgl_enc_glUseProgram(e, prog);
	env->loc = sgl_enc_glGetUniformLocation(e, prog, "u");
	assert_true(env->loc >= 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(sgl_enc_flush(e), 0);
}

/* -- extra checks -- */

/* Submits raw glGenTextures {name} to the partner: the name must be free
 * in the share group, i.e. the rejected command did not take it. */
static void name_free(struct env *env, uint32_t name)
{
	struct wire w = { .len = 0 };
	textures_cmd(&w, SGL_OP_glGenTextures, 1, &name, 1);
	textures_cmd(&w, SGL_OP_glDeleteTextures, 1, &name, 1);
	int rc = sglhost_context_submit(env->partner.ctx, w.mem, w.len, NULL, NULL);
	struct sglhost_context_status st = peer_status(&env->partner);
	if (rc != 0)
		fail_msg("name %u is not free after the rejected command: rc %d, partner %s: %s",
			 name, rc, st.lost ? "lost" : "alive", st.reason);
	assert_false(st.lost);
}
static void c_600_free(struct env *env) { name_free(env, 600); }
static void c_601_free(struct env *env) { name_free(env, 601); }
static void c_602_free(struct env *env) { name_free(env, 602); }

/* Display-list names first..first+n-1 are free in the share group. */
static void lists_free(struct env *env, uint32_t first, int32_t n)
{
	struct wire w;
	memset(&w, 0, sizeof(w));
	gen_lists(&w, first, n);
	struct sgl_cmd_glDeleteLists d = { { SGL_OP_glDeleteLists, sizeof(d) }, first, n };
	cmd(&w, &d, sizeof(d));
	int rc = sglhost_context_submit(env->partner.ctx, w.mem, w.len, NULL, NULL);
	struct sglhost_context_status st = peer_status(&env->partner);
	if (rc != 0)
		fail_msg("lists %u+%d are not free after the rejected command: rc %d, "
			 "partner %s: %s", first, n, rc, st.lost ? "lost" : "alive", st.reason);
}
static void c_lists_free(struct env *env) { lists_free(env, 800, 2); }
static void c_lists_below_limit_free(struct env *env) { lists_free(env, (1u << 22) - 1, 2); }

static void c_unknown_texture_created(struct env *env)
{
	GLint bound = -1;
	sgl_enc_glGetIntegerv(&env->victim.enc, GL_TEXTURE_BINDING_2D, &bound);
	assert_int_equal(bound, 9999);
	assert_true(sgl_enc_glIsTexture(&env->victim.enc, 9999));
	sgl_enc_glBindTexture(&env->victim.enc, GL_TEXTURE_2D, (GLuint)env->tex);
}

static void c_texture_alive(struct env *env)
{
	assert_true(sgl_enc_glIsTexture(&env->victim.enc, env->tex));
}

#define LOST(n, b, r) { .name = n, .build = b, .reason = r }
#define LOST_CHECK(n, b, r, c) { .name = n, .build = b, .reason = r, .check = c }
#define GLERR(n, b, e, c) { .name = n, .build = b, .error = e, .error_alt = e, .check = c }

static const struct row rows[] = {
	LOST("truncated_4_bytes_left", b_trunc_tail, "truncated command: 4 bytes left"),
	LOST("truncated_7_bytes_only", b_trunc_7, "truncated command: 7 bytes left"),
	LOST("size_runs_past_buffer", b_size_past_end, "bad size 24 (16 bytes left)"),
	LOST("size_runs_far_past_buffer", b_size_past_end_huge, "bad size 4294967288"),
	LOST("size_not_multiple_of_8", b_size_12, "bad size 12"),
	LOST("size_zero", b_size_0, "bad size 0"),
	LOST("size_below_header", b_size_4, "bad size 4"),
	LOST("size_below_fixed_part", b_short_clear,
	     "glClear: command of 8 bytes, its fixed part needs 16"),
	LOST("size_below_fixed_part_clear_color", b_short_clear_color,
	     "glClearColor: command of 16 bytes, its fixed part needs 24"),
	LOST("fixed_size_extra_bytes", b_fixed_extra,
	     "glClear: command size 24 does not match"),
	LOST("segment_shorter_than_count", b_count_short,
	     "glUniform4fv: command size 40 does not match"),
	LOST("segment_longer_than_count", b_count_long,
	     "glUniform4fv: command size 56 does not match"),
	LOST("names_fewer_than_count", b_delete_count,
	     "glDeleteTextures: command size 24 does not match"),
	LOST("count_0x7fffffff_short_payload", b_count_huge,
	     "glUniform4fv: command size 40 does not match"),
	LOST("count_x16_wraps_32_bits", b_count_x16_wraps,
	     "glUniform4fv: command size 40 does not match"),
	LOST("count_x64_wraps_32_bits", b_count_x64_wraps,
	     "glUniformMatrix4fv: command size 88 does not match"),
	LOST("buffer_data_2_62_with_payload", b_buffer_data_2_62,
	     "glBufferData: command size 40 does not match"),
	LOST("buffer_data_negative_with_payload", b_buffer_data_negative,
	     "glBufferData: command size 40 does not match"),
	LOST("buffer_sub_data_near_int64_max", b_buffer_sub_data_int64_max,
	     "glBufferSubData: command size 40 does not match"),
	LOST("named_map_extra_bytes", b_named_map_extra,
	     "glMapNamedBufferRange: command size 48 does not match"),
	LOST("named_unmap_length_near_int64_max", b_named_unmap_int64_max,
	     "glUnmapNamedBuffer: command size 40 does not match"),
	LOST("unknown_opcode_0", b_op_0, "unknown opcode 0 "),
	LOST("unknown_opcode_count", b_op_count, "unknown opcode"),
	LOST("unknown_opcode_0xffffffff", b_op_max, "unknown opcode 4294967295"),
	LOST("guest_only_glDebugMessageCallback", b_unsupported,
	     "glDebugMessageCallback is answered by the guest library and never sent"),
	LOST("unsupported_glImportMemoryFdEXT", b_unsupported_yet,
	     "glImportMemoryFdEXT is not supported yet"),
	LOST_CHECK("gen_zero_name", b_gen_zero, "glGenTextures: invalid new texture name 0",
		   c_600_free),
	LOST_CHECK("gen_duplicate_name_in_array", b_gen_duplicate,
		   "glGenTextures: texture name 601", c_601_free),
	LOST_CHECK("gen_name_already_in_use", b_gen_in_use, "is already in use", c_602_free),
	LOST("gen_name_above_limit", b_gen_too_high,
	     "glGenTextures: invalid new texture name 4194305"),
	LOST_CHECK("gen_lists_range_overlaps_name_in_use", b_lists_overlap,
		   "display list name 802 is already in use", c_lists_free),
	LOST_CHECK("gen_lists_range_crosses_name_limit", b_lists_past_limit,
		   "passes the name limit", c_lists_below_limit_free),
	LOST("gen_lists_first_zero", b_lists_first_zero, "glGenLists: bad guest range 0+2"),
	LOST("gen_lists_range_wraps_u32", b_lists_wrap, "glGenLists: bad guest range"),
	LOST("gen_lists_range_huge", b_lists_huge, "glGenLists: bad guest range"),
	LOST("pointer_segment_missing", b_segment_missing,
	     "glUniform4fv: command size 24 does not match"),
	LOST("buffer_data_segment_missing", b_buffer_data_missing,
	     "glBufferData: command size 32 does not match"),
	LOST("gen_names_segment_missing", b_names_missing,
	     "glGenTextures: command size 16 does not match"),
	LOST("string_without_nul", b_string_no_nul,
	     "glGetUniformLocation: name is not a NUL-terminated string"),
	LOST("string_empty_without_nul", b_string_empty,
	     "glGetUniformLocation: name is not a NUL-terminated string"),
	LOST("string_length_past_end", b_string_past_end,
	     "glGetUniformLocation: command size 32 does not match"),
	{ .name = "pointer_absent_glVertex3fv", .build = b_absent_vertex3fv, .reason = "",
	  .survive = true, .isolate = true },
	{ .name = "pointer_absent_glTexParameterfv", .build = b_absent_tex_parameterfv,
	  .reason = "", .survive = true, .isolate = true },
	{ .name = "pointer_absent_glUniform4fv", .build = b_absent_uniform4fv, .reason = "",
	  .survive = true, .isolate = true, .prepare = prepare_program },
	{ .name = "reply_without_sink_glGetError", .build = b_no_sink_get_error,
	  .reason = "glGetError: returns data but the submit has no reply sink",
	  .no_reply_sink = true },
	{ .name = "reply_without_sink_glIsTexture", .build = b_no_sink_is_texture,
	  .reason = "glIsTexture: returns data but the submit has no reply sink",
	  .no_reply_sink = true },

	/* Compatibility profile: binding a name never generated creates it. */
	GLERR("bind_unknown_texture", b_bind_unknown, GL_NO_ERROR, c_unknown_texture_created),
	GLERR("delete_negative_count", b_delete_negative, GL_INVALID_VALUE, c_texture_alive),
	GLERR("delete_negative_count_no_pointer", b_delete_negative_null, GL_INVALID_VALUE,
	      c_texture_alive),
	GLERR("uniform_negative_count", b_uniform_negative, GL_INVALID_VALUE, NULL),
	GLERR("attrib_offset_without_array_buffer", b_attrib_offset, GL_INVALID_OPERATION, NULL),
	GLERR("named_flush_unknown_buffer", b_named_flush_unknown, GL_INVALID_OPERATION, NULL),
	{ .name = "buffer_data_2_62_as_encoded", .build = b_buffer_data_2_62_encoded,
	  .error = GL_INVALID_VALUE, .error_alt = GL_OUT_OF_MEMORY },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* ---------------------------------------------------------------------- */

static struct sglhost *g_host;
static struct peer g_other; /* an unrelated context of the same host */

/* Runs submit with stdout and stderr redirected; returns what they got. */
static long quiet_submit(struct sglhost_context *ctx, const void *buf, size_t size,
			 sglhost_reply_fn fn, void *user, int *rc)
{
	fflush(stdout);
	fflush(stderr);
	FILE *tmp = tmpfile();
	int o1 = dup(1), o2 = dup(2);
	if (tmp && o1 >= 0 && o2 >= 0) {
		dup2(fileno(tmp), 1);
		dup2(fileno(tmp), 2);
	}
	*rc = sglhost_context_submit(ctx, buf, size, fn, user);
	long printed = 0;
	if (tmp && o1 >= 0 && o2 >= 0) {
		fflush(stdout);
		fflush(stderr);
		dup2(o1, 1);
		dup2(o2, 2);
		printed = (long)lseek(fileno(tmp), 0, SEEK_END);
	}
	if (o1 >= 0)
		close(o1);
	if (o2 >= 0)
		close(o2);
	if (tmp)
		fclose(tmp);
	return printed;
}

static int sink_replies;
static int count_sink(void *user, const void *data, size_t size)
{
	(void)user;
	(void)data;
	(void)size;
	sink_replies++;
	return 0;
}

/* The victim draws into a shared texture, cleared blue; it stays bound. */
static void victim_prologue(struct env *env)
{
	struct sgl_enc *e = &env->victim.enc;
	GLuint fb;
	sgl_enc_glGenTextures(e, 1, &env->tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, env->tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, W, H, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferTexture2D(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D,
				       env->tex, 0);
	assert_int_equal(sgl_enc_glCheckFramebufferStatus(e, GL_FRAMEBUFFER),
			 GL_FRAMEBUFFER_COMPLETE);
	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, 0, 0, 1, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glFinish(e);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(sgl_enc_flush(e), 0);
}

static uint32_t row_colour(size_t i)
{
	return RGBA((37 * i + 11) & 255, (91 * i + 50) & 255, (53 * i + 7) & 255, 0);
}

/* The submit of the bad buffer, in this process or in a child. */
struct outcome {
	int rc;
	long printed;
	struct sglhost_context_status st;
	GLenum error; /* glGetError afterwards, if the context is alive (isolated runs) */
};

static void submit_here(struct env *env, const struct wire *w, const struct row *row,
			struct outcome *o)
{
	o->printed = quiet_submit(env->victim.ctx, w->mem, w->len,
				  row->no_reply_sink ? NULL : count_sink, NULL, &o->rc);
	o->st = peer_status(&env->victim);
}

/* For commands that may crash the host: the submit runs in a child, which
 * reports back. Returns 0, or the signal that killed the child. */
static int submit_isolated(struct env *env, const struct wire *w, const struct row *row,
			   struct outcome *o)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct outcome r;
		memset(&r, 0, sizeof(r));
		close(fds[0]);
		/* cmocka's handlers would carry on with the next test in here. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		alarm(20);
		r.printed = quiet_submit(env->victim.ctx, w->mem, w->len,
					 row->no_reply_sink ? NULL : count_sink, NULL, &r.rc);
		r.st.version = SGLHOST_STATUS_VERSION;
		sglhost_context_get_status(env->victim.ctx, &r.st);
		if (!r.st.lost)
			r.error = sgl_enc_glGetError(&env->victim.enc);
		ssize_t n = write(fds[1], &r, sizeof(r));
		_exit(n == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < sizeof(*o)) {
		ssize_t n = read(fds[0], (char *)o + got, sizeof(*o) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(got, sizeof(*o));
	return 0;
}

static struct env g_env;

static void run_row(void **state)
{
	const struct row *row = *state;
	if (!g_host)
		skip();
	size_t idx = (size_t)(row - rows);
	struct env *env = &g_env;
	struct wire w;

	memset(&w, 0, sizeof(w));
	peer_open(&env->partner, g_host, NULL);
	peer_open(&env->victim, g_host, env->partner.ctx);
	victim_prologue(env);
	if (row->prepare)
		row->prepare(env);
	struct sglhost_context_status before = peer_status(&env->victim);
	assert_false(before.lost);

	row->build(&w, env);
	log_reset();
	sink_replies = 0;
	struct outcome o;
	memset(&o, 0, sizeof(o));
	if (row->isolate) {
		int sig = submit_isolated(env, &w, row, &o);
		if (sig)
			fail_msg("the host process crashed (signal %d) decoding this command", sig);
	} else {
		submit_here(env, &w, row, &o);
	}
	const struct sglhost_context_status *st = &o.st;
	assert_int_equal(o.printed, 0);

	if (row->survive) {
		/* The host survived (the child came back); either outcome. */
		if (o.rc == 0) {
			assert_false(st->lost);
			assert_int_equal(st->commands, before.commands + w.cmds);
		} else {
			if (o.rc != -EPROTO)
				fail_msg("submit returned %d; reason \"%s\"", o.rc, st->reason);
			assert_true(st->lost);
			assert_true(st->reason[0] != '\0');
			assert_int_equal(st->commands, before.commands + w.bad_cmds);
		}
		if (!row->isolate)
			fail_msg("survive rows are checked in a child");
	} else if (row->reason) {
		if (o.rc != -EPROTO)
			fail_msg("submit returned %d, expected -EPROTO; lost %d, reason \"%s\"", o.rc,
				 st->lost, st->reason);
		assert_true(st->lost);
		if (!strstr(st->reason, row->reason))
			fail_msg("reason \"%s\" lacks \"%s\"", st->reason, row->reason);
		/* Only the commands before the bad one ran. */
		assert_int_equal(st->commands, before.commands + w.bad_cmds);
		assert_int_equal(st->bytes, before.bytes + w.bad_at);
		assert_int_equal(sink_replies, 0);
		/* Said once, through the log handler. */
		assert_int_equal(g_log.warnings, 1);
		assert_non_null(strstr(g_log.text, "context lost"));
		assert_non_null(strstr(g_log.text, st->reason));

		/* Lost stays lost: -EPIPE, nothing decoded, nothing logged. */
		struct wire again;
		memset(&again, 0, sizeof(again));
		clear(&again);
		assert_int_equal(sglhost_context_submit(env->victim.ctx, again.mem, again.len,
							count_sink, NULL), -EPIPE);
		uint32_t px[W * H];
		assert_int_equal(sglhost_context_read_pixels(env->victim.ctx,
							     SGLHOST_PIXEL_RGBA8888, px, W * 4, W,
							     H), -EPIPE);
		struct sglhost_context_status st2 = peer_status(&env->victim);
		assert_true(st2.lost);
		assert_string_equal(st2.reason, st->reason);
		assert_int_equal(st2.commands, st->commands);
		assert_int_equal(st2.bytes, st->bytes);
		assert_int_equal(g_log.warnings, 1);

		if (row->check)
			row->check(env);
	} else {
		if (o.rc != 0)
			fail_msg("submit returned %d, expected 0; reason \"%s\"", o.rc, st->reason);
		assert_false(st->lost);
		assert_string_equal(st->reason, "");
		assert_int_equal(st->commands, before.commands + w.cmds);
		assert_int_equal(g_log.warnings, 0);
		GLenum err = sgl_enc_glGetError(&env->victim.enc);
		if (err != row->error && err != row->error_alt)
			fail_msg("glGetError 0x%04x, expected 0x%04x", err, row->error);
		assert_int_equal(sgl_enc_glGetError(&env->victim.enc), GL_NO_ERROR);
		if (row->check)
			row->check(env);
		peer_render_check(&env->victim, row_colour(idx + 100));
		assert_int_equal(g_log.warnings, 0);
	}

	/* The victim's render target kept its colour: no red clear ran. */
	assert_int_equal(peer_read_texture(&env->partner, env->tex), BLUE);

	/* The partner (same share group) and an unrelated context carry on. */
	peer_render_check(&env->partner, row_colour(idx));
	peer_render_check(&g_other, row_colour(idx + 1));

	peer_close(&env->victim);
	peer_close(&env->partner);
	/* And still after the victim is gone. */
	peer_render_check(&g_other, row_colour(idx + 2));
}

/* Closes what a failed row left open. */
static int row_teardown(void **state)
{
	(void)state;
	if (g_env.victim.ctx)
		peer_close(&g_env.victim);
	if (g_env.partner.ctx)
		peer_close(&g_env.partner);
	return 0;
}

static int failing_sink(void *user, const void *data, size_t size)
{
	(void)user;
	(void)data;
	(void)size;
	return -ECANCELED;
}

/* Not malformed input: a reply sink that fails aborts the submit with its
 * value and leaves the context alive (include/sglhost.h). */
static void test_reply_sink_error(void **state)
{
	(void)state;
	if (!g_host)
		skip();
	struct peer p;
	peer_open(&p, g_host, NULL);
	struct wire w;
	memset(&w, 0, sizeof(w));
	put_hdr(&w, SGL_OP_glGetError, 8);
	log_reset();
	assert_int_equal(sglhost_context_submit(p.ctx, w.mem, w.len, failing_sink, NULL),
			 -ECANCELED);
	struct sglhost_context_status st = peer_status(&p);
	assert_false(st.lost);
	assert_string_equal(st.reason, "");
	assert_int_equal(g_log.warnings, 0);
	peer_render_check(&p, RGBA(10, 20, 30, 0));
	peer_close(&p);
}

static int group_setup(void **state)
{
	(void)state;
	struct sglhost_config cfg;
	sglhost_config_init(&cfg);
	cfg.platform = SGLHOST_PLATFORM_SURFACELESS;
	cfg.log = log_fn;
	cfg.log_level = SGLHOST_LOG_DEBUG;
	g_host = sglhost_create(&cfg);
	if (!g_host)
		return 0; /* every test skips */
	peer_open(&g_other, g_host, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g_host) {
		peer_close(&g_other);
		sglhost_destroy(g_host);
	}
	return 0;
}

int main(void)
{
	struct CMUnitTest tests[NROWS + 1];
	for (size_t i = 0; i < NROWS; i++) {
		struct CMUnitTest t = { rows[i].name, run_row, NULL, row_teardown, (void *)&rows[i] };
		tests[i] = t;
	}
	tests[NROWS] = (struct CMUnitTest)cmocka_unit_test(test_reply_sink_error);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
