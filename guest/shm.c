/*
 * The guest's end of the shared-memory transport: claim a free slot of the
 * host's file, set it up, ring the doorbell; then the slot's command ring
 * is ours to write and its reply ring ours to read (protocol/sgl_shm.h,
 * docs/shm-layout.md).
 *
 * The memory is a /dev/shm file here (sgl_shm_connect) or an ivshmem BAR2
 * (ivshmem.c); both come to sgl_shm_attach.
 *
 * The host is trusted no more than it trusts us: the header is copied and
 * checked before the memory is used (for a file, before it is mapped),
 * addresses are computed from that checked copy only, and the rings check
 * every counter they read.
 *
 * Where the host is in another kernel (host_pid 0: ivshmem), neither pids
 * nor futexes cross: a thread beats our heartbeat in the slot, the host's
 * heartbeat in the header tells us it lives, and we poll unless the
 * transport has a doorbell.
 */
#include "shm.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "platform.h"
#include "sgl_shm.h"

struct shm_guest {
	struct sgl_channel base;
	struct sgl_shm_memory mem;
	struct sgl_shm_header *hdr;
	struct sgl_shm_slot *slot;
	uint64_t claim;          /* our CONNECTED word */
	uint64_t host_gen;       /* the host we connected to */
	uint32_t host_pid;       /* 0: not in our pid namespace */
	bool remote;             /* host_pid 0: heartbeats */
	uint32_t host_beat;      /* remote: the host's heartbeat last seen ... */
	uint64_t host_beat_since;    /* ... and since when */
	pthread_t beat_thread;
	bool beating;
	pthread_mutex_t beat_lock;
	pthread_cond_t beat_cond;
	bool beat_stop;
	struct sgl_shm_end rx;   /* the reply ring */
	struct sgl_shm_end tx;   /* the command ring */
	struct sgl_shm_peer peer;
	_Atomic bool shut;
	_Atomic bool host_dead;
	_Atomic int broken;      /* -EPROTO once a counter was impossible */
	_Atomic bool left;       /* slot_leave ran: the slot is no longer ours */
	uint32_t pid;            /* the process that connected */
	struct shm_guest *next;  /* live guests (leave_at_exit) */
};

/* Guests of this process whose slot is still theirs: left at exit. */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shm_guest *live;

#define fail sgl_shm_fail

/* ------------------------------------------------------------------------
 * The channel
 */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The host's heartbeat stood still for SGL_SHM_HEARTBEAT_MS. */
static bool host_beat_stopped(struct shm_guest *g)
{
	uint64_t now = now_ns();
	uint32_t beat = atomic_load_explicit(&g->hdr->host_heartbeat, memory_order_relaxed);
	if (beat != g->host_beat) {
		g->host_beat = beat;
		g->host_beat_since = now;
		return false;
	}
	return now - g->host_beat_since > SGL_SHM_HEARTBEAT_MS * 1000000ull;
}

/* The host left our slot (CLOSED or FREE: the word changed), stopped, was
 * replaced by another host, or its process (or heartbeat) is gone. */
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
	if (slow && g->remote && host_beat_stopped(g)) {
		g->host_dead = true;
		return SGL_SHM_GONE;
	}
	if (slow && g->host_pid > 0 && sgl_process_gone(g->host_pid)) {
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
	sgl_shm_wake_self(g->rx.notify, &g->slot->reply.head_futex);
	sgl_shm_wake_self(g->tx.notify, &g->slot->cmd.tail_futex);
}

/* The first to leave marks the slot CLOSED, the second frees it. Once
 * only: a second CLOSED -> FREE of ours would free a slot the host still
 * serves. */
static void slot_leave(struct shm_guest *g)
{
	if (atomic_exchange(&g->left, true))
		return;
	uint64_t gen = SGL_SHM_CLAIM_GEN(g->claim);
	uint64_t closed = SGL_SHM_CLAIM(SGL_SHM_CLOSED, gen);
	uint64_t w = g->claim;

	if (atomic_compare_exchange_strong(&g->slot->claim, &w, closed)) {
		/* The host's read sees the end, its blocked write too. */
		sgl_shm_wake_peer(g->tx.notify, &g->slot->cmd.head_futex);
		sgl_shm_wake_peer(g->rx.notify, &g->slot->reply.tail_futex);
	} else if (w == closed) {
		atomic_compare_exchange_strong(&g->slot->claim, &w, SGL_SHM_CLAIM(SGL_SHM_FREE, gen));
	}
}

