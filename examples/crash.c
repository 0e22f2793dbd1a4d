/*
 * When sgl-host itself crashes (a fault in a thread-isolation session
 * takes the whole process), its log says so and where: the signal, then
 * the stack as addresses within their objects (`addr2line -e OBJECT
 * OFFSET` names the lines), then the default action (a core when enabled).
 * Serving processes have it too; a sanitizer build keeps the sanitizer's
 * own report instead.
 */
#include "crash.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
static void say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0) {
		/* nowhere else to say it */
	}
}

static void on_crash(int sig)
{
	/* Only async-signal-safe calls; backtrace() was primed at install. */
	char num[16];
	int n = sig, i = (int)sizeof(num) - 1;
	num[i] = '\0';
	do
		num[--i] = (char)('0' + n % 10);
	while ((n /= 10) && i > 0);
	say("sgl-host: crashed (signal ");
	say(num + i);
	say(", ");
	say(sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" :
	    sig == SIGILL ? "SIGILL" : "SIGABRT");
	say("); stack:\n");
	void *frames[64];
	int count = backtrace(frames, 64);
	backtrace_symbols_fd(frames, count, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

void crash_report_install(void)
{
	void *prime[1];
	backtrace(prime, 1);   /* loads libgcc now, not in the handler */
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
#else
void crash_report_install(void)
{
	/* The sanitizer's own report is the better one. */
}
#endif
