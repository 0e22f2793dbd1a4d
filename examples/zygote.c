/*
 * The zygote (zygote.h). Two socket pairs join it to the process that
 * started it: on `ctrl` a request ('F') is answered by the new child's pid
 * with our end of the child's socket pair (SCM_RIGHTS), or by -errno; on
 * `ends` it sends each child's end as it reaps it. It polls `ctrl` and
 * reaps every 20 ms; it ends when `ctrl` does.
 */
#include "zygote.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct zygote {
	pid_t pid;
	int ctrl;
	int ends;
};

struct started {
	int32_t pid;     /* or -errno */
};

struct ended {
	int32_t pid;
	int32_t status;
};

int fd_send(int sock, const void *buf, size_t len, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	memset(ctl, 0, sizeof(ctl));
	if (fd >= 0) {
		h.msg_control = ctl;
		h.msg_controllen = sizeof(ctl);
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	while ((n = sendmsg(sock, &h, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)len ? 0 : -1;
}

int fd_recv(int sock, void *buf, size_t len, int *fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	ssize_t n;
	*fd = -1;
	while ((n = recvmsg(sock, &h, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); n > 0 && c; c = CMSG_NXTHDR(&h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (n == (ssize_t)len)
		return 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -1;
}

/* Dies with the thread that forked it; -1 when that is already gone. */
static int follow_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return getppid() == parent ? 0 : -1;
}

/* Sockets inherited are the listeners' and their clients': not ours. */
static void close_sockets(int keep1, int keep2)
{
	long max = sysconf(_SC_OPEN_MAX);
	for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) {
		struct stat st;
		if (fd != keep1 && fd != keep2 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			close(fd);
	}
}

static void start_child(int ctrl, int ends, zygote_child_fn child, void *arg)
{
	int sv[2];
	struct started s;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		s.pid = -errno;
		fd_send(ctrl, &s, sizeof(s), -1);
		return;
	}
	pid_t self = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(ctrl);
		close(ends);
		close(sv[0]);
		if (follow_parent(self) < 0)
			_exit(0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		child(arg, sv[1]);
		_exit(1);
	}
	s.pid = pid < 0 ? -errno : pid;
	fd_send(ctrl, &s, sizeof(s), pid < 0 ? -1 : sv[0]);
	close(sv[0]);
	close(sv[1]);
}

static _Noreturn void zygote_main(pid_t parent, int ctrl, int ends, zygote_child_fn child,
				  void *arg)
{
	/* A Ctrl-C reaches the whole process group, a service manager's
	 * SIGTERM often every process of the service: the server then stops,
	 * and needs us to report its clients' ends until it lets us go (or
	 * dies: PR_SET_PDEATHSIG). */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	if (follow_parent(parent) < 0)
		_exit(0);
	close_sockets(ctrl, ends);
	/* Ends not yet taken: never blocked on them (the server may be
	 * waiting on `ctrl` for a child while they pile up). */
	struct ended *queue = NULL;
	size_t queued = 0, room = 0;
	for (;;) {
		struct pollfd pf = { ctrl, POLLIN, 0 };
		if (poll(&pf, 1, 20) > 0) {
			char c;
			if (recv(ctrl, &c, 1, 0) != 1)
				break;   /* let go */
			start_child(ctrl, ends, child, arg);
		}
		for (;;) {
			if (queued == room) {
				size_t n = room ? 2 * room : 16;
				struct ended *q = realloc(queue, n * sizeof(*q));
				if (!q)
					break;   /* reaped when there is room */
				queue = q;
				room = n;
			}
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);
			if (pid <= 0)
				break;
			queue[queued++] = (struct ended){ pid, status };
		}
		size_t sent = 0;
		while (sent < queued &&
		       send(ends, &queue[sent], sizeof(*queue), MSG_NOSIGNAL | MSG_DONTWAIT) ==
			       (ssize_t)sizeof(*queue))
			sent++;
		if (sent) {
			memmove(queue, queue + sent, (queued - sent) * sizeof(*queue));
			queued -= sent;
		}
	}
	_exit(0);   /* the children still here follow (PR_SET_PDEATHSIG) */
}

struct zygote *zygote_start(zygote_child_fn child, void *arg)
{
	struct zygote *z = calloc(1, sizeof(*z));
	int c[2], e[2];
	if (!z)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c) < 0) {
		free(z);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, e) < 0) {
		close(c[0]);
		close(c[1]);
		free(z);
		return NULL;
	}
	pid_t self = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(c[0]);
		close(e[0]);
		zygote_main(self, c[1], e[1], child, arg);
	}
	int err = errno;
	close(c[1]);
	close(e[1]);
	if (pid < 0) {
		close(c[0]);
		close(e[0]);
		free(z);
		errno = err;
		return NULL;
	}
	*z = (struct zygote){ pid, c[0], e[0] };
	return z;
}

pid_t zygote_fork(struct zygote *z, int *fd)
{
	char f = 'F';
	struct started s;
	*fd = -1;
	if (!z || z->ctrl < 0) {
		errno = ESRCH;
		return -1;
	}
	if (send(z->ctrl, &f, 1, MSG_NOSIGNAL) != 1 || fd_recv(z->ctrl, &s, sizeof(s), fd) < 0) {
		/* It died: no more children. */
		close(z->ctrl);
		z->ctrl = -1;
		errno = ESRCH;
		return -1;
	}
	if (s.pid < 0 || *fd < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = s.pid < 0 ? -s.pid : EPROTO;
		return -1;
	}
	return s.pid;
}

bool zygote_ended(struct zygote *z, pid_t *pid, int *status)
{
	struct ended e;
	if (!z || recv(z->ends, &e, sizeof(e), MSG_DONTWAIT) != (ssize_t)sizeof(e))
		return false;
	*pid = e.pid;
	*status = e.status;
	return true;
}

pid_t zygote_pid(const struct zygote *z)
{
	return z ? z->pid : -1;
}

void zygote_destroy(struct zygote *z)
{
	if (!z)
		return;
	if (z->ctrl >= 0)
		close(z->ctrl);
	close(z->ends);   /* a report it is sending fails: it sees the end */
	/* Ours to reap, unless the caller's waitpid(-1) already did. */
	waitpid(z->pid, NULL, 0);
	free(z);
}
