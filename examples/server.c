/*
 * sgl-host serving guests: a thread per listener accepts clients; each
 * client's session (sglhost_channel_serve) runs until it leaves or dies,
 * then everything the client created is destroyed.
 *
 * Where it runs (--isolation): by default in a process of its own with its
 * own EGL display, so that a crash inside the GL driver (which a guest's
 * commands can still reach, however well they are checked) loses that
 * client only; the server keeps the channel untouched while that process
 * runs and destroys it when the process's end is reported, which is also
 * what tells the guest. The server holds no EGL display then: it checks
 * the driver at start and lets it go before any fork (an EGL display is
 * not something a child may inherit). It never forks once it has threads:
 * the serving processes come from the zygote (zygote.h). Listeners whose channels live on
 * this process's threads (vhost-user, ivshmem doorbells) cannot be forked:
 * with one of them, or --isolation=thread, sessions are threads of one
 * process sharing one display. --isolation=helper works with every
 * listener: the threads only move bytes, and each client's GL runs in a
 * sglhost-render process the library starts (sglhost_session.h).
 *
 * In process isolation a warm pool (pool.c) keeps processes ready, their
 * EGL display made, so a new client is served at once; one is started for
 * the client only when none is ready. Every client first passes its
 * source's share (gate.c): a flood from one source is turned away at the
 * door.
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

#include "gate.h"
#include "pool.h"
#include "sgl-host.h"
#include "sglhost_transport.h"

/* A client served by a child process: its channel, ours to destroy when
 * the child is gone. */
struct child {
	pid_t pid;
	struct sglhost_channel *ch;
	char source[GATE_SOURCE_SIZE];
	struct child *next;
};

struct server {
	const struct server_options *opt;
	const struct sglhost_config *host_cfg;
	struct sglhost *host;       /* NULL when clients get processes */
	bool fork_clients;
	struct sglhost_session_config session;
	struct sglhost_listener *listeners[4];
	pthread_t accept_threads[4];
	int nlisteners;
	pthread_mutex_t lock;
	unsigned clients;           /* sessions running */
	unsigned long served;
	struct child *children;     /* under lock */
	bool stopping;              /* children were sent SIGTERM by us */
	struct pool *pool;          /* process isolation: NULL without one */
	struct gate *gate;
};

struct client {
	struct server *srv;
	const struct sglhost_session_config *session;
	struct sglhost_channel *ch;
	char source[GATE_SOURCE_SIZE];
};

static void *client_thread(void *arg)
{
	struct client *c = arg;
	struct server *srv = c->srv;
	sglhost_channel_serve(c->ch, c->session);
	sglhost_channel_destroy(c->ch);
	gate_leave(srv->gate, c->source);
	pthread_mutex_lock(&srv->lock);
	srv->clients--;
	pthread_mutex_unlock(&srv->lock);
	free(c);
	return NULL;
}

struct accept_arg {
	struct server *srv;
	struct sglhost_listener *l;
	int index;
	/* Its clients are this machine's own processes (a unix socket, the
	 * shm file), which could exhaust it without us: no share applies. */
	bool local;
	/* The session settings of this listener's clients (token policy). */
	struct sglhost_session_config session;
};

static bool spawn_process(struct accept_arg *a, struct sglhost_channel *ch, const char *source)
{
	struct child *k = calloc(1, sizeof(*k));
	if (!k)
		return false;
	/* Listed before reap_children may wait for it (under the same lock):
	 * a client that leaves at once is still reaped as ours. */
	pthread_mutex_lock(&a->srv->lock);
	bool ready;
	pid_t pid = pool_serve(a->srv->pool, a->index, ch, &ready);
	if (pid > 0) {
		*k = (struct child){ pid, ch, "", a->srv->children };
		snprintf(k->source, sizeof(k->source), "%s", source);
		a->srv->children = k;
	}
	pthread_mutex_unlock(&a->srv->lock);
	if (pid < 0) {
		fprintf(stderr, "sgl-host: %s: no process to serve it: %s\n", sglhost_channel_peer(ch),
			strerror(errno));
		free(k);
		return false;
	}
	char msg[192];
	snprintf(msg, sizeof(msg), "%s: served by process %d (%s)", sglhost_channel_peer(ch), (int)pid,
		 ready ? "ready in the pool" : "forked for it");
	session_log((void *)a->srv->opt, SGLHOST_LOG_INFO, msg);
	return true;
}

