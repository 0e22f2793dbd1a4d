/*
 * The host's side of a shared memory's client slots (shm_region.h,
 * docs/shm-layout.md), whatever the memory is.
 *
 * Slot life: a guest claims a FREE slot (CLAIMED), sets it up, marks it
 * CONNECTED and rings the doorbell; accept hands it out. Whoever leaves
 * first marks it CLOSED, whoever leaves second marks it FREE. A guest that
 * died cannot leave, so the host frees for it: after its session (the
 * channel notices the dead guest) or, for a slot the host already left, in
 * the periodic sweep (which also frees a slot left CLAIMED by a guest that
 * died while connecting).
 *
 * A dead guest is one whose pid is gone (a /dev/shm file: same kernel), or
 * whose heartbeat stood still for heartbeat_ms (ivshmem: another kernel).
 *
 * Everything read from the memory is the guest's word: the claim word is
 * compared whole against the one accepted, the pid is read once and only
 * ever passed to kill(pid, 0), the heartbeat is only compared, and the
 * rings check their counters.
 */
#include "transport/shm_region.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A slot stuck in CLAIMED this long belongs to a guest that died while
 * connecting (it takes microseconds): the sweep frees it. */
#define CLAIM_TIMEOUT_NS (1000ull * 1000000ull)

/* The host's private memory about each slot (the memory's word is the
 * guest's). `left_gen` is written before `held` is released and read after
 * it is seen released (or taken): the atomic orders it. */
struct slot_watch {
	_Atomic bool held;       /* a channel of ours uses the slot */
	uint64_t left_gen;       /* the generation we left first (CLOSED by us) */
	uint64_t claim;          /* sweep: the CLAIMED word last seen ... */
	uint64_t since;          /* ... and since when */
	uint32_t beat;           /* sweep: the guest's heartbeat last seen ... */
	uint64_t beat_since;     /* ... and since when */
};

struct shm_channel {
	struct sgl_channel base;
	struct sgl_shm_region *r;
	struct sgl_shm_slot *slot;
	uint32_t index;
	uint64_t claim;          /* the CONNECTED word we accepted */
	pid_t pid;               /* the guest's, read once; 0: unknown */
	uint32_t beat;           /* remote: the guest's heartbeat last seen ... */
	uint64_t beat_since;     /* ... and since when */
	struct sgl_shm_end rx;   /* the command ring */
	struct sgl_shm_end tx;   /* the reply ring */
	struct sgl_shm_peer peer;
	_Atomic bool shut;
	_Atomic bool guest_dead;
	_Atomic int broken;      /* -EPROTO once a counter was impossible */
};

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

/* A heartbeat that stood still for the region's timeout. `seen` and
 * `since` are the watcher's own memory. */
static bool beat_stopped(struct sgl_shm_region *r, _Atomic uint32_t *word, uint32_t *seen,
			 uint64_t *since, uint64_t now)
{
	uint32_t beat = atomic_load_explicit(word, memory_order_relaxed);
	/* A paused VM beats no heart: its time stands still for us too. */
	if (atomic_load_explicit(&r->paused, memory_order_relaxed)) {
		*since = now;
		return false;
	}
	if (beat != *seen || !*since) {
		*seen = beat;
		*since = now;
		return false;
	}
	return now - *since > (uint64_t)r->heartbeat_ms * 1000000u;
}

static struct sgl_shm_slot *slot_at(struct sgl_shm_region *r, uint32_t i)
{
	return (struct sgl_shm_slot *)(r->map + sgl_shm_slot_offset(r->ring_size, i));
}

void sgl_shm_region_ref(struct sgl_shm_region *r)
{
	atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
}

