/* guest/platform.h on Windows (winpthreads gives the pthread calls). */
#include "platform.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

const char *sgl_program_name(void)
{
	static char name[MAX_PATH];
	static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
	BOOL pending;
	if (InitOnceBeginInitialize(&once, 0, &pending, NULL) && pending) {
		char path[MAX_PATH];
		DWORD n = GetModuleFileNameA(NULL, path, sizeof(path));
		const char *base = path;
		for (DWORD i = 0; i < n && i < sizeof(path); i++)
			if (path[i] == '\\' || path[i] == '/')
				base = path + i + 1;
		snprintf(name, sizeof(name), "%s", n ? base : "windows");
		InitOnceComplete(&once, 0, NULL);
	}
	return name;
}

/* A Windows process id means nothing to the host's kernel (under Wine
 * too): the host treats us as remote and both sides beat hearts. */
uint32_t sgl_process_id(void)
{
	return 0;
}

bool sgl_process_gone(uint32_t pid)
{
	(void)pid;
	return false;
}

/* No POSIX signals reach a Windows thread. */
int sgl_thread_start_quiet(pthread_t *t, void *(*fn)(void *), void *arg)
{
	return -pthread_create(t, NULL, fn, arg);
}

/* FlushProcessWriteBuffers: "flushes the write queue of each processor
 * that is running a thread of the current process" with an IPI, the
 * barrier membarrier(2) gives on Linux. */
bool sgl_process_barrier_ready(void)
{
	return true;
}

bool sgl_process_barrier(void)
{
	FlushProcessWriteBuffers();
	return true;
}

void sgl_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	(void)prepare, (void)parent, (void)child;
}

bool sgl_sysv_frames_possible(void)
{
	return false;
}
