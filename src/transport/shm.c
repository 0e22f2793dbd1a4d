/*
 * The shared-memory listener: a file of client slots (protocol/sgl_shm.h,
 * docs/shm-layout.md) that guests map; each connected slot is a channel.
 *
 * Slot life: a guest claims a FREE slot (CLAIMED), sets it up, marks it
 * CONNECTED and rings the doorbell; accept() hands it out. Whoever leaves
 * first marks it CLOSED, whoever leaves second marks it FREE. A guest that
 * died cannot leave, so the host frees for it: after its session (the
 * channel notices the dead pid) or, for a slot the host already left, in
 * accept's periodic sweep (which also frees a slot left CLAIMED by a guest
 * that died while connecting).
 *
 * Everything read from the file is the guest's word: the claim word is
 * compared whole against the one accepted, the pid is read once and only
 * ever passed to kill(pid, 0), and the rings check their counters.
 */
#include "transport/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sgl_shm.h"

/* A slot stuck in CLAIMED this long belongs to a guest that died while
 * connecting (it takes microseconds): the sweep frees it. */
#define CLAIM_TIMEOUT_NS (1000ull * 1000000ull)

/* The host's private memory about each slot (the file's word is the
 * guest's). `left_gen` is written before `held` is released and read after
 * it is seen released (or taken): the atomic orders it. */
struct slot_watch {
	_Atomic bool held;       /* a channel of ours uses the slot */
	uint64_t left_gen;       /* the generation we left first (CLOSED by us) */
	uint64_t claim;          /* sweep: the CLAIMED word last seen ... */
	uint64_t since;          /* ... and since when */
};

struct shm_listener {
	struct sgl_listener base;
	/* The mapping lives as long as the listener or any of its channels. */
	_Atomic unsigned refs;
	_Atomic bool shut;
	uint8_t *map;
	size_t map_size;
	struct sgl_shm_header *hdr;
	uint32_t slots, ring_size;
	struct slot_watch *watch;
	uint64_t next_sweep;     /* the accepting thread's */
	char *path;
};

struct shm_channel {
	struct sgl_channel base;
	struct shm_listener *l;
	struct sgl_shm_slot *slot;
	uint32_t index;
	uint64_t claim;          /* the CONNECTED word we accepted */
	pid_t pid;               /* the guest's, read once; 0: unknown */
	struct sgl_shm_end rx;   /* the command ring */
	struct sgl_shm_end tx;   /* the reply ring */
	struct sgl_shm_peer peer;
	_Atomic bool shut;
	_Atomic bool guest_dead;
	_Atomic int broken;      /* -EPROTO once a counter was impossible */
};

static const struct sgl_listener_ops listener_ops;
static const struct sgl_channel_ops channel_ops;

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

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* kill(2) with signal 0 "checks for the existence of a process"; EPERM
 * means it exists under another user. A recycled pid reads as alive. */
static bool pid_gone(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == -1 && errno == ESRCH;
}

static struct sgl_shm_slot *slot_at(struct shm_listener *l, uint32_t i)
{
	return (struct sgl_shm_slot *)(l->map + sgl_shm_slot_offset(l->ring_size, i));
}

static void listener_unref(struct shm_listener *l)
{
	if (atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) != 1)
		return;
	munmap(l->map, l->map_size);
	free(l->watch);
	free(l->path);
	free(l);
}

/* ------------------------------------------------------------------------
 * The channel
 */

static int channel_check(void *user, bool slow)
{
	struct shm_channel *c = user;

	if (atomic_load_explicit(&c->shut, memory_order_acquire))
		return -EPIPE;
	if (atomic_load_explicit(&c->slot->claim, memory_order_acquire) != c->claim)
		return SGL_SHM_GONE;
	if (c->guest_dead)
		return SGL_SHM_GONE;
	if (slow && pid_gone(c->pid)) {
		c->guest_dead = true;
		return SGL_SHM_GONE;
	}
	return 0;
}

static ssize_t channel_read(struct sgl_channel *base, void *buf, size_t n)
{
	struct shm_channel *c = (struct shm_channel *)base;

	return sgl_shm_read(&c->rx, buf, n, &c->peer);
}

static int channel_write(struct sgl_channel *base, const void *buf, size_t n)
{
	struct shm_channel *c = (struct shm_channel *)base;

	return sgl_shm_write(&c->tx, buf, n, &c->peer);
}

