/*
 * A session over a channel (channel.h): the channel's bytes go straight
 * into the session's buffer, its answers straight to the channel.
 */
#include "transport/session.h"

#include <errno.h>
#include <string.h>

#include "sglhost_session.h"

static int channel_send(void *user, const void *data, size_t size)
{
	struct sgl_channel *ch = user;
	return ch->ops->write(ch, data, size);
}

int sgl_session_serve(const struct sglhost_session_config *base, struct sgl_channel *ch)
{
	struct sglhost_session_config cfg = *base;
	cfg.send = channel_send;
	cfg.send_user = ch;
	if (!cfg.peer)
		cfg.peer = ch->peer;
	struct sglhost_session *s = sglhost_session_create(&cfg);
	if (!s)
		return -errno;
	int r = 0;
	while (!r) {
		void *buf;
		size_t room;
		r = sglhost_session_get_buffer(s, &buf, &room);
		if (r)
			break;
		ssize_t n = ch->ops->read(ch, buf, room);
		if (n == 0 || n == -EPIPE || n == -ECONNRESET) {
			/* It left (a reset: with bytes unread). */
			r = -EPIPE;
			break;
		}
		/* A transport that claims more than it was given is broken. */
		r = n < 0 ? (int)n : (size_t)n > room ? -EIO : sglhost_session_commit(s, (size_t)n);
	}
	sglhost_session_destroy(s);
	return r == -EPIPE || r == -ECONNRESET ? 0 : r;
}

int sgl_session_run(const struct sgl_session_config *c, struct sgl_channel *ch)
{
	struct sglhost_session_config cfg;
	sglhost_session_config_init(&cfg);
	cfg.host = c->host;
	if (c->needs_token) {
		cfg.flags |= SGLHOST_SESSION_REQUIRE_TOKEN;
		/* No token given: zeros, which no guest's token matches. */
		if (c->token)
			memcpy(cfg.token, c->token, sizeof(cfg.token));
	}
	cfg.max_contexts = c->max_contexts;
	cfg.max_width = c->width_limit;
	cfg.max_height = c->height_limit;
	cfg.max_major = c->max_major;
	cfg.max_minor = c->max_minor;
	cfg.log = c->log;
	cfg.log_user = c->log_user;
	return sgl_session_serve(&cfg, ch);
}
