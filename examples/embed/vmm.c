/*
 * embed-vmm: the VMM side of libsglhost, as a hypervisor author would start
 * (docs/embedding.md). It owns two devices a guest reaches the host by:
 *
 * - a shared memory in the ivshmem layout (docs/shm-layout.md), made and
 *   mapped here as a VMM maps an ivshmem BAR2 backing: DIR/ivshmem. The
 *   library serves its slots (sglhost_shm_region_listen) on its own
 *   threads (sglhost_server), and queues what happens for our loop (the
 *   server's fd, sglhost_server_dispatch). Guests on this machine reach it
 *   with SGL_TRANSPORT=shm:DIR/ivshmem.
 * - a byte stream of its own, standing for the VMM's own vsock or
 *   virtio-serial device: a unix socket DIR/stream. Its bytes are moved by
 *   our poll() loop into a session object (sglhost_session_feed); the
 *   session's answers go back through our send callback. Guests reach it
 *   with SGL_TRANSPORT=unix:DIR/stream.
 *
 * Every frame a guest presents is also seen by the VMM (the PRESENT event)
 * and, with DUMP, the last one is written as a PPM: what a VMM would put on
 * its own display.
 *
 * With -o, the GL work of every guest runs in a helper process
 * (SGLHOST_SESSION_OUT_OF_PROCESS): a crash in the GL driver ends that
 * guest's session and nothing else. HELPER is the sglhost-render program
 * ("" : the installed one). Frames then stay in the helper (no DUMP).
 *
 * Built out of tree against the installed library:
 *   cc -o embed-vmm vmm.c $(pkg-config --cflags --libs sglhost) -pthread
 *
 * SIGUSR1 plays a guest reset of the shared-memory device.
 *
 * Usage: embed-vmm [-o HELPER] DIR [SECONDS] [DUMP.ppm]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

#include <sglhost_server.h>
#include <sglhost_session.h>
#include <sglhost_transport.h>

#define REGION_SIZE (4u << 20)   /* the BAR: a power of two */
#define MAX_STREAMS 8

static volatile sig_atomic_t stop, reset;
static struct sglhost *host;           /* in process */
static struct sglhost_config host_config; /* out of process: the helpers' */
static const char *helper;              /* -o */
static const char *dump_path;
static unsigned frames, presents;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		reset = 1;
	else
		stop = 1;
}

static void session_log(void *user, enum sglhost_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	fprintf(stderr, "embed-vmm: %s\n", msg);
}

