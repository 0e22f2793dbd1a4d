/* The guest's GL entry points (generated sgl_entry.c) and what they need. */
#ifndef SGL_GUEST_ENTRY_H
#define SGL_GUEST_ENTRY_H

#include <stddef.h>

#include "encoder.h"

/* Windows' GL calling convention: __stdcall (matters on i686 only). */
#ifndef GLAPIENTRY
#ifdef _WIN32
#define GLAPIENTRY __stdcall
#else
#define GLAPIENTRY
#endif
#endif
/* The drop-in libGL exports the entry points; glvnd vendor libraries hand
 * them out through their dispatch only. */
#ifdef SGL_EXPORT_GL
#define SGL_ENTRY __attribute__((visibility("default")))
#else
#define SGL_ENTRY
#endif

typedef void (*sgl_proc)(void);

struct sgl_entry_point {
	const char *name;
	sgl_proc proc;
};

/* Every entry point, sorted by name. */
const struct sgl_entry_point *sgl_entry_points(size_t *count);
/* The entry point called `name`, or NULL. */
sgl_proc sgl_entry_lookup(const char *name);

/* The calling thread's current encoder: a context's, or one that drops
 * everything when no context is current (GL says such calls do nothing). */
extern __thread struct sgl_enc *sgl_current_enc;
extern struct sgl_enc sgl_no_context_enc;
static inline struct sgl_enc *sgl_current_encoder(void)
{
	struct sgl_enc *e = sgl_current_enc;
	return e ? e : &sgl_no_context_enc;
}

/* A command the protocol does not carry yet: GL_INVALID_OPERATION. */
void sgl_entry_unsupported(const char *name);

#endif
