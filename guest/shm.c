/*
 * The guest's end of the shared-memory transport: claim a free slot of the
 * host's file, set it up, ring the doorbell; then the slot's command ring
 * is ours to write and its reply ring ours to read (protocol/sgl_shm.h,
 * docs/shm-layout.md).
 *
 * The host is trusted no more than it trusts us: the header is copied and
 * checked before anything is mapped, addresses are computed from that
 * checked copy only, and the rings check every counter they read.
 */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "sgl_shm.h"

struct shm_guest {
	struct sgl_channel base;
	uint8_t *map;
	size_t map_size;
	struct sgl_shm_header *hdr;
	struct sgl_shm_slot *slot;
	uint64_t claim;          /* our CONNECTED word */
	uint64_t host_gen;       /* the host we connected to */
	pid_t host_pid;          /* 0: not in our pid namespace */
	struct sgl_shm_end rx;   /* the reply ring */
	struct sgl_shm_end tx;   /* the command ring */
	struct sgl_shm_peer peer;
	_Atomic bool shut;
	_Atomic bool host_dead;
	_Atomic int broken;      /* -EPROTO once a counter was impossible */
};

/* Keeps errno: callers return -errno after it. */
__attribute__((format(printf, 3, 4)))
static void fail(char *err, size_t err_size, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

/* ------------------------------------------------------------------------
 * The channel
 */

/* The host left our slot (CLOSED or FREE: the word changed), stopped, was
 * replaced by another host, or its process is gone. */
static int guest_check(void *user, bool slow)
{
	struct shm_guest *g = user;

	if (atomic_load_explicit(&g->shut, memory_order_acquire))
		return -EPIPE;
	if (atomic_load_explicit(&g->slot->claim, memory_order_acquire) != g->claim)
		return SGL_SHM_GONE;
	if (!atomic_load_explicit(&g->hdr->host_alive, memory_order_acquire) ||
	    atomic_load_explicit(&g->hdr->host_generation, memory_order_relaxed) != g->host_gen)
		return SGL_SHM_GONE;
	if (g->host_dead)
		return SGL_SHM_GONE;
	/* kill(2) with signal 0 "checks for the existence of a process". */
	if (slow && g->host_pid > 0 && kill(g->host_pid, 0) == -1 && errno == ESRCH) {
		g->host_dead = true;
		return SGL_SHM_GONE;
	}
	return 0;
}

static ssize_t guest_read(struct sgl_channel *ch, void *buf, size_t n)
{
	struct shm_guest *g = (struct shm_guest *)ch;

	return sgl_shm_read(&g->rx, buf, n, &g->peer);
}

static int guest_write(struct sgl_channel *ch, const void *buf, size_t n)
{
	struct shm_guest *g = (struct shm_guest *)ch;

	return sgl_shm_write(&g->tx, buf, n, &g->peer);
}

/* Our blocked read and write sleep on these words: bumped after `shut` is
 * set, they either see it before sleeping or are woken. */
static void guest_shutdown(struct sgl_channel *ch)
{
	struct shm_guest *g = (struct shm_guest *)ch;

	atomic_store_explicit(&g->shut, true, memory_order_seq_cst);
	sgl_shm_kick(&g->slot->reply.head_futex);
	sgl_shm_kick(&g->slot->cmd.tail_futex);
}

/* The first to leave marks the slot CLOSED, the second frees it. */
static void slot_leave(struct shm_guest *g)
{
	uint64_t gen = SGL_SHM_CLAIM_GEN(g->claim);
	uint64_t closed = SGL_SHM_CLAIM(SGL_SHM_CLOSED, gen);
	uint64_t w = g->claim;

	if (atomic_compare_exchange_strong(&g->slot->claim, &w, closed)) {
		/* The host's read sees the end, its blocked write too. */
		sgl_shm_kick(&g->slot->cmd.head_futex);
		sgl_shm_kick(&g->slot->reply.tail_futex);
	} else if (w == closed) {
		atomic_compare_exchange_strong(&g->slot->claim, &w, SGL_SHM_CLAIM(SGL_SHM_FREE, gen));
	}
}

static void guest_destroy(struct sgl_channel *ch)
{
	struct shm_guest *g = (struct shm_guest *)ch;

	if (g->slot)
		slot_leave(g);
	munmap(g->map, g->map_size);
	free(g);
}

static const struct sgl_channel_ops guest_ops = {
	.read = guest_read,
	.write = guest_write,
	.shutdown = guest_shutdown,
	.destroy = guest_destroy,
};

/* ------------------------------------------------------------------------
 * Connecting
 */

/* Copies the header out of the file and checks it; maps the file. */
static int map_file(struct shm_guest *g, const char *path, struct sgl_shm_header *h,
		    char *err, size_t err_size)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(err, err_size, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	int r = -EPROTO;
	ssize_t got = pread(fd, h, sizeof(*h), 0);
	const char *why = got == (ssize_t)sizeof(*h) ? sgl_shm_info_check(&h->info) : "too short";
	if (!why && !atomic_load(&h->host_alive)) {
		why = "no host is serving it";
		r = -ECONNREFUSED;
	}
	if (!why && (fstat(fd, &st) < 0 || (uint64_t)st.st_size < h->info.file_size ||
		     h->info.file_size > SIZE_MAX))
		why = "shorter than its header says";
	if (why) {
		fail(err, err_size, "%s: %s", path, why);
		goto out;
	}
	g->map_size = (size_t)h->info.file_size;
	void *m = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		r = -errno;
		fail(err, err_size, "cannot map %s: %s", path, strerror(errno));
		goto out;
	}
	g->map = m;
	g->hdr = m;
	r = 0;
out:
	close(fd);
	errno = -r;
	return r;
}

