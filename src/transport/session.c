/*
 * The host side of the session protocol (sglhost_session.h), over bytes
 * someone else moves: an embedder, or session_run.c over a channel. This
 * file handles whole messages; session_feed.c takes the bytes in.
 * Everything from the guest is checked: message sizes against
 * SGL_SESSION_MAX_MESSAGE, kinds, context ids; command batches go to
 * sglhost_context_submit, which validates every command. A client that breaks the session protocol is disconnected; a
 * malformed GL command only loses its context (the client is told why).
 */
#include "sglhost_session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "transport/frames.h"
#include "transport/session_state.h"

void sgl_hsession_logf(struct sglhost_session *s, enum sglhost_log_level level, const char *fmt,
		       ...)
{
	char msg[512];
	va_list ap;
	if (!s->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->cfg.log(s->cfg.log_user, level, msg);
}

/* Messages up to this size are sent in one piece (sgl_msg_pack). */
#define SMALL_MSG 4096u

static int send_msg_flags(struct sglhost_session *s, uint32_t kind, uint32_t context,
			  uint32_t flags, const void *a, size_t alen, const void *b, size_t blen)
{
	static const uint8_t zeros[8];
	size_t len = sizeof(struct sgl_msg_header) + alen + blen;
	size_t padded = (len + 7) & ~(size_t)7;
	struct sgl_msg_header h = { (uint32_t)padded, kind, context, flags };
	sglhost_session_send_fn send = s->cfg.send;
	void *u = s->cfg.send_user;
	int r;
	if (s->send_error)
		return s->send_error;
	uint8_t one[SMALL_MSG];
	size_t packed = sgl_msg_pack(one, sizeof(one), kind, context, flags, a, alen, b, blen);
	if (packed) {
		r = send(u, one, packed);
	} else {
		r = send(u, &h, sizeof(h));
		if (!r && alen)
			r = send(u, a, alen);
		if (!r && blen)
			r = send(u, b, blen);
		if (!r && padded > len)
			r = send(u, zeros, padded - len);
	}
	if (r > 0)
		r = -EIO;
	if (r)
		s->send_error = r;
	return r;
}

static int send_msg(struct sglhost_session *s, uint32_t kind, uint32_t context, const void *a,
		    size_t alen, const void *b, size_t blen)
{
	return send_msg_flags(s, kind, context, 0, a, alen, b, blen);
}

int sgl_hsession_send_text(struct sglhost_session *s, uint32_t kind, uint32_t context,
			  const char *text)
{
	if (kind == SGL_MSG_BYE)
		snprintf(s->bye, sizeof(s->bye), "%s", text);
	return send_msg(s, kind, context, text, strlen(text) + 1, NULL, 0);
}

static struct client_context *find(struct sglhost_session *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->ncontexts; i++)
		if (s->contexts[i].id == id)
			return &s->contexts[i];
	return NULL;
}

void sgl_hsession_event(struct sglhost_session *s, enum sglhost_session_event_type type,
			uint32_t id, struct sglhost_context *ctx, uint32_t w, uint32_t h,
			const char *text)
{
	if (!s->cfg.event)
		return;
	struct sglhost_session_event ev = { SGLHOST_SESSION_EVENT_VERSION, type, id, ctx, w, h,
					    s->ended, text ? text : "", s->peer, NULL, 0 };
	s->cfg.event(s->cfg.event_user, &ev);
}

/* ---- Messages ---- */

static const uint8_t wire_id[32] = SGL_WIRE_ID_BYTES;

