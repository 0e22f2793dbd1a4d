/*
 * sgl-host serving guests: a thread per listener accepts clients; each
 * client's session (src/transport/session.c) runs until it leaves or dies,
 * then everything the client created is destroyed.
 *
 * Where it runs (--isolation): by default in a process of its own, forked
 * for it with its own EGL display, so that a crash inside the GL driver
 * (which a guest's commands can still reach, however well they are
 * checked) loses that client only; the parent keeps the channel untouched
 * while the child runs and destroys it when the child is reaped, which is
 * also what tells the guest. The parent holds no EGL display then: it
 * checks the driver at start and lets it go before any fork (an EGL display
 * is not something a child may inherit). Listeners whose channels live on
 * this process's threads (vhost-user, ivshmem doorbells) cannot be forked:
 * with one of them, or --isolation=thread, sessions are threads of one
 * process sharing one display.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sgl-host.h"
#include "transport/listener.h"
#include "transport/session.h"

/* A client served by a child process: its channel, ours to destroy when
 * the child is gone. */
struct child {
	pid_t pid;
	struct sgl_channel *ch;
	struct child *next;
};

struct server {
	const struct server_options *opt;
	const struct sglhost_config *host_cfg;
	struct sglhost *host;       /* NULL when clients get processes */
	bool fork_clients;
	struct sgl_session_config session;
	struct sgl_listener *listeners[4];
	pthread_t accept_threads[4];
	int nlisteners;
	pthread_mutex_t lock;
	unsigned clients;           /* sessions running */
	unsigned long served;
	struct child *children;     /* under lock */
	bool stopping;              /* children were sent SIGTERM by us */
};

struct client {
	struct server *srv;
	const struct sgl_session_config *session;
	struct sgl_channel *ch;
};

static void *client_thread(void *arg)
{
	struct client *c = arg;
	struct server *srv = c->srv;
	sgl_session_run(c->session, c->ch);
	c->ch->ops->destroy(c->ch);
	pthread_mutex_lock(&srv->lock);
	srv->clients--;
	pthread_mutex_unlock(&srv->lock);
	free(c);
	return NULL;
}

struct accept_arg {
	struct server *srv;
	struct sgl_listener *l;
	/* The session settings of this listener's clients (token policy). */
	struct sgl_session_config session;
};

/* In the child: a display of its own, the session, and out. Nothing of the
 * parent's listeners or threads is touched; the channel is left for the
 * parent to destroy. */
static _Noreturn void client_process(struct accept_arg *a, struct sgl_channel *ch)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	int rc = 1;
	struct sglhost *host = sglhost_create(a->srv->host_cfg);
	if (host) {
		struct sgl_session_config sc = a->session;
		sc.host = host;
		sgl_session_run(&sc, ch);
		sglhost_destroy(host);
		rc = 0;
	} else {
		fprintf(stderr, "sgl-host: %s: no EGL display for the client: %s\n", ch->peer,
			strerror(errno));
	}
	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

static bool spawn_process(struct accept_arg *a, struct sgl_channel *ch)
{
	struct child *k = calloc(1, sizeof(*k));
	if (!k)
		return false;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0)
		client_process(a, ch);
	if (pid < 0) {
		fprintf(stderr, "sgl-host: %s: fork: %s\n", ch->peer, strerror(errno));
		free(k);
		return false;
	}
	pthread_mutex_lock(&a->srv->lock);
	*k = (struct child){ pid, ch, a->srv->children };
	a->srv->children = k;
	pthread_mutex_unlock(&a->srv->lock);
	return true;
}

/* Children that ended: their channels go (the guest sees it if it is still
 * there), and a crash is said. */
static void reap_children(struct server *srv)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		pthread_mutex_lock(&srv->lock);
		struct child **p = &srv->children, *k = NULL;
		for (; *p; p = &(*p)->next) {
			if ((*p)->pid == pid) {
				k = *p;
				*p = k->next;
				srv->clients--;
				break;
			}
		}
		pthread_mutex_unlock(&srv->lock);
		if (!k)
			continue;
		if (WIFSIGNALED(status) && !(srv->stopping && WTERMSIG(status) == SIGTERM))
			fprintf(stderr, "sgl-host: %s: the process serving it died (signal %d, %s); "
				"other clients carry on\n", k->ch->peer, WTERMSIG(status),
				strsignal(WTERMSIG(status)));
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			/* e.g. a sanitizer's report of a crash, or no EGL display */
			fprintf(stderr, "sgl-host: %s: the process serving it failed (exit status "
				"%d); other clients carry on\n", k->ch->peer, WEXITSTATUS(status));
		k->ch->ops->destroy(k->ch);
		free(k);
	}
}

static void stop_children(struct server *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	for (struct child *k = srv->children; k; k = k->next)
		kill(k->pid, SIGTERM);
	pthread_mutex_unlock(&srv->lock);
}

/* In this process: a detached thread runs the session. */
static bool spawn_thread(struct accept_arg *a, struct sgl_channel *ch)
{
	struct client *c = calloc(1, sizeof(*c));
	pthread_t t;
	pthread_attr_t attr;
	if (!c)
		return false;
	*c = (struct client){ a->srv, &a->session, ch };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	bool ok = pthread_create(&t, &attr, client_thread, c) == 0;
	pthread_attr_destroy(&attr);
	if (!ok)
		free(c);
	return ok;
}