static void beat_stop(struct shm_guest *g)
{
	if (!g->beating)
		return;
	pthread_mutex_lock(&g->beat_lock);
	g->beat_stop = true;
	pthread_cond_signal(&g->beat_cond);
	pthread_mutex_unlock(&g->beat_lock);
	pthread_join(g->beat_thread, NULL);
	pthread_cond_destroy(&g->beat_cond);
	pthread_mutex_destroy(&g->beat_lock);
	g->beating = false;
}

static void live_remove(struct shm_guest *g)
{
	pthread_mutex_lock(&live_lock);
	for (struct shm_guest **p = &live; *p; p = &(*p)->next) {
		if (*p == g) {
			*p = g->next;
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
}

/*
 * A program that exits without destroying its contexts (most test programs,
 * anything that calls exit() mid-frame) leaves its slots here, so the host
 * ends those sessions at once instead of noticing the dead process a wait
 * later, and the slots are free for the next client. It runs after the
 * application's atexit handlers (which may still draw or read frames), and
 * only for slots this process connected: a forked child that exits leaves
 * its parent's sessions alone. Nothing is freed: other threads may still be
 * in a call, and see the end of their session.
 */
__attribute__((destructor)) static void leave_at_exit(void)
{
	uint32_t self = sgl_process_id();
	pthread_mutex_lock(&live_lock);
	for (struct shm_guest *g = live; g; g = g->next)
		if (g->pid == self)
			slot_leave(g);
	pthread_mutex_unlock(&live_lock);
}

static void guest_destroy(struct sgl_channel *ch)
{
	struct shm_guest *g = (struct shm_guest *)ch;

	live_remove(g);
	beat_stop(g);
	if (g->slot)
		slot_leave(g);
	sgl_shm_memory_unmap(&g->mem);
	if (g->mem.release)
		g->mem.release(g->mem.user);
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

/* Every SGL_SHM_WAIT_MS for as long as the process lives: the host in
 * another kernel cannot ask ours whether we still run. */
static void *beat_main(void *arg)
{
	struct shm_guest *g = arg;
	struct timespec t;

	pthread_mutex_lock(&g->beat_lock);
	while (!g->beat_stop) {
		atomic_fetch_add_explicit(&g->slot->guest_heartbeat, 1, memory_order_relaxed);
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += SGL_SHM_WAIT_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->beat_cond, &g->beat_lock, &t);
	}
	pthread_mutex_unlock(&g->beat_lock);
	return NULL;
}

/* The thread takes no signal of the application's. */
static int beat_start(struct shm_guest *g)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->beat_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&g->beat_lock, NULL);
	int r = sgl_thread_start_quiet(&g->beat_thread, beat_main, g);
	if (r) {
		pthread_cond_destroy(&g->beat_cond);
		pthread_mutex_destroy(&g->beat_lock);
		return r;
	}
	g->beating = true;
	return 0;
}

const char *sgl_shm_header_check(const struct sgl_shm_header *h, uint64_t have, int *errnum)
{
	const char *why = sgl_shm_info_check(&h->info);
	*errnum = EPROTO;
	if (!why && !atomic_load(&h->host_alive)) {
		*errnum = ECONNREFUSED;
		why = "no host is serving it";
	}
	if (!why && (have < h->info.file_size || h->info.file_size > SIZE_MAX))
		why = "shorter than its header says";
	return why;
}

/* How long a guest waits for a free slot before it gives up, in ms:
 * SGL_SHM_CONNECT_WAIT_MS, default 10 s. */
static unsigned connect_wait_ms(void)
{
	const char *v = getenv("SGL_SHM_CONNECT_WAIT_MS");
	char *end;
	unsigned long ms = v ? strtoul(v, &end, 10) : 0;
	return v && *v && !*end && ms <= 600000 ? (unsigned)ms : 10000u;
}

/* The host we read the header of still runs (connecting only). */
static bool host_serving(struct shm_guest *g)
{
	if (!atomic_load_explicit(&g->hdr->host_alive, memory_order_acquire) ||
	    atomic_load_explicit(&g->hdr->host_generation, memory_order_relaxed) != g->host_gen)
		return false;
	return g->remote || !sgl_process_gone(g->host_pid);
}

