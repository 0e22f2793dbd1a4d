#ifndef SGL_TESTS_PROBE_CLOCK_H
#define SGL_TESTS_PROBE_CLOCK_H

/* The virtual clock moves on by one frame (SGL_PROBE_CLOCK; probe_clock.c). */
void probe_clock_present(void);

#endif
