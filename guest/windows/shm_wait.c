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

/*
 * Polling sleeps under a millisecond. Wine's NtDelayExecution sleeps to the
 * microsecond (it waits in select(2)), so under Wine the guest polls the
 * host's ring as finely as a Linux guest does; Sleep(1) instead made every
 * wait for a frame last at least a millisecond more than the host took
 * (gears 0.80x of Wine's builtin opengl32 over shm). Windows rounds the same
 * call up to its timer tick (1 to 15.6 ms), so there a short poll yields the
 * processor instead, and only a full millisecond sleeps.
 */
typedef LONG (WINAPI *delay_fn)(BOOLEAN alertable, const LARGE_INTEGER *interval);

static delay_fn fine_delay(void)
{
	static delay_fn fn;
	static LONG looked;
	if (!InterlockedCompareExchange(&looked, 1, 0)) {
		HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
		if (ntdll && GetProcAddress(ntdll, "wine_get_version"))
			fn = (delay_fn)(void (*)(void))GetProcAddress(ntdll, "NtDelayExecution");
		InterlockedExchange(&looked, 2);
	}
	return InterlockedCompareExchange(&looked, 2, 2) == 2 ? fn : NULL;
}

void sgl_shm_poll_sleep(uint32_t ns)
{
	delay_fn delay;
	if (ns >= 1000000) {
		Sleep(1);
	} else if ((delay = fine_delay())) {
		LARGE_INTEGER t = { .QuadPart = -(LONGLONG)((ns + 99) / 100) };
		delay(FALSE, &t);
	} else {
		SwitchToThread();
	}
}
