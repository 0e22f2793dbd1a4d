/*
 * A session over a channel (channel.h): the channel's bytes go straight
 * into the session's buffer, its answers straight to the channel. Out of
 * process, a relay thread passes on what the helper answers and the guest
 * bytes it has yet to take, while this one waits for the guest (one lock
 * keeps feed and dispatch apart). When 64 MiB wait for a helper that does
 * not read, this thread waits for the relay, and gives up when the channel
 * is shut down (sglhost_server_destroy is not held up).
 */
#include "transport/session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sglhost_session.h"

static int channel_send(void *user, const void *data, size_t size)
{
	struct sgl_channel *ch = user;
	return ch->ops->write(ch, data, size);
}

struct relay {
	struct sglhost_session *s;
	struct sgl_channel *ch;
	pthread_mutex_t lock;
	pthread_cond_t drained;  /* a dispatch passed bytes on */
	int wake[2];             /* the serving thread: 'x' ends the relay,
				  * 'o' has it wait for room too */
	bool out_armed;          /* its poll waits for room (under lock) */
};

/* Under the lock, after this thread queued bytes for the helper: a relay
 * polling for answers only must also wait for room to send them, or they
 * sit queued while the guest waits for a reply to them. */
static void arm_output(struct relay *rl)
{
	if (rl->out_armed || !sglhost_session_pending(rl->s))
		return;
	rl->out_armed = true;
	if (write(rl->wake[1], "o", 1) < 0) {
		/* full: the relay has a byte to wake for already */
	}
}

static void *relay_thread(void *arg)
{
	struct relay *rl = arg;
	for (;;) {
		/* The serving thread may end the session (and close the fd)
		 * meanwhile: the fd under the lock; a poll on a closed one just
		 * waits for the wake. */
		pthread_mutex_lock(&rl->lock);
		int fd = sglhost_session_get_fd(rl->s);
		rl->out_armed = sglhost_session_pending(rl->s) != 0;
		short events = POLLIN | (rl->out_armed ? POLLOUT : 0);
		pthread_mutex_unlock(&rl->lock);
		struct pollfd p[2] = { { fd, events, 0 }, { rl->wake[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			char why[64];
			ssize_t n = read(rl->wake[0], why, sizeof(why));
			if (n <= 0 || memchr(why, 'x', (size_t)n))
				return NULL;
			if (!p[0].revents)
				continue;   /* room to wait for: poll again */
		}
		pthread_mutex_lock(&rl->lock);
		int r = sglhost_session_dispatch(rl->s);
		pthread_cond_broadcast(&rl->drained);
		pthread_mutex_unlock(&rl->lock);
		if (r) {
			/* The helper is gone: the guest's reads end too. */
			rl->ch->ops->shutdown(rl->ch);
			return NULL;
		}
	}
}

/* The helper's end of the socket closed (it exited or died), with
 * nothing of its left to read. */
static bool helper_gone(struct sglhost_session *s)
{
	int fd = sglhost_session_get_fd(s);
	struct pollfd p = { fd, POLLIN, 0 };
	char c;
	if (fd < 0 || poll(&p, 1, 0) != 1)
		return false;
	return (p.revents & (POLLHUP | POLLERR)) ||
	       recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

int sgl_session_serve(const struct sglhost_session_config *base, struct sgl_channel *ch)
{
	struct sglhost_session_config cfg = *base;
	struct relay rl = { .ch = ch, .wake = { -1, -1 } };
	pthread_t relay;
	bool relaying = false;
	cfg.send = channel_send;
	cfg.send_user = ch;
	if (!cfg.peer)
		cfg.peer = ch->peer;
	struct sglhost_session *s = sglhost_session_create(&cfg);
	if (!s)
		return -errno;
	pthread_mutex_init(&rl.lock, NULL);
	pthread_cond_init(&rl.drained, NULL);
	rl.s = s;
	if (sglhost_session_get_fd(s) >= 0) {
		if (pipe2(rl.wake, O_CLOEXEC | O_NONBLOCK) < 0 || pthread_create(&relay, NULL, relay_thread, &rl)) {
			sglhost_session_destroy(s);
			return -EAGAIN;
		}
		relaying = true;
	}
	int r = 0;
	while (!r) {
		void *buf;
		size_t room;
		pthread_mutex_lock(&rl.lock);
		r = sglhost_session_get_buffer(s, &buf, &room);
		/* Out of process, 64 MiB wait for the helper: until the relay
		 * passed some on, or the channel is shut down. */
		while (r == -EAGAIN && !atomic_load(&ch->cancelled)) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 100 * 1000 * 1000;
			if (t.tv_nsec >= 1000000000) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&rl.drained, &rl.lock, &t);
			r = sglhost_session_get_buffer(s, &buf, &room);
		}
		pthread_mutex_unlock(&rl.lock);
		if (r == -EAGAIN)
			r = -ECANCELED;
		if (r)
			break;
		/* Out of process, the buffer is the session's own and only this
		 * thread fills it: read without the lock. */
		ssize_t n = ch->ops->read(ch, buf, room);
		if (n == 0 || n == -EPIPE || n == -ECONNRESET) {
			/* It left (a reset: with bytes unread). */
			r = -EPIPE;
			break;
		}
		/* A transport that claims more than it was given is broken. */
		pthread_mutex_lock(&rl.lock);
		r = n < 0 ? (int)n : (size_t)n > room ? -EIO : sglhost_session_commit(s, (size_t)n);
		if (relaying)
			arm_output(&rl);
		pthread_mutex_unlock(&rl.lock);
	}
	if (relaying) {
		if (write(rl.wake[1], "x", 1) < 0) {
			/* a pipe of ours with room: cannot fail */
		}
		pthread_join(relay, NULL);
		/* A helper that died is said as such (its end may not have been
		 * read yet: a relay busy passing on answers), not as a session
		 * the host closed; and that, not the guest leaving, is why. */
		int h = helper_gone(s) ? sglhost_session_dispatch(s) : 0;
		if (sglhost_session_ended(s) && r == -EPIPE)
			r = h ? h : sglhost_session_dispatch(s);
	}
	if (rl.wake[0] >= 0) {
		close(rl.wake[0]);
		close(rl.wake[1]);
	}
	pthread_cond_destroy(&rl.drained);
	pthread_mutex_destroy(&rl.lock);
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
