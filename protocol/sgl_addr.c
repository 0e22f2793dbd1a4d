/* Address parsing shared by the listeners and the clients of every system
 * (sgl_socket.h): no socket calls here, so the Windows guest builds it too. */
#include "sgl_socket.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *sgl_addr_fail(int code, char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err && err_size) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	errno = code;
	return NULL;
}

bool sgl_addr_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool sgl_addr_split(const char *s, char *host, size_t host_size, const char **port)
{
	const char *colon = strrchr(s, ':');
	if (!colon)
		return false;
	size_t len = (size_t)(colon - s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len >= host_size)
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	*port = colon + 1;
	return true;
}
