/*
 * Out-of-process sessions (sglhost_session.h, SGLHOST_SESSION_OUT_OF_PROCESS):
 * the guest's bytes go to a helper process (render_helper.c) over a socket
 * pair; what it answers goes to the embedder's send callback, read as it
 * passes for the events it carries (WELCOME, FRAME, LOST, BYE). The helper
 * is started with posix_spawn (safe in a threaded VMM, unlike a bare fork)
 * with its output sent to /dev/null: the library never prints.
 */
#include "transport/session_remote.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sgl_session.h"
#include "transport/helper_proto.h"

#ifndef SGL_HELPER_PATH
#define SGL_HELPER_PATH "/usr/local/libexec/sglhost-render"
#endif

extern char **environ;

struct sgl_remote {
	struct sglhost_session_config cfg;
	int fd;
	pid_t pid;
	int ended;
	uint8_t in[65536];           /* get_buffer's: the guest's bytes, to pass on */
	uint8_t out[65536];          /* the helper's, to pass on */
	/* Reading the helper's messages as they pass, for events. */
	struct sgl_msg_header h;
	size_t have;                 /* of the header, then of the payload */
	bool in_payload;
	char text[256];              /* the payload's first bytes (LOST, BYE, FRAME) */
	char bye[256];
	char peer[96];
	bool closing;                /* sgl_remote_stop: the embedder ends it */
	uint8_t *q;                  /* the guest's bytes the helper has yet to take */
	size_t qlen, qoff, qcap;
};

/* Most bytes queued for the helper before feed says -EAGAIN. */
#define QUEUE_LIMIT (64u << 20)

static void event(struct sgl_remote *r, enum sglhost_session_event_type type, uint32_t id,
		  uint32_t w, uint32_t h, const char *text)
{
	if (!r->cfg.event)
		return;
	struct sglhost_session_event ev = { SGLHOST_SESSION_EVENT_VERSION, type, id, NULL, w, h,
					    r->ended, text ? text : "", r->peer, NULL, 0 };
	r->cfg.event(r->cfg.event_user, &ev);
}

/* The helper is gone (or must go): how it ended is the session's end. */
static int end(struct sgl_remote *r, int forced)
{
	if (r->ended)
		return r->ended;
	char why[256];
	int status = 0, e = -ECONNABORTED;
	if (forced)
		kill(r->pid, SIGKILL);
	close(r->fd);
	r->fd = -1;
	/* Its socket closes when it exits: it is exiting, or (closing) it
	 * leaves on our EOF, its contexts' teardown being nothing we need.
	 * A bounded wait, then kill. */
	for (int i = 0; i < (r->closing ? 10 : 200); i++) {
		if (waitpid(r->pid, &status, WNOHANG) == r->pid)
			goto reaped;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, &status, 0);
reaped:
	if (r->closing && !forced) {
		/* As an in-process session that the embedder destroys (killed
		 * or not: its state is gone either way). */
		e = -ECONNRESET;
		snprintf(why, sizeof(why), "closed by the host");
	} else if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "the helper process died (signal %d, %s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) && r->bye[0]) {
		/* It ended the session (BYE): its exit status is the errno. */
		e = -WEXITSTATUS(status);
		snprintf(why, sizeof(why), "%s", r->bye);
	} else if (WEXITSTATUS(status)) {
		/* No display, or a crash a sanitizer turned into an exit. */
		snprintf(why, sizeof(why), "the helper process failed (exit status %d)",
			 WEXITSTATUS(status));
	} else {
		e = -EPIPE;
		snprintf(why, sizeof(why), "the helper process ended");
	}
	if (forced) {
		e = forced;
		snprintf(why, sizeof(why), "%s", strerror(-e));
	}
	r->ended = e;
	if (r->cfg.log) {
		char line[400];
		snprintf(line, sizeof(line), "%s: session ended: %s", r->peer, why);
		r->cfg.log(r->cfg.log_user, e == -ECONNRESET ? SGLHOST_LOG_INFO : SGLHOST_LOG_WARN,
			   line);
	}
	event(r, SGLHOST_SESSION_EVENT_ENDED, 0, 0, 0, why);
	return e;
}

