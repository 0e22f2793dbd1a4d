/*
 * The stream transport, host end (src/transport/stream.c) against guest end
 * (guest/stream.c), over loopback TCP, unix sockets and vsock where the
 * kernel has it.
 *
 * - Echo both ways, and 16 MiB through an echoing host while the guest
 *   writes and reads in two threads: a blocking write waits on the reader
 *   (backpressure) and nothing is lost or reordered.
 * - A closed peer reads as 0 and writes as -EPIPE (and no SIGPIPE: this
 *   process does not ignore it).
 * - Channel shutdown wakes a read or a write blocked in another thread;
 *   listener shutdown wakes a blocked accept.
 * - Bad addresses give NULL and a message; needs_token; stale unix sockets.
 *
 * The guest's struct sgl_channel is the host's by layout; this file sees
 * only the host's definition (guest/stream.h forward-declares it).
 * Every test runs under an alarm, so a hang fails instead of blocking.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include <cmocka.h>

#include "transport/stream.h"
#include "stream.h"

#define BIG (16u << 20)
#define ALARM_S 30

struct pair {
	struct sgl_listener *l;
	struct sgl_channel *host, *guest;
};

struct connector {
	char address[200];
	struct sgl_channel *ch;
	char err[256];
};

struct pump {
	struct sgl_channel *ch;
	uint8_t *buf;
	size_t size;
	int result;
};

static int arm(void **state)
{
	(void)state;
	alarm(ALARM_S);
	return 0;
}

static int disarm(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* A fresh directory for unix sockets; `path` gets DIR/NAME. */
static void temp_socket(char *dir, size_t dir_size, char *path, size_t path_size,
			const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, dir_size, "%s/sgl-stream-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, path_size, "%s/%s", dir, name);
}

/* The address a guest dials to reach listener `l`: its description with the
 * first space made a colon ("tcp 127.0.0.1:3000" -> "tcp:127.0.0.1:3000"),
 * and vsock's "any" CID made "local". */
static void dial_address(const struct sgl_listener *l, char *out, size_t size)
{
	if (!strncmp(l->desc, "vsock any:", 10))
		snprintf(out, size, "vsock:local:%s", l->desc + 10);
	else
		snprintf(out, size, "%s", l->desc);
	char *space = strchr(out, ' ');
	assert_non_null(space);
	*space = ':';
}

static void *connect_main(void *arg)
{
	struct connector *c = arg;
	c->ch = sgl_stream_connect(c->address, c->err, sizeof(c->err));
	return NULL;
}

/* Listens on `address`, connects to it from a guest thread, accepts. */
static void open_pair(struct pair *p, const char *address)
{
	char err[256] = "";
	struct connector c = { .ch = NULL };
	pthread_t t;
	int e = 0;

	p->l = sgl_stream_listen(address, err, sizeof(err));
	if (!p->l)
		fail_msg("listen %s: %s", address, err);
	dial_address(p->l, c.address, sizeof(c.address));
	assert_int_equal(pthread_create(&t, NULL, connect_main, &c), 0);
	p->host = p->l->ops->accept(p->l, &e);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (!c.ch)
		fail_msg("connect %s: %s", c.address, c.err);
	assert_non_null(p->host);
	assert_int_equal(e, 0);
	p->guest = c.ch;
}

static void close_pair(struct pair *p)
{
	if (p->guest)
		p->guest->ops->destroy(p->guest);
	if (p->host)
		p->host->ops->destroy(p->host);
	p->l->ops->destroy(p->l);
	memset(p, 0, sizeof(*p));
}

/* Bytes that show a loss or a reordering: no period short of 2^32. */
static void pattern(uint8_t *buf, size_t n, uint32_t seed)
{
	uint32_t x = seed;
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(x >> 24);
	}
}

static void *write_main(void *arg)
{
	struct pump *p = arg;
	p->result = p->ch->ops->write(p->ch, p->buf, p->size);
	return NULL;
}

static void *read_main(void *arg)
{
	struct pump *p = arg;
	ssize_t r = p->ch->ops->read(p->ch, p->buf, p->size);
	p->result = (int)r;
	return NULL;
}

