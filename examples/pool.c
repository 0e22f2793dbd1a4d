/*
 * The warm pool (pool.h). A worker is forked from the server after its
 * listeners opened (it has their memory: a shared-memory file's mapping),
 * lets go of the sockets it inherited (other clients' connections, the
 * listening ones: a client must see its connection end when its own
 * process does), makes its EGL display, says 'R' on its socket pair and
 * waits there for one message: the listener's index and a channel ticket,
 * with a descriptor for socket channels (SCM_RIGHTS). It serves that
 * channel and exits without destroying it (the server destroys its own
 * after reaping the worker, as after a fork). A worker whose parent dies
 * dies too (PR_SET_PDEATHSIG).
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
	pthread_t thread;
};

struct msg {
	int32_t index;
	struct sglhost_channel_ticket ticket;
};

/* Inherited sockets are other clients' and the listeners': not ours. */
static void close_sockets(int keep)
{
	long max = sysconf(_SC_OPEN_MAX);
	for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) {
		struct stat st;
		if (fd != keep && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			close(fd);
	}
}

static int recv_msg(int fd, struct msg *m, int *cfd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	ssize_t n;
	*cfd = -1;
	while ((n = recvmsg(fd, &h, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); n > 0 && c; c = CMSG_NXTHDR(&h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(cfd, CMSG_DATA(c), sizeof(int));
	return n == (ssize_t)sizeof(*m) ? 0 : -1;
}

static _Noreturn void worker_main(struct pool *p, int fd)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_sockets(fd);
	struct sglhost *host = sglhost_create(p->host_cfg);
	char state = host ? 'R' : 'F';
	if (send(fd, &state, 1, MSG_NOSIGNAL) != 1 || !host)
		_exit(host ? 0 : 1);
	struct msg m;
	int cfd;
	if (recv_msg(fd, &m, &cfd) < 0 || m.index < 0 || m.index >= p->n) {
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

/* Under the lock (the child's copy of the list is whole). */
static void start_worker(struct pool *p)
{
	int sv[2];
	struct worker *w = calloc(1, sizeof(*w));
	if (!w || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(w);
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0)
		worker_main(p, sv[1]);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		free(w);
		return;
	}
	*w = (struct worker){ pid, sv[0], false, p->workers };
	p->workers = w;
	p->count++;
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
		if (p->count < p->size && !starting)
			start_worker(p);
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
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	int e = pthread_create(&p->thread, NULL, refill, p);
	if (e) {
		free(p);
		errno = e;
		return NULL;
	}
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

static int send_msg(int fd, const struct msg *m, int cfd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	memset(ctl, 0, sizeof(ctl));
	if (cfd >= 0) {
		h.msg_control = ctl;
		h.msg_controllen = sizeof(ctl);
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &cfd, sizeof(int));
	}
	return sendmsg(fd, &h, MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0 : -1;
}

pid_t pool_serve(struct pool *p, int index, struct sglhost_channel *ch)
{
	struct msg m = { .index = index };
	int cfd;
	if (!p || sglhost_channel_ticket(ch, &m.ticket, &cfd) < 0)
		return -1;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		struct worker *w = p->stopping ? NULL : take(p);
		pthread_cond_signal(&p->changed);
		pthread_mutex_unlock(&p->lock);
		if (!w)
			return -1;
		pid_t pid = w->pid;
		int r = send_msg(w->fd, &m, cfd);
		close(w->fd);
		free(w);
		if (r == 0)
			return pid;
		kill(pid, SIGKILL);   /* gone or broken: the next one */
	}
}

bool pool_reaped(struct pool *p, pid_t pid)
{
	if (!p)
		return false;
	pthread_mutex_lock(&p->lock);
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
	pthread_join(p->thread, NULL);
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
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