void sgl_shm_region_unref(struct sgl_shm_region *r)
{
	if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(r->watch);
	r->watch = NULL;
	r->release(r);
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
	if (c->guest_dead || atomic_load_explicit(&c->r->gone, memory_order_acquire))
		return SGL_SHM_GONE;
	if (!slow)
		return 0;
	if (c->r->remote ? beat_stopped(c->r, &c->slot->guest_heartbeat, &c->beat,
					&c->beat_since, now_ns())
			 : pid_gone(c->pid)) {
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
	sgl_shm_wake_self(c->r->notify, &c->slot->cmd.head_futex);
	sgl_shm_wake_self(c->r->notify, &c->slot->reply.tail_futex);
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
		c->r->watch[c->index].left_gen = SGL_SHM_CLAIM_GEN(c->claim);
		if (!atomic_load_explicit(&c->r->gone, memory_order_acquire)) {
			sgl_shm_wake_peer(c->r->notify, &c->slot->reply.head_futex);
			sgl_shm_wake_peer(c->r->notify, &c->slot->cmd.tail_futex);
		}
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
	struct sgl_shm_region *r = c->r;

	slot_leave(c);
	atomic_store_explicit(&r->watch[c->index].held, false, memory_order_release);
	free(c);
	sgl_shm_region_unref(r);
}

/* What a ticket of a slot's channel holds. */
#define TICKET_MAGIC 0x53484b54u   /* "SHKT" */
struct ticket {
	uint32_t magic;
	uint32_t index;
	uint64_t claim;
};

static int channel_ticket(struct sgl_channel *ch, void *t, size_t size, int *fd)
{
	struct shm_channel *c = (struct shm_channel *)ch;
	struct ticket k = { TICKET_MAGIC, c->index, c->claim };
	if (size < sizeof(k))
		return -EINVAL;
	memcpy(t, &k, sizeof(k));
	*fd = -1;
	return 0;
}

static const struct sgl_channel_ops channel_ops = {
	.read = channel_read,
	.write = channel_write,
	.shutdown = channel_shutdown,
	.destroy = channel_destroy,
	.ticket = channel_ticket,
};

static struct shm_channel *channel_new(struct sgl_shm_region *r, uint32_t i, uint64_t claim)
{
	struct sgl_shm_slot *s = slot_at(r, i);
	struct shm_channel *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->base.ops = &channel_ops;
	c->r = r;
	c->slot = s;
	c->index = i;
	c->claim = claim;
	/* Read once; the guest wrote it before CONNECTED (release). In
	 * another kernel it is only a number for the logs. */
	uint32_t pid = atomic_load_explicit(&s->guest_pid, memory_order_relaxed);
	c->pid = !r->remote && pid > 0 && pid <= INT32_MAX ? (pid_t)pid : 0;
	uint8_t *base = (uint8_t *)s;
	sgl_shm_end_init(&c->rx, &s->cmd, base + sgl_shm_cmd_data(), r->ring_size, &c->broken,
			 r->notify);
	sgl_shm_end_init(&c->tx, &s->reply, base + sgl_shm_reply_data(r->ring_size),
			 r->ring_size, &c->broken, r->notify);
	c->peer = (struct sgl_shm_peer){ .check = channel_check, .user = c };
	snprintf(c->base.peer, sizeof(c->base.peer), "%s slot %u (pid %u)", r->name, i, pid);
	sgl_shm_region_ref(r);
	return c;
}

/* ------------------------------------------------------------------------
 * Accepting and sweeping
 */

/* A slot to accept: CONNECTED, or CLOSED by a guest that left before we
 * accepted it (as with a socket, what it sent is still delivered, then the
 * end of stream). Not CLOSED by us: that guest is leaving. */
static bool acceptable(struct sgl_shm_region *r, uint32_t i, uint64_t w)
{
	uint32_t state = SGL_SHM_CLAIM_STATE(w);
	return state == SGL_SHM_CONNECTED ||
	       (state == SGL_SHM_CLOSED && SGL_SHM_CLAIM_GEN(w) != r->watch[i].left_gen);
}

struct sgl_channel *sgl_shm_region_accept(struct sgl_shm_region *r, int *err)
{
	*err = 0;
	if (atomic_load_explicit(&r->gone, memory_order_acquire))
		return NULL;
	for (uint32_t i = 0; i < r->slots; i++) {
		uint64_t w = atomic_load_explicit(&slot_at(r, i)->claim, memory_order_acquire);
		uint32_t state = SGL_SHM_CLAIM_STATE(w);
		if (state != SGL_SHM_CONNECTED && state != SGL_SHM_CLOSED)
			continue;
		bool no = false;
		if (!atomic_compare_exchange_strong(&r->watch[i].held, &no, true))
			continue;
		if (!acceptable(r, i, w)) {
			atomic_store_explicit(&r->watch[i].held, false, memory_order_release);
			continue;
		}
		uint64_t claim = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, SGL_SHM_CLAIM_GEN(w));
		struct shm_channel *c = channel_new(r, i, claim);
		if (c)
			return &c->base;
		atomic_store_explicit(&r->watch[i].held, false, memory_order_release);
		*err = -ENOMEM;
		return NULL;
	}
	return NULL;
}

