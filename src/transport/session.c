/*
 * The host side of the session protocol. Everything from the guest is
 * checked: message sizes against SGL_SESSION_MAX_MESSAGE, kinds, context
 * ids; command batches go to sglhost_context_submit, which validates every
 * command. A client that breaks the session protocol is disconnected; a
 * malformed GL command only loses its context (the client is told why).
 */
#include "transport/session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "transport/frames.h"

#define DEFAULT_MAX_CONTEXTS 64

struct client_context {
	uint32_t id;
	struct sglhost_context *ctx;
	bool lost_reported;
	struct sgl_frame_seg seg;   /* frames for a guest on this machine */
};

struct session {
	const struct sgl_session_config *cfg;
	struct sgl_channel *ch;
	struct client_context *contexts;
	uint32_t ncontexts;
	uint8_t *msg;            /* the message being handled (8-byte aligned) */
	size_t msg_cap;
	uint8_t *frame;          /* pixels of the last present */
	size_t frame_cap;
	bool want_frame;
	bool frame_sysv;         /* the guest can take it in a SysV segment */
	int send_error;
	char name[64];
};

static void logf_(struct session *s, enum sglhost_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logf_(struct session *s, enum sglhost_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!s->cfg->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->cfg->log(s->cfg->log_user, level, msg);
}

static int send_msg_flags(struct session *s, uint32_t kind, uint32_t context, uint32_t flags,
			  const void *a, size_t alen, const void *b, size_t blen)
{
	static const uint8_t zeros[8];
	size_t len = sizeof(struct sgl_msg_header) + alen + blen;
	size_t padded = (len + 7) & ~(size_t)7;
	struct sgl_msg_header h = { (uint32_t)padded, kind, context, flags };
	int r = s->ch->ops->write(s->ch, &h, sizeof(h));
	if (!r && alen)
		r = s->ch->ops->write(s->ch, a, alen);
	if (!r && blen)
		r = s->ch->ops->write(s->ch, b, blen);
	if (!r && padded > len)
		r = s->ch->ops->write(s->ch, zeros, padded - len);
	if (r)
		s->send_error = r;
	return r;
}

static int send_msg(struct session *s, uint32_t kind, uint32_t context, const void *a,
		    size_t alen, const void *b, size_t blen)
{
	return send_msg_flags(s, kind, context, 0, a, alen, b, blen);
}

static int send_text(struct session *s, uint32_t kind, uint32_t context, const char *text)
{
	return send_msg(s, kind, context, text, strlen(text) + 1, NULL, 0);
}

static struct client_context *find(struct session *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->ncontexts; i++)
		if (s->contexts[i].id == id)
			return &s->contexts[i];
	return NULL;
}

/* ---- Messages ---- */

static const uint8_t wire_id[32] = SGL_WIRE_ID_BYTES;

static int hello(struct session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	struct sgl_msg_hello m;
	if (h->size - sizeof(*h) < 8) {
		send_text(s, SGL_MSG_BYE, 0, "HELLO is too short");
		return -EPROTO;
	}
	/* magic and version first: they sit where every version has them. */
	memcpy(&m, p, 8);
	if (m.magic != SGL_SESSION_MAGIC || m.version != SGL_SESSION_VERSION) {
		char why[128];
		snprintf(why, sizeof(why), "session protocol version %u, sgl-host speaks %u",
			 m.magic == SGL_SESSION_MAGIC ? m.version : 0, SGL_SESSION_VERSION);
		send_text(s, SGL_MSG_BYE, 0, why);
		logf_(s, SGLHOST_LOG_WARN, "%s: client refused: %s", s->ch->peer, why);
		return -EPROTO;
	}
	if (h->size - sizeof(*h) < sizeof(m)) {
		send_text(s, SGL_MSG_BYE, 0, "HELLO is too short");
		return -EPROTO;
	}
	memcpy(&m, p, sizeof(m));
	if (s->cfg->needs_token &&
	    (!s->cfg->token || memcmp(m.token, s->cfg->token, sizeof(m.token)) != 0)) {
		send_text(s, SGL_MSG_BYE, 0, "wrong or missing token");
		return -EACCES;
	}
	memcpy(s->name, m.name, sizeof(s->name) - 1);
	s->name[sizeof(s->name) - 1] = '\0';
	for (char *c = s->name; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	if (memcmp(m.wire, wire_id, sizeof(wire_id)) != 0) {
		/* Commands would be misread, and contexts lost with "size
		 * mismatch" long after: say why now, in one line, on both sides. */
		char why[200], guest[17];
		for (int i = 0; i < 8; i++)
			snprintf(guest + 2 * i, 3, "%02x", m.wire[i]);
		snprintf(why, sizeof(why),
			 SGL_WIRE_MISMATCH ": guest wire id %s, sgl-host wire id %.16s: build both "
			 "from the same source (docs/generator.md)", guest, SGL_WIRE_ID_HEX);
		logf_(s, SGLHOST_LOG_ERROR, "%s: client \"%s\" refused: %s", s->ch->peer, s->name,
		      why);
		send_text(s, SGL_MSG_BYE, 0, why);
		return -EPROTO;
	}
	logf_(s, SGLHOST_LOG_INFO, "%s: client \"%s\" connected", s->ch->peer, s->name);
	struct sgl_msg_welcome w = { SGL_SESSION_VERSION, s->cfg->width_limit,
				     s->cfg->height_limit, 0 };
	return send_msg(s, SGL_MSG_WELCOME, 0, &w, sizeof(w), NULL, 0);
}

static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h);