/* Our own blocked read and write sleep on these words; bumping them after
 * `shut` is set means they either see it before sleeping or are woken. */
static void channel_shutdown(struct sgl_channel *base)
{
	struct shm_channel *c = (struct shm_channel *)base;

	atomic_store_explicit(&c->shut, true, memory_order_seq_cst);
	sgl_shm_kick(&c->slot->cmd.head_futex);
	sgl_shm_kick(&c->slot->reply.tail_futex);
}

/* The second to leave frees the slot; a dead guest has left already. */
static void slot_leave(struct shm_channel *c)
{
	uint64_t closed = SGL_SHM_CLAIM(SGL_SHM_CLOSED, SGL_SHM_CLAIM_GEN(c->claim));
	uint64_t freed = SGL_SHM_CLAIM(SGL_SHM_FREE, SGL_SHM_CLAIM_GEN(c->claim));
	uint64_t w = c->claim;

	if (!c->guest_dead && atomic_compare_exchange_strong(&c->slot->claim, &w, closed)) {
		/* The guest is still there: let its read or write see it. The
		 * sweep frees the slot if it dies before it leaves. */
		c->l->watch[c->index].left_gen = SGL_SHM_CLAIM_GEN(c->claim);
		sgl_shm_kick(&c->slot->reply.head_futex);
		sgl_shm_kick(&c->slot->cmd.tail_futex);
		return;
	}
	/* Guest closed (w == closed) or dead: free whatever its state. */
	w = atomic_load_explicit(&c->slot->claim, memory_order_acquire);
	if (SGL_SHM_CLAIM_GEN(w) == SGL_SHM_CLAIM_GEN(c->claim))
		atomic_compare_exchange_strong(&c->slot->claim, &w, freed);
}

static void channel_destroy(struct sgl_channel *base)
{
	struct shm_channel *c = (struct shm_channel *)base;
	struct shm_listener *l = c->l;

	slot_leave(c);
	atomic_store_explicit(&l->watch[c->index].held, false, memory_order_release);
	free(c);
	listener_unref(l);
}

static const struct sgl_channel_ops channel_ops = {
	.read = channel_read,
	.write = channel_write,
	.shutdown = channel_shutdown,
	.destroy = channel_destroy,
};

static struct shm_channel *channel_new(struct shm_listener *l, uint32_t i, uint64_t claim)
{
	struct sgl_shm_slot *s = slot_at(l, i);
	struct shm_channel *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->base.ops = &channel_ops;
	c->l = l;
	c->slot = s;
	c->index = i;
	c->claim = claim;
	/* Read once; the guest wrote it before CONNECTED (release). */
	uint32_t pid = atomic_load_explicit(&s->guest_pid, memory_order_relaxed);
	c->pid = pid > 0 && pid <= INT32_MAX ? (pid_t)pid : 0;
	uint8_t *base = (uint8_t *)s;
	sgl_shm_end_init(&c->rx, &s->cmd, base + sgl_shm_cmd_data(), l->ring_size, &c->broken);
	sgl_shm_end_init(&c->tx, &s->reply, base + sgl_shm_reply_data(l->ring_size),
			 l->ring_size, &c->broken);
	c->peer = (struct sgl_shm_peer){ .check = channel_check, .user = c };
	snprintf(c->base.peer, sizeof(c->base.peer), "shm slot %u (pid %u)", i, pid);
	atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
	return c;
}

/* ------------------------------------------------------------------------
 * Accepting
 */

/* A slot to accept: CONNECTED, or CLOSED by a guest that left before we
 * accepted it (as with a socket, what it sent is still delivered, then the
 * end of stream). Not CLOSED by us: that guest is leaving. */
static bool acceptable(struct shm_listener *l, uint32_t i, uint64_t w)
{
	uint32_t state = SGL_SHM_CLAIM_STATE(w);
	return state == SGL_SHM_CONNECTED ||
	       (state == SGL_SHM_CLOSED && SGL_SHM_CLAIM_GEN(w) != l->watch[i].left_gen);
}

/* Takes an acceptable slot that no channel holds; *claim is the CONNECTED
 * word of its generation. */