static void *accept_loop(void *arg)
{
	struct accept_arg *a = arg;
	for (;;) {
		int err = 0;
		struct sgl_channel *ch = a->l->ops->accept(a->l, &err);
		if (!ch) {
			if (err == -ECANCELED)
				break;
			fprintf(stderr, "sgl-host: %s: accept: %s\n", a->l->desc, strerror(-err));
			usleep(100 * 1000);
			continue;
		}
		pthread_mutex_lock(&a->srv->lock);
		a->srv->clients++;
		a->srv->served++;
		pthread_mutex_unlock(&a->srv->lock);
		if (a->srv->fork_clients ? spawn_process(a, ch) : spawn_thread(a, ch))
			continue;
		ch->ops->destroy(ch);
		pthread_mutex_lock(&a->srv->lock);
		a->srv->clients--;
		pthread_mutex_unlock(&a->srv->lock);
	}
	return NULL;
}

static struct sgl_listener *open_listener(const struct server_options *o, const char *spec)
{
	char err[256] = "";
	struct sgl_listener *l;
	if (!strcmp(spec, "shm")) {
		struct sgl_shm_config sc = { .path = o->shm_path, .slots = o->shm_slots,
					     .ring_size = 1u << 20, .remove_stale = o->remove_stale };
		l = sgl_shm_listen(&sc, err, sizeof(err));
	} else if (sgl_ivshmem_spec(spec)) {
		l = sgl_ivshmem_listen(spec, o->shm_slots, 1u << 20, err, sizeof(err));
	} else if (!strncmp(spec, "vhost-user-vsock:", 17)) {
		char path[256];
		struct sgl_vhost_vsock_config vc = { .log = session_log, .log_user = (void *)o };
		l = sgl_vhost_vsock_parse(spec, &vc, path, sizeof(path), err, sizeof(err)) ? NULL :
		    sgl_vhost_vsock_listen(&vc, err, sizeof(err));
	} else {
		l = sgl_stream_listen(spec, err, sizeof(err));
	}
	if (!l)
		fprintf(stderr, "sgl-host: cannot listen on %s: %s\n", spec, err);
	else if (l->needs_token && !o->has_token) {
		fprintf(stderr, "sgl-host: %s is reachable beyond this machine's own users: "
			"give a token (--token or --token-file)\n", l->desc);
		l->ops->destroy(l);
		l = NULL;
	}
	return l;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void wait_for_clients(struct server *srv, double seconds)
{
	double end = now() + seconds;
	for (;;) {
		reap_children(srv);
		pthread_mutex_lock(&srv->lock);
		unsigned n = srv->clients;
		pthread_mutex_unlock(&srv->lock);
		if (!n || now() > end)
			return;
		usleep(10 * 1000);
	}
}

int server_main(const struct server_options *o, const struct sglhost_config *cfg)
{
	struct server srv = { .opt = o };
	struct accept_arg args[4];
	struct sigaction sa = { .sa_handler = on_signal };
	int rc = 1;

	pthread_mutex_init(&srv.lock, NULL);
	srv.host_cfg = cfg;
	srv.host = sglhost_create(cfg);
	if (!srv.host) {
		fprintf(stderr, "sgl-host: no EGL display: %s\n", strerror(errno));
		return 1;
	}
	char platform[128];
	snprintf(platform, sizeof(platform), "%s", sglhost_platform_name(srv.host));
	srv.session = (struct sgl_session_config){
		.host = srv.host, .token = o->has_token ? o->token : NULL,
		.width_limit = o->max_width, .height_limit = o->max_height,
		.log = session_log, .log_user = (void *)o,
		.max_major = o->gl_major, .max_minor = o->gl_minor,
	};
	for (int i = 0; i < o->nlisten; i++) {
		struct sgl_listener *l = open_listener(o, o->listen[i]);
		if (!l)
			goto out;
		srv.listeners[srv.nlisteners++] = l;
	}
	srv.fork_clients = !o->thread_isolation;
	for (int i = 0; i < srv.nlisteners; i++)
		srv.fork_clients &= srv.listeners[i]->forkable;
	if (srv.fork_clients) {
		/* Checked above that the driver works; children open their own. */
		sglhost_destroy(srv.host);
		srv.host = NULL;
		srv.session.host = NULL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < srv.nlisteners; i++) {
		struct accept_arg *a = &args[i];
		*a = (struct accept_arg){ &srv, srv.listeners[i], srv.session };
		a->session.needs_token = srv.listeners[i]->needs_token;
		pthread_create(&srv.accept_threads[i], NULL, accept_loop, a);
		printf("sgl-host: listening on %s (%s%s)\n", srv.listeners[i]->desc, platform,
		       srv.fork_clients ? ", a process per client" : "");
	}
	fflush(stdout);
	double start = now();
	while (!stop && (o->exit_after <= 0 || now() - start < o->exit_after)) {
		reap_children(&srv);
		usleep(50 * 1000);
	}
	rc = 0;
out:
	for (int i = 0; i < srv.nlisteners; i++)
		srv.listeners[i]->ops->shutdown(srv.listeners[i]);
	for (int i = 0; i < srv.nlisteners && rc == 0; i++)
		pthread_join(srv.accept_threads[i], NULL);
	stop_children(&srv);
	/* Sessions still running read from channels the listeners own. */
	wait_for_clients(&srv, 2.0);
	for (int i = 0; i < srv.nlisteners; i++)
		srv.listeners[i]->ops->destroy(srv.listeners[i]);
	printf("sgl-host: served %lu clients\n", srv.served);
	sglhost_destroy(srv.host);
	return rc;
}