_Static_assert(SGL_CONTEXT_NO_DEPTH == SGLHOST_CONTEXT_NO_DEPTH &&
		       SGL_CONTEXT_NO_STENCIL == SGLHOST_CONTEXT_NO_STENCIL &&
		       SGL_CONTEXT_ROBUST_ACCESS == SGLHOST_CONTEXT_ROBUST_ACCESS &&
		       SGL_CONTEXT_LOSE_ON_RESET == SGLHOST_CONTEXT_LOSE_ON_RESET,
	       "context flags travel as they are");

static int create_context(struct session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	struct sgl_msg_create_context m;
	struct sgl_msg_context_created r = { 0, 0, 0, 0 };
	uint32_t max = s->cfg->max_contexts ? s->cfg->max_contexts : DEFAULT_MAX_CONTEXTS;

	if (h->size - sizeof(*h) < sizeof(m))
		return -EPROTO;
	memcpy(&m, p, sizeof(m));
	struct client_context *share = m.share ? find(s, m.share) : NULL;
	if (h->context == 0 || find(s, h->context)) {
		r.status = -EEXIST;
	} else if (s->ncontexts >= max) {
		r.status = -EMFILE;
	} else if (m.share && !share) {
		r.status = -ENOENT;
	} else {
		struct sglhost_context_config cc;
		sglhost_context_config_init(&cc);
		cc.api = (enum sglhost_api)m.api;
		cc.major = m.major;
		cc.minor = m.minor;
		/* -g caps what the guest gets; GLES versions are not capped.
		 * Compared part by part: the guest's numbers are any int32
		 * (major * 10 + minor overflowed, and a negative minor got
		 * past the cap). */
		if (m.api != SGLHOST_API_GLES && s->cfg->max_major &&
		    (m.major == 0 || m.major > s->cfg->max_major ||
		     (m.major == s->cfg->max_major && m.minor > s->cfg->max_minor))) {
			cc.major = s->cfg->max_major;
			cc.minor = s->cfg->max_minor;
		}
		cc.share = share ? share->ctx : NULL;
		cc.width = m.width;
		cc.height = m.height;
		cc.flags = m.flags;   /* unknown bits: EINVAL from the library */
		cc.present = on_present;
		cc.present_user = s;
		struct sglhost_context *ctx = sglhost_context_create(s->cfg->host, &cc);
		if (!ctx) {
			r.status = -errno;
		} else {
			struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
			sglhost_context_get_status(ctx, &st);
			r.major = st.major;
			r.minor = st.minor;
			/* contexts[] has room: ncontexts < max, allocated at start. */
			s->contexts[s->ncontexts++] = (struct client_context){
				h->context, ctx, false, SGL_FRAME_SEG_INIT };
		}
	}
	return send_msg(s, SGL_MSG_CONTEXT_CREATED, h->context, &r, sizeof(r), NULL, 0);
}

static void destroy_context(struct session *s, uint32_t id)
{
	struct client_context *c = find(s, id);
	if (!c)
		return;
	sglhost_context_destroy(c->ctx);
	sgl_frame_seg_release(&c->seg);
	*c = s->contexts[--s->ncontexts];
}

static int reply_sink(void *user, const void *data, size_t size)
{
	struct session *s = user;
	return send_msg(s, SGL_MSG_REPLY, 0, data, size, NULL, 0) ? -EPIPE : 0;
}

/* The frame straight into the context's segment; false when that cannot
 * be done (the caller sends it in the message). */
static bool present_shared(struct session *s, struct client_context *c, uint32_t w, uint32_t h)
{
	size_t stride = (size_t)w * 4;
	if (sgl_frame_seg_ensure(&c->seg, stride * h))
		return false;
	if (sglhost_context_read_pixels(c->ctx, SGLHOST_PIXEL_BGRA8888,
					c->seg.addr + SGL_FRAME_SEG_PIXELS, stride, w, h))
		return false;
	struct sgl_msg_frame_shared f = {
		{ w, h, (uint32_t)stride, SGLHOST_PIXEL_BGRA8888 },
		c->seg.shmid, SGL_FRAME_SEG_PIXELS, c->seg.size, c->seg.nonce,
	};
	send_msg_flags(s, SGL_MSG_FRAME, c->id, SGL_MSG_F_FRAME_SHARED, &f, sizeof(f), NULL, 0);
	return true;
}