static void message_done(struct sgl_remote *r)
{
	const struct sgl_msg_header *h = &r->h;
	size_t n = h->size - sizeof(*h);
	if (n > sizeof(r->text) - 1)
		n = sizeof(r->text) - 1;
	r->text[n] = '\0';
	struct sgl_msg_frame f = { 0, 0, 0, 0 };
	switch (h->kind) {
	case SGL_MSG_WELCOME:
		event(r, SGLHOST_SESSION_EVENT_CONNECTED, 0, 0, 0, NULL);
		break;
	case SGL_MSG_FRAME:
		memcpy(&f, r->text, n < sizeof(f) ? n : sizeof(f));
		if (f.width && f.height)
			event(r, SGLHOST_SESSION_EVENT_PRESENT, h->context, f.width, f.height, NULL);
		break;
	case SGL_MSG_LOST:
		event(r, SGLHOST_SESSION_EVENT_CONTEXT_LOST, h->context, 0, 0, r->text);
		break;
	case SGL_MSG_BYE:
		memcpy(r->bye, r->text, sizeof(r->bye));
		break;
	}
}

/* The helper's bytes pass by: their message boundaries give the events. */
static void watch(struct sgl_remote *r, const uint8_t *p, size_t n)
{
	while (n) {
		if (!r->in_payload) {
			size_t k = sizeof(r->h) - r->have;
			k = k < n ? k : n;
			memcpy((uint8_t *)&r->h + r->have, p, k);
			r->have += k, p += k, n -= k;
			if (r->have < sizeof(r->h))
				return;
			r->in_payload = true;
			r->have = 0;
			if (r->h.size < sizeof(r->h))   /* our own helper: cannot be */
				r->h.size = sizeof(r->h);
		}
		size_t left = r->h.size - sizeof(r->h) - r->have;
		size_t k = left < n ? left : n;
		if (r->have < sizeof(r->text) - 1) {
			size_t c = sizeof(r->text) - 1 - r->have;
			memcpy(r->text + r->have, p, c < k ? c : k);
		}
		r->have += k, p += k, n -= k;
		if (r->have == r->h.size - sizeof(r->h)) {
			message_done(r);
			r->in_payload = false;
			r->have = 0;
		}
	}
}

/* The guest's bytes not yet taken by the helper go out, as far as the
 * socket takes them now. */
