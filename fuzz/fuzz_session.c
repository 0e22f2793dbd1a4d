/*
 * libFuzzer target on the host side of the session protocol
 * (src/transport/session.c, docs/session.md) over an in-memory channel:
 * the guest's bytes come from the input, the host's replies are parsed and
 * checked, and the host is real (surfaceless EGL, created once: contexts
 * cost milliseconds each, a display far more).
 *
 * Input: byte 0 sets the session's configuration (bit 0: a token is
 * required; bit 1: GL versions capped at 3.3, as sgl-host -g 3.3; bit 2:
 * at most 1 context instead of 4; bit 3: the channel hands out at most 7
 * bytes per read); the rest is the byte stream from the guest (HELLO,
 * CREATE_CONTEXT, COMMANDS with any flags, DESTROY_CONTEXT, ...). At its
 * end the channel reads as closed, and the session must end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sgl_protocol.h"
#include "sgl_session.h"
#include "sgl_wire.h"
#include "sgl_wire_id.h"
#include "transport/session.h"

#define FUZZ_MAX_SURFACE 1024u
#define FUZZ_MAX_CONTEXT_MEMORY (64ull << 20)

static const uint8_t token[32] = "sgl fuzz token, 32 bytes long.!";

static struct sglhost *host;
static volatile uint8_t checksum;

FUZZ_EXPORT const char *__asan_default_options(void);
FUZZ_EXPORT const char *__asan_default_options(void)
{
	return "quarantine_size_mb=64";
}

static void host_log(void *user, enum sglhost_log_level level, const char *file, int line,
		     const char *msg)
{
	(void)user, (void)level, (void)file, (void)line, (void)msg;
}

static void session_log(void *user, enum sglhost_log_level level, const char *msg)
{
	(void)user, (void)level;
	if (strlen(msg) >= 512)
		fuzz_die("log line longer than its buffer");
}

/* ---- The channel ---- */

/* Splits a session stream into messages, whatever the pieces it comes in. */
struct framer {
	uint8_t hdr[sizeof(struct sgl_msg_header)];
	size_t have;
	uint64_t body_left;
	bool lost;               /* a header the session refuses: no more framing */
};

struct fuzz_channel {
	struct sgl_channel base;
	const uint8_t *in;
	size_t left;
	size_t chunk;            /* most bytes per read */
	bool shut;
	struct framer guest;     /* what the session read */
	struct framer host;      /* what it wrote */
	bool sysv;               /* the guest allowed frames in SysV segments */
};

static void framer_feed(struct framer *f, struct fuzz_channel *c, const uint8_t *p, size_t n,
			void (*header)(struct fuzz_channel *c, const struct sgl_msg_header *h))
{
	while (n && !f->lost) {
		if (f->body_left) {
			size_t k = n < f->body_left ? n : (size_t)f->body_left;
			f->body_left -= k;
			p += k;
			n -= k;
			continue;
		}
		size_t k = sizeof(f->hdr) - f->have;
		if (k > n)
			k = n;
		memcpy(f->hdr + f->have, p, k);
		f->have += k;
		p += k;
		n -= k;
		if (f->have < sizeof(f->hdr))
			continue;
		struct sgl_msg_header h;
		memcpy(&h, f->hdr, sizeof(h));
		f->have = 0;
		header(c, &h);
		f->lost = h.size < sizeof(h);
		f->body_left = f->lost ? 0 : h.size - sizeof(h);
	}
}

static void guest_header(struct fuzz_channel *c, const struct sgl_msg_header *h)
{
	if (h->kind == SGL_MSG_COMMANDS && (h->flags & SGL_MSG_F_FRAME_SYSV))
		c->sysv = true;
}

static void host_header(struct fuzz_channel *c, const struct sgl_msg_header *h)
{
	(void)c;
	if (h->size < sizeof(*h) || h->size % 8)
		fuzz_die("host message of %u bytes", h->size);
	if (h->kind < SGL_MSG_WELCOME || h->kind > SGL_MSG_BYE)
		fuzz_die("host message of kind %u", h->kind);
	if (h->kind == SGL_MSG_REPLY && h->size < sizeof(*h) + 8)
		fuzz_die("reply of %u bytes", h->size);
	if (h->kind == SGL_MSG_FRAME && h->size < sizeof(*h) + sizeof(struct sgl_msg_frame))
		fuzz_die("frame of %u bytes", h->size);
}

