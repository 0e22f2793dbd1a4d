/*
 * How the rings sleep and wake where both sides share a Linux kernel:
 * futexes on the shared words, and the CPU a side last ran on
 * (protocol/sgl_shm.h). A Windows guest has its own (guest/windows/).
 */
#include "sgl_shm.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Futex. The mapping is MAP_SHARED and the peer another process, so no
 * FUTEX_PRIVATE_FLAG; futex(2): it "tells the kernel that the futex is
 * process-private and not shared with another process".
 */

int sgl_shm_futex_wait(_Atomic uint32_t *word, uint32_t seen, int ms)
{
	/* futex(2): "For FUTEX_WAIT, timeout is interpreted as a relative
	 * value." */
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	if (syscall(SYS_futex, word, FUTEX_WAIT, seen, &ts, NULL, 0) == 0)
		return 0;
	return -errno;
}

static void futex_wake_all(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void sgl_shm_kick(_Atomic uint32_t *word)
{
	atomic_fetch_add_explicit(word, 1, memory_order_seq_cst);
	futex_wake_all(word);
}

static void futex_wake(void *user, _Atomic uint32_t *word)
{
	(void)user;
	futex_wake_all(word);
}

static void futex_wait(void *user, _Atomic uint32_t *word, uint32_t seen, int ms)
{
	(void)user;
	sgl_shm_futex_wait(word, seen, ms);
}

const struct sgl_shm_notify sgl_shm_futex_notify = {
	.wake = futex_wake, .wait = futex_wait, .interrupt = futex_wake, .local = true,
};

uint32_t sgl_shm_cpu(void)
{
	int c = sched_getcpu();
	return c < 0 ? 0 : (uint32_t)c + 1;
}

void sgl_shm_poll_sleep(uint32_t ns)
{
	struct timespec ts = { 0, (long)ns };
	nanosleep(&ts, NULL);
}
