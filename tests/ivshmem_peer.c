/* QEMU's side of the ivshmem server protocol (ivshmem_peer.h). */
#include "ivshmem_peer.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int ivshmem_peer_recv(int sock, int64_t *value, int *fd, int ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { value, sizeof(*value) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct pollfd p = { sock, POLLIN, 0 };

	*fd = -1;
	if (poll(&p, 1, ms) != 1)
		return -ETIMEDOUT;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n == 0)
		return -EPIPE;
	if (n != sizeof(*value))
		return n < 0 ? -errno : -EPROTO;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* The next message: `value` (any value when `any`), an fd when `with_fd`. */
static int expect(struct ivshmem_peer *q, int64_t value, bool any, bool with_fd, int *fd,
		  int64_t *got, int ms)
{
	int64_t v;
	int f, r = ivshmem_peer_recv(q->sock, &v, &f, ms);
	if (r < 0)
		return r;
	if ((!any && v != value) || (f >= 0) != with_fd) {
		if (f >= 0)
			close(f);
		return -EPROTO;
	}
	if (got)
		*got = v;
	if (fd)
		*fd = f;
	return 0;
}

int ivshmem_peer_connect(struct ivshmem_peer *q, const char *path, unsigned vectors)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int r, fd;

	memset(q, 0, sizeof(*q));
	q->memfd = -1;
	for (unsigned v = 0; v < IVSHMEM_PEER_MAX_VECTORS; v++)
		q->host_efd[v] = q->guest_efd[v] = -1;
	if (strlen(path) >= sizeof(a.sun_path) || vectors > IVSHMEM_PEER_MAX_VECTORS)
		return -EINVAL;
	strcpy(a.sun_path, path);
	q->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->sock < 0)
		return -errno;
	if (connect(q->sock, (struct sockaddr *)&a, sizeof(a)) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = expect(q, 0, false, false, NULL, NULL, 2000)) < 0 ||     /* version */
	    (r = expect(q, 0, true, false, NULL, &q->id, 2000)) < 0 ||    /* our id */
	    (r = expect(q, -1, false, true, &q->memfd, NULL, 2000)) < 0)  /* the memory */
		goto fail;
	if (q->id < 1 || q->id > 65535) {
		r = -EPROTO;
		goto fail;
	}
	/* Peer 0's vectors, then as many of ours. */
	unsigned mine = 0;
	for (;;) {
		int64_t v;
		r = ivshmem_peer_recv(q->sock, &v, &fd, vectors ? 2000 : 200);
		if (r == -ETIMEDOUT && !vectors && mine && mine == q->vectors)
			break;
		if (r < 0)
			goto fail;
		if (fd < 0) {
			r = -EPROTO;
			goto fail;
		}
		if (v == 0 && !mine && q->vectors < IVSHMEM_PEER_MAX_VECTORS) {
			q->host_efd[q->vectors++] = fd;
		} else if (v == q->id && mine < q->vectors) {
			q->guest_efd[mine++] = fd;
		} else {
			close(fd);
			r = -EPROTO;
			goto fail;
		}
		if (vectors && mine == vectors)
			break;
	}
	if (vectors && q->vectors != vectors) {
		r = -EPROTO;
		goto fail;
	}
	if (fstat(q->memfd, &st) < 0 || !st.st_size || (st.st_size & (st.st_size - 1))) {
		r = -EPROTO;
		goto fail;
	}
	q->size = (size_t)st.st_size;
	return 0;
fail:
	ivshmem_peer_close(q);
	return r;
}

void ivshmem_peer_close(struct ivshmem_peer *q)
{
	if (q->sock >= 0)
		close(q->sock);
	if (q->memfd >= 0)
		close(q->memfd);
	for (unsigned v = 0; v < IVSHMEM_PEER_MAX_VECTORS; v++) {
		if (q->host_efd[v] >= 0)
			close(q->host_efd[v]);
		if (q->guest_efd[v] >= 0)
			close(q->guest_efd[v]);
		q->host_efd[v] = q->guest_efd[v] = -1;
	}
	q->vectors = 0;
	q->memfd = -1;
	q->sock = -1;
}