static int take_slot(struct shm_listener *l, uint64_t *claim)
{
	for (uint32_t i = 0; i < l->slots; i++) {
		uint64_t w = atomic_load_explicit(&slot_at(l, i)->claim, memory_order_acquire);
		uint32_t state = SGL_SHM_CLAIM_STATE(w);
		if (state != SGL_SHM_CONNECTED && state != SGL_SHM_CLOSED)
			continue;
		bool no = false;
		if (!atomic_compare_exchange_strong(&l->watch[i].held, &no, true))
			continue;
		if (!acceptable(l, i, w)) {
			atomic_store_explicit(&l->watch[i].held, false, memory_order_release);
			continue;
		}
		*claim = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, SGL_SHM_CLAIM_GEN(w));
		return (int)i;
	}
	return -1;
}

/* Frees slots nobody else will free: CLOSED by us with the guest dead
 * since, and CLAIMED by a guest that died before it connected. One
 * accepting thread at a time (watch[].claim and .since are its own). */
static void sweep_slot(struct shm_listener *l, uint32_t i, uint64_t now)
{
	struct sgl_shm_slot *s = slot_at(l, i);
	struct slot_watch *wt = &l->watch[i];
	uint64_t w = atomic_load_explicit(&s->claim, memory_order_acquire);
	uint64_t freed = SGL_SHM_CLAIM(SGL_SHM_FREE, SGL_SHM_CLAIM_GEN(w));
	uint32_t state = SGL_SHM_CLAIM_STATE(w);

	if (state == SGL_SHM_CLOSED && SGL_SHM_CLAIM_GEN(w) == wt->left_gen) {
		uint32_t pid = atomic_load_explicit(&s->guest_pid, memory_order_relaxed);
		if (pid <= INT32_MAX && pid_gone((pid_t)pid))
			atomic_compare_exchange_strong(&s->claim, &w, freed);
	} else if (state == SGL_SHM_CLAIMED && w == wt->claim) {
		if (now - wt->since > CLAIM_TIMEOUT_NS)
			atomic_compare_exchange_strong(&s->claim, &w, freed);
	}
	if (state != SGL_SHM_CLAIMED || w != wt->claim) {
		wt->claim = w;
		wt->since = now;
	}
}

/* Every SGL_SHM_WAIT_MS of accepting, whatever rings the doorbell. */
static void sweep(struct shm_listener *l)
{
	uint64_t now = now_ns();
	if (now < l->next_sweep)
		return;
	l->next_sweep = now + SGL_SHM_WAIT_MS * 1000000ull;
	for (uint32_t i = 0; i < l->slots; i++) {
		if (!atomic_load_explicit(&l->watch[i].held, memory_order_acquire))
			sweep_slot(l, i, now);
	}
}

/*
 * The doorbell is read before the scan: a guest marks its slot CONNECTED,
 * then bumps the doorbell. Either our load saw the bump (and, acquire, the
 * slot), or the futex word differs from `bell` when we wait and the kernel
 * returns at once. shutdown() sets `shut` before it bumps: same reasoning.
 */
static struct sgl_channel *listener_accept(struct sgl_listener *base, int *err)
{
	struct shm_listener *l = (struct shm_listener *)base;
	uint64_t claim;

	for (;;) {
		uint32_t bell = atomic_load_explicit(&l->hdr->doorbell, memory_order_acquire);
		if (atomic_load_explicit(&l->shut, memory_order_acquire)) {
			*err = -ECANCELED;
			return NULL;
		}
		int i = take_slot(l, &claim);
		if (i >= 0) {
			struct shm_channel *c = channel_new(l, (uint32_t)i, claim);
			if (c)
				return &c->base;
			atomic_store(&l->watch[i].held, false);
			*err = -ENOMEM;
			return NULL;
		}
		sweep(l);
		sgl_shm_futex_wait(&l->hdr->doorbell, bell, SGL_SHM_WAIT_MS);
	}
}

static void listener_shutdown(struct sgl_listener *base)
{
	struct shm_listener *l = (struct shm_listener *)base;

	atomic_store_explicit(&l->shut, true, memory_order_seq_cst);
	sgl_shm_kick(&l->hdr->doorbell);
}

/* Guests blocked on us see host_alive == 0 when woken. */
static void wake_guests(struct shm_listener *l)
{
	for (uint32_t i = 0; i < l->slots; i++) {
		struct sgl_shm_slot *s = slot_at(l, i);
		sgl_shm_kick(&s->reply.head_futex);
		sgl_shm_kick(&s->cmd.tail_futex);
	}
}