/* Sends back everything it reads, in reads of odd sizes, until `size`. */
static void *echo_main(void *arg)
{
	struct pump *p = arg;
	size_t done = 0, step = 1;

	p->result = 0;
	while (done < p->size) {
		size_t want = p->size - done < step ? p->size - done : step;
		ssize_t r = p->ch->ops->read(p->ch, p->buf, want);
		if (r <= 0) {
			p->result = r ? (int)r : -EPIPE;
			return NULL;
		}
		p->result = p->ch->ops->write(p->ch, p->buf, (size_t)r);
		if (p->result)
			return NULL;
		done += (size_t)r;
		step = step * 7 % 65521 + 1;
	}
	return NULL;
}

static void check_small(struct pair *p)
{
	char buf[8] = "";

	assert_int_equal(p->guest->ops->write(p->guest, "hello", 5), 0);
	assert_int_equal(sgl_channel_read_all(p->host, buf, 5), 0);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(p->host->ops->write(p->host, "world!", 6), 0);
	assert_int_equal(sgl_guest_channel_read_all(p->guest, buf, 6), 0);
	assert_memory_equal(buf, "world!", 6);
}

/* 16 MiB from a guest writer thread, through a host echo thread, into the
 * guest reader (this thread). Each side blocks on the other in turn. */
static void check_big(struct pair *p)
{
	uint8_t *out = malloc(BIG), *in = malloc(BIG), *scratch = malloc(65536);
	struct pump w = { p->guest, out, BIG, -1 }, e = { p->host, scratch, BIG, -1 };
	pthread_t tw, te;

	assert_non_null(out);
	assert_non_null(in);
	assert_non_null(scratch);
	pattern(out, BIG, 12345);
	memset(in, 0, BIG);
	assert_int_equal(pthread_create(&te, NULL, echo_main, &e), 0);
	assert_int_equal(pthread_create(&tw, NULL, write_main, &w), 0);
	int r = sgl_guest_channel_read_all(p->guest, in, BIG);
	assert_int_equal(pthread_join(tw, NULL), 0);
	assert_int_equal(pthread_join(te, NULL), 0);
	assert_int_equal(r, 0);
	assert_int_equal(w.result, 0);
	assert_int_equal(e.result, 0);
	assert_true(memcmp(in, out, BIG) == 0);
	free(out);
	free(in);
	free(scratch);
}

/* ---------------------------------------------------------------------- */

static void test_tcp_echo(void **state)
{
	struct pair p;
	char want[64];
	(void)state;

	open_pair(&p, "tcp:127.0.0.1:0");
	int64_t port = sgl_stream_listener_port(p.l);
	assert_true(port > 0 && port < 65536);
	snprintf(want, sizeof(want), "tcp 127.0.0.1:%d", (int)port);
	assert_string_equal(p.l->desc, want);
	assert_false(p.l->needs_token);
	assert_string_equal(p.guest->peer, want);
	assert_true(!strncmp(p.host->peer, "tcp 127.0.0.1:", 14));
	assert_string_not_equal(p.host->peer, want); /* the client's port */
	check_small(&p);
	check_big(&p);
	close_pair(&p);
}

static void test_tcp6_echo(void **state)
{
	struct pair p;
	char err[256];
	(void)state;

	struct sgl_listener *probe = sgl_stream_listen("tcp:[::1]:0", err, sizeof(err));
	if (!probe)
		skip(); /* no IPv6 loopback here */
	probe->ops->destroy(probe);
	open_pair(&p, "tcp:[::1]:0");
	assert_true(!strncmp(p.l->desc, "tcp [::1]:", 10));
	assert_false(p.l->needs_token);
	assert_true(!strncmp(p.host->peer, "tcp [::1]:", 10));
	check_small(&p);
	close_pair(&p);
}

static void test_unix_echo(void **state)
{
	char dir[128], path[160], want[200], address[200];
	struct pair p;
	struct stat st;
	(void)state;

	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);
	open_pair(&p, address);
	snprintf(want, sizeof(want), "unix %s", path);
	assert_string_equal(p.l->desc, want);
	assert_false(p.l->needs_token);
	assert_int_equal(sgl_stream_listener_port(p.l), -1);
	assert_string_equal(p.host->peer, "unix");
	assert_string_equal(p.guest->peer, "unix");
	check_small(&p);
	check_big(&p);
	close_pair(&p);
	/* The listener takes its socket file away with it. */
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(rmdir(dir), 0);
}

