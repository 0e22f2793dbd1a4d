/*
 * The wire identity (protocol/wire_id.py, docs/session.md): a guest whose
 * protocol is not the host's is refused at HELLO, with one line naming both
 * wire ids in the host's log and on the guest's stderr, and the guest
 * library fails context creation instead of losing contexts later.
 *
 * A real host session (src/transport/session.c) serves a unix socket; a
 * proxy in front of it changes one byte of the wire id in the HELLO that
 * passes, as a guest built from other protocol sources would send it. The
 * guest side is the real runtime (guest/runtime.c, guest/session.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "entry.h"
#include "runtime.h"
#include "session.h"
#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "sglhost.h"
#include "serve.h"
#include "transport/listener.h"
#include "transport/session.h"

struct server {
	char dir[64], host_path[96], proxy_path[96];
	struct test_server t;
	pthread_t thread, proxy;
	int proxy_fd;
};

static struct server srv;

/* No GL entry points here (the runtime's lookup needs a table): this test
 * makes no GL call, and sgl_entry.c takes minutes to compile. */
const struct sgl_entry_point *sgl_entry_points(size_t *count)
{
	*count = 0;
	return NULL;
}

static int unix_socket(const char *path, bool listen_)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0)
		return -1;
	if (listen_ ? bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)
		    : connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool read_all(int fd, void *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (uint8_t *)buf + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t n)
{
	for (size_t put = 0; put < n;) {
		ssize_t r = write(fd, (const uint8_t *)buf + put, n - put);
		if (r <= 0)
			return false;
		put += (size_t)r;
	}
	return true;
}

/* Each client: its HELLO with wire[0] changed, then bytes both ways. */
static void *proxy_main(void *arg)
{
	struct server *s = arg;
	for (;;) {
		int g = accept4(s->proxy_fd, NULL, NULL, SOCK_CLOEXEC);
		if (g < 0)
			return NULL;
		int h = unix_socket(s->host_path, false);
		struct sgl_msg_header mh;
		uint8_t body[4096];
		if (h >= 0 && read_all(g, &mh, sizeof(mh)) && mh.size >= sizeof(mh) &&
		    mh.size - sizeof(mh) <= sizeof(body) && read_all(g, body, mh.size - sizeof(mh))) {
			if (mh.kind == SGL_MSG_HELLO && mh.size >= sizeof(mh) + sizeof(struct sgl_msg_hello))
				body[offsetof(struct sgl_msg_hello, wire)] ^= 0x5a;
			write_all(h, &mh, sizeof(mh));
			write_all(h, body, mh.size - sizeof(mh));
			struct pollfd p[2] = { { g, POLLIN, 0 }, { h, POLLIN, 0 } };
			while (poll(p, 2, 5000) > 0) {
				int from = (p[0].revents & (POLLIN | POLLHUP)) ? 0 : 1;
				ssize_t n = read(p[from].fd, body, sizeof(body));
				if (n <= 0 || !write_all(p[1 - from].fd, body, (size_t)n))
					break;
			}
		}
		if (h >= 0)
			close(h);
		close(g);
	}
}

