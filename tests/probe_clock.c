/*
 * The frame probe's virtual clock (SGL_PROBE_CLOCK=FPS): a game whose
 * clock follows real time shows a different moment in its Nth frame on
 * every run, faster or slower. With this clock the program's own time
 * reads advance by exactly 1/FPS at each frame it presents (and by what it
 * asks to sleep), so its Nth frame shows the same moment natively and
 * through sgl-host, and the frames can be compared closely.
 *
 * Only the program's own reads are virtual: those from the executable and
 * from the C++ runtime it calls for std::chrono. Every library in between
 * (the GL driver, our libGL and its transport, SDL, the X client) keeps
 * real time, so their waits and timeouts behave as they do without it.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "probe_clock.h"

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static double step;             /* seconds per present; 0: real time */
static long long virt_ns;       /* virtual time since the start (atomic) */
/* CLOCK_REALTIME, CLOCK_MONOTONIC at the start: the wall clock starts at
 * the same moment on every run (2024-01-01 00:00 UTC), so a program that
 * seeds its random numbers with the time (srand(time(NULL)): warzone2100's
 * title backdrop) makes the same choices; the monotonic clock is real. */
static struct timespec base[2] = {{1704067200, 0}, {0, 0}};
static const void *exe_base;    /* where the executable is loaded */

static gettime_fn real_gettime(void)
{
	static gettime_fn real;
	if (!real)
		real = (gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	return real;
}

/* Before main, on the one thread there is. */
__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("SGL_PROBE_CLOCK");
	double fps = s ? atof(s) : 0;
	step = fps > 0 ? 1.0 / fps : 0;
	gettime_fn real = real_gettime();
	if (step <= 0 || !real)
		return;
	real(CLOCK_MONOTONIC, &base[1]);
	/* The executable's program headers lie in its own mapping. */
	Dl_info info;
	if (dladdr((void *)getauxval(AT_PHDR), &info))
		exe_base = info.dli_fbase;
}

/* Whether the call at ADDR comes from the program itself or its C++
 * runtime (steady_clock::now, system_clock::now). */
static int own(const void *addr)
{
	Dl_info info;
	if (!dladdr(addr, &info) || !info.dli_fname)
		return 0;
	return (exe_base && info.dli_fbase == exe_base) || strstr(info.dli_fname, "libstdc++");
}

void probe_clock_present(void)
{
	if (step > 0)
		__atomic_add_fetch(&virt_ns, (long long)(step * 1e9), __ATOMIC_RELAXED);
}

static int virtual_time(clockid_t id, struct timespec *ts)
{
	const struct timespec *b = id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ? &base[0]
										   : &base[1];
	long long ns = b->tv_nsec + __atomic_load_n(&virt_ns, __ATOMIC_RELAXED);
	ts->tv_sec = b->tv_sec + ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
	return 0;
}

static int virtual_clock(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_RAW ||
	       id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE || id == CLOCK_BOOTTIME;
}

__attribute__((visibility("default"))) int clock_gettime(clockid_t id, struct timespec *ts)
{
	if (step > 0 && virtual_clock(id) && own(__builtin_return_address(0)))
		return virtual_time(id, ts);
	return real_gettime()(id, ts);
}

__attribute__((visibility("default"))) int gettimeofday(struct timeval *tv, void *tz)
{
	if (step > 0 && own(__builtin_return_address(0))) {
		struct timespec ts;
		virtual_time(CLOCK_REALTIME, &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
		return 0;
	}
	static int (*real)(struct timeval *, void *);
	if (!real)
		real = (int (*)(struct timeval *, void *))dlsym(RTLD_NEXT, "gettimeofday");
	return real(tv, tz);
}

__attribute__((visibility("default"))) time_t time(time_t *t)
{
	struct timespec ts;
	if (step > 0 && own(__builtin_return_address(0)))
		virtual_time(CLOCK_REALTIME, &ts);
	else
		real_gettime()(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

/* A program that waits for its clock to move (a frame limiter with nothing
 * to present yet) sleeps: the virtual clock moves by what it slept. */
__attribute__((visibility("default"))) int nanosleep(const struct timespec *req,
						     struct timespec *rem)
{
	if (step > 0 && req && own(__builtin_return_address(0)))
		__atomic_add_fetch(&virt_ns, req->tv_sec * 1000000000LL + req->tv_nsec,
				   __ATOMIC_RELAXED);
	static int (*real)(const struct timespec *, struct timespec *);
	if (!real)
		real = (int (*)(const struct timespec *, struct timespec *))dlsym(RTLD_NEXT,
										  "nanosleep");
	return real(req, rem);
}

__attribute__((visibility("default"))) int usleep(useconds_t usec)
{
	if (step > 0 && own(__builtin_return_address(0)))
		__atomic_add_fetch(&virt_ns, usec * 1000LL, __ATOMIC_RELAXED);
	static int (*real)(useconds_t);
	if (!real)
		real = (int (*)(useconds_t))dlsym(RTLD_NEXT, "usleep");
	return real(usec);
}
