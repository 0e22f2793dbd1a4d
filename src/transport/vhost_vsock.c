/*
 * The vhost-user-vsock listener (listener.h): a unix socket for the VMM,
 * and one device thread that serves the frontend connected to it: its
 * control messages (vhost_user.c) and the rings (vsock.c), woken by the
 * kick eventfds, the control socket and channels with work for it.
 *
 * A frontend that breaks the protocol, or whose guest breaks a ring, is
 * dropped with a log line saying why: its memory is unmapped, its fds
 * closed, its connections end. Then the next frontend may connect to the
 * same socket (a restarted VM, or QEMU reconnecting).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sgl_socket.h"
#include "transport/listener.h"
#include "transport/stream.h"
#include "transport/vhost_user.h"
#include "transport/vsock.h"

#define DEFAULT_MAX_CONNECTIONS 16
/* How often a ring without a kick fd is looked at. */
#define POLL_RING_MS 10

struct vhost_vsock {
	struct sgl_listener base;
	pthread_mutex_t lock;
	pthread_cond_t accept_cond;
	atomic_uint refs;          /* the listener and each channel */
	bool stopped;              /* under lock */
	int listen_fd;
	int wake_fd;
	pthread_t thread;
	char *path;
	dev_t dev;
	ino_t ino;
	uint8_t config[8];         /* struct virtio_vsock_config: le64 guest_cid */
	struct sgl_vu vu;          /* the device thread's */
	struct sgl_vsock vsock;    /* under lock */
	struct sgl_vu_msg msg;
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
};

#define logf_(v, ...) sgl_vu_log((v)->log, (v)->log_user, __VA_ARGS__)

static void wake(void *user)
{
	struct vhost_vsock *v = user;
	uint64_t one = 1;
	if (write(v->wake_fd, &one, sizeof(one)) < 0) {
		/* Already pending. */
	}
}

static void ref(void *user)
{
	struct vhost_vsock *v = user;
	atomic_fetch_add(&v->refs, 1);
}

static void unref(void *user)
{
	struct vhost_vsock *v = user;
	if (atomic_fetch_sub(&v->refs, 1) != 1)
		return;
	pthread_cond_destroy(&v->accept_cond);
	pthread_mutex_destroy(&v->lock);
	close(v->wake_fd);
	free(v);
}

static void vsock_reset(void *user)
{
	struct vhost_vsock *v = user;
	sgl_vsock_reset(&v->vsock);
}

static void drain(int fd)
{
	uint64_t n;
	if (read(fd, &n, sizeof(n)) < 0) {
		/* Nothing there (a spurious wake-up). */
	}
}

/* Under lock. */
static void drop_frontend(struct vhost_vsock *v, const char *why)
{
	logf_(v, SGLHOST_LOG_WARN, "%s: frontend dropped: %s", v->base.desc, why);
	sgl_vu_detach(&v->vu);
}

static void accept_frontend(struct vhost_vsock *v)
{
	int fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	pthread_mutex_lock(&v->lock);
	sgl_vu_attach(&v->vu, fd);
	pthread_mutex_unlock(&v->lock);
	logf_(v, SGLHOST_LOG_INFO, "%s: frontend connected", v->base.desc);
}

/* One wait and what it brought, while a frontend is connected. */
static void serve_once(struct vhost_vsock *v)
{
	struct pollfd p[2 + SGL_VU_MAX_QUEUES];
	int n = 0, timeout = -1;

	p[n++] = (struct pollfd){ .fd = v->vu.fd, .events = POLLIN };
	p[n++] = (struct pollfd){ .fd = v->wake_fd, .events = POLLIN };
	for (unsigned i = 0; i < v->vu.nqueues; i++) {
		struct sgl_vq *q = &v->vu.vq[i];
		if (q->started && q->kick_fd >= 0)
			p[n++] = (struct pollfd){ .fd = q->kick_fd, .events = POLLIN };
		else if (q->started && q->poll)
			timeout = POLL_RING_MS;
	}
	pthread_mutex_lock(&v->lock);
	uint64_t deadline = sgl_vsock_next_deadline(&v->vsock);
	pthread_mutex_unlock(&v->lock);
	if (deadline) {
		uint64_t now = sgl_vsock_now_ns();
		int ms = deadline > now ? (int)((deadline - now) / 1000000u) + 1 : 0;
		if (timeout < 0 || ms < timeout)
			timeout = ms;
	}
	if (poll(p, (nfds_t)n, timeout) < 0)
		return; /* EINTR: look again */
	for (int i = 1; i < n; i++)
		if (p[i].revents)
			drain(p[i].fd);
	if (p[0].revents) {
		int r = sgl_vu_recv(&v->vu, &v->msg);
		pthread_mutex_lock(&v->lock);
		if (!r)
			r = sgl_vu_handle(&v->vu, &v->msg);
		if (r == -EPIPE) {
			logf_(v, SGLHOST_LOG_INFO, "%s: frontend left", v->base.desc);
			sgl_vu_detach(&v->vu);
		} else if (r < 0) {
			drop_frontend(v, v->vu.why);
		}
		pthread_mutex_unlock(&v->lock);
		if (r < 0)
			return;
	}
	pthread_mutex_lock(&v->lock);
	if (sgl_vsock_process(&v->vsock, &v->vu) < 0)
		drop_frontend(v, v->vu.why);
	pthread_mutex_unlock(&v->lock);
}

