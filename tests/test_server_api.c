/*
 * The public server (sglhost_server.h) on a unix listener, with a raw
 * session-protocol client: events given on the embedder's thread through
 * get_fd/dispatch, or on the library's threads; guests counted while they
 * are served; out-of-process sessions through the helper; destroy with a
 * guest still connected. Only installed headers and libsglhost.so.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "children.h"
#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "sglhost_server.h"

struct seen {
	pthread_mutex_t lock;
	int connected, ended;
	bool other_thread;          /* an event came on a thread not ours */
	pthread_t main;
};

static void on_event(void *user, const struct sglhost_session_event *ev)
{
	struct seen *s = user;
	pthread_mutex_lock(&s->lock);
	if (ev->type == SGLHOST_SESSION_EVENT_CONNECTED)
		s->connected++;
	if (ev->type == SGLHOST_SESSION_EVENT_ENDED)
		s->ended++;
	if (!pthread_equal(pthread_self(), s->main))
		s->other_thread = true;
	pthread_mutex_unlock(&s->lock);
}

static int seen(struct seen *s, const int *what)
{
	pthread_mutex_lock(&s->lock);
	int v = *what;
	pthread_mutex_unlock(&s->lock);
	return v;
}

struct fixture {
	char dir[64], path[96], spec[112];
	struct sglhost_config hc;
	struct sglhost *host;
	struct sglhost_server *srv;
	struct seen seen;
};

static bool setup(struct fixture *f, uint32_t flags, bool out_of_process)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->seen.lock, NULL);
	f->seen.main = pthread_self();
	snprintf(f->dir, sizeof(f->dir), "/tmp/sgl-server-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	snprintf(f->spec, sizeof(f->spec), "unix:%s", f->path);
	sglhost_config_init(&f->hc);
	f->hc.platform = SGLHOST_PLATFORM_SURFACELESS;
	struct sglhost_server_config sc;
	sglhost_server_config_init(&sc);
	sc.flags = flags;
	if (out_of_process) {
		sc.session.flags = SGLHOST_SESSION_OUT_OF_PROCESS;
		sc.session.host_config = &f->hc;
		sc.session.helper_path = getenv("SGLHOST_TEST_HELPER");
		assert_non_null(sc.session.helper_path);
	} else {
		f->host = sglhost_create(&f->hc);
		if (!f->host)
			return false;
		sc.session.host = f->host;
	}
	sc.session.event = on_event;
	sc.session.event_user = &f->seen;
	f->srv = sglhost_server_create(&sc);
	assert_non_null(f->srv);
	char err[256];
	struct sglhost_listener *l = sglhost_listener_open(f->spec, NULL, err, sizeof(err));
	assert_non_null(l);
	assert_int_equal(sglhost_server_add_listener(f->srv, l), 0);
	return true;
}

static void teardown(struct fixture *f)
{
	sglhost_server_destroy(f->srv);
	sglhost_destroy(f->host);
	unlink(f->path);
	rmdir(f->dir);
}

/* A guest: connects, says HELLO, reads WELCOME. The socket, or -1. */
static int guest(struct fixture *f)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	struct {
		struct sgl_msg_header h;
		struct sgl_msg_hello m;
	} hello = { { sizeof(hello), SGL_MSG_HELLO, 0, 0 },
		    { SGL_SESSION_MAGIC, SGL_SESSION_VERSION, { 0 }, "test_server_api",
		      SGL_WIRE_ID_BYTES } };
	_Static_assert(sizeof(hello) % 8 == 0, "a whole message");
	assert_int_equal(write(fd, &hello, sizeof(hello)), (ssize_t)sizeof(hello));
	struct sgl_msg_header h;
	struct pollfd p = { fd, POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(h.kind, SGL_MSG_WELCOME);
	return fd;
}

/* Dispatches (if asked) until *what reaches n, 10 s at most. */
static void wait_for(struct fixture *f, const int *what, int n, bool dispatch)
{
	for (int i = 0; i < 1000 && seen(&f->seen, what) < n; i++) {
		if (dispatch) {
			struct pollfd p = { sglhost_server_get_fd(f->srv), POLLIN, 0 };
			poll(&p, 1, 10);
			assert_true(sglhost_server_dispatch(f->srv) >= 0);
		} else {
			usleep(10 * 1000);
		}
	}
	assert_int_equal(seen(&f->seen, what), n);
}

static void test_dispatch(void **state)
{
	struct fixture f;
	(void)state;
	if (!setup(&f, SGLHOST_SERVER_DISPATCH, false))
		skip();
	assert_true(sglhost_server_get_fd(f.srv) >= 0);
	int fd = guest(&f);
	assert_int_equal(sglhost_server_clients(f.srv), 1);
	/* Nothing is given before dispatch. */
	assert_int_equal(seen(&f.seen, &f.seen.connected), 0);
	wait_for(&f, &f.seen.connected, 1, true);
	close(fd);
	wait_for(&f, &f.seen.ended, 1, true);
	for (int i = 0; i < 500 && sglhost_server_clients(f.srv); i++)
		usleep(10 * 1000);
	assert_int_equal(sglhost_server_clients(f.srv), 0);
	assert_false(f.seen.other_thread);
	teardown(&f);
}

