/*
 * The shared-memory file listeners: a file of client slots that guests map
 * (protocol/sgl_shm.h, docs/shm-layout.md); the slots themselves are
 * shm_region.c's. Two kinds of file:
 *
 * - /dev/shm/sgl (or any path): guests are processes on this machine. The
 *   file is created new (O_EXCL), removed at exit; both sides use futexes
 *   and the guests' pids tell when one died.
 * - ivshmem-plain: the file QEMU maps as an ivshmem BAR2 (docs/ivshmem.md).
 *   QEMU may have created it, and keeps it mapped across our restarts, so
 *   it is reused in place and kept at exit; an flock tells two hosts apart.
 *   Its size is a power of two. Nothing wakes across the VM boundary: both
 *   sides poll, and heartbeats stand in for pids (host_pid 0).
 */
#include "transport/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/shm_region.h"

#define fail sgl_shm_fail

/* ivshmem-plain: guests cannot wake our accept; it looks this often. */
#define IVSHMEM_ACCEPT_MS 10

struct shm_listener {
	struct sgl_listener base;
	/* Lives as long as the listener or any of its channels: freed with
	 * the region (release). */
	struct sgl_shm_region region;
	_Atomic bool shut;
	bool ivshmem;
	bool created;            /* /dev/shm: we made the file (removed on failure) */
	int lock_fd;             /* ivshmem: holds the flock; else -1 */
	char *path;
};

static struct shm_listener *from_region(struct sgl_shm_region *r)
{
	return (struct shm_listener *)((char *)r - offsetof(struct shm_listener, region));
}

static void release(struct sgl_shm_region *r)
{
	struct shm_listener *l = from_region(r);

	munmap(r->map, r->map_size);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	free(l->path);
	free(l);
}

/* kill(2) with signal 0 "checks for the existence of a process". */
static bool pid_gone(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == -1 && errno == ESRCH;
}

/* Guests in a VM cannot wake our accept: for ivshmem it looks every few ms. */
static struct sgl_channel *listener_accept(struct sgl_listener *base, int *err)
{
	struct shm_listener *l = (struct shm_listener *)base;
	return sgl_shm_region_accept_wait(&l->region, &l->shut,
					  l->ivshmem ? IVSHMEM_ACCEPT_MS : SGL_SHM_WAIT_MS, err);
}

static void listener_shutdown(struct sgl_listener *base)
{
	struct shm_listener *l = (struct shm_listener *)base;
	sgl_shm_region_shutdown_accept(&l->region, &l->shut);
}

static void listener_destroy(struct sgl_listener *base)
{
	struct shm_listener *l = (struct shm_listener *)base;

	sgl_shm_region_stop(&l->region);
	if (!l->ivshmem)
		unlink(l->path);
	sgl_shm_region_unref(&l->region);
}

static struct sgl_channel *listener_redeem(struct sgl_listener *base, const void *t,
					   size_t size, int fd)
{
	struct shm_listener *l = (struct shm_listener *)base;
	if (fd >= 0)
		close(fd);
	return sgl_shm_region_redeem(&l->region, t, size);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
	.redeem = listener_redeem,
};

/* ------------------------------------------------------------------------
 * Creating the file
 */

/* An existing file: refuse if a live host serves it; else it is stale,
 * and removable if it is ours (or empty: a host died creating it). */
static int check_existing(const char *path, bool remove, char *err, size_t err_size)
{
	struct sgl_shm_header h = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(err, err_size, "%s exists and cannot be opened: %s", path, strerror(errno));
		return -errno;
	}
	ssize_t got = pread(fd, &h, sizeof(h), 0);
	close(fd);
	bool ours = got == (ssize_t)sizeof(h) && h.info.magic == SGL_SHM_MAGIC;
	uint32_t pid = ours ? atomic_load(&h.host_pid) : 0;
	if (ours && atomic_load(&h.host_alive) && !(pid <= INT32_MAX && pid_gone((pid_t)pid))) {
		fail(err, err_size, "%s is in use by a running host (pid %u)", path, pid);
		return -EADDRINUSE;
	}
	if (!ours && got != 0) {
		fail(err, err_size, "%s exists and is not an sgl shared-memory file", path);
		return -EEXIST;
	}
	if (!remove) {
		fail(err, err_size, "%s exists, left by a host that is gone: remove it or "
		     "pass remove_stale", path);
		return -EEXIST;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		fail(err, err_size, "cannot remove stale %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* O_EXCL: two hosts never share a file; 0600: only our user's guests. */
static int create_file(const char *path, bool remove, char *err, size_t err_size)
{
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST) {
			fail(err, err_size, "cannot create %s: %s", path, strerror(errno));
			return -errno;
		}
		int r = check_existing(path, remove, err, err_size);
		if (r < 0)
			return r;
	}
	fail(err, err_size, "%s keeps reappearing: another host is starting", path);
	return -EEXIST;
}

/* ivshmem-plain: open (or create) the file QEMU maps and lock it. An
 * existing file is ours to reuse when it is all zero where the header
 * goes (QEMU created it) or a stale sgl file (the flock says no host has
 * it); anything else is refused. *size: the file's size, 0 when new. */