int sgl_hsession_hello(struct sglhost_session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	struct sgl_msg_hello m;
	if (h->size - sizeof(*h) < 8) {
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, "HELLO is too short");
		return -EPROTO;
	}
	/* magic and version first: they sit where every version has them. */
	memcpy(&m, p, 8);
	if (m.magic != SGL_SESSION_MAGIC || m.version != SGL_SESSION_VERSION) {
		char why[128];
		snprintf(why, sizeof(why), "session protocol version %u, sgl-host speaks %u",
			 m.magic == SGL_SESSION_MAGIC ? m.version : 0, SGL_SESSION_VERSION);
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, why);
		sgl_hsession_logf(s, SGLHOST_LOG_WARN, "%s: client refused: %s", s->peer, why);
		return -EPROTO;
	}
	if (h->size - sizeof(*h) < sizeof(m)) {
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, "HELLO is too short");
		return -EPROTO;
	}
	memcpy(&m, p, sizeof(m));
	static const uint8_t none[32];
	if ((s->cfg.flags & SGLHOST_SESSION_REQUIRE_TOKEN) &&
	    (!memcmp(s->cfg.token, none, sizeof(none)) ||
	     memcmp(m.token, s->cfg.token, sizeof(m.token)) != 0)) {
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, "wrong or missing token");
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
		sgl_hsession_logf(s, SGLHOST_LOG_ERROR, "%s: client \"%s\" refused: %s", s->peer, s->name,
		      why);
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, why);
		return -EPROTO;
	}
	sgl_hsession_logf(s, SGLHOST_LOG_INFO, "%s: client \"%s\" connected", s->peer, s->name);
	sgl_hsession_event(s, SGLHOST_SESSION_EVENT_CONNECTED, 0, NULL, 0, 0, s->name);
	struct sgl_msg_welcome w = { SGL_SESSION_VERSION, s->cfg.max_width,
				     s->cfg.max_height, 0 };
	return send_msg(s, SGL_MSG_WELCOME, 0, &w, sizeof(w), NULL, 0);
}

static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h);

_Static_assert(SGL_CONTEXT_NO_DEPTH == SGLHOST_CONTEXT_NO_DEPTH &&
		       SGL_CONTEXT_NO_STENCIL == SGLHOST_CONTEXT_NO_STENCIL &&
		       SGL_CONTEXT_ROBUST_ACCESS == SGLHOST_CONTEXT_ROBUST_ACCESS &&
		       SGL_CONTEXT_LOSE_ON_RESET == SGLHOST_CONTEXT_LOSE_ON_RESET,
	       "context flags travel as they are");

static int create_context(struct sglhost_session *s, const struct sgl_msg_header *h,
			  const uint8_t *p)
{
	struct sgl_msg_create_context m;
	struct sgl_msg_context_created r = { 0, 0, 0, 0 };
	uint32_t max = s->max_contexts;

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
		if (m.api != SGLHOST_API_GLES && s->cfg.max_major &&
		    (m.major == 0 || m.major > s->cfg.max_major ||
		     (m.major == s->cfg.max_major && m.minor > s->cfg.max_minor))) {
			cc.major = s->cfg.max_major;
			cc.minor = s->cfg.max_minor;
		}
		cc.share = share ? share->ctx : NULL;
		cc.width = m.width;
		cc.height = m.height;
		cc.flags = m.flags;   /* unknown bits: EINVAL from the library */
		cc.present = on_present;
		cc.present_user = s;
		struct sglhost_context *ctx = sglhost_context_create(s->cfg.host, &cc);
		if (!ctx) {
			r.status = -errno;
		} else {
			struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
			sglhost_context_get_status(ctx, &st);
			r.major = st.major;
			r.minor = st.minor;
			/* contexts[] has room: ncontexts < max, allocated at start. */
			s->contexts[s->ncontexts++] = (struct client_context){
				h->context, ctx, false, { SGL_FRAME_SEG_INIT, SGL_FRAME_SEG_INIT }, 0 };
		}
	}
	return send_msg(s, SGL_MSG_CONTEXT_CREATED, h->context, &r, sizeof(r), NULL, 0);
}

void sgl_hsession_destroy_context(struct sglhost_session *s, uint32_t id)
{
	struct client_context *c = find(s, id);
	if (!c)
		return;
	sglhost_context_destroy(c->ctx);
	sgl_frame_seg_release(&c->seg[0]);
	sgl_frame_seg_release(&c->seg[1]);
	*c = s->contexts[--s->ncontexts];
}

