/* Guest session: messages to and from sgl-host over one channel. */
#include "session.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "ivshmem.h"
#include "platform.h"
#include "shm.h"
#include "stream.h"

struct sgl_session {
	struct sgl_channel *ch;
	/* One thread talks at a time: contexts on several threads share the
	 * connection. */
	pthread_mutex_t lock;
	uint8_t *in;            /* the last message received */
	size_t in_cap;
	uint32_t next_id;
	uint32_t max_width, max_height;
	bool local;             /* the host runs on this machine (shm, unix) */
	/* Deferred frames (sgl_session_swap): the one link that may have a
	 * frame in flight, and that frame when it came while the session
	 * waited for something else (buffers swapped with `in`, no copy). */
	struct sgl_session_link *deferring;
	uint8_t *stash;
	size_t stash_cap;
	struct sgl_msg_header stash_h;
	bool stashed;
	/* A small message is written in one piece from here (OUT_SMALL). */
	uint8_t *out;
};

/* Messages up to this size go to the channel in one write (sgl_msg_pack);
 * larger ones in pieces, where copying would cost more than the calls. */
#define OUT_SMALL 16384u

static int write_msg_tail(struct sgl_session *s, uint32_t kind, uint32_t context, uint32_t flags,
			  const void *payload, size_t len, const void *tail, size_t tail_len)
{
	static const uint8_t zeros[8];
	size_t total = sizeof(struct sgl_msg_header) + len + tail_len;
	size_t padded = (total + 7) & ~(size_t)7;
	if (len > SGL_SESSION_MAX_MESSAGE || tail_len > SGL_SESSION_MAX_MESSAGE ||
	    padded > SGL_SESSION_MAX_MESSAGE)
		return -E2BIG;
	struct sgl_msg_header h = { (uint32_t)padded, kind, context, flags };
	size_t packed = padded <= OUT_SMALL && (s->out || (s->out = malloc(OUT_SMALL))) ?
				sgl_msg_pack(s->out, OUT_SMALL, kind, context, flags, payload, len,
					     tail, tail_len) :
				0;
	if (packed)
		return s->ch->ops->write(s->ch, s->out, packed);
	int r = s->ch->ops->write(s->ch, &h, sizeof(h));
	if (!r && len)
		r = s->ch->ops->write(s->ch, payload, len);
	if (!r && tail_len)
		r = s->ch->ops->write(s->ch, tail, tail_len);
	if (!r && padded > total)
		r = s->ch->ops->write(s->ch, zeros, padded - total);
	return r;
}

static int write_msg(struct sgl_session *s, uint32_t kind, uint32_t context, uint32_t flags,
		     const void *payload, size_t len)
{
	return write_msg_tail(s, kind, context, flags, payload, len, NULL, 0);
}

/* Reads one message; its payload lands in s->in. */
static int read_msg(struct sgl_session *s, struct sgl_msg_header *h)
{
	int r = sgl_guest_channel_read_all(s->ch, h, sizeof(*h));
	if (r)
		return r;
	if (h->size < sizeof(*h) || (h->size & 7) || h->size > SGL_SESSION_MAX_MESSAGE + 64)
		return -EPROTO;
	size_t n = h->size - sizeof(*h);
	if (n > s->in_cap) {
		uint8_t *b = sgl_aligned_alloc(8, (n + 7) & ~(size_t)7);
		if (!b)
			return -ENOMEM;
		sgl_aligned_free(s->in);
		s->in = b;
		s->in_cap = n;
	}
	return n ? sgl_guest_channel_read_all(s->ch, s->in, n) : 0;
}

static struct sgl_channel *connect_to(const char *t, char *err, size_t err_size)
{
	if (!strcmp(t, "shm"))
		return sgl_shm_connect("/dev/shm/sgl", err, err_size);
	if (!strncmp(t, "shm:", 4))
		return sgl_shm_connect(t + 4, err, err_size);
	if (!strcmp(t, "ivshmem"))
		return sgl_ivshmem_connect(NULL, err, err_size);
	if (!strncmp(t, "ivshmem:", 8))
		return sgl_ivshmem_connect(t + 8, err, err_size);
	return sgl_stream_connect(t, err, err_size);
}

static void token_from_env(uint8_t token[32])
{
	const char *hex = getenv("SGL_TOKEN");
	memset(token, 0, 32);
	for (int i = 0; hex && i < 32 && hex[2 * i] && hex[2 * i + 1]; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			break;
		token[i] = (uint8_t)v;
	}
}

