#include "sgl_socket.h"

#include <errno.h>
#include <sys/socket.h>

ssize_t sgl_socket_read(int fd, atomic_bool *down, void *buf, size_t n)
{
	for (;;) {
		if (atomic_load(down))
			return -EPIPE;
		ssize_t r = recv(fd, buf, n, 0);
		if (r == 0 && atomic_load(down))
			return -EPIPE;
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

int sgl_socket_write(int fd, atomic_bool *down, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		if (atomic_load(down))
			return -EPIPE;
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == ECONNRESET ? -EPIPE : -errno;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