/* A compare-and-swap from FREE to CLAIMED with the next generation: of two
 * guests racing for one slot, exactly one wins it. *gen: the generation we
 * claimed (kept, never read back from the file). */
static struct sgl_shm_slot *claim_slot(struct shm_guest *g, const struct sgl_shm_info *info,
				       uint32_t *index, uint64_t *gen)
{
	for (uint32_t i = 0; i < info->slot_count; i++) {
		uint64_t off = sgl_shm_slot_offset(info->ring_size, i);
		struct sgl_shm_slot *s = (struct sgl_shm_slot *)(g->map + off);
		uint64_t w = atomic_load_explicit(&s->claim, memory_order_acquire);
		if (SGL_SHM_CLAIM_STATE(w) != SGL_SHM_FREE)
			continue;
		uint64_t mine = SGL_SHM_CLAIM(SGL_SHM_CLAIMED, SGL_SHM_CLAIM_GEN(w) + 1);
		if (atomic_compare_exchange_strong(&s->claim, &w, mine)) {
			*index = i;
			*gen = SGL_SHM_CLAIM_GEN(mine);
			return s;
		}
	}
	return NULL;
}

/* Sets the claimed slot up, then publishes it: CONNECTED with release, so
 * a host that sees it sees zeroed rings and our pid; then the doorbell. */
static void connect_slot(struct shm_guest *g, uint32_t ring_size, uint64_t gen)
{
	struct sgl_shm_slot *s = g->slot;
	uint8_t *base = (uint8_t *)s;

	sgl_shm_ring_reset(&s->cmd);
	sgl_shm_ring_reset(&s->reply);
	atomic_store_explicit(&s->guest_pid, (uint32_t)getpid(), memory_order_relaxed);
	sgl_shm_end_init(&g->tx, &s->cmd, base + sgl_shm_cmd_data(), ring_size, &g->broken);
	sgl_shm_end_init(&g->rx, &s->reply, base + sgl_shm_reply_data(ring_size), ring_size,
			 &g->broken);
	g->claim = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, gen);
	atomic_store_explicit(&s->claim, g->claim, memory_order_release);
	sgl_shm_kick(&g->hdr->doorbell);
}

struct sgl_channel *sgl_shm_connect(const char *path, char *err, size_t err_size)
{
	struct sgl_shm_header h;
	uint32_t index;
	uint64_t gen;

	if (!path)
		path = SGL_SHM_DEFAULT_PATH;
	struct shm_guest *g = calloc(1, sizeof(*g));
	if (!g) {
		fail(err, err_size, "shm: out of memory");
		return NULL;
	}
	if (map_file(g, path, &h, err, err_size) < 0)
		goto err_free;
	g->host_gen = atomic_load(&h.host_generation);
	uint32_t pid = atomic_load(&h.host_pid);
	g->host_pid = pid <= INT32_MAX ? (pid_t)pid : 0;
	g->slot = claim_slot(g, &h.info, &index, &gen);
	if (!g->slot) {
		errno = EBUSY;
		fail(err, err_size, "%s: all %u slots are taken", path, h.info.slot_count);
		goto err_unmap;
	}
	connect_slot(g, h.info.ring_size, gen);
	g->base.ops = &guest_ops;
	g->peer = (struct sgl_shm_peer){ .check = guest_check, .user = g };
	snprintf(g->base.peer, sizeof(g->base.peer), "shm slot %u", index);
	return &g->base;

err_unmap:
	munmap(g->map, g->map_size);
err_free:
	free(g);
	return NULL;
}