static int open_ivshmem(const char *path, uint64_t *size, bool *stale, char *err,
			size_t err_size)
{
	struct sgl_shm_header h;
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail(err, err_size, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno == EWOULDBLOCK ? EADDRINUSE : errno;
		fail(err, err_size, "%s is in use by a running host", path);
		close(fd);
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fail(err, err_size, "%s is not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	memset(&h, 0, sizeof(h));
	ssize_t got = st.st_size ? pread(fd, &h, sizeof(h), 0) : 0;
	static const struct sgl_shm_header zero;
	*stale = got == (ssize_t)sizeof(h) && h.info.magic == SGL_SHM_MAGIC;
	if (st.st_size && !*stale && (got != (ssize_t)sizeof(h) || memcmp(&h, &zero, sizeof(h)))) {
		fail(err, err_size, "%s exists and is not an sgl shared-memory file", path);
		close(fd);
		return -EEXIST;
	}
	return fd;
}

static int map_file(struct shm_listener *l, int fd, uint64_t size, bool grow, char *err,
		    size_t err_size)
{
	if (grow && ftruncate(fd, (off_t)size) < 0) {
		fail(err, err_size, "cannot size %s to %llu bytes: %s", l->path,
		     (unsigned long long)size, strerror(errno));
		return -errno;
	}
	void *m = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fail(err, err_size, "cannot map %s: %s", l->path, strerror(errno));
		return -errno;
	}
	l->region.map = m;
	l->region.map_size = (size_t)size;
	return 0;
}

/* Opens, sizes and maps the file; the region's geometry is settled. */
static int open_file(struct shm_listener *l, const struct sgl_shm_config *cfg, uint32_t *slots,
		     uint32_t *ring, char *err, size_t err_size)
{
	uint64_t size = cfg->size, have = 0;
	bool stale = false;
	int fd, r;

	if (!cfg->ivshmem) {
		if (sgl_shm_geometry(slots, ring, &size, false, err, err_size) < 0)
			return -EINVAL;
		fd = create_file(l->path, cfg->remove_stale, err, err_size);
		l->created = fd >= 0;
	} else {
		fd = open_ivshmem(l->path, &have, &stale, err, err_size);
		l->lock_fd = fd;
		/* QEMU may map it already: its size stays. */
		if (fd >= 0 && have && size && size != have) {
			fail(err, err_size, "%s is %llu bytes, not %llu", l->path,
			     (unsigned long long)have, (unsigned long long)size);
			return -EINVAL;
		}
		if (fd >= 0 && have)
			size = have;
		if (fd >= 0 && sgl_shm_geometry(slots, ring, &size, true, err, err_size) < 0)
			return -EINVAL;
	}
	if (fd < 0)
		return fd;
	r = map_file(l, fd, size, size > have, err, err_size);
	if (!cfg->ivshmem)
		close(fd);
	if (r == 0 && stale)   /* a previous host's slots and rings */
		memset(l->region.map, 0, (size_t)sgl_shm_file_size(*slots, *ring));
	return r;
}

struct sgl_listener *sgl_shm_listen(const struct sgl_shm_config *cfg, char *err, size_t err_size)
{
	const char *path = cfg->path ? cfg->path : SGL_SHM_DEFAULT_PATH;
	uint32_t slots = cfg->slots, ring = cfg->ring_size;

	struct shm_listener *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		fail(err, err_size, "shm: out of memory");
		goto err_free;
	}
	l->lock_fd = -1;
	l->ivshmem = cfg->ivshmem;
	if (open_file(l, cfg, &slots, &ring, err, err_size) < 0)
		goto err_close;
	void *map = l->region.map;
	size_t map_size = l->region.map_size;
	if (sgl_shm_region_init(&l->region, map, map_size, slots, ring) < 0) {
		fail(err, err_size, "shm: out of memory");
		munmap(map, map_size);
		goto err_close;
	}
	l->region.release = release;
	if (cfg->ivshmem) {
		l->region.notify = &sgl_shm_poll_notify;
		l->region.remote = true;
		if (cfg->heartbeat_ms)
			l->region.heartbeat_ms = cfg->heartbeat_ms;
		snprintf(l->region.name, sizeof(l->region.name), "ivshmem");
		snprintf(l->base.desc, sizeof(l->base.desc), "ivshmem %s (%zu MiB, %u slots)",
			 path, map_size >> 20, slots);
	} else {
		snprintf(l->base.desc, sizeof(l->base.desc), "shm %s", path);
	}
	sgl_shm_region_start(&l->region, cfg->ivshmem ? 0 : (uint32_t)getpid());
	l->base.ops = &listener_ops;
	/* A channel touches only its slot; sweeps and heartbeats stay with
	 * the listener's process. */
	l->base.forkable = true;
	return &l->base;

err_close:
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	if (l->created)
		unlink(path);
err_free:
	if (l)
		free(l->path);
	free(l);
	return NULL;
}