/* Writes until the dead peer's reset arrives: bounded, about 2 s. */
static int write_until_error(struct sgl_channel *ch)
{
	static const char buf[4096];

	for (int i = 0; i < 2000; i++) {
		int r = ch->ops->write(ch, buf, sizeof(buf));
		if (r)
			return r;
		sleep_ms(1);
	}
	return 0;
}

/* One side closes; the other reads the end of stream, then fails to write. */
static void check_peer_close(const char *address, bool guest_closes)
{
	struct pair p;
	char buf[16];

	open_pair(&p, address);
	struct sgl_channel **gone = guest_closes ? &p.guest : &p.host;
	struct sgl_channel *left = guest_closes ? p.host : p.guest;
	assert_int_equal((*gone)->ops->write(*gone, "bye", 3), 0);
	(*gone)->ops->destroy(*gone);
	*gone = NULL;
	/* What was sent before the close still arrives, then the end. */
	assert_int_equal(sgl_channel_read_all(left, buf, 3), 0);
	assert_memory_equal(buf, "bye", 3);
	assert_int_equal(left->ops->read(left, buf, sizeof(buf)), 0);
	assert_int_equal(sgl_channel_read_all(left, buf, 1), -EPIPE);
	assert_int_equal(sgl_guest_channel_read_all(left, buf, 1), -EPIPE);
	assert_int_equal(write_until_error(left), -EPIPE);
	close_pair(&p);
}

static void test_peer_close(void **state)
{
	char dir[128], path[160], address[200];
	(void)state;

	check_peer_close("tcp:127.0.0.1:0", true);
	check_peer_close("tcp:127.0.0.1:0", false);
	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);
	check_peer_close(address, true);
	check_peer_close(address, false);
	assert_int_equal(rmdir(dir), 0);
}

/* A read blocked in a thread returns -EPIPE once another thread shuts the
 * channel down; so does every later call. The peer sees the end. */
static void check_shutdown_read(struct sgl_channel *ch, struct sgl_channel *peer)
{
	char buf[16];
	struct pump r = { ch, (uint8_t *)buf, sizeof(buf), 1 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, read_main, &r), 0);
	sleep_ms(100);
	ch->ops->shutdown(ch);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.result, -EPIPE);
	assert_int_equal(ch->ops->read(ch, buf, sizeof(buf)), -EPIPE);
	assert_int_equal(ch->ops->write(ch, "x", 1), -EPIPE);
	assert_int_equal(peer->ops->read(peer, buf, sizeof(buf)), 0);
}

/* A write blocked on a peer that does not read returns -EPIPE once another
 * thread shuts the channel down. */
static void check_shutdown_write(struct sgl_channel *ch)
{
	size_t size = 64u << 20; /* beyond any socket buffer */
	uint8_t *buf = calloc(1, size);
	struct pump w = { ch, buf, size, 1 };
	pthread_t t;

	assert_non_null(buf);
	assert_int_equal(pthread_create(&t, NULL, write_main, &w), 0);
	sleep_ms(200);
	ch->ops->shutdown(ch);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.result, -EPIPE);
	free(buf);
}

static void check_shutdown(const char *address)
{
	struct pair p;

	open_pair(&p, address);
	check_shutdown_read(p.host, p.guest);
	close_pair(&p);
	open_pair(&p, address);
	check_shutdown_read(p.guest, p.host);
	close_pair(&p);
	open_pair(&p, address);
	check_shutdown_write(p.host);
	close_pair(&p);
	open_pair(&p, address);
	check_shutdown_write(p.guest);
	close_pair(&p);
}

static void test_channel_shutdown(void **state)
{
	char dir[128], path[160], address[200];
	(void)state;

	check_shutdown("tcp:127.0.0.1:0");
	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);
	check_shutdown(address);
	assert_int_equal(rmdir(dir), 0);
}

struct acceptor {
	struct sgl_listener *l;
	struct sgl_channel *ch;
	int err;
};

static void *accept_main(void *arg)
{
	struct acceptor *a = arg;
	a->ch = a->l->ops->accept(a->l, &a->err);
	return NULL;
}