/* Runs inside submit, with the context current. */
static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	struct session *s = user;
	if (!s->want_frame)
		return;
	struct client_context *c = NULL;
	for (uint32_t i = 0; i < s->ncontexts; i++)
		if (s->contexts[i].ctx == ctx)
			c = &s->contexts[i];
	if (!c)
		return;
	if (s->frame_sysv && present_shared(s, c, w, h)) {
		s->want_frame = false;
		return;
	}
	size_t stride = (size_t)w * 4, bytes = stride * h;
	if (bytes > s->frame_cap) {
		uint8_t *n = realloc(s->frame, bytes);
		if (!n)
			return;
		s->frame = n;
		s->frame_cap = bytes;
	}
	if (sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_BGRA8888, s->frame, stride, w, h))
		return;
	struct sgl_msg_frame f = { w, h, (uint32_t)stride, SGLHOST_PIXEL_BGRA8888 };
	send_msg(s, SGL_MSG_FRAME, c->id, &f, sizeof(f), s->frame, bytes);
	s->want_frame = false;
}

static int commands(struct session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	struct client_context *c = find(s, h->context);
	if (!c) {
		send_text(s, SGL_MSG_LOST, h->context, "no such context");
		return 0;
	}
	s->want_frame = h->flags & SGL_MSG_F_WANTS_FRAME;
	s->frame_sysv = h->flags & SGL_MSG_F_FRAME_SYSV;
	int r = sglhost_context_submit(c->ctx, p, h->size - sizeof(*h), reply_sink, s);
	if (s->want_frame && r == 0) {
		/* No present happened (or its readback failed): an empty frame, so
		 * the guest does not wait forever. */
		struct sgl_msg_frame f = { 0, 0, 0, SGLHOST_PIXEL_BGRA8888 };
		send_msg(s, SGL_MSG_FRAME, c->id, &f, sizeof(f), NULL, 0);
	}
	s->want_frame = false;
	if (s->send_error)
		return s->send_error;
	if (r == -EPROTO || r == -EPIPE) {
		struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
		sglhost_context_get_status(c->ctx, &st);
		if (!c->lost_reported)
			logf_(s, SGLHOST_LOG_WARN, "%s: context %u lost: %s", s->ch->peer, c->id,
			      st.reason);
		/* Tell the guest; it may be waiting for a reply that won't come. */
		if (!c->lost_reported || (h->flags & (SGL_MSG_F_WANTS_REPLY | SGL_MSG_F_WANTS_FRAME)))
			send_text(s, SGL_MSG_LOST, c->id, st.reason);
		c->lost_reported = true;
		return s->send_error;
	}
	if (r < 0)
		return r;
	return 0;
}

static int handle(struct session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	switch (h->kind) {
	case SGL_MSG_CREATE_CONTEXT:
		return create_context(s, h, p);
	case SGL_MSG_DESTROY_CONTEXT:
		destroy_context(s, h->context);
		return 0;
	case SGL_MSG_COMMANDS:
		return commands(s, h, p);
	default:
		send_text(s, SGL_MSG_BYE, 0, "unknown message kind");
		return -EPROTO;
	}
}

/* Reads one message into s->msg; its payload is copied out of the
 * channel, so nothing can change under the decoder. */
static int read_msg(struct session *s, struct sgl_msg_header *h)
{
	int r = sgl_channel_read_all(s->ch, h, sizeof(*h));
	if (r)
		return r;
	if (h->size < sizeof(*h) || (h->size & 7) || h->size > SGL_SESSION_MAX_MESSAGE)
		return -EPROTO;
	size_t n = h->size - sizeof(*h);
	if (n > s->msg_cap) {
		size_t cap = s->msg_cap ? s->msg_cap : 65536;
		while (cap < n)
			cap *= 2;
		uint8_t *m = aligned_alloc(8, cap);
		if (!m)
			return -ENOMEM;
		free(s->msg);
		s->msg = m;
		s->msg_cap = cap;
	}
	return n ? sgl_channel_read_all(s->ch, s->msg, n) : 0;
}

int sgl_session_run(const struct sgl_session_config *cfg, struct sgl_channel *ch)
{
	struct session s = { .cfg = cfg, .ch = ch };
	struct sgl_msg_header h;
	uint32_t max = cfg->max_contexts ? cfg->max_contexts : DEFAULT_MAX_CONTEXTS;
	int r;

	s.contexts = calloc(max, sizeof(*s.contexts));
	if (!s.contexts)
		return -ENOMEM;
	r = read_msg(&s, &h);
	if (!r && h.kind != SGL_MSG_HELLO) {
		send_text(&s, SGL_MSG_BYE, 0, "the first message must be HELLO");
		r = -EPROTO;
	}
	if (!r)
		r = hello(&s, &h, s.msg);
	while (!r) {
		r = read_msg(&s, &h);
		if (!r)
			r = handle(&s, &h, s.msg);
	}
	if (r == -EPIPE || r == -ECONNRESET)   /* a reset: it left with bytes unread */
		logf_(&s, SGLHOST_LOG_INFO, "%s: client \"%s\" left", ch->peer, s.name);
	else
		logf_(&s, SGLHOST_LOG_WARN, "%s: session ended: %s", ch->peer, strerror(-r));
	while (s.ncontexts)
		destroy_context(&s, s.contexts[0].id);
	free(s.contexts);
	free(s.msg);
	free(s.frame);
	return r == -EPIPE || r == -ECONNRESET ? 0 : r;
}
