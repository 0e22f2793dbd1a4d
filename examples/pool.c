/*
 * The warm pool (pool.h). Its workers are children of the zygote
 * (zygote.h), forked while the server had one thread: they have the
 * listeners' memory (a shared-memory file's mapping) and let go of the
 * sockets they inherited (other clients' connections, the listening ones:
 * a client must see its connection end when its own process does). A
 * worker makes its EGL display, says 'R' on its socket pair and waits
 * there for one message: the listener's index and a channel ticket, with a
 * descriptor for socket channels (SCM_RIGHTS). It serves that channel and
 * exits without destroying it (the server destroys its own when the
 * worker's end is reported). A client that finds no worker ready gets one
 * forked for it at once: its message waits on the new worker's socket
 * until the display is made.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zygote.h"

struct worker {
	pid_t pid;
	int fd;                  /* our end of its socket pair */
	bool ready;              /* it said 'R' */
	struct worker *next;
};

struct pool {
	unsigned size;
	const struct sglhost_config *host_cfg;
	struct sglhost_listener *const *listeners;
	const struct sglhost_session_config *const *sessions;
	int n;
	pthread_mutex_t lock;
	pthread_cond_t changed;  /* a worker was taken or died, or stop */
	struct worker *workers;  /* waiting or starting, under lock */
	unsigned count;
	bool stopping;
	bool refilling;          /* the thread runs */
	pthread_t thread;
	struct zygote *zygote;   /* forks the workers; its calls under lock */
};

struct msg {
	int32_t index;
	struct sglhost_channel_ticket ticket;
};

/* In a child of the zygote. */
static _Noreturn void worker_main(void *arg, int fd)
{
	struct pool *p = arg;
	struct sglhost *host = sglhost_create(p->host_cfg);
	if (!host) {
		fprintf(stderr, "sgl-host: a serving process has no EGL display: %s\n", strerror(errno));
		_exit(1);
	}
	/* Not heard when the server gave us a client before we were ready
	 * and closed its end: the message waits all the same. */
	char ready = 'R';
	send(fd, &ready, 1, MSG_NOSIGNAL);
	struct msg m;
	int cfd;
	if (fd_recv(fd, &m, sizeof(m), &cfd) < 0 || m.index < 0 || m.index >= p->n) {
		if (cfd >= 0)
			close(cfd);
		sglhost_destroy(host);
		_exit(0);   /* the server stopped */
	}
	close(fd);
	struct sglhost_channel *ch = sglhost_listener_redeem(p->listeners[m.index], &m.ticket, cfd);
	int rc = 1;
	if (ch) {
		struct sglhost_session_config sc = *p->sessions[m.index];
		sc.host = host;
		sglhost_channel_serve(ch, &sc);
		rc = 0;
	} else {
		fprintf(stderr, "sgl-host: a pooled process could not take its client: %s\n",
			strerror(errno));
	}
	sglhost_destroy(host);
	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

/* A new worker, not ready yet; under the lock. NULL and errno. */
static struct worker *start_worker(struct pool *p)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	fflush(stdout);
	fflush(stderr);
	int fd;
	pid_t pid = zygote_fork(p->zygote, &fd);
	if (pid < 0) {
		free(w);
		return NULL;
	}
	*w = (struct worker){ pid, fd, false, NULL };
	return w;
}