/* A compare-and-swap from FREE to CLAIMED with the next generation: of two
 * guests racing for one slot, exactly one wins it. *gen: the generation we
 * claimed (kept, never read back from the memory). */
static struct sgl_shm_slot *claim_slot(struct shm_guest *g, const struct sgl_shm_info *info,
				       uint32_t *index, uint64_t *gen)
{
	for (uint32_t i = 0; i < info->slot_count; i++) {
		uint64_t off = sgl_shm_slot_offset(info->ring_size, i);
		struct sgl_shm_slot *s = (struct sgl_shm_slot *)(g->mem.map + off);
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
	atomic_store_explicit(&s->guest_pid, sgl_process_id(), memory_order_relaxed);
	sgl_shm_end_init(&g->tx, &s->cmd, base + sgl_shm_cmd_data(), ring_size, &g->broken,
			 g->mem.tx);
	sgl_shm_end_init(&g->rx, &s->reply, base + sgl_shm_reply_data(ring_size), ring_size,
			 &g->broken, g->mem.rx);
	g->claim = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, gen);
	atomic_store_explicit(&s->claim, g->claim, memory_order_release);
	sgl_shm_wake_peer(g->mem.tx, &g->hdr->doorbell);
}

struct sgl_channel *sgl_shm_attach(const struct sgl_shm_memory *m, const struct sgl_shm_header *h,
				   char *err, size_t err_size)
{
	uint32_t index;
	uint64_t gen;
	struct shm_guest *g = calloc(1, sizeof(*g));
	if (!g) {
		fail(err, err_size, "shm: out of memory");
		return NULL;
	}
	g->mem = *m;
	g->hdr = (struct sgl_shm_header *)m->map;
	g->host_gen = atomic_load(&h->host_generation);
	uint32_t pid = atomic_load(&h->host_pid);
	g->host_pid = pid <= INT32_MAX ? pid : 0;
	g->remote = g->host_pid == 0;
	const struct sgl_shm_notify *dflt = g->remote ? &sgl_shm_poll_notify : &sgl_shm_futex_notify;
	if (!g->mem.rx)
		g->mem.rx = dflt;
	if (!g->mem.tx)
		g->mem.tx = dflt;
	g->host_beat = atomic_load(&g->hdr->host_heartbeat);
	g->host_beat_since = now_ns();
	g->slot = claim_slot(g, &h->info, &index, &gen);
	/* Every slot taken: sessions that end free theirs (at once when the
	 * guest leaves, within a wait when it died), so wait as a socket's
	 * backlog would, while this host still serves, for a bounded time. */
	unsigned wait_ms = g->slot ? 0 : connect_wait_ms();
	for (unsigned waited = 0; !g->slot && waited < wait_ms && host_serving(g); waited += 2) {
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
		g->slot = claim_slot(g, &h->info, &index, &gen);
	}
	if (!g->slot) {
		errno = EBUSY;
		fail(err, err_size, "%s: all %u slots are taken", m->name, h->info.slot_count);
		free(g);
		return NULL;
	}
	if (g->remote && beat_start(g) < 0) {
		/* Give the slot back: nobody saw it. */
		atomic_store(&g->slot->claim, SGL_SHM_CLAIM(SGL_SHM_FREE, gen));
		errno = EAGAIN;
		fail(err, err_size, "%s: cannot start the heartbeat thread", m->name);
		free(g);
		return NULL;
	}
	connect_slot(g, h->info.ring_size, gen);
	g->pid = sgl_process_id();
	pthread_mutex_lock(&live_lock);
	g->next = live;
	live = g;
	pthread_mutex_unlock(&live_lock);
	g->base.ops = &guest_ops;
	g->peer = (struct sgl_shm_peer){ .check = guest_check, .user = g };
	snprintf(g->base.peer, sizeof(g->base.peer), "shm slot %u", index);
	return &g->base;
}

struct sgl_channel *sgl_shm_connect(const char *path, char *err, size_t err_size)
{
	struct sgl_shm_memory m = { 0 };
	struct sgl_shm_header h;

	if (!path)
		path = SGL_SHM_DEFAULT_PATH;
	if (sgl_shm_map_file(&m, path, &h, err, err_size) < 0)
		return NULL;
	struct sgl_channel *ch = sgl_shm_attach(&m, &h, err, err_size);
	if (!ch) {
		int e = errno;
		sgl_shm_memory_unmap(&m);
		errno = e;
	}
	return ch;
}
