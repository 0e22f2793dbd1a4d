/*
 * sglhost_server.h: listeners accepted on threads of ours, a thread per
 * guest serving its channel (sglhost_channel_serve), and the events either
 * given on those threads or queued for the embedder's dispatch (an eventfd
 * says when some wait).
 */
#include "sglhost_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_LISTENERS 8
#define DEFAULT_MAX_CLIENTS 64

struct queued {
	struct sglhost_session_event ev;
	char text[256], peer[96];
	void *pixels;                     /* COPY_FRAMES */
	struct queued *next;
};

struct client {
	struct sglhost_server *srv;
	struct sglhost_channel *ch;
	struct sglhost_session_config cfg;
	struct client *next;
};

struct sglhost_server {
	struct sglhost_server_config cfg;  /* its session's event is on_event */
	sglhost_session_event_fn user_event;
	void *user_event_user;
	int efd;                          /* DISPATCH: events wait */
	pthread_mutex_t lock;
	pthread_cond_t idle;              /* a client left */
	struct sglhost_listener *listeners[MAX_LISTENERS];
	pthread_t accept_threads[MAX_LISTENERS];
	int nlisteners;
	struct client *clients;           /* under lock */
	unsigned nclients;
	struct queued *head, **tail;      /* under lock */
};

struct accept_arg {
	struct sglhost_server *srv;
	struct sglhost_listener *l;
};