/* The VMM's display: the frame the guest just presented (RGBA). */
static void show_frame(const uint8_t *px, size_t stride, uint32_t w, uint32_t h)
{
	char tmp[600];
	frames++;
	if (!dump_path)
		return;
	/* Whole or not at all for whoever reads it: a new file, renamed. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", dump_path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return;
	fprintf(f, "P6\n%u %u\n255\n", w, h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			fwrite(px + y * stride + x * 4, 1, 3, f);
	if (fclose(f) == 0)
		rename(tmp, dump_path);
}

static void read_frame(struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	uint8_t *px = malloc((size_t)w * h * 4);
	if (px && sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_RGBA8888, px, (size_t)w * 4, w,
					      h) == 0)
		show_frame(px, (size_t)w * 4, w, h);
	free(px);
}

/* Stream sessions: on our thread, inside feed or dispatch. Region
 * sessions: on our thread too, from sglhost_server_dispatch. */
static void on_event(void *user, const struct sglhost_session_event *ev)
{
	const char *who = user;
	switch (ev->type) {
	case SGLHOST_SESSION_EVENT_CONNECTED:
		printf("embed-vmm: %s: guest \"%s\" connected\n", who, ev->text);
		break;
	case SGLHOST_SESSION_EVENT_PRESENT:
		presents++;
		/* Stream, in process: inside the guest's submit, the frame is
		 * there to read. Region: the server read it for us. */
		if (ev->context)
			read_frame(ev->context, ev->width, ev->height);
		else if (ev->pixels)
			show_frame(ev->pixels, ev->stride, ev->width, ev->height);
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
	if (helper) {
		sc->flags |= SGLHOST_SESSION_OUT_OF_PROCESS;
		sc->host_config = &host_config;
		sc->helper_path = helper[0] ? helper : NULL;
	} else {
		sc->host = host;
	}
	sc->event = on_event;
	sc->event_user = (void *)who;
	sc->log = session_log;
}

/* ---- The shared-memory device: the library's listener and threads ---- */

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

/* The library's threads serve the region; its events wait for our loop. */
static struct sglhost_server *serve_region(void *bar, struct sglhost_listener **region)
{
	char err[256];
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
	*region = sglhost_shm_region_listen(&rc, err, sizeof(err));
	if (!*region) {
		fprintf(stderr, "embed-vmm: %s\n", err);
		return NULL;
	}
	struct sglhost_server_config svc;
	sglhost_server_config_init(&svc);
	svc.flags = SGLHOST_SERVER_DISPATCH | SGLHOST_SERVER_COPY_FRAMES;
	session_defaults(&svc.session, "ivshmem");
	struct sglhost_server *srv = sglhost_server_create(&svc);
	int r = srv ? sglhost_server_add_listener(srv, *region) : -errno;
	if (r < 0) {
		fprintf(stderr, "embed-vmm: cannot serve the region: %s\n", strerror(-r));
		sglhost_server_destroy(srv);
		return NULL;
	}
	return srv;
}

/* A guest reset (SIGUSR1 here; a device's reset handler in a VMM): the
 * region's sessions end, the server goes after them, the memory is zeroed
 * and served anew for the guest that boots next. */
static struct sglhost_server *reset_region(struct sglhost_server *srv,
					   struct sglhost_listener **region, void *bar)
{
	sglhost_shm_region_reset(*region);
	sglhost_server_dispatch(srv);
	sglhost_server_destroy(srv);
	memset(bar, 0, REGION_SIZE);
	srv = serve_region(bar, region);
	printf("embed-vmm: guest reset: region served anew\n");
	fflush(stdout);
	return srv;
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
	int r = sglhost_session_get_buffer(st->s, &buf, &room);
	if (r == -EAGAIN)   /* out of process, the helper is behind */
		return;
	if (r < 0) {
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
	int opt;
	while ((opt = getopt(argc, argv, "o:")) != -1) {
		if (opt != 'o')
			return 2;
		helper = optarg;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: embed-vmm [-o HELPER] DIR [SECONDS] [DUMP.ppm]\n");
		return 2;
	}
	const char *dir = argv[optind];
	double seconds = optind + 1 < argc ? atof(argv[optind + 1]) : 0;
	dump_path = optind + 2 < argc ? argv[optind + 2] : NULL;
	char region_path[512], stream_path[512];
	snprintf(region_path, sizeof(region_path), "%s/ivshmem", dir);
	snprintf(stream_path, sizeof(stream_path), "%s/stream", dir);

	sglhost_config_init(&host_config);
	if (!helper) {
		host = sglhost_create(&host_config);
		if (!host) {
			fprintf(stderr, "embed-vmm: no EGL display: %s\n", strerror(errno));
			return 1;
		}
	}
	void *bar = map_region(region_path);
	struct sglhost_listener *region = NULL;
	struct sglhost_server *srv = bar ? serve_region(bar, &region) : NULL;
	int lfd = listen_unix(stream_path);
	if (!srv || lfd < 0)
		return 1;
	const char *desc = sglhost_listener_describe(region);
	printf("embed-vmm: ready: %s, unix %s%s\n", desc, stream_path,
	       helper ? ", GL in helper processes" : "");

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	fflush(stdout);

	struct stream streams[MAX_STREAMS] = { 0 };
	double start = now();
	while (!stop && (seconds <= 0 || now() - start < seconds)) {
		/* Our sockets, the helpers' answers, the server's events. */
		struct pollfd fds[2 + 2 * MAX_STREAMS];
		struct stream *owner[2 + 2 * MAX_STREAMS];
		int n = 0;
		fds[n++] = (struct pollfd){ lfd, POLLIN, 0 };
		fds[n++] = (struct pollfd){ sglhost_server_get_fd(srv), POLLIN, 0 };
		for (int i = 0; i < MAX_STREAMS; i++) {
			if (!streams[i].s)
				continue;
			/* Out of process, guest bytes wait while the helper is
			 * behind: read more only when it has taken them. */
			size_t pending = sglhost_session_pending(streams[i].s);
			owner[n] = &streams[i];
			fds[n++] = (struct pollfd){ streams[i].fd, pending ? 0 : POLLIN, 0 };
			int hfd = sglhost_session_get_fd(streams[i].s);
			if (hfd >= 0) {
				owner[n] = &streams[i];
				fds[n++] = (struct pollfd){ hfd, POLLIN | (pending ? POLLOUT : 0), 0 };
			}
		}
		if (reset) {
			reset = 0;
			srv = reset_region(srv, &region, bar);
			if (!srv)
				break;
			continue;
		}
		if (poll(fds, (nfds_t)n, 100) <= 0)
			continue;
		if (fds[0].revents & POLLIN)
			stream_open(streams, lfd);
		if (fds[1].revents & POLLIN)
			sglhost_server_dispatch(srv);
		for (int i = 2; i < n; i++) {
			if (!(fds[i].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) ||
			    !owner[i]->s)
				continue;
			if (fds[i].fd == owner[i]->fd)
				stream_readable(owner[i]);
			else if (sglhost_session_dispatch(owner[i]->s) < 0)
				stream_close(owner[i]);
		}
	}

	for (int i = 0; i < MAX_STREAMS; i++)
		if (streams[i].s)
			stream_close(&streams[i]);
	close(lfd);
	unlink(stream_path);
	/* Sessions end, threads are waited for, the listener goes: then the
	 * BAR may go. */
	sglhost_server_destroy(srv);
	munmap(bar, REGION_SIZE);
	unlink(region_path);
	printf("embed-vmm: %u frames presented, %u shown\n", presents, frames);
	sglhost_destroy(host);
	return 0;
}