static int reply_sink(void *user, const void *data, size_t size)
{
	struct sglhost_session *s = user;
	return send_msg(s, SGL_MSG_REPLY, 0, data, size, NULL, 0) ? -EPIPE : 0;
}

/* The frame straight into the context's segment; false when that cannot
 * be done (the caller sends it in the message). A frame the guest shows
 * while the next swap runs (SGL_MSG_F_FRAME_TWO_SEGMENTS) moves the next
 * frame, deferred or not, to the other segment: the one the guest shows
 * is not written before the swap after next. */
static bool present_shared(struct sglhost_session *s, struct client_context *c, uint32_t w,
			   uint32_t h)
{
	size_t stride = (size_t)w * 4;
	struct sgl_frame_seg *seg = &c->seg[c->next_seg];
	if (sgl_frame_seg_ensure(seg, stride * h))
		return false;
	if (sglhost_context_read_pixels(c->ctx, SGLHOST_PIXEL_BGRA8888,
					seg->addr + SGL_FRAME_SEG_PIXELS, stride, w, h))
		return false;
	if (s->frame_two_segs)
		c->next_seg ^= 1;
	struct sgl_msg_frame_shared f = {
		{ w, h, (uint32_t)stride, SGLHOST_PIXEL_BGRA8888 },
		seg->shmid, SGL_FRAME_SEG_PIXELS, seg->size, seg->nonce,
	};
	send_msg_flags(s, SGL_MSG_FRAME, c->id, SGL_MSG_F_FRAME_SHARED, &f, sizeof(f), NULL, 0);
	return true;
}

/* Runs inside submit, with the context current. */
static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	struct sglhost_session *s = user;
	struct client_context *c = NULL;
	for (uint32_t i = 0; i < s->ncontexts; i++)
		if (s->contexts[i].ctx == ctx)
			c = &s->contexts[i];
	if (!c)
		return;
	sgl_hsession_event(s, SGLHOST_SESSION_EVENT_PRESENT, c->id, ctx, w, h, NULL);
	if (!s->want_frame)
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

static int commands(struct sglhost_session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	struct client_context *c = find(s, h->context);
	if (!c) {
		sgl_hsession_send_text(s, SGL_MSG_LOST, h->context, "no such context");
		return 0;
	}
	s->want_frame = h->flags & SGL_MSG_F_WANTS_FRAME;
	s->frame_sysv = h->flags & SGL_MSG_F_FRAME_SYSV;
	s->frame_two_segs = h->flags & SGL_MSG_F_FRAME_TWO_SEGMENTS;
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
		if (!c->lost_reported) {
			sgl_hsession_logf(s, SGLHOST_LOG_WARN, "%s: context %u lost: %s", s->peer, c->id,
			      st.reason);
			sgl_hsession_event(s, SGLHOST_SESSION_EVENT_CONTEXT_LOST, c->id, NULL, 0, 0, st.reason);
		}
		/* Tell the guest; it may be waiting for a reply that won't come. */
		if (!c->lost_reported || (h->flags & (SGL_MSG_F_WANTS_REPLY | SGL_MSG_F_WANTS_FRAME)))
			sgl_hsession_send_text(s, SGL_MSG_LOST, c->id, st.reason);
		c->lost_reported = true;
		return s->send_error;
	}
	if (r < 0)
		return r;
	return 0;
}

int sgl_hsession_handle(struct sglhost_session *s, const struct sgl_msg_header *h, const uint8_t *p)
{
	switch (h->kind) {
	case SGL_MSG_CREATE_CONTEXT:
		return create_context(s, h, p);
	case SGL_MSG_DESTROY_CONTEXT:
		sgl_hsession_destroy_context(s, h->context);
		return 0;
	case SGL_MSG_COMMANDS:
		return commands(s, h, p);
	default:
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, "unknown message kind");
		return -EPROTO;
	}
}

