/*
 * A session's bytes in (sglhost_session.h): the guest's bytes are gathered
 * into whole messages, checked on their header, and handed to session.c;
 * the session's life from create to destroy. Out of process, everything
 * goes to session_remote.c instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_session.h"
#include "transport/session_state.h"

static void end(struct sglhost_session *s, int r, const char *why)
{
	if (s->ended)
		return;
	s->ended = r;
	while (s->ncontexts)
		sgl_hsession_destroy_context(s, s->contexts[0].id);
	if (!why)
		why = s->bye[0] ? s->bye : strerror(-r);
	sgl_hsession_event(s, SGLHOST_SESSION_EVENT_ENDED, 0, NULL, 0, 0, why);
}

/* The header is in: checks it and makes room for the payload. */
static int header_done(struct sglhost_session *s)
{
	struct sgl_msg_header *h = &s->h;
	if (h->size < sizeof(*h) || (h->size & 7) || h->size > SGL_SESSION_MAX_MESSAGE)
		return -EPROTO;
	if (!s->welcomed && h->kind != SGL_MSG_HELLO) {
		sgl_hsession_send_text(s, SGL_MSG_BYE, 0, "the first message must be HELLO");
		return -EPROTO;
	}
	return 0;
}

/* Room for more of a payload of `n` bytes: the buffer grows with what the
 * guest really sends, not with what its header claims (a guest announcing
 * 256 MiB and sending 16 bytes costs 64 KiB). realloc keeps malloc's
 * alignment, which covers the 8 bytes commands need. */
static int grow(struct sglhost_session *s, size_t n)
{
	size_t cap = s->msg_cap * 2 > 65536 ? s->msg_cap * 2 : 65536;
	if (cap > n)
		cap = n > 4096 ? n : 4096;
	if (cap <= s->msg_cap)
		return 0;
	uint8_t *m = realloc(s->msg, cap);
	if (!m)
		return -ENOMEM;
	s->msg = m;
	s->msg_cap = cap;
	return 0;
}

static int message_done(struct sglhost_session *s)
{
	if (!s->welcomed) {
		int r = sgl_hsession_hello(s, &s->h, s->msg);
		s->welcomed = r == 0;
		return r;
	}
	return sgl_hsession_handle(s, &s->h, s->msg);
}

int sglhost_session_get_buffer(struct sglhost_session *s, void **buf, size_t *size)
{
	if (!s || !buf || !size)
		return -EINVAL;
	if (s->remote)
		return sgl_remote_get_buffer(s->remote, buf, size);
	if (s->ended)
		return -EPIPE;
	if (!s->in_payload) {
		*buf = (uint8_t *)&s->h + s->have;
		*size = sizeof(s->h) - s->have;
		return 0;
	}
	size_t n = s->h.size - sizeof(s->h);
	if (s->have == s->msg_cap && grow(s, n)) {
		sgl_hsession_logf(s, SGLHOST_LOG_WARN, "%s: session ended: %s", s->peer,
				  strerror(ENOMEM));
		end(s, -ENOMEM, NULL);
		return -ENOMEM;
	}
	size_t left = n - s->have, room = s->msg_cap - s->have;
	*buf = s->msg + s->have;
	*size = left < room ? left : room;
	return 0;
}

int sglhost_session_commit(struct sglhost_session *s, size_t n)
{
	void *buf;
	size_t room;
	int r = sglhost_session_get_buffer(s, &buf, &room);
	if (r)
		return r;
	if (s->remote)
		return sgl_remote_commit(s->remote, n);
	if (n > room)
		return -EINVAL;
	s->have += n;
	if (!s->in_payload) {
		if (s->have < sizeof(s->h))
			return 0;
		r = header_done(s);
		s->in_payload = true;
		s->have = 0;
		if (r || s->h.size > sizeof(s->h))
			goto out;
	} else if (s->have < s->h.size - sizeof(s->h)) {
		return 0;
	}
	/* A whole message. */
	s->in_payload = false;
	s->have = 0;
	r = message_done(s);
out:
	if (r == -EPIPE || r == -ECONNRESET)
		/* A reply or frame could not go out: the guest left (killed in
		 * the middle of a frame, say), as a guest may. */
		sgl_hsession_logf(s, SGLHOST_LOG_INFO, "%s: client \"%s\" left", s->peer, s->name);
	else if (r)
		sgl_hsession_logf(s, SGLHOST_LOG_WARN, "%s: session ended: %s", s->peer, strerror(-r));
	if (r)
		end(s, r, NULL);
	return r;
}