static void check_listener_shutdown(const char *address)
{
	char err[256];
	struct acceptor a[2];
	pthread_t t[2];
	int e = 0;

	struct sgl_listener *l = sgl_stream_listen(address, err, sizeof(err));
	if (!l)
		fail_msg("listen %s: %s", address, err);
	/* Two threads in accept: one shutdown wakes both. */
	for (int i = 0; i < 2; i++) {
		a[i] = (struct acceptor){ l, NULL, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, accept_main, &a[i]), 0);
	}
	sleep_ms(100);
	l->ops->shutdown(l);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_null(a[i].ch);
		assert_int_equal(a[i].err, -ECANCELED);
	}
	/* And every accept after. */
	assert_null(l->ops->accept(l, &e));
	assert_int_equal(e, -ECANCELED);
	l->ops->shutdown(l);
	l->ops->destroy(l);
}

static void test_listener_shutdown(void **state)
{
	char dir[128], path[160], address[200];
	(void)state;

	check_listener_shutdown("tcp:127.0.0.1:0");
	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);
	check_listener_shutdown(address);
	assert_int_equal(rmdir(dir), 0);
}

/* ---------------------------------------------------------------------- */

struct bad {
	const char *address;
	const char *says;     /* a part of the message */
};

static void verbose(const char *what, const char *address, const char *err)
{
	if (getenv("SGL_TEST_VERBOSE"))
		printf("# %s \"%s\": %s\n", what, address, err);
}

static void test_bad_addresses(void **state)
{
	static const struct bad listens[] = {
		{ "tcp:nohost", "tcp:nohost: expected tcp:HOST:PORT" },
		{ "tcp:127.0.0.1:99999", "bad port '99999'" },
		{ "tcp:127.0.0.1:", "bad port ''" },
		{ "tcp:127.0.0.1:-1", "bad port '-1'" },
		{ "tcp:127.0.0.1: 80", "bad port ' 80'" },
		{ "tcp:127.0.0.1:80x", "bad port '80x'" },
		{ "bogus:x", "bogus:x: unknown address" },
		{ "", "unknown address" },
		{ "unix:", "unix:: expected unix:PATH" },
		{ "vsock:x:1", "bad CID 'x'" },
		{ "vsock:any:", "bad port ''" },
		{ "vsock:any", "expected vsock:CID:PORT" },
	};
	static const struct bad connects[] = {
		{ "tcp:nohost", "tcp:nohost: expected tcp:HOST:PORT" },
		{ "tcp:127.0.0.1:99999", "bad port '99999'" },
		{ "tcp:127.0.0.1:0", "bad port '0'" },
		{ "bogus:x", "bogus:x: unknown address" },
		{ "unix:", "unix:: expected unix:PATH" },
		{ "unix:/nonexistent/sgl.sock", "connect: No such file or directory" },
		{ "vsock:any:1", "bad CID 'any'" },
	};
	char err[256], longpath[160];
	(void)state;

	for (size_t i = 0; i < sizeof(listens) / sizeof(listens[0]); i++) {
		strcpy(err, "");
		errno = 0;
		assert_null(sgl_stream_listen(listens[i].address, err, sizeof(err)));
		assert_true(errno > 0);
		verbose("listen", listens[i].address, err);
		if (!strstr(err, listens[i].says))
			fail_msg("listen \"%s\": \"%s\" lacks \"%s\"", listens[i].address, err,
				 listens[i].says);
	}
	for (size_t i = 0; i < sizeof(connects) / sizeof(connects[0]); i++) {
		strcpy(err, "");
		errno = 0;
		assert_null(sgl_stream_connect(connects[i].address, err, sizeof(err)));
		assert_true(errno > 0);
		verbose("connect", connects[i].address, err);
		if (!strstr(err, connects[i].says))
			fail_msg("connect \"%s\": \"%s\" lacks \"%s\"", connects[i].address, err,
				 connects[i].says);
	}

	/* A path too long for sockaddr_un. */
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memcpy(longpath, "unix:/", 6);
	assert_null(sgl_stream_listen(longpath, err, sizeof(err)));
	assert_int_equal(errno, ENAMETOOLONG);
	assert_non_null(strstr(err, "path longer than"));
	assert_null(sgl_stream_connect(longpath, err, sizeof(err)));
	assert_int_equal(errno, ENAMETOOLONG);

	/* Refused: a port nobody listens on (just freed). */
	struct sgl_listener *l = sgl_stream_listen("tcp:127.0.0.1:0", err, sizeof(err));
	assert_non_null(l);
	char address[64];
	snprintf(address, sizeof(address), "tcp:127.0.0.1:%d", (int)sgl_stream_listener_port(l));
	l->ops->destroy(l);
	assert_null(sgl_stream_connect(address, err, sizeof(err)));
	assert_int_equal(errno, ECONNREFUSED);
	verbose("connect", address, err);
	assert_non_null(strstr(err, "connect: Connection refused"));

	/* No buffer, or a tiny one: still NULL, still terminated. */
	assert_null(sgl_stream_listen(NULL, NULL, 0));
	assert_null(sgl_stream_connect(NULL, NULL, 0));
	assert_null(sgl_stream_listen("bogus:x", NULL, 0));
	strcpy(err, "xxxxxxxx");
	assert_null(sgl_stream_listen("bogus:x", err, 4));
	assert_string_equal(err, "bog");
}

