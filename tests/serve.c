#include "serve.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void test_log_init(struct test_log *log)
{
	pthread_mutex_init(&log->lock, NULL);
	log->text[0] = '\0';
}

void test_log_finish(struct test_log *log)
{
	pthread_mutex_destroy(&log->lock);
}

void test_log_line(void *user, enum sglhost_log_level level, const char *msg)
{
	struct test_log *log = user;
	(void)level;
	pthread_mutex_lock(&log->lock);
	size_t n = strlen(log->text);
	snprintf(log->text + n, sizeof(log->text) - n, "%s\n", msg);
	pthread_mutex_unlock(&log->lock);
}

bool test_log_has(struct test_log *log, const char *what)
{
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&log->lock);
		bool found = strstr(log->text, what) != NULL;
		pthread_mutex_unlock(&log->lock);
		if (found)
			return true;
		usleep(10000);
	}
	fprintf(stderr, "log has no \"%s\":\n%s", what, log->text);
	return false;
}

void *test_serve(void *arg)
{
	struct test_server *s = arg;
	struct sgl_session_config cfg = { .host = s->host, .log = test_log_line,
					  .log_user = &s->log };
	for (;;) {
		int err = 0;
		struct sgl_channel *ch = s->l->ops->accept(s->l, &err);
		if (!ch)
			return NULL;
		sgl_session_run(&cfg, ch);
		ch->ops->destroy(ch);
	}
}
