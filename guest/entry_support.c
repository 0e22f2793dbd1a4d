/* Support of the generated entry points: lookup, no-context encoder. */
#include "entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__thread struct sgl_enc *sgl_current_enc;

/* No buffer and failed: sgl_enc_begin returns NULL, nothing is sent. */
struct sgl_enc sgl_no_context_enc = { .failed = true };

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sgl_entry_point *)elem)->name);
}

sgl_proc sgl_entry_lookup(const char *name)
{
	size_t n;
	const struct sgl_entry_point *all = sgl_entry_points(&n);
	const struct sgl_entry_point *e = name ? bsearch(name, all, n, sizeof(*all), cmp) : NULL;
	return e ? e->proc : NULL;
}

void sgl_entry_unsupported(const char *name)
{
	struct sgl_enc *e = sgl_current_encoder();
	sgl_enc_error(e, GL_INVALID_OPERATION);
	if (getenv("SGL_DEBUG"))
		fprintf(stderr, "sgl: %s is not supported yet\n", name);
}