/* Ours since the process that accepted it marked it held (this copy of
 * the watch may be older): mark it again here. */
struct sgl_channel *sgl_shm_region_redeem(struct sgl_shm_region *r, const void *t, size_t size)
{
	struct ticket k;
	if (size >= sizeof(k))
		memcpy(&k, t, sizeof(k));
	if (size < sizeof(k) || k.magic != TICKET_MAGIC || k.index >= r->slots) {
		errno = EINVAL;
		return NULL;
	}
	atomic_store_explicit(&r->watch[k.index].held, true, memory_order_release);
	struct shm_channel *c = channel_new(r, k.index, k.claim);
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	return &c->base;
}

struct sgl_channel *sgl_shm_region_accept_wait(struct sgl_shm_region *r, _Atomic bool *shut,
					       int ms, int *err)
{
	_Atomic uint32_t *word = &r->hdr->doorbell;
	for (;;) {
		uint32_t bell = atomic_load_explicit(word, memory_order_acquire);
		if (atomic_load_explicit(shut, memory_order_acquire)) {
			*err = -ECANCELED;
			return NULL;
		}
		struct sgl_channel *ch = sgl_shm_region_accept(r, err);
		if (ch || *err)
			return ch;
		sgl_shm_region_sweep(r);
		sgl_shm_futex_wait(word, bell, ms);
	}
}

void sgl_shm_region_shutdown_accept(struct sgl_shm_region *r, _Atomic bool *shut)
{
	atomic_store_explicit(shut, true, memory_order_seq_cst);
	sgl_shm_kick(&r->hdr->doorbell);
}

static bool guest_gone(struct sgl_shm_region *r, struct sgl_shm_slot *s, struct slot_watch *wt,
		       uint64_t now)
{
	if (r->remote)
		return beat_stopped(r, &s->guest_heartbeat, &wt->beat, &wt->beat_since, now);
	uint32_t pid = atomic_load_explicit(&s->guest_pid, memory_order_relaxed);
	return pid <= INT32_MAX && pid_gone((pid_t)pid);
}

/* Frees slots nobody else will free: CLOSED by us with the guest dead
 * since, and CLAIMED by a guest that died before it connected. One
 * sweeping thread at a time (watch[].claim, .since and .beat are its own). */
