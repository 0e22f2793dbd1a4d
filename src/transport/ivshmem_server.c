/*
 * ivshmem-doorbell: sgl-host is the ivshmem server that QEMU's
 * `-device ivshmem-doorbell,chardev=...` connects to, and peer 0 of every
 * VM (docs/ivshmem.md).
 *
 * QEMU's protocol (docs/specs/ivshmem-spec.rst, version 0) runs one way,
 * server to client, in messages of one little-endian signed 64-bit value,
 * some with a file descriptor. On connect we send, in this order:
 *
 *   0                        the protocol version
 *   id                       the client's peer id (1..65535)
 *   -1 + memfd               the shared memory
 *   0 + eventfd, N times     peer 0 (us): the VM rings vector v of peer 0
 *                            by writing (0 << 16) | v to BAR0's Doorbell,
 *                            which makes our eventfd v readable
 *   id + eventfd, N times    the VM's own vectors: writing 1 to eventfd v
 *                            raises MSI-X vector v in the guest
 *
 * Each VM gets its own memfd (so VMs are isolated from each other) laid out
 * as the shm transport and served by shm_region.c, and its own peer-0
 * eventfds (so we know which VM rang). A VM never learns of another one, so
 * there are no connect or disconnect notices to send. A QEMU that goes away
 * takes its peer id, eventfds and memory with it; its sessions end.
 *
 * One thread serves the socket and the doorbells: a guest that rang wakes
 * the host's sessions asleep on that VM's slots (they sleep on futexes in
 * our own mapping) and the accepting thread. It also beats the host's
 * heartbeat in every VM's memory and sweeps dead guests' slots.
 */
#include "transport/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "transport/shm_region.h"

#define fail sgl_shm_fail

#define MAX_VMS 64
#define MAX_VECTORS 64
#define MAX_PEER 65535           /* the Doorbell register's peer field is 16 bits */

struct vm {
	/* First: the region's release frees the VM. Lives as long as the
	 * connection or any of its channels. */
	struct sgl_shm_region region;
	struct vm *next;
	int sock;                /* QEMU's connection; -1 once it left */
	int id;
	int memfd;
	uint32_t vectors;
	int host_efd[MAX_VECTORS];   /* peer 0's: the guest rings them */
	int guest_efd[MAX_VECTORS];  /* the VM's: we ring them (MSI-X) */
	struct sgl_shm_notify notify;
};

struct ivs_listener {
	struct sgl_listener base;
	char *path;
	uint32_t slots, ring_size, vectors, heartbeat_ms;
	uint64_t size;
	int lsock, stop_efd;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;    /* the list; changed by the server thread only */
	struct vm *vms;
	unsigned nvms;
	_Atomic uint32_t bell;   /* futex word the accepting thread sleeps on */
	_Atomic bool shut;
	uint8_t ids[(MAX_PEER + 1) / 8];
};

/* ------------------------------------------------------------------------
 * One VM
 */

/* The host wakes a guest: its MSI-X vector 0 (the guest's module wakes
 * every process waiting in that VM; each looks at its own slot). */