/* A child ended: its channel goes (the guest sees it if it is still
 * there), and a crash is said. Under the lock (a child is listed under it
 * before its end can be seen). */
static void child_ended(struct server *srv, pid_t pid, int status)
{
	struct child **p = &srv->children, *k = NULL;
	for (; *p; p = &(*p)->next) {
		if ((*p)->pid == pid) {
			k = *p;
			*p = k->next;
			srv->clients--;
			break;
		}
	}
	if (!k) {
		pool_reaped(srv->pool, pid);   /* a worker that was waiting */
		return;
	}
	gate_leave(srv->gate, k->source);
	if (WIFSIGNALED(status) && !(srv->stopping && WTERMSIG(status) == SIGTERM))
		fprintf(stderr, "sgl-host: %s: the process serving it died (signal %d, %s); "
			"other clients carry on\n", sglhost_channel_peer(k->ch), WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		/* e.g. a sanitizer's report of a crash, or no EGL display */
		fprintf(stderr, "sgl-host: %s: the process serving it failed (exit status "
			"%d); other clients carry on\n", sglhost_channel_peer(k->ch), WEXITSTATUS(status));
	sglhost_channel_destroy(k->ch);
	free(k);
}

/* Serving processes and the zygote end through the pool (pool_ended).
 * Never waitpid(-1): the library's helpers (--isolation=helper) are this
 * process's children too, and their ends are the library's to read. */
static void reap_children(struct server *srv)
{
	int status;
	pid_t pid;
	pthread_mutex_lock(&srv->lock);
	while (pool_ended(srv->pool, &pid, &status))
		child_ended(srv, pid, status);
	pthread_mutex_unlock(&srv->lock);
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
static bool spawn_thread(struct accept_arg *a, struct sglhost_channel *ch, const char *source)
{
	struct client *c = calloc(1, sizeof(*c));
	pthread_t t;
	pthread_attr_t attr;
	if (!c)
		return false;
	*c = (struct client){ a->srv, &a->session, ch, "" };
	snprintf(c->source, sizeof(c->source), "%s", source);
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
		struct sglhost_channel *ch = sglhost_listener_accept(a->l, &err);
		if (!ch) {
			if (err == -ECANCELED)
				break;
			fprintf(stderr, "sgl-host: %s: accept: %s\n", sglhost_listener_describe(a->l), strerror(-err));
			usleep(100 * 1000);
			continue;
		}
		char source[GATE_SOURCE_SIZE];
		/* Local clients have no source: gate_leave finds none. */
		gate_source(a->local ? "" : sglhost_channel_peer(ch), source);
		if (!gate_enter(a->local ? NULL : a->srv->gate, source)) {
			sglhost_channel_destroy(ch);
			continue;
		}
		pthread_mutex_lock(&a->srv->lock);
		a->srv->clients++;
		a->srv->served++;
		pthread_mutex_unlock(&a->srv->lock);
		if (a->srv->fork_clients ? spawn_process(a, ch, source) : spawn_thread(a, ch, source))
			continue;
		sglhost_channel_destroy(ch);
		gate_leave(a->srv->gate, source);
		pthread_mutex_lock(&a->srv->lock);
		a->srv->clients--;
		pthread_mutex_unlock(&a->srv->lock);
	}
	return NULL;
}

static struct sglhost_listener *open_listener(const struct server_options *o, const char *spec)
{
	char err[256] = "";
	struct sglhost_listener_config lc;
	sglhost_listener_config_init(&lc);
	lc.shm_path = o->shm_path;
	lc.slots = o->shm_slots;
	lc.ring_size = 1u << 20;
	lc.remove_stale = o->remove_stale;
	lc.log = session_log;
	lc.log_user = (void *)o;
	struct sglhost_listener *l = sglhost_listener_open(spec, &lc, err, sizeof(err));
	if (!l)
		fprintf(stderr, "sgl-host: cannot listen on %s: %s\n", spec, err);
	else if (sglhost_listener_needs_token(l) && !o->has_token) {
		fprintf(stderr, "sgl-host: %s is reachable beyond this machine's own users: "
			"give a token (--token or --token-file)\n", sglhost_listener_describe(l));
		sglhost_listener_destroy(l);
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
	const struct sglhost_session_config *sessions[4];
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
	sglhost_session_config_init(&srv.session);
	srv.session.host = srv.host;
	if (o->has_token)
		memcpy(srv.session.token, o->token, sizeof(srv.session.token));
	srv.session.max_width = o->max_width;
	srv.session.max_height = o->max_height;
	srv.session.max_major = o->gl_major;
	srv.session.max_minor = o->gl_minor;
	srv.session.log = session_log;
	srv.session.log_user = (void *)o;
	for (int i = 0; i < o->nlisten; i++) {
		struct sglhost_listener *l = open_listener(o, o->listen[i]);
		if (!l)
			goto out;
		srv.listeners[srv.nlisteners++] = l;
	}
	srv.fork_clients = !o->thread_isolation && !o->helper_isolation;
	for (int i = 0; i < srv.nlisteners; i++)
		srv.fork_clients &= sglhost_listener_forkable(srv.listeners[i]);
	if (o->helper_isolation) {
		/* Threads here move the bytes; GL runs in the library's helper. */
		srv.session.flags |= SGLHOST_SESSION_OUT_OF_PROCESS;
		srv.session.host_config = cfg;
		srv.session.helper_path = o->helper_path;
	}
	if (srv.fork_clients || o->helper_isolation) {
		/* Checked above that the driver works; children open their own. */
		sglhost_destroy(srv.host);
		srv.host = NULL;
		srv.session.host = NULL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv.gate = gate_create(o->source_clients, o->source_rate, 2 * o->source_rate, session_log,
			       (void *)o);
	for (int i = 0; i < srv.nlisteners; i++) {
		struct accept_arg *a = &args[i];
		const char *desc = sglhost_listener_describe(srv.listeners[i]);
		*a = (struct accept_arg){ &srv, srv.listeners[i], i,
					  !strncmp(desc, "unix ", 5) || !strncmp(desc, "shm ", 4),
					  srv.session };
		if (sglhost_listener_needs_token(srv.listeners[i]))
			a->session.flags |= SGLHOST_SESSION_REQUIRE_TOKEN;
		sessions[i] = &a->session;
	}
	if (srv.fork_clients) {
		srv.pool = pool_create(o->pool_size, cfg, srv.listeners, sessions, srv.nlisteners);
		if (!srv.pool) {
			fprintf(stderr, "sgl-host: cannot start serving processes: %s\n", strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < srv.nlisteners; i++) {
		struct accept_arg *a = &args[i];
		pthread_create(&srv.accept_threads[i], NULL, accept_loop, a);
		printf("sgl-host: listening on %s (%s%s)\n", sglhost_listener_describe(srv.listeners[i]),
		       platform, srv.fork_clients ? ", a process per client" :
		       o->helper_isolation ? ", a helper process per client" : "");
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
		sglhost_listener_shutdown(srv.listeners[i]);
	for (int i = 0; i < srv.nlisteners && rc == 0; i++)
		pthread_join(srv.accept_threads[i], NULL);
	stop_children(&srv);
	/* Sessions still running read from channels the listeners own. */
	wait_for_clients(&srv, 2.0);
	/* Then the waiting workers, and the zygote with what it still has. */
	pool_stop(srv.pool);
	for (int i = 0; i < srv.nlisteners; i++)
		sglhost_listener_destroy(srv.listeners[i]);
	printf("sgl-host: served %lu clients\n", srv.served);
	pool_destroy(srv.pool);
	gate_destroy(srv.gate);
	sglhost_destroy(srv.host);
	return rc;
}