static int flush_input(struct sgl_remote *r)
{
	while (r->qoff < r->qlen) {
		ssize_t n = send(r->fd, r->q + r->qoff, r->qlen - r->qoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return end(r, 0);
		r->qoff += (size_t)n;
	}
	r->qoff = r->qlen = 0;
	return 0;
}

int sgl_remote_dispatch(struct sgl_remote *r)
{
	if (r->ended)
		return r->ended;
	for (;;) {
		ssize_t n = recv(r->fd, r->out, sizeof(r->out), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return end(r, 0);
		watch(r, r->out, (size_t)n);
		int e = r->cfg.send(r->cfg.send_user, r->out, (size_t)n);
		if (e)
			return end(r, e < 0 ? e : -EIO);
	}
	return flush_input(r);
}

/* Queues what the socket does not take at once. */
static int queue_input(struct sgl_remote *r, const void *data, size_t size)
{
	if (r->qoff && r->qoff == r->qlen)
		r->qoff = r->qlen = 0;
	if (r->qlen + size > r->qcap) {
		if (r->qoff) {   /* what was sent makes room first */
			memmove(r->q, r->q + r->qoff, r->qlen - r->qoff);
			r->qlen -= r->qoff;
			r->qoff = 0;
		}
		size_t cap = r->qcap ? r->qcap : 65536;
		while (cap < r->qlen + size)
			cap *= 2;
		if (cap > r->qcap) {
			uint8_t *q = realloc(r->q, cap);
			if (!q)
				return end(r, -ENOMEM);
			r->q = q;
			r->qcap = cap;
		}
	}
	memcpy(r->q + r->qlen, data, size);
	r->qlen += size;
	return 0;
}

/* Feed never waits for the helper: what the socket does not take is
 * queued, up to QUEUE_LIMIT (then -EAGAIN, nothing taken). */
int sgl_remote_feed(struct sgl_remote *r, const void *data, size_t size)
{
	if (r->ended)
		return -EPIPE;
	size_t pending = r->qlen - r->qoff;
	if (pending && pending + size > QUEUE_LIMIT)
		return -EAGAIN;
	int e = queue_input(r, data, size);
	return e ? e : sgl_remote_dispatch(r);
}

int sgl_remote_get_buffer(struct sgl_remote *r, void **buf, size_t *size)
{
	if (r->ended)
		return -EPIPE;
	if (r->qlen - r->qoff >= QUEUE_LIMIT)
		return -EAGAIN;
	*buf = r->in;
	*size = sizeof(r->in);
	return 0;
}

int sgl_remote_commit(struct sgl_remote *r, size_t n)
{
	if (n > sizeof(r->in))
		return -EINVAL;
	if (r->ended)
		return -EPIPE;
	/* get_buffer said there was room: taken even past the limit. */
	int e = queue_input(r, r->in, n);
	return e ? e : sgl_remote_dispatch(r);
}

size_t sgl_remote_pending(const struct sgl_remote *r)
{
	return r->qlen - r->qoff;
}

int sgl_remote_fd(const struct sgl_remote *r)
{
	return r->fd;
}

bool sgl_remote_ended(const struct sgl_remote *r)
{
	return r->ended != 0;
}

static void fill_init(struct sgl_helper_init *in, const struct sglhost_session_config *cfg,
		      const char *peer)
{
	const struct sglhost_config *hc = cfg->host_config;
	memset(in, 0, sizeof(*in));
	in->magic = SGL_HELPER_MAGIC;
	in->platform = (uint32_t)hc->platform;
	in->host_flags = hc->flags;
	in->egl_device_index = hc->egl_device_index;
	in->max_surface_width = hc->max_surface_width;
	in->max_surface_height = hc->max_surface_height;
	in->max_object_name = hc->max_object_name;
	in->max_context_memory = hc->max_context_memory;
	in->session_flags = cfg->flags & SGLHOST_SESSION_REQUIRE_TOKEN;
	memcpy(in->token, cfg->token, sizeof(in->token));
	in->max_contexts = cfg->max_contexts;
	in->max_width = cfg->max_width;
	in->max_height = cfg->max_height;
	in->max_major = cfg->max_major;
	in->max_minor = cfg->max_minor;
	snprintf(in->render_node, sizeof(in->render_node), "%s",
		 hc->render_node ? hc->render_node : "");
	snprintf(in->peer, sizeof(in->peer), "%s", peer);
}

static pid_t spawn(const char *path, int child_fd)
{
	char fdarg[16];
	char *argv[] = { (char *)"sglhost-render", fdarg, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	snprintf(fdarg, sizeof(fdarg), "%d", child_fd);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int e = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		errno = e;
		return -1;
	}
	return pid;
}

struct sgl_remote *sgl_remote_start(const struct sglhost_session_config *cfg, const char *peer)
{
	int sv[2];
	struct sgl_helper_init in;
	struct sgl_remote *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->cfg = *cfg;
	r->fd = -1;
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	/* Our end is close-on-exec; the helper's is not, and stays above 2. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	int child = fcntl(sv[1], F_DUPFD, 3);
	close(sv[1]);
	if (child < 0) {
		close(sv[0]);
		goto fail;
	}
	r->fd = sv[0];
	r->pid = spawn(cfg->helper_path ? cfg->helper_path : SGL_HELPER_PATH, child);
	int saved = errno;
	close(child);
	if (r->pid < 0) {
		close(r->fd);
		errno = saved;
		goto fail;
	}
	fill_init(&in, cfg, peer);
	if (send(r->fd, &in, sizeof(in), MSG_NOSIGNAL) != (ssize_t)sizeof(in)) {
		saved = errno ? errno : EPIPE;
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		close(r->fd);
		errno = saved;
		goto fail;
	}
	return r;
fail:
	free(r);
	return NULL;
}

void sgl_remote_stop(struct sgl_remote *r)
{
	if (!r)
		return;
	r->closing = true;
	if (!r->ended)
		end(r, 0);   /* closing our end makes the helper leave */
	free(r->q);
	free(r);
}
