/* Support of the generated entry points: lookup, no-context encoder. */
#include "entry.h"

#include <pthread.h>
#include <stdbool.h>
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

/* A command the protocol does not carry raises GL_INVALID_OPERATION, as a
 * driver lacking it would, and says so on stderr the first time it is
 * called (a user sees why the application misbehaves; a loop calling it
 * does not flood the terminal). Names are the generated entry points'
 * string literals, so a pointer identifies one. */
void sgl_entry_unsupported(const char *name)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static const char *told[64];
	static unsigned ntold;
	struct sgl_enc *e = sgl_current_encoder();
	sgl_enc_error(e, GL_INVALID_OPERATION);
	bool first = true;
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < ntold && first; i++)
		first = told[i] != name;
	if (first && ntold < sizeof(told) / sizeof(told[0]))
		told[ntold++] = name;
	pthread_mutex_unlock(&lock);
	if (first)
		fprintf(stderr, "sgl: %s is not supported: GL_INVALID_OPERATION\n", name);
}
