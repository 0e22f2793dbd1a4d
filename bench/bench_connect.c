/*
 * Connection benchmark (issue 14, item 4), two modes:
 *
 *  - latency (default): N new sessions one after another, each timed from
 *    the connect to the host's first reply (sgl_session_open: connect,
 *    HELLO, WELCOME), then closed; prints the median, p99 and best.
 *    They start -i ms apart (default 250: a steady arrival of new
 *    clients, not a burst; -i 0 measures how fast they can come).
 *    -c also creates a 64x64 context in each session and times the session
 *    until that context answers (connect to first GL reply).
 *  - flood (-F RATE): opens RATE stream connections per second to
 *    $SGL_TRANSPORT (tcp or unix), from the source address -B for tcp
 *    (e.g. 127.0.0.2: another source than a client on 127.0.0.1), each
 *    sending nothing and closed after -H ms, for -d seconds; prints how
 *    many it opened and how many the host refused or closed first. A
 *    flood, not a guest: it never says HELLO. SIGTERM ends it early.
 *
 * Exit status: 0 when it measured, 1 when a session failed, 2 on usage.
 * Usage: bench_connect [-n N] [-i MS] [-c] | -F RATE [-d SECONDS] [-H MS] [-B ADDR]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sgl_session.h"
#include "session.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int latency(int n, bool with_context, double interval, const char *transport)
{
	double *t = calloc((size_t)n, sizeof(*t));
	char err[256];
	if (!t)
		return 1;
	for (int i = 0; i < n; i++) {
		if (i && interval > 0)
			usleep((useconds_t)(interval * 1e3));
		double t0 = now_ms();
		struct sgl_session *s = sgl_session_open(NULL, "bench_connect", err, sizeof(err));
		if (!s) {
			fprintf(stderr, "bench_connect: session %d: %s\n", i, err);
			free(t);
			return 1;
		}
		if (with_context) {
			int maj, min;
			uint32_t id = sgl_session_new_context_id(s);
			int r = sgl_session_create_context(s, id, 1 /* GL compatibility */, 0, 0, 0, 64, 64, 0,
							   &maj, &min);
			if (r) {
				fprintf(stderr, "bench_connect: context: %s\n", strerror(-r));
				sgl_session_close(s);
				free(t);
				return 1;
			}
		}
		t[i] = now_ms() - t0;
		sgl_session_close(s);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	size_t p99 = (size_t)((double)n * 0.99);
	printf("%-5s %-36s median %7.2f ms, p99 %7.2f ms, best %6.2f ms (%d sessions, %.0f ms "
	       "apart)  (target: <= 5 ms)%s\n", transport, with_context ? "connect to first GL reply" :
	       "connect to first reply (WELCOME)", t[n / 2], t[p99 < (size_t)n ? p99 : (size_t)n - 1],
	       t[0], n, interval, with_context ? "" : t[n / 2] <= 5.0 ? "  PASS" : "  BELOW TARGET");
	free(t);
	return 0;
}

/* A stream address: tcp:HOST:PORT or unix:PATH. */
static int address(const char *spec, struct sockaddr_storage *a, socklen_t *len)
{
	memset(a, 0, sizeof(*a));
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un *u = (struct sockaddr_un *)a;
		u->sun_family = AF_UNIX;
		snprintf(u->sun_path, sizeof(u->sun_path), "%s", spec + 5);
		*len = sizeof(*u);
		return 0;
	}
	char host[64];
	int port;
	struct sockaddr_in *in = (struct sockaddr_in *)a;
	if (sscanf(spec, "tcp:%63[^:]:%d", host, &port) != 2 ||
	    inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return -1;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	*len = sizeof(*in);
	return 0;
}

static volatile sig_atomic_t stopped;

static void on_term(int sig)
{
	(void)sig;
	stopped = 1;
}

struct held {
	int fd;
	double until;
};

static int flood(const char *spec, double rate, double seconds, double hold_ms, const char *from)
{
	struct sockaddr_storage a;
	socklen_t len;
	if (address(spec, &a, &len) < 0) {
		fprintf(stderr, "bench_connect: -F needs SGL_TRANSPORT=tcp:IP:PORT or unix:PATH\n");
		return 2;
	}
	size_t cap = (size_t)(rate * hold_ms / 1e3) + 64;
	struct held *h = calloc(cap, sizeof(*h));
	long opened = 0, failed = 0, closed_by_host = 0;
	size_t nheld = 0;
	double start = now_ms(), next = start;
	signal(SIGTERM, on_term);
	while (!stopped && now_ms() - start < seconds * 1e3) {
		double t = now_ms();
		if (t >= next && nheld < cap) {
			next += 1e3 / rate;
			/* Non-blocking: a host slow to accept must not slow
			 * the flood down. */
			int fd = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
			struct sockaddr_in src = { .sin_family = AF_INET };
			if (fd >= 0 && from && a.ss_family == AF_INET &&
			    inet_pton(AF_INET, from, &src.sin_addr) == 1)
				bind(fd, (struct sockaddr *)&src, sizeof(src));
			if (fd >= 0 && (connect(fd, (struct sockaddr *)&a, len) == 0 ||
					errno == EINPROGRESS)) {
				h[nheld++] = (struct held){ fd, t + hold_ms };
				opened++;
			} else {
				failed++;
				if (fd >= 0)
					close(fd);
			}
		}
		/* Close what is due, and count what the host closed first. */
		for (size_t i = 0; i < nheld;) {
			char b;
			struct pollfd p = { h[i].fd, POLLIN, 0 };
			bool gone = poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR) ||
							     recv(h[i].fd, &b, 1, MSG_DONTWAIT) == 0);
			if (gone || t >= h[i].until) {
				closed_by_host += gone;
				close(h[i].fd);
				h[i] = h[--nheld];
			} else {
				i++;
			}
		}
		double wait = next - now_ms();
		if (wait > 0)
			usleep((useconds_t)(wait * 1e3));
	}
	for (size_t i = 0; i < nheld; i++)
		close(h[i].fd);
	free(h);
	seconds = (now_ms() - start) / 1e3;
	printf("flood: %ld connections opened in %.0f s (%.0f/s%s%s), %ld refused at connect, "
	       "%ld closed by the host before %.0f ms\n", opened, seconds, rate, from ? " from " : "",
	       from ? from : "", failed, closed_by_host, hold_ms);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 200, c;
	bool with_context = false;
	double rate = 0, seconds = 10, hold = 1000, interval = 250;
	const char *from = NULL;
	while ((c = getopt(argc, argv, "n:ci:F:d:H:B:")) != -1) {
		switch (c) {
		case 'i': interval = atof(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'c': with_context = true; break;
		case 'F': rate = atof(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 'H': hold = atof(optarg); break;
		case 'B': from = optarg; break;
		default:
			fprintf(stderr, "usage: bench_connect [-n N] [-i MS] [-c] | -F RATE [-d SECONDS] "
				"[-H MS] [-B ADDR]\n");
			return 2;
		}
	}
	const char *transport = getenv("SGL_TRANSPORT");
	if (!transport)
		transport = "shm";
	if (rate > 0)
		return flood(transport, rate, seconds, hold, from);
	if (n < 1)
		return 2;
	char name[16];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(transport, ":"), transport);
	return latency(n, with_context, interval, name);
}