struct sgl_session *sgl_session_open(const char *transport, const char *name, char *err,
				     size_t err_size)
{
	struct sgl_session *s = calloc(1, sizeof(*s));
	struct sgl_msg_hello hello = { SGL_SESSION_MAGIC, SGL_SESSION_VERSION, { 0 }, { 0 },
				       SGL_WIRE_ID_BYTES };
	struct sgl_msg_header h;

	if (!transport)
		transport = getenv("SGL_TRANSPORT");
	if (!transport || !*transport)
		transport = "shm";
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->ch = connect_to(transport, err, err_size);
	if (!s->ch)
		goto fail;
	const char *off = getenv("SGL_NO_SHARED_FRAMES");
	/* Frames in the host's SysV segment where it can be attached: on this
	 * machine (shm; unix or TCP loopback sockets). A peer in another IPC
	 * namespace is caught by the segment's nonce. */
	bool stream = !strncmp(transport, "unix:", 5) || !strncmp(transport, "tcp:", 4);
	s->local = sgl_sysv_frames_possible() &&
		   (!strcmp(transport, "shm") || !strncmp(transport, "shm:", 4) ||
		    (stream && sgl_stream_same_machine(s->ch))) &&
		   (!off || !*off || !strcmp(off, "0"));
	token_from_env(hello.token);
	snprintf(hello.name, sizeof(hello.name), "%s", name ? name : "");
	if (write_msg(s, SGL_MSG_HELLO, 0, 0, &hello, sizeof(hello)) || read_msg(s, &h)) {
		snprintf(err, err_size, "%s: no answer from sgl-host", transport);
		goto fail;
	}
	if (h.kind != SGL_MSG_WELCOME || h.size - sizeof(h) < sizeof(struct sgl_msg_welcome)) {
		snprintf(err, err_size, "%s: sgl-host refused the session: %.*s", transport,
			 (int)(h.size - sizeof(h)), h.kind == SGL_MSG_BYE ? (char *)s->in : "?");
		goto fail;
	}
	struct sgl_msg_welcome w;
	memcpy(&w, s->in, sizeof(w));
	s->max_width = w.max_width;
	s->max_height = w.max_height;
	return s;
fail:
	sgl_session_close(s);
	return NULL;
}

void sgl_session_close(struct sgl_session *s)
{
	if (!s)
		return;
	if (s->ch)
		s->ch->ops->destroy(s->ch);
	pthread_mutex_destroy(&s->lock);
	sgl_aligned_free(s->in);
	sgl_aligned_free(s->stash);
	free(s->out);
	free(s);
}

uint32_t sgl_session_new_context_id(struct sgl_session *s)
{
	pthread_mutex_lock(&s->lock);
	uint32_t id = ++s->next_id;
	pthread_mutex_unlock(&s->lock);
	return id;
}

/* Reads until a message of `kind` for `context` (or LOST/BYE) arrives.
 * Messages for other contexts of this session cannot be pending: every
 * wait happens under the lock, right after its request. */
static int wait_for(struct sgl_session *s, uint32_t kind, uint32_t context,
		    struct sgl_msg_header *h, struct sgl_session_link *link)
{
	for (;;) {
		int r = read_msg(s, h);
		if (r)
			return r;
		struct sgl_session_link *d = s->deferring;
		bool deferred = d && d->frame_pending && h->context == d->context;
		if (h->kind == SGL_MSG_FRAME && deferred && !s->stashed &&
		    (kind != SGL_MSG_FRAME || context != d->context)) {
			uint8_t *b = s->in;
			size_t cap = s->in_cap;
			s->in = s->stash, s->in_cap = s->stash_cap;
			s->stash = b, s->stash_cap = cap;
			s->stash_h = *h;
			s->stashed = true;
			continue;
		}
		if (h->kind == kind && (kind != SGL_MSG_FRAME || h->context == context))
			return 0;
		if (h->kind == SGL_MSG_LOST && deferred && d != link) {
			d->lost = true;
			snprintf(d->reason, sizeof(d->reason), "%.*s",
				 (int)(h->size - sizeof(*h)), (const char *)s->in);
			continue;
		}
		if (h->kind == SGL_MSG_LOST && link && h->context == context) {
			link->lost = true;
			snprintf(link->reason, sizeof(link->reason), "%.*s",
				 (int)(h->size - sizeof(*h)), (const char *)s->in);
			return -EPIPE;
		}
		if (h->kind == SGL_MSG_BYE)
			return -ECONNRESET;
		/* A LOST for a batch that wanted no answer: noted above when it
		 * is ours; others are dropped. */
	}
}

