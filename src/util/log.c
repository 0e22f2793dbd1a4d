#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sgl_log_write(const struct sgl_log *log, enum sglhost_log_level level, const char *file,
		   int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* Meson passes paths like "../src/egl/egl.c": keep them short. */
	const char *s = strstr(file, "src/");
	log->fn(log->user, level, s ? s : file, line, msg);
}
