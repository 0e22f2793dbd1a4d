/*
 * embed-vmm: the VMM side of libsglhost, as a hypervisor author would start
 * (docs/embedding.md). It owns two devices a guest reaches the host by:
 *
 * - a shared memory in the ivshmem layout (docs/shm-layout.md), made and
 *   mapped here as a VMM maps an ivshmem BAR2 backing: DIR/ivshmem. The
 *   library serves its slots (sglhost_shm_region_listen) on a thread of
 *   ours; guests on this machine reach it with SGL_TRANSPORT=shm:DIR/ivshmem.
 * - a byte stream of its own, standing for the VMM's own vsock or
 *   virtio-serial device: a unix socket DIR/stream. Its bytes are moved by
 *   our poll() loop into a session object (sglhost_session_feed); the
 *   session's answers go back through our send callback. Guests reach it
 *   with SGL_TRANSPORT=unix:DIR/stream.
 *
 * Every frame a guest presents is also read by the VMM (the PRESENT event)
 * and, with --dump, the last one is written as a PPM: what a VMM would put
 * on its own display.
 *
 * Built out of tree against the installed library:
 *   cc -o embed-vmm vmm.c $(pkg-config --cflags --libs sglhost) -pthread
 *
 * Usage: embed-vmm DIR [SECONDS] [DUMP.ppm]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sglhost_session.h>
#include <sglhost_transport.h>

#define REGION_SIZE (4u << 20)   /* the BAR: a power of two */
#define MAX_STREAMS 8

static volatile sig_atomic_t stop;
static struct sglhost *host;
static const char *dump_path;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned frames;
/* The slot sessions running (under lock), to end them at exit. */
static struct sglhost_channel *slots_served[MAX_STREAMS];

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void session_log(void *user, enum sglhost_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	fprintf(stderr, "embed-vmm: %s\n", msg);
}

/* The VMM's display: the frame the guest just presented. */
static void show_frame(struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	uint8_t *px = malloc((size_t)w * h * 4);
	if (!px || sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_RGBA8888, px, (size_t)w * 4, w,
					       h) != 0) {
		free(px);
		return;
	}
	pthread_mutex_lock(&lock);
	frames++;
	FILE *f = dump_path ? fopen(dump_path, "wb") : NULL;
	if (f) {
		fprintf(f, "P6\n%u %u\n255\n", w, h);
		for (size_t i = 0; i < (size_t)w * h; i++)
			fwrite(px + i * 4, 1, 3, f);
		fclose(f);
	}
	pthread_mutex_unlock(&lock);
	free(px);
}

static void on_event(void *user, const struct sglhost_session_event *ev)
{
	const char *who = user;
	switch (ev->type) {
	case SGLHOST_SESSION_EVENT_CONNECTED:
		printf("embed-vmm: %s: guest \"%s\" connected\n", who, ev->text);
		break;
	case SGLHOST_SESSION_EVENT_PRESENT:
		show_frame(ev->context, ev->width, ev->height);
		break;
	case SGLHOST_SESSION_EVENT_CONTEXT_LOST:
		printf("embed-vmm: %s: context %u lost: %s\n", who, ev->context_id, ev->text);
		break;
	case SGLHOST_SESSION_EVENT_ENDED:
		printf("embed-vmm: %s: session ended: %s\n", who, ev->text);
		break;
	}
	fflush(stdout);
}

static void session_defaults(struct sglhost_session_config *sc, const char *who)
{
	sglhost_session_config_init(sc);
	sc->host = host;
	sc->event = on_event;
	sc->event_user = (void *)who;
	sc->log = session_log;
}

/* ---- The shared-memory device: the library's listener, our threads ---- */

static void *serve_slot(void *arg)
{
	struct sglhost_channel *ch = arg;
	struct sglhost_session_config sc;
	session_defaults(&sc, "ivshmem");
	sglhost_channel_serve(ch, &sc);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_STREAMS; i++)
		if (slots_served[i] == ch)
			slots_served[i] = NULL;
	pthread_mutex_unlock(&lock);
	sglhost_channel_destroy(ch);
	return NULL;
}

static void *accept_slots(void *arg)
{
	struct sglhost_listener *l = arg;
	for (;;) {
		int err;
		struct sglhost_channel *ch = sglhost_listener_accept(l, &err);
		if (!ch) {
			if (err == -ECANCELED)
				return NULL;
			usleep(100 * 1000);
			continue;
		}
		pthread_t t;
		int i = 0;
		pthread_mutex_lock(&lock);
		while (i < MAX_STREAMS && slots_served[i])
			i++;
		if (i < MAX_STREAMS)
			slots_served[i] = ch;
		pthread_mutex_unlock(&lock);
		if (i < MAX_STREAMS && pthread_create(&t, NULL, serve_slot, ch) == 0) {
			pthread_detach(t);
			continue;
		}
		if (i < MAX_STREAMS) {
			pthread_mutex_lock(&lock);
			slots_served[i] = NULL;
			pthread_mutex_unlock(&lock);
		}
		sglhost_channel_destroy(ch);
	}
}

/* The BAR backing, as QEMU's memory-backend-file would hold it. */
static void *map_region(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, REGION_SIZE) < 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	void *m = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return m == MAP_FAILED ? NULL : m;
}