static void *refill(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		/* One at a time: a burst of new clients must not become a
		 * burst of EGL initialisations on every core. */
		bool starting = false;
		for (struct worker *w = p->workers; w; w = w->next)
			starting |= !w->ready;
		struct worker *w;
		if (p->count < p->size && !starting && (w = start_worker(p))) {
			w->next = p->workers;
			p->workers = w;
			p->count++;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->changed, &p->lock, &ts);
		/* Who is ready now (a byte waits on its socket). */
		for (struct worker *w = p->workers; w; w = w->next) {
			char c;
			if (!w->ready && recv(w->fd, &c, 1, MSG_DONTWAIT) == 1 && c == 'R')
				w->ready = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pool *pool_create(unsigned size, const struct sglhost_config *host_cfg,
			 struct sglhost_listener *const *listeners,
			 const struct sglhost_session_config *const *sessions, int n)
{
	struct pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	*p = (struct pool){ .size = size, .host_cfg = host_cfg, .listeners = listeners,
			    .sessions = sessions, .n = n };
	/* First: this is the server's only thread still. */
	p->zygote = zygote_start(worker_main, p);
	if (!p->zygote) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	int e = size ? pthread_create(&p->thread, NULL, refill, p) : 0;
	if (e) {
		pool_destroy(p);
		errno = e;
		return NULL;
	}
	p->refilling = size > 0;
	return p;
}

/* A ready worker out of the list, or NULL; under the lock. Never waits
 * for one still starting: the accept thread it runs on serves every
 * source of its listener. */
static struct worker *take(struct pool *p)
{
	struct worker **pp, *w;
	for (pp = &p->workers; (w = *pp); pp = &w->next) {
		char c;
		if (!w->ready && recv(w->fd, &c, 1, MSG_DONTWAIT) == 1 && c == 'R')
			w->ready = true;
		if (w->ready) {
			*pp = w->next;
			p->count--;
			return w;
		}
	}
	return NULL;
}

pid_t pool_serve(struct pool *p, int index, struct sglhost_channel *ch, bool *ready)
{
	struct msg m = { .index = index };
	int cfd;
	if (!p || sglhost_channel_ticket(ch, &m.ticket, &cfd) < 0)
		return -1;
	/* A worker that cannot take it (gone, broken): the next one, a
	 * bounded number of times. */
	for (unsigned tries = 0; tries <= p->size + 1; tries++) {
		pthread_mutex_lock(&p->lock);
		struct worker *w = p->stopping ? NULL : take(p);
		*ready = w != NULL;
		if (!w && !p->stopping)
			w = start_worker(p);
		pthread_cond_signal(&p->changed);
		pthread_mutex_unlock(&p->lock);
		if (!w)
			return -1;
		pid_t pid = w->pid;
		int r = fd_send(w->fd, &m, sizeof(m), cfd);
		close(w->fd);
		free(w);
		if (r == 0)
			return pid;
		kill(pid, SIGKILL);
	}
	errno = EPIPE;
	return -1;
}

bool pool_ended(struct pool *p, pid_t *pid, int *status)
{
	if (!p)
		return false;
	if (zygote_ended(p->zygote, pid, status))
		return true;
	/* The zygote itself is the caller's child. */
	pid_t z = zygote_pid(p->zygote);
	return z > 0 && (*pid = waitpid(z, status, WNOHANG)) == z;
}

bool pool_reaped(struct pool *p, pid_t pid)
{
	if (!p)
		return false;
	pthread_mutex_lock(&p->lock);
	if (pid == zygote_pid(p->zygote)) {
		if (!p->stopping)
			fprintf(stderr, "sgl-host: the process that forks the serving processes "
				"ended: new clients cannot be served\n");
		pthread_mutex_unlock(&p->lock);
		return true;
	}
	struct worker **pp = &p->workers, *w;
	for (; (w = *pp); pp = &w->next) {
		if (w->pid == pid) {
			*pp = w->next;
			p->count--;
			break;
		}
	}
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	if (w) {
		close(w->fd);
		free(w);
	}
	return w != NULL;
}

void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (struct worker *w = p->workers; w; w = w->next)
		kill(w->pid, SIGTERM);
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	if (p->refilling)
		pthread_join(p->thread, NULL);
	p->refilling = false;
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	while (p->workers) {
		struct worker *w = p->workers;
		p->workers = w->next;
		close(w->fd);
		free(w);
	}
	zygote_destroy(p->zygote);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