int sglhost_session_feed(struct sglhost_session *s, const void *data, size_t size)
{
	const uint8_t *p = data;
	if (!s || (!data && size))
		return -EINVAL;
	if (s->remote)
		return sgl_remote_feed(s->remote, data, size);
	if (s->ended)
		return -EPIPE;
	while (size > 0) {
		void *buf;
		size_t room;
		int r = sglhost_session_get_buffer(s, &buf, &room);
		if (r)
			return r;
		size_t n = room < size ? room : size;
		memcpy(buf, p, n);
		r = sglhost_session_commit(s, n);
		if (r)
			return r;
		p += n;
		size -= n;
	}
	return 0;
}

bool sglhost_session_ended(const struct sglhost_session *s)
{
	return !s || (s->remote ? sgl_remote_ended(s->remote) : s->ended != 0);
}

size_t sglhost_session_pending(const struct sglhost_session *s)
{
	return s && s->remote ? sgl_remote_pending(s->remote) : 0;
}

int sglhost_session_get_fd(const struct sglhost_session *s)
{
	return s && s->remote ? sgl_remote_fd(s->remote) : -1;
}

int sglhost_session_dispatch(struct sglhost_session *s)
{
	if (!s)
		return -EINVAL;
	return s->remote ? sgl_remote_dispatch(s->remote) : s->ended;
}

int sglhost_session_save(const struct sglhost_session *s, void *buf, size_t *size)
{
	(void)s;
	(void)buf;
	(void)size;
	return -ENOTSUP;
}

void sglhost_session_config_init(struct sglhost_session_config *cfg)
{
	if (cfg)
		*cfg = (struct sglhost_session_config){ .version = SGLHOST_SESSION_CONFIG_VERSION };
}

struct sglhost_session *sglhost_session_create(const struct sglhost_session_config *cfg)
{
	bool remote = cfg && (cfg->flags & SGLHOST_SESSION_OUT_OF_PROCESS);
	if (!cfg || cfg->version != SGLHOST_SESSION_CONFIG_VERSION || !cfg->send ||
	    (cfg->flags & ~SGLHOST_SESSION_FLAGS_ALL) ||
	    (remote ? cfg->host || !cfg->host_config : !cfg->host)) {
		errno = EINVAL;
		return NULL;
	}
	struct sglhost_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->cfg.peer = NULL;
	s->cfg.host_config = NULL;
	s->cfg.helper_path = NULL;
	snprintf(s->peer, sizeof(s->peer), "%s", cfg->peer ? cfg->peer : "guest");
	if (remote) {
		s->remote = sgl_remote_start(cfg, s->peer);
		if (!s->remote) {
			int e = errno;
			free(s);
			errno = e;
			return NULL;
		}
		return s;
	}
	s->max_contexts = cfg->max_contexts ? cfg->max_contexts : DEFAULT_MAX_CONTEXTS;
	s->contexts = calloc(s->max_contexts, sizeof(*s->contexts));
	if (!s->contexts) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void sglhost_session_destroy(struct sglhost_session *s)
{
	if (!s)
		return;
	if (s->remote) {
		sgl_remote_stop(s->remote);
		free(s);
		return;
	}
	if (!s->ended) {
		/* The embedder ended it: the guest left or was reset. */
		sgl_hsession_logf(s, SGLHOST_LOG_INFO, "%s: client \"%s\" left", s->peer, s->name);
		end(s, -ECONNRESET, "closed by the host");
	}
	free(s->contexts);
	free(s->msg);
	free(s->frame);
	free(s);
}