/* ---- The byte-stream device: our socket, our loop, a session each ---- */

struct stream {
	int fd;
	struct sglhost_session *s;
};

/* The session's answers: all of them, now (a blocking socket). */
static int stream_send(void *user, const void *data, size_t size)
{
	struct stream *st = user;
	const char *p = data;
	while (size) {
		ssize_t n = send(st->fd, p, size, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "embed-vmm: %s: too long for a unix socket\n", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0) {
		perror(path);
		return -1;
	}
	return fd;
}

static void stream_open(struct stream *streams, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_STREAMS; i++) {
		struct stream *st = &streams[i];
		if (st->s)
			continue;
		struct sglhost_session_config sc;
		session_defaults(&sc, "stream");
		sc.peer = "stream";
		sc.send = stream_send;
		sc.send_user = st;
		st->fd = fd;
		st->s = sglhost_session_create(&sc);
		if (st->s)
			return;
		break;
	}
	close(fd);
}

static void stream_close(struct stream *st)
{
	sglhost_session_destroy(st->s);   /* the guest's contexts go */
	close(st->fd);
	st->s = NULL;
}

/* Bytes came: straight into the session's buffer (no copy of ours). */
static void stream_readable(struct stream *st)
{
	void *buf;
	size_t room;
	if (sglhost_session_get_buffer(st->s, &buf, &room) < 0) {
		stream_close(st);
		return;
	}
	ssize_t n = recv(st->fd, buf, room, 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0 || sglhost_session_commit(st->s, (size_t)n) < 0)
		stream_close(st);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: embed-vmm DIR [SECONDS] [DUMP.ppm]\n");
		return 2;
	}
	double seconds = argc > 2 ? atof(argv[2]) : 0;
	dump_path = argc > 3 ? argv[3] : NULL;
	char region_path[512], stream_path[512], err[256];
	snprintf(region_path, sizeof(region_path), "%s/ivshmem", argv[1]);
	snprintf(stream_path, sizeof(stream_path), "%s/stream", argv[1]);

	struct sglhost_config hc;
	sglhost_config_init(&hc);
	host = sglhost_create(&hc);
	if (!host) {
		fprintf(stderr, "embed-vmm: no EGL display: %s\n", strerror(errno));
		return 1;
	}
	void *bar = map_region(region_path);
	struct sglhost_shm_region_config rc;
	sglhost_shm_region_config_init(&rc);
	rc.memory = bar;
	rc.size = REGION_SIZE;
	rc.slots = 4;
	rc.ring_size = 256u << 10;
	/* Guests here are processes of this machine. A VMM whose guests are
	 * in the VM sets remote, and the interrupt hook to raise the device's
	 * MSI-X vector; its doorbell register calls sglhost_shm_region_doorbell(). */
	rc.remote = false;
	rc.name = "embed-vmm";
	struct sglhost_listener *region = bar ? sglhost_shm_region_listen(&rc, err, sizeof(err))
					      : NULL;
	int lfd = listen_unix(stream_path);
	if (!region || lfd < 0) {
		fprintf(stderr, "embed-vmm: %s\n", bar ? err : "cannot map the region");
		return 1;
	}
	pthread_t accept_thread;
	pthread_create(&accept_thread, NULL, accept_slots, region);

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("embed-vmm: ready: %s, unix %s\n", sglhost_listener_describe(region), stream_path);
	fflush(stdout);

	struct stream streams[MAX_STREAMS] = { 0 };
	double start = now();
	while (!stop && (seconds <= 0 || now() - start < seconds)) {
		struct pollfd fds[1 + MAX_STREAMS];
		struct stream *owner[1 + MAX_STREAMS];
		int n = 0;
		fds[n++] = (struct pollfd){ lfd, POLLIN, 0 };
		for (int i = 0; i < MAX_STREAMS; i++) {
			if (!streams[i].s)
				continue;
			owner[n] = &streams[i];
			fds[n++] = (struct pollfd){ streams[i].fd, POLLIN, 0 };
		}
		if (poll(fds, (nfds_t)n, 100) <= 0)
			continue;
		if (fds[0].revents & POLLIN)
			stream_open(streams, lfd);
		for (int i = 1; i < n; i++)
			if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
				stream_readable(owner[i]);
	}

	for (int i = 0; i < MAX_STREAMS; i++)
		if (streams[i].s)
			stream_close(&streams[i]);
	close(lfd);
	unlink(stream_path);
	sglhost_listener_shutdown(region);
	pthread_join(accept_thread, NULL);
	/* Slot sessions still running are ended, and waited for: the listener
	 * goes after its channels, the BAR after the listener. */
	for (bool busy = true; busy; usleep(10 * 1000)) {
		busy = false;
		pthread_mutex_lock(&lock);
		for (int i = 0; i < MAX_STREAMS; i++) {
			if (slots_served[i]) {
				sglhost_channel_shutdown(slots_served[i]);
				busy = true;
			}
		}
		pthread_mutex_unlock(&lock);
	}
	sglhost_listener_destroy(region);
	munmap(bar, REGION_SIZE);
	unlink(region_path);
	printf("embed-vmm: %u frames shown\n", frames);
	sglhost_destroy(host);
	return 0;
}