static void on_event(void *user, const struct sglhost_session_event *ev)
{
	struct sglhost_server *srv = user;
	if (!(srv->cfg.flags & SGLHOST_SERVER_DISPATCH)) {
		srv->user_event(srv->user_event_user, ev);
		return;
	}
	struct queued *q = calloc(1, sizeof(*q));
	if (!q)
		return;   /* an event lost, never the session */
	q->ev = *ev;
	q->ev.context = NULL;
	if (ev->type == SGLHOST_SESSION_EVENT_PRESENT && ev->context &&
	    (srv->cfg.flags & SGLHOST_SERVER_COPY_FRAMES)) {
		size_t stride = (size_t)ev->width * 4;
		q->pixels = malloc(stride * ev->height);
		if (q->pixels && sglhost_context_read_pixels(ev->context, SGLHOST_PIXEL_RGBA8888,
							     q->pixels, stride, ev->width,
							     ev->height) == 0) {
			q->ev.stride = stride;
		} else {
			free(q->pixels);
			q->pixels = NULL;
		}
	}
	snprintf(q->text, sizeof(q->text), "%s", ev->text ? ev->text : "");
	snprintf(q->peer, sizeof(q->peer), "%s", ev->peer ? ev->peer : "");
	pthread_mutex_lock(&srv->lock);
	*srv->tail = q;
	srv->tail = &q->next;
	pthread_mutex_unlock(&srv->lock);
	uint64_t one = 1;
	if (write(srv->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, dispatch is due anyway. */
	}
}

static void *client_thread(void *arg)
{
	struct client *c = arg;
	struct sglhost_server *srv = c->srv;
	sglhost_channel_serve(c->ch, &c->cfg);
	/* Out of the list (destroy shuts down the channels there), but
	 * counted until the channel is gone: it may touch the listener's
	 * memory, which destroy frees when the count says none is left. */
	pthread_mutex_lock(&srv->lock);
	for (struct client **p = &srv->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	sglhost_channel_destroy(c->ch);
	free(c);
	pthread_mutex_lock(&srv->lock);
	srv->nclients--;
	pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

static bool start_client(struct sglhost_server *srv, struct sglhost_listener *l,
			 struct sglhost_channel *ch)
{
	uint32_t max = srv->cfg.max_clients ? srv->cfg.max_clients : DEFAULT_MAX_CLIENTS;
	struct client *c = calloc(1, sizeof(*c));
	pthread_t t;
	pthread_attr_t attr;
	if (!c)
		return false;
	*c = (struct client){ srv, ch, srv->cfg.session, NULL };
	if (sglhost_listener_needs_token(l))
		c->cfg.flags |= SGLHOST_SESSION_REQUIRE_TOKEN;
	pthread_mutex_lock(&srv->lock);
	bool ok = srv->nclients < max;
	if (ok) {
		c->next = srv->clients;
		srv->clients = c;
		srv->nclients++;
	}
	pthread_mutex_unlock(&srv->lock);
	if (!ok) {
		free(c);
		return false;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&t, &attr, client_thread, c) == 0;
	pthread_attr_destroy(&attr);
	if (!ok) {
		pthread_mutex_lock(&srv->lock);
		srv->clients = c->next;   /* still first: only this thread adds */
		srv->nclients--;
		pthread_mutex_unlock(&srv->lock);
		free(c);
	}
	return ok;
}

static void *accept_thread(void *arg)
{
	struct accept_arg *a = arg;
	for (;;) {
		int err = 0;
		struct sglhost_channel *ch = sglhost_listener_accept(a->l, &err);
		if (!ch) {
			if (err == -ECANCELED)
				break;
			usleep(100 * 1000);   /* EMFILE and the like: later */
			continue;
		}
		if (!start_client(a->srv, a->l, ch))
			sglhost_channel_destroy(ch);
	}
	free(a);
	return NULL;
}

void sglhost_server_config_init(struct sglhost_server_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct sglhost_server_config){ .version = SGLHOST_SERVER_CONFIG_VERSION };
	sglhost_session_config_init(&cfg->session);
}

/* The template must make a session (send is ours). */
static bool template_ok(const struct sglhost_session_config *s)
{
	bool oop = s->flags & SGLHOST_SESSION_OUT_OF_PROCESS;
	return s->version == SGLHOST_SESSION_CONFIG_VERSION &&
	       !(s->flags & ~SGLHOST_SESSION_FLAGS_ALL) &&
	       (oop ? !s->host && s->host_config : s->host != NULL);
}

struct sglhost_server *sglhost_server_create(const struct sglhost_server_config *cfg)
{
	if (!cfg || cfg->version != SGLHOST_SERVER_CONFIG_VERSION ||
	    (cfg->flags & ~SGLHOST_SERVER_FLAGS_ALL) || !template_ok(&cfg->session)) {
		errno = EINVAL;
		return NULL;
	}
	struct sglhost_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->cfg = *cfg;
	srv->cfg.session.peer = NULL;
	srv->user_event = cfg->session.event;
	srv->user_event_user = cfg->session.event_user;
	srv->cfg.session.event = cfg->session.event ? on_event : NULL;
	srv->cfg.session.event_user = srv;
	srv->efd = -1;
	srv->tail = &srv->head;
	if ((cfg->flags & SGLHOST_SERVER_DISPATCH) &&
	    (srv->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		int e = errno;
		free(srv);
		errno = e;
		return NULL;
	}
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	return srv;
}

int sglhost_server_add_listener(struct sglhost_server *srv, struct sglhost_listener *l)
{
	static const uint8_t none[32];
	if (!srv || !l) {
		sglhost_listener_destroy(l);
		return -EINVAL;
	}
	if (sglhost_listener_needs_token(l) &&
	    !memcmp(srv->cfg.session.token, none, sizeof(none))) {
		sglhost_listener_destroy(l);
		return -EACCES;
	}
	if (srv->nlisteners == MAX_LISTENERS) {
		sglhost_listener_destroy(l);
		return -ENOSPC;
	}
	struct accept_arg *a = malloc(sizeof(*a));
	int e = a ? 0 : ENOMEM;
	if (a) {
		*a = (struct accept_arg){ srv, l };
		e = pthread_create(&srv->accept_threads[srv->nlisteners], NULL, accept_thread, a);
	}
	if (e) {
		free(a);
		sglhost_listener_destroy(l);
		return -e;
	}
	srv->listeners[srv->nlisteners++] = l;
	return 0;
}

int sglhost_server_get_fd(const struct sglhost_server *srv)
{
	return srv ? srv->efd : -1;
}

int sglhost_server_dispatch(struct sglhost_server *srv)
{
	if (!srv)
		return -EINVAL;
	if (srv->efd < 0)
		return 0;
	uint64_t count;
	if (read(srv->efd, &count, sizeof(count)) < 0) {
		/* EAGAIN: nothing new; the queue says for sure. */
	}
	pthread_mutex_lock(&srv->lock);
	struct queued *q = srv->head;
	srv->head = NULL;
	srv->tail = &srv->head;
	pthread_mutex_unlock(&srv->lock);
	int n = 0;
	while (q) {
		struct queued *next = q->next;
		q->ev.text = q->text;
		q->ev.peer = q->peer;
		q->ev.pixels = q->pixels;
		if (srv->user_event)
			srv->user_event(srv->user_event_user, &q->ev);
		free(q->pixels);
		free(q);
		q = next;
		n++;
	}
	return n;
}

unsigned sglhost_server_clients(const struct sglhost_server *srv)
{
	if (!srv)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&srv->lock);
	unsigned n = srv->nclients;
	pthread_mutex_unlock((pthread_mutex_t *)&srv->lock);
	return n;
}

void sglhost_server_destroy(struct sglhost_server *srv)
{
	if (!srv)
		return;
	for (int i = 0; i < srv->nlisteners; i++)
		sglhost_listener_shutdown(srv->listeners[i]);
	for (int i = 0; i < srv->nlisteners; i++)
		pthread_join(srv->accept_threads[i], NULL);
	pthread_mutex_lock(&srv->lock);
	while (srv->nclients) {
		for (struct client *c = srv->clients; c; c = c->next)
			sglhost_channel_shutdown(c->ch);
		pthread_cond_wait(&srv->idle, &srv->lock);
	}
	pthread_mutex_unlock(&srv->lock);
	for (int i = 0; i < srv->nlisteners; i++)
		sglhost_listener_destroy(srv->listeners[i]);
	while (srv->head) {
		struct queued *q = srv->head;
		srv->head = q->next;
		free(q->pixels);
		free(q);
	}
	if (srv->efd >= 0)
		close(srv->efd);
	pthread_cond_destroy(&srv->idle);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
