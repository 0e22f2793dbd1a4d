/* sgl-host's crash report (crash.c). */
#ifndef SGL_HOST_CRASH_H
#define SGL_HOST_CRASH_H

/* A fatal signal prints the signal and the stack to stderr first. */
void crash_report_install(void);

#endif
