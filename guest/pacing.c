/*
 * Swap intervals honoured: the host has no display whose vertical blank a
 * present could wait for, so a present is held back until `interval`
 * periods of the refresh rate have passed since the previous one. A
 * program slower than that is never held (no catching up either: a late
 * present starts the count again). The rate is $SGL_REFRESH_HZ (1 to
 * 1000), else 60 Hz. Intervals only count once an application sets one:
 * until then presents go as fast as they come, as they always did.
 */
#include "pacing.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t period_ns(void)
{
	const char *v = getenv("SGL_REFRESH_HZ");
	long hz = v ? strtol(v, NULL, 10) : 60;
	if (hz < 1 || hz > 1000)
		hz = 60;
	return 1000000000 / hz;
}

void sgl_pacer_set(struct sgl_pacer *p, int interval)
{
	if (interval >= 0)
		p->interval = interval;
}

void sgl_pacer_wait(struct sgl_pacer *p)
{
	if (p->interval <= 0)
		return;
	int64_t period = period_ns() * p->interval, now = now_ns();
	if (p->next_ns > now && p->next_ns - now <= period) {
		struct timespec t = { (time_t)((p->next_ns - now) / 1000000000),
				      (long)((p->next_ns - now) % 1000000000) };
		while (nanosleep(&t, &t) && errno == EINTR)
			;
		now = p->next_ns;
	}
	p->next_ns = now + period;
}