static ssize_t ch_read(struct sgl_channel *base, void *buf, size_t n)
{
	struct fuzz_channel *c = (struct fuzz_channel *)base;
	if (c->shut)
		return -EPIPE;
	if (n > c->chunk)
		n = c->chunk;
	if (n > c->left)
		n = c->left;
	memcpy(buf, c->in, n);
	framer_feed(&c->guest, c, c->in, n, guest_header);
	c->in += n;
	c->left -= n;
	return (ssize_t)n;
}

static int ch_write(struct sgl_channel *base, const void *buf, size_t n)
{
	struct fuzz_channel *c = (struct fuzz_channel *)base;
	const uint8_t *p = buf;

	if (c->shut)
		return -EPIPE;
	/* Every byte must be readable. */
	for (size_t i = 0; i < n; i++)
		checksum += p[i];
	framer_feed(&c->host, c, p, n, host_header);
	return 0;
}

static void ch_shutdown(struct sgl_channel *base)
{
	((struct fuzz_channel *)base)->shut = true;
}

static void ch_destroy(struct sgl_channel *base)
{
	(void)base;
}

static const struct sgl_channel_ops ops = {
	.read = ch_read, .write = ch_write, .shutdown = ch_shutdown, .destroy = ch_destroy,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!host) {
		struct sglhost_config cfg;
		sglhost_config_init(&cfg);
		cfg.platform = SGLHOST_PLATFORM_SURFACELESS;
		cfg.log = host_log;
		cfg.log_level = SGLHOST_LOG_DEBUG;
		cfg.max_surface_width = FUZZ_MAX_SURFACE;
		cfg.max_surface_height = FUZZ_MAX_SURFACE;
		cfg.max_context_memory = FUZZ_MAX_CONTEXT_MEMORY;
		host = sglhost_create(&cfg);
		if (!host) {
			fprintf(stderr, "fuzz_session: no surfaceless EGL display (errno %d)\n",
				errno);
			exit(&fuzz_standalone ? 77 : 1);
		}
	}
	uint8_t conf = data[0];
	struct sgl_session_config cfg = {
		.host = host,
		.token = token,
		.needs_token = conf & 1,
		.max_contexts = (conf & 4) ? 1 : 4,
		.width_limit = FUZZ_MAX_SURFACE,
		.height_limit = FUZZ_MAX_SURFACE,
		.max_major = (conf & 2) ? 3 : 0,
		.max_minor = (conf & 2) ? 3 : 0,
		.log = session_log,
	};
	/* The wire id changes with every protocol change and would leave
	 * every stored input (corpus, regressions) stopped at HELLO: a HELLO
	 * that comes first gets this build's version and wire id. The refusal
	 * of another one is tested by tests/test_wire_id.c. */
	uint8_t *in = malloc(size - 1);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	struct sgl_msg_header h0;
	if (size - 1 >= sizeof(h0) + sizeof(struct sgl_msg_hello)) {
		memcpy(&h0, in, sizeof(h0));
		struct sgl_msg_hello *m = (struct sgl_msg_hello *)(in + sizeof(h0));
		static const uint8_t wire[32] = SGL_WIRE_ID_BYTES;
		if (h0.kind == SGL_MSG_HELLO && h0.size >= sizeof(h0) + sizeof(*m)) {
			uint32_t version = SGL_SESSION_VERSION;
			memcpy(&m->version, &version, sizeof(version));
			memcpy(m->wire, wire, sizeof(wire));
		}
	}
	struct fuzz_channel ch = {
		.base = { .ops = &ops, .peer = "fuzz" },
		.in = in, .left = size - 1,
		.chunk = (conf & 8) ? 7 : SIZE_MAX,
	};
	int r = sgl_session_run(&cfg, &ch.base);
	free(in);
	if (r > 0)
		fuzz_die("session returned %d", r);
	if (ch.host.have || ch.host.body_left)
		fuzz_die("session ended in the middle of a message to the guest");
	/* Frame segments are detached with their contexts. (Only looked at
	 * when the guest asked for them: /proc/self/maps is long under ASan.) */
	if (ch.sysv && fuzz_count_maps("SYSV") > 0)
		fuzz_die("a System V segment is still attached after the session");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Seeds: what the guest library sends. */

struct seed {
	uint8_t buf[4096];
	size_t len;
};