int sgl_session_create_context(struct sgl_session *s, uint32_t id, uint32_t api, int major,
			       int minor, uint32_t share, uint32_t width, uint32_t height,
			       uint32_t flags, int *got_major, int *got_minor)
{
	struct sgl_msg_create_context m = { api, major, minor, share, width, height, flags, 0 };
	struct sgl_msg_context_created r;
	struct sgl_msg_header h;
	pthread_mutex_lock(&s->lock);
	int err = write_msg(s, SGL_MSG_CREATE_CONTEXT, id, 0, &m, sizeof(m));
	if (!err)
		err = wait_for(s, SGL_MSG_CONTEXT_CREATED, id, &h, NULL);
	if (!err && h.size - sizeof(h) >= sizeof(r)) {
		memcpy(&r, s->in, sizeof(r));
		err = r.status;
		if (got_major)
			*got_major = r.major;
		if (got_minor)
			*got_minor = r.minor;
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

void sgl_session_destroy_context(struct sgl_session *s, uint32_t id)
{
	pthread_mutex_lock(&s->lock);
	write_msg(s, SGL_MSG_DESTROY_CONTEXT, id, 0, NULL, 0);
	pthread_mutex_unlock(&s->lock);
}

static int link_submit(void *user, const void *buf, size_t size)
{
	struct sgl_session_link *l = user;
	if (l->lost)
		return -EPIPE;
	pthread_mutex_lock(&l->session->lock);
	int r = write_msg(l->session, SGL_MSG_COMMANDS, l->context, 0, buf, size);
	pthread_mutex_unlock(&l->session->lock);
	return r;
}

static int link_submit_tail(void *user, const void *buf, size_t size, const void *tail,
			    size_t tail_size)
{
	struct sgl_session_link *l = user;
	if (l->lost)
		return -EPIPE;
	pthread_mutex_lock(&l->session->lock);
	int r = write_msg_tail(l->session, SGL_MSG_COMMANDS, l->context, 0, buf, size, tail,
			       tail_size);
	pthread_mutex_unlock(&l->session->lock);
	return r;
}

static int show_deferred(struct sgl_session *s, struct sgl_session_link *l);

static int link_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			  size_t *reply_size)
{
	struct sgl_session_link *l = user;
	struct sgl_session *s = l->session;
	struct sgl_msg_header h;
	if (l->lost)
		return -EPIPE;
	pthread_mutex_lock(&s->lock);
	/* glFinish, glReadPixels, ...: the frame in flight is shown first. */
	int r = show_deferred(s, l);
	if (!r)
		r = write_msg(s, SGL_MSG_COMMANDS, l->context, SGL_MSG_F_WANTS_REPLY, buf, size);
	if (!r)
		r = wait_for(s, SGL_MSG_REPLY, l->context, &h, l);
	pthread_mutex_unlock(&s->lock);
	if (r)
		return r;
	/* Valid until the next message: the encoder copies out at once. */
	*reply = s->in;
	*reply_size = h.size - sizeof(h);
	return 0;
}

const struct sgl_transport_ops sgl_session_transport = { link_submit, link_roundtrip,
							 link_submit_tail };

void sgl_session_link_finish(struct sgl_session_link *l)
{
	sgl_session_show_frame(l);
	struct sgl_session *s = l->session;
	pthread_mutex_lock(&s->lock);
	if (s->deferring == l)
		s->deferring = NULL;
	pthread_mutex_unlock(&s->lock);
	sgl_frame_view_release(&l->frames[0]);
	sgl_frame_view_release(&l->frames[1]);
}

/* The view of the segment `shmid`: the one attached to it, else the one
 * not used last (the host uses two in turn only for deferred swaps). */
static struct sgl_frame_view *view_for(struct sgl_session_link *l, int32_t shmid)
{
	unsigned i = l->frames[0].shmid == shmid ? 0 :
		     l->frames[1].shmid == shmid ? 1 : l->last_view ^ 1;
	l->last_view = i;
	return &l->frames[i];
}

/* The frame in the message `h` (s->in): 0 with `out` filled (width 0 for
 * an empty frame), or -errno. */
static int frame_from_msg(struct sgl_session *s, struct sgl_session_link *l,
			  const struct sgl_msg_header *h, struct sgl_frame *out)
{
	size_t len = h->size - sizeof(*h);
	if (h->flags & SGL_MSG_F_FRAME_SHARED) {
		struct sgl_msg_frame_shared m;
		if (len < sizeof(m))
			return -EPROTO;
		memcpy(&m, s->in, sizeof(m));
		if (m.frame.width && m.frame.height && sgl_frame_view_get(view_for(l, m.shmid), &m, out)) {
			/* Not attachable here (another user or IPC namespace): this
			 * frame is lost, the next ones come in messages. */
			l->no_shared_frames = true;
			*out = (struct sgl_frame){ 0, 0, 0, NULL, -1, 0 };
		}
		return 0;
	}
	struct sgl_msg_frame f;
	if (len < sizeof(f))
		return -EPROTO;
	memcpy(&f, s->in, sizeof(f));
	uint64_t need = (uint64_t)f.stride * f.height;
	if (f.width && (f.stride < (uint64_t)f.width * 4 || sizeof(f) + need > len))
		return -EPROTO;
	*out = (struct sgl_frame){ f.width, f.height, f.stride, s->in + sizeof(f), -1, 0 };
	return 0;
}

/* The frame `l` left in flight, if any: waited for (or taken from the
 * stash) and shown. Session locked. */
static int show_deferred(struct sgl_session *s, struct sgl_session_link *l)
{
	struct sgl_msg_header h;
	struct sgl_frame frame;
	if (!l->frame_pending)
		return 0;
	int r = 0;
	if (s->stashed) {
		uint8_t *b = s->in;
		size_t cap = s->in_cap;
		s->in = s->stash, s->in_cap = s->stash_cap;
		s->stash = b, s->stash_cap = cap;
		h = s->stash_h;
		s->stashed = false;
	} else {
		r = l->lost ? -EPIPE : wait_for(s, SGL_MSG_FRAME, l->context, &h, l);
	}
	l->frame_pending = false;
	if (!r)
		r = frame_from_msg(s, l, &h, &frame);
	if (!r && frame.width && frame.height && l->pending_present)
		l->pending_present(l->pending_user, &frame);
	return r;
}

int sgl_session_show_frame(struct sgl_session_link *l)
{
	struct sgl_session *s = l->session;
	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	int r = show_deferred(s, l);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void sgl_session_forget_present(struct sgl_session *s, const void *user)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	struct sgl_session_link *l = s->deferring;
	if (l && l->frame_pending && l->pending_user == user)
		l->pending_present = NULL;
	pthread_mutex_unlock(&s->lock);
}

/* SGL_FRAME_LATENCY=1 (read once): swaps that may defer do. */
static bool latency_wanted(void)
{
	static int on = -1;
	if (on < 0) {
		const char *v = getenv("SGL_FRAME_LATENCY");
		on = v && !strcmp(v, "1");
	}
	return on;
}

int sgl_session_swap(struct sgl_enc *e, sgl_present_fn present, void *user, bool may_defer)
{
	struct sgl_session_link *l = e->user;
	struct sgl_session *s = l->session;
	struct sgl_msg_header h;
	struct sgl_frame frame;

	sgl_enc_sync_maps(e);
	sgl_enc_begin(e, SGL_OP_sglSwapBuffers, sizeof(struct sgl_cmd_sglSwapBuffers));
	sgl_enc_maps_first(e);
	size_t n = (size_t)(e->cur - e->buf);
	e->cur = e->buf;
	if (l->lost || e->failed)
		return -EPIPE;
	uint32_t flags = SGL_MSG_F_WANTS_FRAME;
	if (s->local && !l->no_shared_frames)
		flags |= SGL_MSG_F_FRAME_SYSV;
	pthread_mutex_lock(&s->lock);
	bool defer = may_defer && latency_wanted() && (!s->deferring || s->deferring == l);
	/* The frame shown during the next swap must not be the segment that
	 * swap writes: the host alternates two. */
	if (defer && (flags & SGL_MSG_F_FRAME_SYSV))
		flags |= SGL_MSG_F_FRAME_TWO_SEGMENTS;
	int r = write_msg(s, SGL_MSG_COMMANDS, l->context, flags, e->buf, n);
	/* The host renders this frame while the last one is shown here. */
	if (!r)
		r = show_deferred(s, l);
	if (!r && defer) {
		s->deferring = l;
		l->frame_pending = true;
		l->pending_present = present;
		l->pending_user = user;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	if (!r)
		r = wait_for(s, SGL_MSG_FRAME, l->context, &h, l);
	if (!r)
		r = frame_from_msg(s, l, &h, &frame);
	if (!r && frame.width && frame.height && present)
		present(user, &frame);
	pthread_mutex_unlock(&s->lock);
	if (r)
		e->failed = true;
	return r;
}