static void test_threads(void **state)
{
	struct fixture f;
	(void)state;
	if (!setup(&f, 0, false))
		skip();
	assert_int_equal(sglhost_server_get_fd(f.srv), -1);
	assert_int_equal(sglhost_server_dispatch(f.srv), 0);
	int a = guest(&f), b = guest(&f);
	wait_for(&f, &f.seen.connected, 2, false);
	assert_int_equal(sglhost_server_clients(f.srv), 2);
	assert_true(f.seen.other_thread);
	close(a);
	wait_for(&f, &f.seen.ended, 1, false);
	/* Destroy with b still connected: its session ends, b sees the end. */
	teardown(&f);
	char buf[64];
	ssize_t n;
	while ((n = read(b, buf, sizeof(buf))) > 0)   /* WELCOME's payload first */
		;
	assert_int_equal(n, 0);
	close(b);
}

static void test_out_of_process(void **state)
{
	struct fixture f;
	(void)state;
	setup(&f, SGLHOST_SERVER_DISPATCH, true);
	int fd = guest(&f);
	wait_for(&f, &f.seen.connected, 1, true);
	close(fd);
	wait_for(&f, &f.seen.ended, 1, true);
	teardown(&f);
}

/* A listening socket the embedder made: adopted, served, and left in
 * place at the end (the embedder's to remove); a non-listening fd is
 * refused. */
static void test_adopted_fd(void **state)
{
	struct fixture f;
	char err[256];
	(void)state;
	if (!setup(&f, SGLHOST_SERVER_DISPATCH, false))
		skip();
	char path[128];
	snprintf(path, sizeof(path), "%s/own", f.dir);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, path, strlen(path) + 1);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	struct sglhost_listener *l = sglhost_listener_adopt_fd(lfd, err, sizeof(err));
	assert_non_null(l);
	assert_non_null(strstr(sglhost_listener_describe(l), "unix fd"));
	assert_false(sglhost_listener_needs_token(l));
	assert_int_equal(sglhost_server_add_listener(f.srv, l), 0);
	memcpy(f.path, path, sizeof(f.path) < sizeof(path) ? sizeof(f.path) : sizeof(path));
	f.path[sizeof(f.path) - 1] = '\0';
	int fd = guest(&f);
	wait_for(&f, &f.seen.connected, 1, true);
	close(fd);
	sglhost_server_destroy(f.srv);
	f.srv = NULL;
	assert_int_equal(access(path, F_OK), 0);   /* not ours to unlink */
	unlink(path);
	snprintf(f.path, sizeof(f.path), "%s/s", f.dir);

	int p[2];
	assert_int_equal(pipe(p), 0);
	errno = 0;
	assert_null(sglhost_listener_adopt_fd(p[0], err, sizeof(err)));
	assert_int_equal(errno, ENOTSOCK);
	close(p[1]);
	teardown(&f);
}

static pid_t helper_pid(void)
{
	return child_named("sglhost-render");
}

struct flood {
	int fd;
	size_t sent;
};

/* 80 MiB of empty COMMANDS batches, as fast as the server takes them. */
static void *flood_thread(void *arg)
{
	struct flood *fl = arg;
	static struct sgl_msg_header batch[4096];
	for (size_t i = 0; i < 4096; i++)
		batch[i] = (struct sgl_msg_header){ sizeof(batch[0]), SGL_MSG_COMMANDS, 1, 0 };
	while (fl->sent < (80u << 20)) {
		ssize_t n = send(fl->fd, batch, sizeof(batch), MSG_NOSIGNAL);
		if (n <= 0)
			break;
		fl->sent += (size_t)n;
	}
	return NULL;
}

/* Out of process, a helper that stops reading (SIGSTOP: a driver stuck in
 * the GPU) while a guest floods it: its serving thread waits with 64 MiB
 * queued, and destroy still ends the session at once. */
static void test_stuck_helper_destroy(void **state)
{
	struct fixture f;
	(void)state;
	setup(&f, SGLHOST_SERVER_DISPATCH, true);
	int fd = guest(&f);
	pid_t pid = -1;
	for (int i = 0; i < 100 && pid < 0; i++) {
		pid = helper_pid();
		if (pid < 0)
			usleep(10 * 1000);
	}
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	struct flood fl = { fd, 0 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, flood_thread, &fl), 0);
	for (int i = 0; i < 300 && fl.sent <= (64u << 20) + (64u << 10); i++)
		usleep(10 * 1000);
	usleep(100 * 1000);   /* the serving thread now waits on the queue */
	printf("# %zu KiB sent to a stopped helper's server\n", fl.sent >> 10);
	assert_true(fl.sent > (64u << 20));   /* the queue is full */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sglhost_server_destroy(f.srv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	f.srv = NULL;
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# destroy took %.0f ms\n", ms);
	assert_true(ms < 3000);
	pthread_join(t, NULL);
	close(fd);
	kill(pid, SIGKILL);   /* already, by the session's end; harmless */
	teardown(&f);
}

static void test_arguments(void **state)
{
	(void)state;
	struct sglhost_server_config sc;
	sglhost_server_config_init(&sc);
	errno = 0;
	assert_null(sglhost_server_create(&sc));   /* no host */
	assert_int_equal(errno, EINVAL);
	sc.session.flags = SGLHOST_SESSION_OUT_OF_PROCESS;   /* and no host_config */
	assert_null(sglhost_server_create(&sc));
	sc.flags = 1u << 30;
	assert_null(sglhost_server_create(&sc));
	assert_null(sglhost_server_create(NULL));
	sglhost_server_destroy(NULL);
	assert_int_equal(sglhost_server_add_listener(NULL, NULL), -EINVAL);
	assert_int_equal(sglhost_server_clients(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_out_of_process),
		cmocka_unit_test(test_adopted_fd),
		cmocka_unit_test(test_stuck_helper_destroy),
		cmocka_unit_test(test_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