static void msg(struct seed *s, uint32_t kind, uint32_t context, uint32_t flags, const void *p,
		size_t n)
{
	struct sgl_msg_header h = { (uint32_t)((sizeof(h) + n + 7) & ~(size_t)7), kind, context,
				    flags };
	memcpy(s->buf + s->len, &h, sizeof(h));
	if (n)
		memcpy(s->buf + s->len + sizeof(h), p, n);
	memset(s->buf + s->len + sizeof(h) + n, 0, h.size - sizeof(h) - n);
	s->len += h.size;
}

static void hello(struct seed *s, uint8_t conf)
{
	struct sgl_msg_hello m = { SGL_SESSION_MAGIC, SGL_SESSION_VERSION, { 0 }, "fuzz",
				   SGL_WIRE_ID_BYTES };
	memcpy(m.token, token, sizeof(token));
	s->len = 0;
	s->buf[s->len++] = conf;
	/* The stream after the config byte. */
	msg(s, SGL_MSG_HELLO, 0, 0, &m, sizeof(m));
}

static void create(struct seed *s, uint32_t id, uint32_t api, int major, int minor,
		   uint32_t share)
{
	/* The framebuffer flags vary with the id: surfaces without depth or
	 * stencil get covered too. */
	struct sgl_msg_create_context m = { api, major, minor, share, 64, 64, id % 4, 0 };
	msg(s, SGL_MSG_CREATE_CONTEXT, id, 0, &m, sizeof(m));
}

/* One command: header {opcode, size} then 32-bit arguments. */
static void command(struct seed *s, uint32_t id, uint32_t flags, uint32_t opcode,
		    const uint32_t *args, unsigned n)
{
	uint32_t c[16] = { opcode, (uint32_t)((8 + 4 * n + 7) & ~7u) };
	memcpy(c + 2, args, 4 * n);
	msg(s, SGL_MSG_COMMANDS, id, flags, c, c[1]);
}

void fuzz_seeds(fuzz_emit_fn fn, void *user)
{
	static struct seed s;
	static const uint32_t clear_color[4] = { 0x3f800000, 0, 0, 0x3f800000 };
	static const uint32_t clear[2] = { 0x4000 };
	static const uint32_t none[2] = { 0 };

	/* Token, a GL context, a clear and a swap with the frame back (in
	 * the message, then through SysV), a context sharing with it. */
	hello(&s, 1);
	create(&s, 1, SGLHOST_API_GL_COMPAT, 0, 0, 0);
	command(&s, 1, 0, SGL_OP_glClearColor, clear_color, 4);
	command(&s, 1, 0, SGL_OP_glClear, clear, 1);
	command(&s, 1, SGL_MSG_F_WANTS_FRAME, SGL_OP_sglSwapBuffers, none, 0);
	command(&s, 1, SGL_MSG_F_WANTS_FRAME | SGL_MSG_F_FRAME_SYSV, SGL_OP_sglSwapBuffers, none, 0);
	command(&s, 1, SGL_MSG_F_WANTS_REPLY, SGL_OP_glGetError, none, 0);
	create(&s, 2, SGLHOST_API_GL_CORE, 3, 3, 1);
	msg(&s, SGL_MSG_DESTROY_CONTEXT, 1, 0, NULL, 0);
	command(&s, 2, SGL_MSG_F_WANTS_REPLY, SGL_OP_glGetError, none, 0);
	fn(user, "gl-frames", s.buf, s.len);

	/* Capped versions, GLES, a context that gets lost, an unknown id,
	 * a refused id, then an unknown kind. */
	hello(&s, 2 | 8);
	create(&s, 7, SGLHOST_API_GL_COMPAT, 4, 5, 0);
	create(&s, 8, SGLHOST_API_GLES, 3, 2, 0);
	create(&s, 8, SGLHOST_API_GLES, 2, 0, 0);
	command(&s, 8, SGL_MSG_F_WANTS_REPLY, 0xffff, none, 0);
	command(&s, 8, SGL_MSG_F_WANTS_REPLY | SGL_MSG_F_WANTS_FRAME, SGL_OP_glGetError, none, 0);
	command(&s, 9, SGL_MSG_F_WANTS_REPLY, SGL_OP_glGetError, none, 0);
	msg(&s, 77, 0, 0, NULL, 0);
	fn(user, "capped-lost", s.buf, s.len);

	/* A wrong token. */
	hello(&s, 1);
	s.buf[1 + sizeof(struct sgl_msg_header) + 8] ^= 1;
	fn(user, "bad-token", s.buf, s.len);
}