static void vm_wake(void *user, _Atomic uint32_t *word)
{
	struct vm *vm = user;
	uint64_t one = 1;
	(void)word;
	if (write(vm->guest_efd[0], &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, the guest has a wake pending. */
	}
}

static void vm_release(struct sgl_shm_region *r)
{
	struct vm *vm = (struct vm *)r;

	munmap(r->map, r->map_size);
	close(vm->memfd);
	for (uint32_t v = 0; v < vm->vectors; v++) {
		close(vm->host_efd[v]);
		close(vm->guest_efd[v]);
	}
	free(vm);
}

static int send_msg(int sock, int64_t value, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	int64_t le = value;   /* the layout is little-endian (sgl_shm.h) */
	struct iovec iov = { &le, sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	return n == (ssize_t)sizeof(le) ? 0 : -1;
}

/* The messages of a new client, in the protocol's order. */
static int greet(struct vm *vm)
{
	if (send_msg(vm->sock, 0, -1) || send_msg(vm->sock, vm->id, -1) ||
	    send_msg(vm->sock, -1, vm->memfd))
		return -1;
	for (uint32_t v = 0; v < vm->vectors; v++)
		if (send_msg(vm->sock, 0, vm->host_efd[v]))
			return -1;
	for (uint32_t v = 0; v < vm->vectors; v++)
		if (send_msg(vm->sock, vm->id, vm->guest_efd[v]))
			return -1;
	return 0;
}

static int new_id(struct ivs_listener *l)
{
	for (int id = 1; id <= MAX_PEER; id++) {
		if (!(l->ids[id / 8] & (1u << (id % 8)))) {
			l->ids[id / 8] |= (uint8_t)(1u << (id % 8));
			return id;
		}
	}
	return -1;
}

/* The memory, laid out and started, and the eventfds. */
static struct vm *vm_new(struct ivs_listener *l, int sock, int id)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->sock = sock;
	vm->id = id;
	vm->vectors = l->vectors;
	for (uint32_t v = 0; v < MAX_VECTORS; v++)
		vm->host_efd[v] = vm->guest_efd[v] = -1;
	vm->memfd = memfd_create("sgl-ivshmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *map = MAP_FAILED;
	if (vm->memfd >= 0 && ftruncate(vm->memfd, (off_t)l->size) == 0) {
		/* Its size is the BAR's: nobody may change it under QEMU. */
		fcntl(vm->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
		map = mmap(NULL, (size_t)l->size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->memfd, 0);
	}
	bool ok = map != MAP_FAILED;
	for (uint32_t v = 0; ok && v < vm->vectors; v++) {
		vm->host_efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vm->guest_efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ok = vm->host_efd[v] >= 0 && vm->guest_efd[v] >= 0;
	}
	if (ok && sgl_shm_region_init(&vm->region, map, (size_t)l->size, l->slots,
				      l->ring_size) < 0) {
		free(vm->region.watch);
		ok = false;
	}
	if (!ok) {
		if (map != MAP_FAILED)
			munmap(map, (size_t)l->size);
		vm->region.map = NULL;
		if (vm->memfd >= 0)
			close(vm->memfd);
		for (uint32_t v = 0; v < vm->vectors; v++) {
			if (vm->host_efd[v] >= 0)
				close(vm->host_efd[v]);
			if (vm->guest_efd[v] >= 0)
				close(vm->guest_efd[v]);
		}
		free(vm);
		return NULL;
	}
	vm->notify = (struct sgl_shm_notify){
		.wake = vm_wake, .wait = sgl_shm_futex_notify.wait,
		.interrupt = sgl_shm_futex_notify.interrupt, .user = vm,
	};
	vm->region.notify = &vm->notify;
	vm->region.remote = true;
	if (l->heartbeat_ms)
		vm->region.heartbeat_ms = l->heartbeat_ms;
	vm->region.release = vm_release;
	snprintf(vm->region.name, sizeof(vm->region.name), "ivshmem vm %d", id);
	sgl_shm_region_start(&vm->region, 0);
	return vm;
}

static void kick_accept(struct ivs_listener *l)
{
	sgl_shm_kick(&l->bell);
}

static void vm_connect(struct ivs_listener *l)
{
	int sock = accept4(l->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (sock < 0)
		return;
	int id = l->nvms < MAX_VMS ? new_id(l) : -1;
	struct vm *vm = id > 0 ? vm_new(l, sock, id) : NULL;
	if (!vm || greet(vm) < 0) {
		if (vm) {
			vm->sock = -1;
			sgl_shm_region_unref(&vm->region);
		}
		if (id > 0)
			l->ids[id / 8] &= (uint8_t)~(1u << (id % 8));
		close(sock);
		return;
	}
	pthread_mutex_lock(&l->lock);
	vm->next = l->vms;
	l->vms = vm;
	l->nvms++;
	pthread_mutex_unlock(&l->lock);
}

/* QEMU left (or we stop): its sessions end, its id is free again; the
 * memory and eventfds go with the last channel. */
static void vm_disconnect(struct ivs_listener *l, struct vm *vm)
{
	pthread_mutex_lock(&l->lock);
	for (struct vm **p = &l->vms; *p; p = &(*p)->next) {
		if (*p == vm) {
			*p = vm->next;
			l->nvms--;
			break;
		}
	}
	pthread_mutex_unlock(&l->lock);
	l->ids[vm->id / 8] &= (uint8_t)~(1u << (vm->id % 8));
	atomic_store_explicit(&vm->region.gone, true, memory_order_seq_cst);
	sgl_shm_region_wake_host(&vm->region);
	close(vm->sock);
	vm->sock = -1;
	sgl_shm_region_unref(&vm->region);
}

/* ------------------------------------------------------------------------
 * The server thread
 */

/* A client only ever closes (v0 has no client messages): EOF or an error
 * is its end, anything it sends is dropped. */
static bool client_left(struct vm *vm)
{
	char buf[256];
	ssize_t n = recv(vm->sock, buf, sizeof(buf), MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

static void doorbell(struct ivs_listener *l, struct vm *vm, int fd)
{
	uint64_t count;
	if (read(fd, &count, sizeof(count)) < 0) {
		/* EAGAIN: another round took it. */
	}
	sgl_shm_region_wake_host(&vm->region);
	kick_accept(l);
}

static void *server_thread(void *arg)
{
	struct ivs_listener *l = arg;
	enum { MAX_FDS = 2 + MAX_VMS * (1 + MAX_VECTORS) };
	struct pollfd *fds = calloc(MAX_FDS, sizeof(*fds));
	struct vm **owner = calloc(MAX_FDS, sizeof(*owner));

	while (fds && owner) {
		nfds_t n = 0;
		fds[n++] = (struct pollfd){ .fd = l->stop_efd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = l->lsock, .events = POLLIN };
		for (struct vm *vm = l->vms; vm; vm = vm->next) {
			owner[n] = vm;
			fds[n++] = (struct pollfd){ .fd = vm->sock, .events = POLLIN | POLLRDHUP };
			for (uint32_t v = 0; v < vm->vectors; v++) {
				owner[n] = vm;
				fds[n++] = (struct pollfd){ .fd = vm->host_efd[v], .events = POLLIN };
			}
		}
		int r = poll(fds, n, SGL_SHM_WAIT_MS);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && fds[0].revents)
			break;
		/* Doorbells first, then departures: a VM's fds stay valid
		 * until its entries are passed. */
		for (nfds_t i = 2; r > 0 && i < n; i++) {
			if (fds[i].revents && fds[i].events == POLLIN)
				doorbell(l, owner[i], fds[i].fd);
		}
		for (nfds_t i = 2; r > 0 && i < n; i++) {
			/* fds[i].fd, not the VM's: it may be freed by now. */
			if (fds[i].revents && fds[i].events == (POLLIN | POLLRDHUP) &&
			    client_left(owner[i]))
				vm_disconnect(l, owner[i]);
		}
		if (r > 0 && fds[1].revents)
			vm_connect(l);
		for (struct vm *vm = l->vms; vm; vm = vm->next)
			sgl_shm_region_sweep(&vm->region);
	}
	free(fds);
	free(owner);
	return NULL;
}

/* ------------------------------------------------------------------------
 * The listener
 */

static struct sgl_channel *listener_accept(struct sgl_listener *base, int *err)
{
	struct ivs_listener *l = (struct ivs_listener *)base;

	for (;;) {
		uint32_t bell = atomic_load_explicit(&l->bell, memory_order_acquire);
		if (atomic_load_explicit(&l->shut, memory_order_acquire)) {
			*err = -ECANCELED;
			return NULL;
		}
		pthread_mutex_lock(&l->lock);
		struct sgl_channel *ch = NULL;
		for (struct vm *vm = l->vms; vm && !ch && !*err; vm = vm->next)
			ch = sgl_shm_region_accept(&vm->region, err);
		pthread_mutex_unlock(&l->lock);
		if (ch || *err)
			return ch;
		sgl_shm_futex_wait(&l->bell, bell, SGL_SHM_WAIT_MS);
	}
}

static void listener_shutdown(struct sgl_listener *base)
{
	struct ivs_listener *l = (struct ivs_listener *)base;

	atomic_store_explicit(&l->shut, true, memory_order_seq_cst);
	kick_accept(l);
}

static void listener_destroy(struct sgl_listener *base)
{
	struct ivs_listener *l = (struct ivs_listener *)base;
	uint64_t one = 1;

	if (l->thread_started) {
		if (write(l->stop_efd, &one, sizeof(one)) < 0) {
			/* cannot fail: the counter is far from full */
		}
		pthread_join(l->thread, NULL);
	}
	while (l->vms) {
		struct vm *vm = l->vms;
		sgl_shm_region_stop(&vm->region);
		vm_disconnect(l, vm);
	}
	close(l->lsock);
	close(l->stop_efd);
	unlink(l->path);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
};

/* A socket file left by a server that is gone is replaced; one that
 * answers, or anything that is not a socket, is not. */
static int bind_socket(const char *path, char *err, size_t err_size)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fail(err, err_size, "ivshmem: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(a.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		fail(err, err_size, "ivshmem: socket: %s", strerror(errno));
		return -errno;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fail(err, err_size, "%s exists and is not a socket", path);
			close(s);
			return -EEXIST;
		}
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			fail(err, err_size, "%s is in use by a running server", path);
			close(s);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0) {
		int e = errno;
		fail(err, err_size, "ivshmem: cannot listen on %s: %s", path, strerror(e));
		close(s);
		return -e;
	}
	return s;
}

struct sgl_listener *sgl_ivshmem_server_listen(const struct sgl_ivshmem_server_config *cfg,
					       char *err, size_t err_size)
{
	struct ivs_listener *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(cfg->path))) {
		fail(err, err_size, "ivshmem: out of memory");
		free(l);
		return NULL;
	}
	l->slots = cfg->slots;
	l->ring_size = cfg->ring_size;
	l->size = cfg->size;
	l->vectors = cfg->vectors ? cfg->vectors : 1;
	l->heartbeat_ms = cfg->heartbeat_ms;
	l->lsock = l->stop_efd = -1;
	pthread_mutex_init(&l->lock, NULL);
	if (l->vectors > MAX_VECTORS) {
		fail(err, err_size, "ivshmem: %u vectors, at most %u", l->vectors, MAX_VECTORS);
		goto err;
	}
	if (sgl_shm_geometry(&l->slots, &l->ring_size, &l->size, true, err, err_size) < 0)
		goto err;
	l->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->stop_efd < 0) {
		fail(err, err_size, "ivshmem: eventfd: %s", strerror(errno));
		goto err;
	}
	l->lsock = bind_socket(l->path, err, err_size);
	if (l->lsock < 0)
		goto err;
	if (pthread_create(&l->thread, NULL, server_thread, l)) {
		fail(err, err_size, "ivshmem: cannot start the server thread");
		unlink(l->path);
		goto err;
	}
	l->thread_started = true;
	l->base.ops = &listener_ops;
	snprintf(l->base.desc, sizeof(l->base.desc),
		 "ivshmem-doorbell %s (%llu MiB per VM, %u slots, %u vector%s)", l->path,
		 (unsigned long long)(l->size >> 20), l->slots, l->vectors,
		 l->vectors == 1 ? "" : "s");
	return &l->base;

err:
	if (l->lsock >= 0)
		close(l->lsock);
	if (l->stop_efd >= 0)
		close(l->stop_efd);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
	return NULL;
}