/* needs_token is about who can reach the listen, decided on the address
 * the socket is bound to. */
static void check_token(const char *address, bool want, const char *desc_prefix)
{
	char err[256];
	struct sgl_listener *l = sgl_stream_listen(address, err, sizeof(err));

	if (!l)
		fail_msg("listen %s: %s", address, err);
	if (l->needs_token != want)
		fail_msg("%s: needs_token %d", address, l->needs_token);
	if (strncmp(l->desc, desc_prefix, strlen(desc_prefix)))
		fail_msg("%s: desc \"%s\"", address, l->desc);
	l->ops->destroy(l);
}

static void test_needs_token(void **state)
{
	char dir[128], path[160], address[200], err[256];
	(void)state;

	check_token("tcp:127.0.0.1:0", false, "tcp 127.0.0.1:");
	check_token("tcp::0", false, "tcp 127.0.0.1:"); /* empty host */
	check_token("tcp:localhost:0", false, "tcp ");
	check_token("tcp:0.0.0.0:0", true, "tcp 0.0.0.0:");
	struct sgl_listener *l = sgl_stream_listen("tcp:[::1]:0", err, sizeof(err));
	if (l) {
		l->ops->destroy(l);
		check_token("tcp:[::1]:0", false, "tcp [::1]:");
		check_token("tcp:::1:0", false, "tcp [::1]:"); /* unbracketed */
		check_token("tcp:[::]:0", true, "tcp [::]:");
	}
	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);
	check_token(address, false, "unix /");
	assert_int_equal(rmdir(dir), 0);
}

/* A socket file with nobody behind it, as a crashed server leaves. */
static void make_stale_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
}

static void test_unix_stale(void **state)
{
	char dir[128], path[160], address[200], err[256], b = 0;
	struct stat st;
	int e = 0;
	(void)state;

	temp_socket(dir, sizeof(dir), path, sizeof(path), "s");
	snprintf(address, sizeof(address), "unix:%s", path);

	/* A stale socket is replaced. */
	make_stale_socket(path);
	struct sgl_listener *l = sgl_stream_listen(address, err, sizeof(err));
	if (!l)
		fail_msg("listen %s: %s", address, err);

	/* A live one is not: the second listen fails... */
	assert_null(sgl_stream_listen(address, err, sizeof(err)));
	assert_int_equal(errno, EADDRINUSE);
	verbose("listen", address, err);
	assert_non_null(strstr(err, "a server is already listening there"));
	/* ...and the first keeps its file: a client gets through, after the
	 * probe, which it sees as a client that left at once. */
	struct sgl_channel *g = sgl_stream_connect(address, err, sizeof(err));
	assert_non_null(g);
	struct sgl_channel *probe = l->ops->accept(l, &e);
	assert_non_null(probe);
	assert_int_equal(probe->ops->read(probe, &b, 1), 0);
	probe->ops->destroy(probe);
	struct sgl_channel *h = l->ops->accept(l, &e);
	assert_non_null(h);
	assert_int_equal(g->ops->write(g, "x", 1), 0);
	assert_int_equal(sgl_channel_read_all(h, &b, 1), 0);
	assert_int_equal(b, 'x');
	g->ops->destroy(g);
	h->ops->destroy(h);

	/* A listener removes only its own file, not one put in its place. */
	assert_int_equal(unlink(path), 0);
	make_stale_socket(path);
	l->ops->destroy(l);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(unlink(path), 0);

	/* A file that is not a socket is never removed. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(sgl_stream_listen(address, err, sizeof(err)));
	assert_int_equal(errno, EEXIST);
	verbose("listen", address, err);
	assert_non_null(strstr(err, "exists and is not a socket"));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ---------------------------------------------------------------------- */
/* vsock, where the kernel has it */

static void skip_without_vsock(void)
{
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && errno == EAFNOSUPPORT)
		skip();
	assert_true(fd >= 0);
	close(fd);
}

