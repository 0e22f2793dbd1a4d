/* The host side of the transport tests (test_vhost_user.c, test_wire_id.c):
 * a log the server's threads append to, and a server thread's accept loop
 * (src/transport/session.c on each connection). */
#ifndef SGL_TEST_SERVE_H
#define SGL_TEST_SERVE_H

#include <pthread.h>
#include <stdbool.h>

#include "sglhost.h"
#include "transport/listener.h"
#include "transport/session.h"

struct test_log {
	pthread_mutex_t lock;
	char text[16384];
};

void test_log_init(struct test_log *log);
void test_log_finish(struct test_log *log);
/* A session-style log callback (sgl_session_config.log): `user` is the
 * struct test_log; each line is appended, cut at the log's end. */
void test_log_line(void *user, enum sglhost_log_level level, const char *msg);
/* Whether `what` shows in the log within 2 s; if not, the log goes to
 * stderr. */
bool test_log_has(struct test_log *log, const char *what);

/* What a test's server thread serves: its listener, host and log. */
struct test_server {
	struct sgl_listener *l;
	struct sglhost *host;
	struct test_log log;
};

/* A server thread's body (pthread_create; `arg`: a struct test_server):
 * a session on each connection the listener accepts, one after another,
 * until accept fails (the listener was shut down); the sessions log into
 * the server's log. */
void *test_serve(void *arg);

#endif