static void sweep_slot(struct sgl_shm_region *r, uint32_t i, uint64_t now)
{
	struct sgl_shm_slot *s = slot_at(r, i);
	struct slot_watch *wt = &r->watch[i];
	uint64_t w = atomic_load_explicit(&s->claim, memory_order_acquire);
	uint64_t freed = SGL_SHM_CLAIM(SGL_SHM_FREE, SGL_SHM_CLAIM_GEN(w));
	uint32_t state = SGL_SHM_CLAIM_STATE(w);

	if (state == SGL_SHM_CLOSED && SGL_SHM_CLAIM_GEN(w) == wt->left_gen) {
		if (guest_gone(r, s, wt, now))
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

void sgl_shm_region_sweep(struct sgl_shm_region *r)
{
	uint64_t now = now_ns();
	if (now < r->next_sweep)
		return;
	r->next_sweep = now + SGL_SHM_WAIT_MS * 1000000ull;
	atomic_fetch_add_explicit(&r->hdr->host_heartbeat, 1, memory_order_relaxed);
	for (uint32_t i = 0; i < r->slots; i++) {
		if (!atomic_load_explicit(&r->watch[i].held, memory_order_acquire))
			sweep_slot(r, i, now);
	}
}

void sgl_shm_region_wake_host(struct sgl_shm_region *r)
{
	for (uint32_t i = 0; i < r->slots; i++) {
		if (!atomic_load_explicit(&r->watch[i].held, memory_order_acquire))
			continue;
		struct sgl_shm_slot *s = slot_at(r, i);
		sgl_shm_futex_notify.wake(NULL, &s->cmd.head_futex);
		sgl_shm_futex_notify.wake(NULL, &s->reply.tail_futex);
	}
}

/* ------------------------------------------------------------------------
 * Starting and stopping
 */

int sgl_shm_region_init(struct sgl_shm_region *r, void *map, size_t map_size, uint32_t slots,
			uint32_t ring_size)
{
	*r = (struct sgl_shm_region){
		.map = map, .map_size = map_size, .hdr = map, .slots = slots,
		.ring_size = ring_size, .notify = &sgl_shm_futex_notify,
		.heartbeat_ms = SGL_SHM_HEARTBEAT_MS,
	};
	atomic_init(&r->refs, 1);
	r->watch = calloc(slots, sizeof(*r->watch));
	if (!r->watch)
		return -ENOMEM;
	for (uint32_t i = 0; i < slots; i++)
		r->watch[i].left_gen = UINT64_MAX;   /* no generation is that */
	snprintf(r->name, sizeof(r->name), "shm");
	return 0;
}

int sgl_shm_geometry(uint32_t *slots, uint32_t *ring, uint64_t *size, bool pow2, char *err,
		     size_t err_size)
{
	if (!*slots)
		*slots = SGL_SHM_DEFAULT_SLOTS;
	if (!*ring)
		*ring = SGL_SHM_DEFAULT_RING;
	if (*slots > SGL_SHM_MAX_SLOTS) {
		sgl_shm_fail(err, err_size, "shm: %u slots, at most %u", *slots, SGL_SHM_MAX_SLOTS);
		return -EINVAL;
	}
	if (!sgl_shm_ring_size_ok(*ring)) {
		sgl_shm_fail(err, err_size, "shm: ring size %u is not a power of two in %u..%u",
			     *ring, SGL_SHM_MIN_RING, SGL_SHM_MAX_RING);
		return -EINVAL;
	}
	uint64_t need = sgl_shm_file_size(*slots, *ring);
	if (!pow2) {
		*size = need;
	} else if (!*size) {
		*size = sgl_shm_bar_size(need);
	} else if (*size & (*size - 1)) {
		sgl_shm_fail(err, err_size, "ivshmem: size %llu is not a power of two",
			     (unsigned long long)*size);
		return -EINVAL;
	} else if (*size < need) {
		uint64_t fit = *size > SGL_SHM_SLOTS_OFFSET ?
			(*size - SGL_SHM_SLOTS_OFFSET) / sgl_shm_slot_stride(*ring) : 0;
		if (!fit) {
			sgl_shm_fail(err, err_size, "ivshmem: %llu bytes hold no slot of %u-byte "
				     "rings", (unsigned long long)*size, *ring);
			return -EINVAL;
		}
		*slots = (uint32_t)fit;
	}
	if (*size > SIZE_MAX) {
		sgl_shm_fail(err, err_size, "shm: %llu bytes do not fit", (unsigned long long)*size);
		return -EINVAL;
	}
	return 0;
}

static uint64_t new_generation(uint32_t salt)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
	       ((uint64_t)salt << 40);
}

/* Write the constants, then say we are alive, last, with release, so a
 * guest that sees host_alive sees the rest. Slots are FREE generation 0 by
 * being zero. */
void sgl_shm_region_start(struct sgl_shm_region *r, uint32_t host_pid)
{
	struct sgl_shm_info *info = &r->hdr->info;
	info->magic = SGL_SHM_MAGIC;
	info->version = SGL_SHM_VERSION;
	info->slot_count = r->slots;
	info->ring_size = r->ring_size;
	info->slots_offset = SGL_SHM_SLOTS_OFFSET;
	info->slot_stride = sgl_shm_slot_stride(r->ring_size);
	info->file_size = sgl_shm_file_size(r->slots, r->ring_size);
	static _Atomic uint32_t starts;
	uint32_t salt = (uint32_t)getpid() ^ (atomic_fetch_add(&starts, 1) << 22);
	atomic_store_explicit(&r->hdr->host_generation, new_generation(salt),
			      memory_order_relaxed);
	atomic_store_explicit(&r->hdr->host_pid, host_pid, memory_order_relaxed);
	atomic_store_explicit(&r->hdr->host_alive, 1, memory_order_release);
}

/* Guests blocked on us see host_alive == 0 when woken. */
void sgl_shm_region_stop(struct sgl_shm_region *r)
{
	atomic_store_explicit(&r->hdr->host_alive, 0, memory_order_seq_cst);
	for (uint32_t i = 0; i < r->slots; i++) {
		struct sgl_shm_slot *s = slot_at(r, i);
		sgl_shm_wake_peer(r->notify, &s->reply.head_futex);
		sgl_shm_wake_peer(r->notify, &s->cmd.tail_futex);
	}
}