static void test_vsock_listen(void **state)
{
	char err[256], want[64], address[64];
	(void)state;

	skip_without_vsock();
	struct sgl_listener *l = sgl_stream_listen("vsock:any:0", err, sizeof(err));
	if (!l)
		fail_msg("listen vsock:any:0: %s", err);
	int64_t port = sgl_stream_listener_port(l);
	assert_true(port > 0 && port < (int64_t)VMADDR_PORT_ANY);
	snprintf(want, sizeof(want), "vsock any:%lld", (long long)port);
	assert_string_equal(l->desc, want);
	assert_true(l->needs_token);

	/* The port is taken while l lives, free again after. */
	snprintf(address, sizeof(address), "vsock:any:%lld", (long long)port);
	assert_null(sgl_stream_listen(address, err, sizeof(err)));
	assert_int_equal(errno, EADDRINUSE);
	verbose("listen", address, err);
	l->ops->destroy(l);
	l = sgl_stream_listen(address, err, sizeof(err));
	if (!l)
		fail_msg("listen %s: %s", address, err);
	assert_int_equal(sgl_stream_listener_port(l), port);
	assert_true(l->needs_token);
	l->ops->destroy(l);
}

/* Whether this machine reaches its own vsock listeners (vsock_loopback);
 * asked with a short timeout, where a missing transport takes 2 s. The
 * probe leaves a client in the backlog, which is taken and dropped. */
static bool vsock_loopback(struct sgl_listener *l)
{
	struct sockaddr_vm a = {
		.svm_family = AF_VSOCK,
		.svm_cid = 1, /* VMADDR_CID_LOCAL */
		.svm_port = (unsigned)sgl_stream_listener_port(l),
	};
	struct timeval timeout = { 0, 300000 };
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0;

	assert_true(fd >= 0);
	setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &timeout, sizeof(timeout));
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	if (ok) {
		struct sgl_channel *ch = l->ops->accept(l, &e);
		assert_non_null(ch);
		ch->ops->destroy(ch);
	}
	return ok;
}

static void test_vsock_echo(void **state)
{
	char err[256];
	(void)state;

	skip_without_vsock();
	struct sgl_listener *l = sgl_stream_listen("vsock:any:0", err, sizeof(err));
	if (!l)
		fail_msg("listen vsock:any:0: %s", err);
	bool ok = vsock_loopback(l);
	l->ops->destroy(l);
	if (!ok)
		skip(); /* no vsock_loopback transport */

	struct pair p;
	open_pair(&p, "vsock:any:0");
	assert_true(!strncmp(p.host->peer, "vsock 1:", 8));
	assert_true(!strncmp(p.guest->peer, "vsock 1:", 8));
	check_small(&p);
	check_big(&p);
	close_pair(&p);
	open_pair(&p, "vsock:any:0");
	check_shutdown_read(p.host, p.guest);
	close_pair(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tcp_echo, arm, disarm),
		cmocka_unit_test_setup_teardown(test_tcp6_echo, arm, disarm),
		cmocka_unit_test_setup_teardown(test_unix_echo, arm, disarm),
		cmocka_unit_test_setup_teardown(test_peer_close, arm, disarm),
		cmocka_unit_test_setup_teardown(test_channel_shutdown, arm, disarm),
		cmocka_unit_test_setup_teardown(test_listener_shutdown, arm, disarm),
		cmocka_unit_test_setup_teardown(test_bad_addresses, arm, disarm),
		cmocka_unit_test_setup_teardown(test_needs_token, arm, disarm),
		cmocka_unit_test_setup_teardown(test_unix_stale, arm, disarm),
		cmocka_unit_test_setup_teardown(test_vsock_listen, arm, disarm),
		cmocka_unit_test_setup_teardown(test_vsock_echo, arm, disarm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
