/*
 * The shared-memory ring engine, the same on both sides (sgl_shm.h).
 *
 * Data moves with acquire/release on the counters:
 *
 *   producer: copy bytes in; store-release head
 *   consumer: load-acquire head; copy bytes out; store-release tail
 *
 * The release of head makes the bytes written before it visible to the
 * consumer whose acquire load reads that head (C11 5.1.2.4: the store
 * "synchronizes with" the load, so the copy in "happens before" the copy
 * out). The same pairing on tail makes the consumer's copy out finish
 * before the producer overwrites those bytes.
 *
 * Sleeping without lost wake-ups, the waiter (w) and the waker (k):
 *
 *   w: sleeping = 1; seen = futex;     k: counter = new (release)
 *      fence(seq_cst)                     fence(seq_cst)
 *      counter or state changed? stop     if (sleeping) futex++; wake(futex)
 *      futex_wait(futex, seen)
 *
 * C11 7.17.3: "if there are memory_order_seq_cst fences X and Y such that
 * A is sequenced before X, Y is sequenced before B, and X precedes Y in S,
 * then B observes either the effects of A or a later modification". One
 * fence precedes the other in S, so either k sees sleeping == 1, or w sees
 * the new counter. If k bumps the futex word after w read `seen`, the kernel
 * refuses to sleep; futex(2): "If the futex value does not match val, then
 * the call fails immediately with the error EAGAIN. [...] The purpose of the
 * comparison with the expected value is to prevent lost wake-ups." A side
 * that changes its own state (shutdown) bumps the word too, so its own
 * waiter cannot miss that either.
 *
 * Nothing here trusts the peer: its counter is read once per round into a
 * local, checked (head - tail never exceeds the ring), and the bytes are
 * copied out before anyone looks at them. A peer that lies about sleeping
 * costs us a system call, one that never wakes us costs SGL_SHM_WAIT_MS.
 */
#include "sgl_shm.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sgl_relax.h"

void sgl_shm_fail(char *err, size_t err_size, const char *fmt, ...)
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

const char *sgl_shm_info_check(const struct sgl_shm_info *info)
{
	if (info->magic != SGL_SHM_MAGIC)
		return "not an sgl shared-memory file (bad magic)";
	if (info->version != SGL_SHM_VERSION)
		return "unsupported layout version";
	if (info->slot_count == 0 || info->slot_count > SGL_SHM_MAX_SLOTS)
		return "bad slot count";
	if (!sgl_shm_ring_size_ok(info->ring_size))
		return "bad ring size";
	if (info->slots_offset != SGL_SHM_SLOTS_OFFSET ||
	    info->slot_stride != sgl_shm_slot_stride(info->ring_size) ||
	    info->file_size != sgl_shm_file_size(info->slot_count, info->ring_size))
		return "inconsistent geometry";
	return NULL;
}

const struct sgl_shm_notify sgl_shm_poll_notify = { 0 };

void sgl_shm_wake_peer(const struct sgl_shm_notify *n, _Atomic uint32_t *word)
{
	atomic_fetch_add_explicit(word, 1, memory_order_seq_cst);
	if (n->wake)
		n->wake(n->user, word);
}

void sgl_shm_wake_self(const struct sgl_shm_notify *n, _Atomic uint32_t *word)
{
	atomic_fetch_add_explicit(word, 1, memory_order_seq_cst);
	if (n->interrupt)
		n->interrupt(n->user, word);
}

/* The waker's half: `counter` was just stored with release. */
static void wake_if_sleeping(const struct sgl_shm_notify *n, _Atomic uint32_t *sleeping,
			     _Atomic uint32_t *word)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(sleeping, memory_order_relaxed))
		sgl_shm_wake_peer(n, word);
}

/* ------------------------------------------------------------------------
 * The waiter's half. The caller loops:
 *
 *   waiter_init; for (;;) { check state and counter; waiter_wait; }
 *
 * waiter_wait first spins with a pause instruction for SGL_SHM_SPIN_NS (a
 * peer on another core that answers within that costs no system call),
 * then arms (`sleeping` set, futex word read, fence: the caller's next
 * check is the re-check before sleeping) and sleeps through the notify's
 * wait (FUTEX_WAIT, an interrupt) for at most SGL_SHM_WAIT_MS at a time,
 * re-armed after each. Without a wait (polling) it sleeps a short while
 * instead, SGL_SHM_POLL_MIN_NS doubling up to SGL_SHM_POLL_MAX_NS: an
 * idle side never spins for long, and each call starts short again.
 *
 * No sched_yield() while spinning: it lets a peer on the same core run
 * sooner (3 us round trips instead of 14 on a 2-core VM), but on a busy
 * machine the yielding side lost its core for a whole time slice (p90 of
 * 4 ms with two CPU hogs running; pause-only stayed under 50 us).
 */

