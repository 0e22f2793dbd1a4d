#include "sgl_socket.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sgl_relax.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Before sleeping in recv, poll for SGL_SOCKET_SPIN_NS: a peer that answers
 * within that (a reply to a round trip, the next batch of a busy guest)
 * costs no wake-up. On an idle virtual machine waking a sleeping vCPU took
 * 20-40 us per message: TCP round trips went from ~12 us on a busy machine
 * to ~52 us on an idle one. A peer slower than the budget costs that much
 * CPU once per message.
 */
static ssize_t spin_recv(int fd, atomic_bool *down, void *buf, size_t n)
{
	uint64_t end = 0;
	for (unsigned i = 0;; i++) {
		ssize_t r = recv(fd, buf, n, MSG_DONTWAIT);
		if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || atomic_load(down))
			return r;
		/* The clock is read every few tries: recv costs more. */
		if (!(i & 7)) {
			uint64_t t = now_ns();
			if (!end)
				end = t + SGL_SOCKET_SPIN_NS;
			else if (t >= end)
				return -1;   /* errno EAGAIN: sleep */
		}
		cpu_relax();
	}
}

ssize_t sgl_socket_read(int fd, atomic_bool *down, void *buf, size_t n)
{
	for (;;) {
		if (atomic_load(down))
			return -EPIPE;
		ssize_t r = spin_recv(fd, down, buf, n);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !atomic_load(down))
			r = recv(fd, buf, n, 0);
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