static int setup(void **state)
{
	(void)state;
	char err[256] = "";
	const char *tmp = getenv("TMPDIR");
	struct sglhost_config hc;

	memset(&srv, 0, sizeof(srv));
	test_log_init(&srv.t.log);
	snprintf(srv.dir, sizeof(srv.dir), "%s/sgl-wire-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(srv.dir))
		return -1;
	snprintf(srv.host_path, sizeof(srv.host_path), "%s/host.sock", srv.dir);
	snprintf(srv.proxy_path, sizeof(srv.proxy_path), "%s/proxy.sock", srv.dir);
	sglhost_config_init(&hc);
	hc.platform = SGLHOST_PLATFORM_SURFACELESS;
	srv.t.host = sglhost_create(&hc);
	if (!srv.t.host)
		return -1;
	char addr[120];
	snprintf(addr, sizeof(addr), "unix:%s", srv.host_path);
	srv.t.l = sgl_stream_listen(addr, err, sizeof(err));
	srv.proxy_fd = unix_socket(srv.proxy_path, true);
	if (!srv.t.l || srv.proxy_fd < 0)
		return -1;
	pthread_create(&srv.thread, NULL, test_serve, &srv.t);
	pthread_create(&srv.proxy, NULL, proxy_main, &srv);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	srv.t.l->ops->shutdown(srv.t.l);
	pthread_join(srv.thread, NULL);
	srv.t.l->ops->destroy(srv.t.l);
	shutdown(srv.proxy_fd, SHUT_RDWR);
	pthread_join(srv.proxy, NULL);
	close(srv.proxy_fd);
	sglhost_destroy(srv.t.host);
	unlink(srv.host_path);
	unlink(srv.proxy_path);
	rmdir(srv.dir);
	return 0;
}

/* The refusal line both sides print: the guest's (changed) id and ours. */
static void expected_line(char *buf, size_t size)
{
	static const uint8_t wire[32] = SGL_WIRE_ID_BYTES;
	char guest[17];
	for (int i = 0; i < 8; i++)
		snprintf(guest + 2 * i, 3, "%02x", (uint8_t)(wire[i] ^ (i == 0 ? 0x5a : 0)));
	snprintf(buf, size, "protocol mismatch: guest wire id %s, sgl-host wire id %.16s", guest,
		 SGL_WIRE_ID_HEX);
}

/* The same build on both sides: welcomed (the control: the proxy is the
 * only difference in the next test). */
static void same_protocol_welcomed(void **state)
{
	(void)state;
	char addr[120], err[512] = "";
	snprintf(addr, sizeof(addr), "unix:%s", srv.host_path);
	struct sgl_session *s = sgl_session_open(addr, "test_wire_id", err, sizeof(err));
	assert_non_null(s);
	sgl_session_close(s);
}

/* Another wire id: refused with one line on each side, and every context
 * creation fails (never a context that is lost afterwards). */
static void other_protocol_refused(void **state)
{
	(void)state;
	char want[160], addr[120], path[128], text[2048] = "";
	expected_line(want, sizeof(want));
	snprintf(addr, sizeof(addr), "unix:%s", srv.proxy_path);
	setenv("SGL_TRANSPORT", addr, 1);

	/* The runtime's stderr, into a file. */
	snprintf(path, sizeof(path), "%s/stderr", srv.dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	struct sgl_context *c = sgl_context_new(1, 0, 0, NULL, 64, 64, 0);
	struct sgl_context *c2 = sgl_context_new(1, 0, 0, NULL, 64, 64, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	text[n > 0 ? n : 0] = '\0';
	fprintf(stderr, "guest said: %s", text);

	assert_null(c);
	assert_null(c2);
	assert_non_null(strstr(text, want));
	/* One line, once. */
	assert_non_null(strchr(text, '\n'));
	assert_string_equal(strchr(text, '\n') + 1, "");

	assert_true(test_log_has(&srv.t.log, want));
}

/* A HELLO of another session version (an older guest) is refused with both
 * versions, before its layout is read. */
static void other_version_refused(void **state)
{
	(void)state;
	int fd = unix_socket(srv.host_path, false);
	assert_true(fd >= 0);
	struct {
		struct sgl_msg_header h;
		uint32_t magic, version;
		uint8_t rest[96];     /* version 2's HELLO: token and name */
	} old = { { sizeof(old), SGL_MSG_HELLO, 0, 0 }, SGL_SESSION_MAGIC, 2, { 0 } };
	assert_true(write_all(fd, &old, sizeof(old)));
	struct sgl_msg_header h;
	char text[256] = "";
	assert_true(read_all(fd, &h, sizeof(h)));
	assert_int_equal(h.kind, SGL_MSG_BYE);
	assert_true(h.size - sizeof(h) < sizeof(text));
	assert_true(read_all(fd, text, h.size - sizeof(h)));
	close(fd);
	char want[80];
	snprintf(want, sizeof(want), "session protocol version 2, sgl-host speaks %u",
		 SGL_SESSION_VERSION);
	assert_string_equal(text, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_protocol_welcomed),
		cmocka_unit_test(other_version_refused),
		cmocka_unit_test(other_protocol_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
