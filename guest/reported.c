/*
 * What the guest reports of the host's GL strings, changed by the
 * environment for programs that need it (every guest: GLX, EGL, WGL):
 *   GL_VERSION_OVERRIDE=M.m      the number in glGetString(GL_VERSION)
 *   GLSL_VERSION_OVERRIDE=NNN    GL_SHADING_LANGUAGE_VERSION (130 or 1.30)
 *   SGL_EXTENSION_MAX_YEAR=YYYY  GL_EXTENSIONS keeps the extensions of that
 *                                year and before (extension_years.c): old
 *                                games copy the string into fixed buffers.
 * The rest of each string (profile, vendor text) stays the host's, and
 * glGetIntegerv(GL_MAJOR_VERSION / GL_MINOR_VERSION) agrees with
 * GL_VERSION_OVERRIDE. Only what is reported changes: contexts are what the
 * host made.
 */
#include "reported.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"
#include "sgl_gl_types.h"

/* GL_VERSION_OVERRIDE's "M.m" (Mesa's suffixes such as "COMPAT" are
 * accepted and ignored); false when unset or not a version. */
bool sgl_version_override(const char *var, int *major, int *minor)
{
	const char *v = getenv(var);
	char *end;
	if (!v || *v < '0' || *v > '9')
		return false;
	long ma = strtol(v, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	long mi = strtol(end + 1, &end, 10);
	if (ma < 1 || ma > 99 || mi < 0 || mi > 99)
		return false;
	*major = (int)ma, *minor = (int)mi;
	return true;
}

/* GLSL_VERSION_OVERRIDE: "130" or "1.30" both mean 1.30. */
static bool glsl_override(int *major, int *minor)
{
	const char *v = getenv("GLSL_VERSION_OVERRIDE");
	char *end;
	if (!v || *v < '0' || *v > '9')
		return false;
	long n = strtol(v, &end, 10);
	if (*end == '.') {
		long m = strtol(end + 1, &end, 10);
		if (n < 1 || n > 99 || m < 0 || m > 99)
			return false;
		*major = (int)n, *minor = (int)m;
		return true;
	}
	if (*end || n < 100 || n > 9999)
		return false;
	*major = (int)(n / 100), *minor = (int)(n % 100);
	return true;
}

/* `host` with its first version number ("4.5", "3.20"; after "OpenGL ES "
 * or "OpenGL ES GLSL ES " on GLES) replaced by `number`. */
static char *replace_number(const char *host, const char *number)
{
	const char *p = host;
	while (*p && (*p < '0' || *p > '9'))
		p++;
	const char *q = p;
	while ((*q >= '0' && *q <= '9') || *q == '.')
		q++;
	size_t n = (size_t)(p - host) + strlen(number) + strlen(q) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%.*s%s%s", (int)(p - host), host, number, q);
	return s;
}

/* GL_EXTENSIONS without the extensions newer than `year`. */
static char *limit_extensions(const char *host, int year)
{
	char *s = malloc(strlen(host) + 1), *o = s;
	if (!s)
		return NULL;
	for (const char *p = host; *p;) {
		size_t n = strcspn(p, " ");
		if (n) {
			int y = sgl_extension_year(p, n);
			if (y && y <= year) {
				if (o != s)
					*o++ = ' ';
				memcpy(o, p, n);
				o += n;
			}
		}
		p += n;
		p += strspn(p, " ");
	}
	*o = 0;
	return s;
}

/* glGetIntegerv (a wrap in overrides.txt): the host's answer, with the
 * version numbers GL_VERSION_OVERRIDE gives and the context flags the
 * application asked for (e->context_flags). */
void sgl_enc_glGetIntegerv(struct sgl_enc *e, GLenum pname, GLint *data)
{
	int major, minor;
	sgl_enc_raw_glGetIntegerv(e, pname, data);
	if (pname == GL_CONTEXT_FLAGS && data && !e->reply_error)
		*data |= e->context_flags;
	if ((pname == GL_MAJOR_VERSION || pname == GL_MINOR_VERSION) && data &&
	    sgl_version_override("GL_VERSION_OVERRIDE", &major, &minor))
		*data = pname == GL_MAJOR_VERSION ? major : minor;
}

char *sgl_reported_string(uint32_t name, const char *host)
{
	char number[16];
	int major, minor;
	switch (name) {
	case GL_VERSION:
		if (!sgl_version_override("GL_VERSION_OVERRIDE", &major, &minor))
			return NULL;
		snprintf(number, sizeof(number), "%d.%d", major, minor);
		return replace_number(host, number);
	case GL_SHADING_LANGUAGE_VERSION:
		if (!glsl_override(&major, &minor))
			return NULL;
		snprintf(number, sizeof(number), "%d.%02d", major, minor);
		return replace_number(host, number);
	case GL_EXTENSIONS: {
		const char *v = getenv("SGL_EXTENSION_MAX_YEAR");
		char *end;
		long year = v ? strtol(v, &end, 10) : 0;
		if (!v || *end || year < 1990 || year > 9999)
			return NULL;
		return limit_extensions(host, (int)year);
	}
	default:
		return NULL;
	}
}
