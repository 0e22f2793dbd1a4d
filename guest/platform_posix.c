/* guest/platform.h on Linux. */
#include "platform.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *sgl_program_name(void)
{
	extern char *program_invocation_short_name;
	return program_invocation_short_name;
}

uint32_t sgl_process_id(void)
{
	return (uint32_t)getpid();
}

bool sgl_process_gone(uint32_t pid)
{
	/* kill(2) with signal 0 "checks for the existence of a process". */
	return pid > 0 && pid <= INT32_MAX && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

int sgl_thread_start_quiet(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -r;
}

bool sgl_process_barrier_ready(void)
{
	long r = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	if (r < 0 || !(r & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		return false;
	return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

bool sgl_process_barrier(void)
{
	return syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
}

void sgl_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	pthread_atfork(prepare, parent, child);
}

bool sgl_sysv_frames_possible(void)
{
	return true;
}
