/* The GL strings the guest reports, as the environment changes them
 * (reported.c): version overrides and the extension-year limit. */
#ifndef SGL_GUEST_REPORTED_H
#define SGL_GUEST_REPORTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What glGetString(`name`) reports instead of the host's `host`: a new
 * string (the caller frees it), or NULL to report the host's as it is. */
char *sgl_reported_string(uint32_t name, const char *host);

/* The version "M.m" in environment variable `var` (GL_VERSION_OVERRIDE,
 * GLX_VERSION_OVERRIDE); false when unset or not a version. */
bool sgl_version_override(const char *var, int *major, int *minor);

/* The year extension `name` (`len` characters, not NUL-terminated) came
 * out (extension_years.c); 2010 for any not known as older. */
int sgl_extension_year(const char *name, size_t len);

#endif
