/*
 * What the guest runtime needs from the operating system beyond C11 and
 * pthreads (winpthreads on Windows): one implementation per system,
 * platform_posix.c and windows/platform.c. Nothing else in the shared guest
 * code asks which system it runs on.
 */
#ifndef SGL_GUEST_PLATFORM_H
#define SGL_GUEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>

#ifdef _WIN32
#include <malloc.h>
/* Whether frames may come in the host's System V segment at all (not on
 * Windows, which has no SysV shared memory, even beside a local host). */
bool sgl_sysv_frames_possible(void);

#endif

/* aligned_alloc/free, which the Windows C runtimes lack (their aligned
 * blocks need a free of their own). */
static inline void *sgl_aligned_alloc(size_t align, size_t size)
{
#ifdef _WIN32
	return _aligned_malloc(size, align);
#else
	return aligned_alloc(align, size);
/* Whether frames may come in the host's System V segment at all (not on
 * Windows, which has no SysV shared memory, even beside a local host). */
bool sgl_sysv_frames_possible(void);

#endif
}

static inline void sgl_aligned_free(void *p)
{
#ifdef _WIN32
	_aligned_free(p);
#else
	free(p);
/* Whether frames may come in the host's System V segment at all (not on
 * Windows, which has no SysV shared memory, even beside a local host). */
bool sgl_sysv_frames_possible(void);

#endif
}

/* The program's short name, for the host's logs. */
const char *sgl_program_name(void);

/* This process's id as the host sees it in a slot (0: not in the host's
 * pid namespace at all, as on Windows). */
uint32_t sgl_process_id(void);

/* Whether process `pid` of this machine is known to be gone. */
bool sgl_process_gone(uint32_t pid);

/* pthread_create for a helper thread that takes none of the application's
 * signals. 0 or -errno. */
int sgl_thread_start_quiet(pthread_t *t, void *(*fn)(void *), void *arg);

/*
 * A full memory barrier on every thread of the process (the flush timer's
 * half of its handshake, timer.c): membarrier(2) on Linux,
 * FlushProcessWriteBuffers on Windows. sgl_process_barrier_ready says
 * whether it is available (and registers for it); false turns the timer
 * off.
 */
bool sgl_process_barrier_ready(void);
bool sgl_process_barrier(void);

/* pthread_atfork where there is fork. */
void sgl_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* Whether frames may come in the host's System V segment at all (not on
 * Windows, which has no SysV shared memory, even beside a local host). */
bool sgl_sysv_frames_possible(void);

#endif
