/* Write-watching (watch.h) where there is no mprotect and SIGSEGV: every
 * persistent write map is compared instead (guest/persistent.c). */
#include "watch.h"

struct sgl_watch *sgl_watch_create(size_t size, _Atomic uint32_t *pending)
{
	(void)size;
	(void)pending;
	return NULL;
}

void sgl_watch_destroy(struct sgl_watch *w)
{
	(void)w;
}

void sgl_watch_collect(struct sgl_watch *w, sgl_watch_fn fn, void *user)
{
	(void)w;
	(void)fn;
	(void)user;
}

bool sgl_watch_enabled(void)
{
	return false;
}
