#include "runtime.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_SIZE (256 * 1024)

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgl_session *session;
static bool session_failed;

static const char *program_name(void)
{
	extern char *program_invocation_short_name;
	return program_invocation_short_name;
}

struct sgl_session *sgl_runtime_session(void)
{
	pthread_mutex_lock(&session_lock);
	if (!session && !session_failed) {
		char err[256];
		session = sgl_session_open(NULL, program_name(), err, sizeof(err));
		if (!session) {
			session_failed = true;
			fprintf(stderr, "sgl: cannot reach sgl-host: %s\n", err);
		}
	}
	pthread_mutex_unlock(&session_lock);
	return session;
}

struct sgl_context *sgl_context_new(uint32_t api, int major, int minor,
				    struct sgl_context *share, uint32_t width, uint32_t height)
{
	struct sgl_session *s = sgl_runtime_session();
	struct sgl_context *c;
	if (!s || !(c = calloc(1, sizeof(*c))))
		return NULL;
	c->id = sgl_session_new_context_id(s);
	c->api = api;
	c->width = width ? width : 1;
	c->height = height ? height : 1;
	int r = sgl_session_create_context(s, c->id, api, major, minor, share ? share->id : 0,
					   c->width, c->height, &c->major, &c->minor);
	if (r) {
		free(c);
		return NULL;
	}
	c->link = (struct sgl_session_link){ s, c->id, false, "" };
	if (sgl_enc_init(&c->enc, BATCH_SIZE, &sgl_session_transport, &c->link) < 0) {
		sgl_session_destroy_context(s, c->id);
		free(c);
		return NULL;
	}
	return c;
}

void sgl_context_free(struct sgl_context *c)
{
	if (!c)
		return;
	if (sgl_current_enc == &c->enc)
		sgl_context_make_current(NULL);
	sgl_enc_flush(&c->enc);
	sgl_session_destroy_context(c->link.session, c->id);
	sgl_enc_finish(&c->enc);
	free(c);
}

static __thread struct sgl_context *current;

void sgl_context_make_current(struct sgl_context *c)
{
	/* What the old context batched goes out before the switch, so two
	 * contexts' commands keep their order on the host. */
	if (current && current != c)
		sgl_enc_flush(&current->enc);
	current = c;
	sgl_current_enc = c ? &c->enc : NULL;
}

struct sgl_context *sgl_context_current(void)
{
	return current;
}

void sgl_context_resize(struct sgl_context *c, uint32_t width, uint32_t height)
{
	if (!width || !height || (width == c->width && height == c->height))
		return;
	c->width = width;
	c->height = height;
	sgl_enc_sglResizeSurface(&c->enc, width, height);
}

int sgl_context_swap(struct sgl_context *c, struct sgl_frame *f)
{
	return sgl_session_swap(&c->enc, f);
}