static void listener_destroy(struct sgl_listener *base)
{
	struct shm_listener *l = (struct shm_listener *)base;

	atomic_store_explicit(&l->hdr->host_alive, 0, memory_order_seq_cst);
	wake_guests(l);
	unlink(l->path);
	listener_unref(l);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
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

static uint64_t new_generation(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
	       ((uint64_t)getpid() << 40);
}

/* The file was just created (all zero): write the constants, then say we
 * are alive, last, with release, so a guest that sees host_alive sees the
 * rest. Slots are FREE generation 0 by being zero. */
static void init_header(struct shm_listener *l)
{
	struct sgl_shm_info *info = &l->hdr->info;
	info->magic = SGL_SHM_MAGIC;
	info->version = SGL_SHM_VERSION;
	info->slot_count = l->slots;
	info->ring_size = l->ring_size;
	info->slots_offset = SGL_SHM_SLOTS_OFFSET;
	info->slot_stride = sgl_shm_slot_stride(l->ring_size);
	info->file_size = sgl_shm_file_size(l->slots, l->ring_size);
	atomic_store_explicit(&l->hdr->host_generation, new_generation(), memory_order_relaxed);
	atomic_store_explicit(&l->hdr->host_pid, (uint32_t)getpid(), memory_order_relaxed);
	atomic_store_explicit(&l->hdr->host_alive, 1, memory_order_release);
}

static int check_config(const struct sgl_shm_config *cfg, uint32_t *slots, uint32_t *ring,
			char *err, size_t err_size)
{
	*slots = cfg->slots ? cfg->slots : SGL_SHM_DEFAULT_SLOTS;
	*ring = cfg->ring_size ? cfg->ring_size : SGL_SHM_DEFAULT_RING;
	if (*slots > SGL_SHM_MAX_SLOTS) {
		fail(err, err_size, "shm: %u slots, at most %u", *slots, SGL_SHM_MAX_SLOTS);
		return -EINVAL;
	}
	if (!sgl_shm_ring_size_ok(*ring)) {
		fail(err, err_size, "shm: ring size %u is not a power of two in %u..%u",
		     *ring, SGL_SHM_MIN_RING, SGL_SHM_MAX_RING);
		return -EINVAL;
	}
	if (sgl_shm_file_size(*slots, *ring) > SIZE_MAX) {
		fail(err, err_size, "shm: %u slots of %u bytes do not fit", *slots, *ring);
		return -EINVAL;
	}
	return 0;
}

static int map_file(struct shm_listener *l, int fd, char *err, size_t err_size)
{
	l->map_size = (size_t)sgl_shm_file_size(l->slots, l->ring_size);
	if (ftruncate(fd, (off_t)l->map_size) < 0) {
		fail(err, err_size, "cannot size %s to %zu bytes: %s", l->path, l->map_size,
		     strerror(errno));
		return -errno;
	}
	void *m = mmap(NULL, l->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fail(err, err_size, "cannot map %s: %s", l->path, strerror(errno));
		return -errno;
	}
	l->map = m;
	l->hdr = m;
	return 0;
}

struct sgl_listener *sgl_shm_listen(const struct sgl_shm_config *cfg, char *err, size_t err_size)
{
	const char *path = cfg->path ? cfg->path : SGL_SHM_DEFAULT_PATH;
	uint32_t slots, ring;
	int fd, r;

	if (check_config(cfg, &slots, &ring, err, err_size) < 0)
		return NULL;
	struct shm_listener *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path)) || !(l->watch = calloc(slots, sizeof(*l->watch)))) {
		fail(err, err_size, "shm: out of memory");
		goto err_free;
	}
	l->slots = slots;
	l->ring_size = ring;
	for (uint32_t i = 0; i < slots; i++)
		l->watch[i].left_gen = UINT64_MAX;   /* no generation is that */
	fd = create_file(path, cfg->remove_stale, err, err_size);
	if (fd < 0)
		goto err_free;
	r = map_file(l, fd, err, err_size);
	close(fd);
	if (r < 0)
		goto err_unlink;
	init_header(l);
	l->base.ops = &listener_ops;
	snprintf(l->base.desc, sizeof(l->base.desc), "shm %s", path);
	atomic_init(&l->refs, 1);
	return &l->base;

err_unlink:
	unlink(path);
err_free:
	if (l) {
		free(l->watch);
		free(l->path);
	}
	free(l);
	return NULL;
}
