/*
 * The flush timer: a batch the application left in a context's encoder
 * goes out once the owning thread has made no GL call for a whole tick
 * (SGL_FLUSH_MS, default 4 ms), so a program that draws and then waits for
 * input without glFlush is still shown.
 *
 * The owner thread must not pay for this on every call, so the two sides
 * use an asymmetric Dekker handshake: the owner marks its calls with plain
 * stores (sgl_enc_enter/leave, encoder.h); the timer claims the encoder
 * with a store, then membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), which
 * runs a full barrier on every thread of the process (Windows:
 * FlushProcessWriteBuffers; platform.h), then looks at the
 * owner's mark. Either the timer sees the owner inside a call (it lets go
 * and tries at the next tick) or the owner sees the claim and waits until
 * the timer has flushed. Where membarrier is missing the timer is off.
 */
#include "timer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "platform.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;   /* on CLOCK_MONOTONIC, made by start() */
static bool wake_ready;
static struct sgl_enc **encs;
static size_t nencs, cap;
static bool started, disabled, atfork_set;
static long tick_ms = -1;

/* One encoder at a tick, with the lock held. */
static void look_at(struct sgl_enc *e)
{
	uint32_t a = atomic_load_explicit(&e->calls, memory_order_relaxed);
	if (a != e->timer_seen) {
		/* Calls since the last tick: the owner is busy, or just stopped. */
		e->timer_seen = a;
		e->timer_pending = true;
		return;
	}
	/* Odd: the owner is inside a call (perhaps a long one, waiting for the
	 * host); it sends the batch itself. */
	if (!e->timer_pending || (a & 1))
		return;
	atomic_store_explicit(&e->timer_flushing, 1, memory_order_relaxed);
	if (sgl_process_barrier() &&
	    atomic_load_explicit(&e->calls, memory_order_acquire) == a) {
		if (e->cur != e->buf && !e->failed)
			sgl_enc_send(e);
		e->timer_pending = false;
	}
	atomic_store_explicit(&e->timer_flushing, 0, memory_order_release);
}

static void *run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!nencs)
			pthread_cond_wait(&wake, &lock);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += tick_ms * 1000000L;
		t.tv_sec += t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		while (pthread_cond_timedwait(&wake, &lock, &t) != ETIMEDOUT)
			;
		for (size_t i = 0; i < nencs; i++)
			look_at(encs[i]);
	}
	return NULL;
}

/* A forked child has no timer thread: it starts its own when it makes a
 * context (its parent's contexts are not its to flush). */
static void before_fork(void)
{
	pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void after_fork_child(void)
{
	nencs = 0;
	started = false;
	pthread_mutex_unlock(&lock);
}

static bool start(void)
{
	if (tick_ms < 0) {
		const char *v = getenv("SGL_FLUSH_MS");
		tick_ms = v && *v ? strtol(v, NULL, 10) : 4;
		if (tick_ms <= 0 || tick_ms > 10000 || !sgl_process_barrier_ready())
			disabled = true;
	}
	if (disabled)
		return false;
	/* The ticks are deadlines on the monotonic clock: a condition
	 * variable on the default (realtime) clock would see each one long
	 * past and the thread would spin. */
	if (!wake_ready) {
		pthread_condattr_t ca;
		if (pthread_condattr_init(&ca)) {
			disabled = true;
			return false;
		}
		wake_ready = !pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) &&
			     !pthread_cond_init(&wake, &ca);
		pthread_condattr_destroy(&ca);
		if (!wake_ready) {
			disabled = true;
			return false;
		}
	}
	if (!atfork_set) {
		sgl_at_fork(before_fork, after_fork_parent, after_fork_child);
		atfork_set = true;
	}
	pthread_t th;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	started = pthread_create(&th, &attr, run, NULL) == 0;
	pthread_attr_destroy(&attr);
	return started;
}

static bool room(void)
{
	if (nencs < cap)
		return true;
	size_t n = cap ? 2 * cap : 8;
	struct sgl_enc **p = realloc(encs, n * sizeof(*p));
	if (!p)
		return false;
	encs = p;
	cap = n;
	return true;
}

void sgl_timer_add(struct sgl_enc *e)
{
	pthread_mutex_lock(&lock);
	if ((started || start()) && room()) {
		e->timer_seen = atomic_load_explicit(&e->calls, memory_order_relaxed);
		e->timer_pending = false;
		encs[nencs++] = e;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
}

void sgl_timer_remove(struct sgl_enc *e)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nencs; i++) {
		if (encs[i] == e) {
			encs[i] = encs[--nencs];
			break;
		}
	}
	pthread_mutex_unlock(&lock);
}