static void *device_main(void *arg)
{
	struct vhost_vsock *v = arg;

	for (;;) {
		pthread_mutex_lock(&v->lock);
		bool stop = v->stopped;
		pthread_mutex_unlock(&v->lock);
		if (stop)
			break;
		if (v->vu.fd >= 0) {
			serve_once(v);
			continue;
		}
		struct pollfd p[2] = {
			{ .fd = v->listen_fd, .events = POLLIN },
			{ .fd = v->wake_fd, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			drain(v->wake_fd);
		if (p[0].revents)
			accept_frontend(v);
	}
	pthread_mutex_lock(&v->lock);
	if (v->vu.fd >= 0)
		sgl_vu_detach(&v->vu);
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Listener */

static struct vhost_vsock *listener_of(struct sgl_listener *l)
{
	return (struct vhost_vsock *)((char *)l - offsetof(struct vhost_vsock, base));
}

static struct sgl_channel *listener_accept(struct sgl_listener *l, int *err)
{
	struct vhost_vsock *v = listener_of(l);
	struct sgl_vsock_conn *c;

	pthread_mutex_lock(&v->lock);
	while (!v->stopped && !v->vsock.accept_head)
		pthread_cond_wait(&v->accept_cond, &v->lock);
	if (v->stopped) {
		pthread_mutex_unlock(&v->lock);
		*err = -ECANCELED;
		return NULL;
	}
	c = sgl_vsock_accept_next(&v->vsock);
	pthread_mutex_unlock(&v->lock);
	return &c->base;
}

static void listener_shutdown(struct sgl_listener *l)
{
	struct vhost_vsock *v = listener_of(l);

	pthread_mutex_lock(&v->lock);
	v->stopped = true;
	pthread_cond_broadcast(&v->accept_cond);
	pthread_mutex_unlock(&v->lock);
	wake(v);
}

static void listener_destroy(struct sgl_listener *l)
{
	struct vhost_vsock *v = listener_of(l);
	struct stat st;

	listener_shutdown(l);
	pthread_join(v->thread, NULL);
	if (v->path[0] && stat(v->path, &st) == 0 && st.st_dev == v->dev && st.st_ino == v->ino)
		unlink(v->path);
	free(v->path);
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	unref(v);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
};

/* ---------------------------------------------------------------------- */

static int bind_socket(const char *path, char *err, size_t err_size)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(a.sun_path)) {
		sgl_addr_fail(ENAMETOOLONG, err, err_size, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	r = sgl_unix_remove_stale(path);
	if (r < 0) {
		sgl_addr_fail(-r, err, err_size, "%s: %s", path, r == -EADDRINUSE ?
		     "a server is already listening there" : strerror(-r));
		return r;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
		r = -errno;
		sgl_addr_fail(-r, err, err_size, "%s: %s", path, strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

struct sgl_listener *sgl_vhost_vsock_listen(const struct sgl_vhost_vsock_config *cfg, char *err,
					    size_t err_size)
{
	uint64_t cid = cfg->guest_cid ? cfg->guest_cid : SGL_VHOST_VSOCK_DEFAULT_CID;
	struct stat st = { 0 };

	bool own_socket = !cfg->connected && !cfg->adopt_listen;
	if (cfg->connected ? cfg->frontend_fd < 0 :
	    cfg->adopt_listen ? cfg->listen_fd < 0 : !cfg->path || !*cfg->path)
		return sgl_addr_fail(EINVAL, err, err_size, "vhost-user-vsock: no socket path or fd");
	/* 0-2 are reserved, 2^32-1 is "any": Linux guests take 32 bits. */
	if (cid < 3 || cid >= 0xffffffffull)
		return sgl_addr_fail(EINVAL, err, err_size, "vhost-user-vsock: bad guest CID %llu",
			    (unsigned long long)cid);
	struct vhost_vsock *v = calloc(1, sizeof(*v));
	if (!v)
		return sgl_addr_fail(ENOMEM, err, err_size, "out of memory");
	v->path = strdup(own_socket ? cfg->path : "");
	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!v->path || v->wake_fd < 0) {
		int e = v->path ? errno : ENOMEM;
		free(v->path);
		if (v->wake_fd >= 0)
			close(v->wake_fd);
		free(v);
		return sgl_addr_fail(e, err, err_size, "vhost-user-vsock: %s", strerror(e));
	}
	/* A frontend already connected (an fd the VMM passed): no socket of
	 * ours; when it leaves, none comes after it. */
	v->listen_fd = cfg->connected ? -1 : cfg->adopt_listen ? cfg->listen_fd :
		       bind_socket(cfg->path, err, err_size);
	/* An adopted one: accept runs after poll, and must not block. */
	if (cfg->adopt_listen)
		fcntl(v->listen_fd, F_SETFL, fcntl(v->listen_fd, F_GETFL) | O_NONBLOCK);
	if (own_socket && v->listen_fd < 0) {
		int e = -v->listen_fd;
		free(v->path);
		close(v->wake_fd);
		free(v);
		errno = e;
		return NULL;
	}
	if (own_socket && stat(cfg->path, &st) == 0) {
		v->dev = st.st_dev;
		v->ino = st.st_ino;
	}
	v->base.ops = &listener_ops;
	char where[64];
	if (!own_socket)
		snprintf(where, sizeof(where), "%s fd %d", cfg->connected ? "frontend" : "listening",
			 cfg->connected ? cfg->frontend_fd : cfg->listen_fd);
	snprintf(v->base.desc, sizeof(v->base.desc), "vhost-user-vsock %s (guest CID %llu, port %u)",
		 own_socket ? cfg->path : where, (unsigned long long)cid,
		 cfg->port ? cfg->port : SGL_VHOST_VSOCK_DEFAULT_PORT);
	/* Only the VM whose device is wired to this socket reaches it, like
	 * an ivshmem file: that wiring is the permission. */
	v->base.needs_token = false;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->accept_cond, NULL);
	atomic_init(&v->refs, 1);
	v->log = cfg->log;
	v->log_user = cfg->log_user;
	for (int i = 0; i < 8; i++)
		v->config[i] = (uint8_t)(cid >> (8 * i));

	sgl_vu_init(&v->vu, 1ull << VIRTIO_RING_F_INDIRECT_DESC, 3, v->config, sizeof(v->config));
	v->vu.reset = vsock_reset;
	v->vu.user = v;
	v->vu.log = cfg->log;
	v->vu.log_user = cfg->log_user;
	v->vsock = (struct sgl_vsock){
		.lock = &v->lock, .guest_cid = cid,
		.port = cfg->port ? cfg->port : SGL_VHOST_VSOCK_DEFAULT_PORT,
		.max_conns = cfg->max_connections ? cfg->max_connections : DEFAULT_MAX_CONNECTIONS,
		.accept_cond = &v->accept_cond,
		.wake = wake, .wake_user = v,
		.log = cfg->log, .log_user = cfg->log_user,
		.ref = ref, .unref = unref, .ref_user = v,
	};
	if (cfg->connected)
		sgl_vu_attach(&v->vu, cfg->frontend_fd);
	int e = pthread_create(&v->thread, NULL, device_main, v);
	if (e) {
		if (cfg->connected)
			sgl_vu_detach(&v->vu);
		if (own_socket)
			unlink(cfg->path);
		if (v->listen_fd >= 0)
			close(v->listen_fd);
		free(v->path);
		unref(v);
		return sgl_addr_fail(e, err, err_size, "vhost-user-vsock: thread: %s", strerror(e));
	}
	return &v->base;
}

/* ---------------------------------------------------------------------- */

static bool number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int sgl_vhost_vsock_parse(const char *spec, struct sgl_vhost_vsock_config *cfg, char *buf,
			  size_t buf_size, char *err, size_t err_size)
{
	static const char prefix[] = "vhost-user-vsock:";
	uint64_t v;

	if (strncmp(spec, prefix, sizeof(prefix) - 1)) {
		sgl_addr_fail(EINVAL, err, err_size, "%s: expected vhost-user-vsock:PATH", spec);
		return -EINVAL;
	}
	if ((size_t)snprintf(buf, buf_size, "%s", spec + sizeof(prefix) - 1) >= buf_size) {
		sgl_addr_fail(EINVAL, err, err_size, "%s: too long", spec);
		return -EINVAL;
	}
	/* Options from the end, so a path may itself hold commas. */
	char *comma;
	while ((comma = strrchr(buf, ','))) {
		const char *opt = comma + 1;
		if (!strncmp(opt, "cid=", 4) && number(opt + 4, 0xfffffffeu, &v) && v >= 3)
			cfg->guest_cid = v;
		else if (!strncmp(opt, "port=", 5) && number(opt + 5, 0xfffffffeu, &v) && v)
			cfg->port = (uint32_t)v;
		else if (!strncmp(opt, "cid=", 4) || !strncmp(opt, "port=", 5)) {
			sgl_addr_fail(EINVAL, err, err_size, "%s: bad %s (cid: 3 to 4294967294, port: 1 to "
			     "4294967294)", spec, opt);
			return -EINVAL;
		} else
			break;
		*comma = '\0';
	}
	if (!*buf) {
		sgl_addr_fail(EINVAL, err, err_size, "%s: expected vhost-user-vsock:PATH[,cid=N][,port=P]",
		     spec);
		return -EINVAL;
	}
	cfg->path = buf;
	return 0;
}