/*
 * Spinning only pays when the peer runs on another CPU: on ours it cannot
 * run while we spin, and every round trip would pay SGL_SHM_SPIN_NS twice
 * (14 us instead of 2.5 on a 2-core VM). Each side publishes the CPU it
 * last ran on (sched_getcpu, a vDSO call); a waiter whose peer was last on
 * its own CPU sleeps at once. (Across a VM the numbers mean nothing: there
 * the notify is not `local` and the waiter always spins first.)
 */
struct waiter {
	const struct sgl_shm_notify *n;
	_Atomic uint32_t *sleeping, *word;
	_Atomic uint32_t *peer_cpu;
	uint32_t poll_ns;        /* polling: the next sleep */
	uint64_t spin_start;     /* when spinning began */
	uint64_t next_slow;      /* when the owner's slow check is due */
	uint32_t seen;           /* the futex word when armed */
	unsigned spins;
	bool armed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void waiter_init(struct waiter *w, const struct sgl_shm_notify *n,
			_Atomic uint32_t *sleeping, _Atomic uint32_t *word, _Atomic uint32_t *peer_cpu)
{
	*w = (struct waiter){ .n = n, .sleeping = sleeping, .word = word, .peer_cpu = peer_cpu,
			      .poll_ns = SGL_SHM_POLL_MIN_NS };
}

/* Whether the owner's slow check is due: only while sleeping, so the fast
 * path reads no clock. */
static bool waiter_slow(struct waiter *w)
{
	if (!w->armed)
		return false;
	uint64_t now = now_ns();
	if (now < w->next_slow)
		return false;
	w->next_slow = now + SGL_SHM_WAIT_MS * 1000000ull;
	return true;
}

static void waiter_arm(struct waiter *w)
{
	atomic_store_explicit(w->sleeping, 1, memory_order_relaxed);
	w->seen = atomic_load_explicit(w->word, memory_order_acquire);
	atomic_thread_fence(memory_order_seq_cst);
}

static void waiter_wait(struct waiter *w)
{
	if (w->armed) {
		if (w->n->wait) {
			w->n->wait(w->n->user, w->word, w->seen, SGL_SHM_WAIT_MS);
		} else {
			sgl_shm_poll_sleep(w->poll_ns);
			w->poll_ns = w->poll_ns * 2 < SGL_SHM_POLL_MAX_NS ? w->poll_ns * 2
									 : SGL_SHM_POLL_MAX_NS;
		}
		waiter_arm(w);
		return;
	}
	if (w->spins == 0 && w->n->local) {
		uint32_t peer = atomic_load_explicit(w->peer_cpu, memory_order_relaxed);
		if (peer && peer == sgl_shm_cpu()) {
			w->armed = true;
			w->next_slow = now_ns() + SGL_SHM_WAIT_MS * 1000000ull;
			waiter_arm(w);
			return;
		}
	}
	/* The clock is read every 16 pauses (a pause is 10-40 ns). */
	if (w->spins++ % 16) {
		cpu_relax();
		return;
	}
	uint64_t now = now_ns();
	if (!w->spin_start)
		w->spin_start = now;
	if (now - w->spin_start < SGL_SHM_SPIN_NS) {
		cpu_relax();
		return;
	}
	w->armed = true;
	w->next_slow = now + SGL_SHM_WAIT_MS * 1000000ull;
	waiter_arm(w);
}

static void waiter_done(struct waiter *w)
{
	if (w->armed)
		atomic_store_explicit(w->sleeping, 0, memory_order_relaxed);
}

/* ------------------------------------------------------------------------
 * Copies. The ring's bytes are only ever copied whole into private memory
 * (memcpy), never parsed in place.
 */

static void copy_out(const struct sgl_shm_end *e, void *dst, size_t n)
{
	size_t off = (size_t)(e->pos & (e->size - 1));
	size_t first = n < e->size - off ? n : e->size - off;
	memcpy(dst, e->data + off, first);
	memcpy((uint8_t *)dst + first, e->data, n - first);
}

static void copy_in(const struct sgl_shm_end *e, const void *src, size_t n)
{
	size_t off = (size_t)(e->pos & (e->size - 1));
	size_t first = n < e->size - off ? n : e->size - off;
	memcpy(e->data + off, src, first);
	memcpy(e->data, (const uint8_t *)src + first, n - first);
}

void sgl_shm_end_init(struct sgl_shm_end *e, struct sgl_shm_ring *ring, uint8_t *data,
		      uint32_t size, _Atomic int *broken, const struct sgl_shm_notify *notify)
{
	*e = (struct sgl_shm_end){ .ring = ring, .data = data, .size = size, .broken = broken,
				   .notify = notify };
}

void sgl_shm_ring_reset(struct sgl_shm_ring *ring)
{
	atomic_store_explicit(&ring->head, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->head_futex, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->writer_sleeping, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->tail_futex, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->reader_sleeping, 0, memory_order_relaxed);
}

/* Takes up to `n` of the `avail` bytes there, then frees their space. */
static size_t take(struct sgl_shm_end *e, void *buf, size_t n, uint64_t avail)
{
	size_t k = n < avail ? n : (size_t)avail;
	copy_out(e, buf, k);
	e->pos += k;
	atomic_store_explicit(&e->ring->tail, e->pos, memory_order_release);
	wake_if_sleeping(e->notify, &e->ring->writer_sleeping, &e->ring->tail_futex);
	return k;
}

static ssize_t ring_read(struct sgl_shm_end *e, void *buf, size_t n, const struct sgl_shm_peer *p)
{
	struct waiter w;
	ssize_t ret;

	if (n == 0)
		return 0;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	atomic_store_explicit(&e->ring->reader_cpu, sgl_shm_cpu(), memory_order_relaxed);
	waiter_init(&w, e->notify, &e->ring->reader_sleeping, &e->ring->head_futex,
		    &e->ring->writer_cpu);
	for (;;) {
		/* The peer's state first: bytes it wrote before it left are
		 * then visible in the head read after it. */
		int state = p->check(p->user, waiter_slow(&w));
		if (state < 0) {
			ret = state;
			break;
		}
		uint64_t head = atomic_load_explicit(&e->ring->head, memory_order_acquire);
		uint64_t avail = head - e->pos;
		if (avail > e->size) {
			ret = -EPROTO;
			break;
		}
		if (avail) {
			ret = (ssize_t)take(e, buf, n, avail);
			break;
		}
		if (state == SGL_SHM_GONE) {
			ret = 0;
			break;
		}
		waiter_wait(&w);
	}
	waiter_done(&w);
	return ret;
}

/* Puts as much of `n` bytes as fits into the `space` there, publishes it. */
static size_t put(struct sgl_shm_end *e, const void *buf, size_t n, uint64_t space)
{
	size_t k = n < space ? n : (size_t)space;
	copy_in(e, buf, k);
	e->pos += k;
	atomic_store_explicit(&e->ring->head, e->pos, memory_order_release);
	wake_if_sleeping(e->notify, &e->ring->reader_sleeping, &e->ring->head_futex);
	return k;
}

static int ring_write(struct sgl_shm_end *e, const void *buf, size_t n,
		      const struct sgl_shm_peer *p)
{
	const uint8_t *src = buf;
	struct waiter w;
	int ret = 0;

	atomic_store_explicit(&e->ring->writer_cpu, sgl_shm_cpu(), memory_order_relaxed);
	waiter_init(&w, e->notify, &e->ring->writer_sleeping, &e->ring->tail_futex,
		    &e->ring->reader_cpu);
	while (n) {
		int state = p->check(p->user, waiter_slow(&w));
		if (state) {
			ret = state < 0 ? state : -EPIPE;
			break;
		}
		uint64_t tail = atomic_load_explicit(&e->ring->tail, memory_order_acquire);
		uint64_t used = e->pos - tail;
		if (used > e->size) {
			ret = -EPROTO;
			break;
		}
		if (used == e->size) {
			waiter_wait(&w);
			continue;
		}
		size_t k = put(e, src, n, e->size - used);
		src += k;
		n -= k;
		/* Progress: spin again before the next sleep. */
		waiter_done(&w);
		waiter_init(&w, e->notify, &e->ring->writer_sleeping, &e->ring->tail_futex,
		    &e->ring->reader_cpu);
	}
	waiter_done(&w);
	return ret;
}

/* An impossible counter breaks both directions of a channel for good: the
 * ends of one channel share the latch (sgl_shm_end_init). */
ssize_t sgl_shm_read(struct sgl_shm_end *e, void *buf, size_t n, const struct sgl_shm_peer *p)
{
	int broken = atomic_load_explicit(e->broken, memory_order_relaxed);
	if (broken)
		return broken;
	ssize_t r = ring_read(e, buf, n, p);
	if (r == -EPROTO)
		atomic_store_explicit(e->broken, -EPROTO, memory_order_relaxed);
	return r;
}

int sgl_shm_write(struct sgl_shm_end *e, const void *buf, size_t n, const struct sgl_shm_peer *p)
{
	int broken = atomic_load_explicit(e->broken, memory_order_relaxed);
	if (broken)
		return broken;
	int r = ring_write(e, buf, n, p);
	if (r == -EPROTO)
		atomic_store_explicit(e->broken, -EPROTO, memory_order_relaxed);
	return r;
}
