/*
 * The futex half of sgl_shm.h on Windows. A Windows guest never shares a
 * kernel with sgl-host (the host's header says host_pid 0 and both sides
 * poll, sgl_shm_poll_notify), so nothing here waits for the host: the
 * futex notify only exists for the symbols' sake and waits by polling the
 * word, which is what a wake-up there would change.
 */
#include "sgl_shm.h"

#include <windows.h>

#include <errno.h>

int sgl_shm_futex_wait(_Atomic uint32_t *word, uint32_t seen, int ms)
{
	ULONGLONG end = GetTickCount64() + (ULONGLONG)(ms > 0 ? ms : 0);
	while (atomic_load_explicit(word, memory_order_acquire) == seen) {
		if (GetTickCount64() >= end)
			return -ETIMEDOUT;
		Sleep(1);
	}
	return -EAGAIN;
}

void sgl_shm_kick(_Atomic uint32_t *word)
{
	atomic_fetch_add_explicit(word, 1, memory_order_seq_cst);
}

static void poll_wait(void *user, _Atomic uint32_t *word, uint32_t seen, int ms)
{
	(void)user;
	sgl_shm_futex_wait(word, seen, ms);
}

const struct sgl_shm_notify sgl_shm_futex_notify = { .wait = poll_wait };

uint32_t sgl_shm_cpu(void)
{
	return (uint32_t)GetCurrentProcessorNumber() + 1;
}
