/*
 * The vhost-user-vsock back-end (src/transport/vhost_vsock.c and the files
 * it uses) against a mock frontend and guest driver (vu_mock.c):
 *
 * - QEMU 7.2's recorded message sequence (notes: qemu72-vhost-user-vsock-
 *   trace.log): 2 rings, SET_MEM_TABLE with 2 regions of one memfd and
 *   need_reply, then a real sgl session through a guest vsock stream
 *   (HELLO, a context, glClear + a 256 KiB glReadPixels, a 1 MiB texture
 *   upload, glGetError), the guest's close (SHUTDOWN -> RST), poweroff;
 * - crosvm/cloud-hypervisor style: 3 rings, REPLY_ACK on every message,
 *   ADD_MEM_REG/REM_MEM_REG; credit both ways with a small guest buffer;
 *   a guest that ignores our credit is reset; RST for unknown ports and
 *   connections; the connection limit;
 * - reconnect: the frontend leaves, its channel ends, a new one works;
 * - malformed control messages and hostile rings: the connection is
 *   dropped with a readable reason and the server keeps serving.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "encoder.h"
#include "session.h"
#include "sglhost.h"
#include "sglhost_transport.h"
#include "transport/listener.h"
#include "serve.h"
#include "transport/session.h"
#include "vu_mock.h"

#define PORT 5000u
#define FEATURES_QEMU (1ull << VIRTIO_F_VERSION_1 | 1ull << VHOST_USER_F_PROTOCOL_FEATURES)
#define PROTO_QEMU 0x209ull   /* MQ, REPLY_ACK, CONFIG: what QEMU 7.2 acked */

struct server {
	char dir[64], path[96];
	struct test_server t;
	pthread_t thread;
	bool serving;
};

static struct server *current;

/* For failures: what the back-end said. */
static const char *server_log(void)
{
	return current ? current->t.log.text : "";
}

static bool logged(struct server *s, const char *what)
{
	return test_log_has(&s->t.log, what);
}

static void start(struct server *s, uint32_t max_connections)
{
	char err[256] = "";
	const char *tmp = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	current = s;
	test_log_init(&s->t.log);
	snprintf(s->dir, sizeof(s->dir), "%s/sgl-vu-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/vu.sock", s->dir);
	struct sgl_vhost_vsock_config cfg = {
		.path = s->path, .guest_cid = MOCK_GUEST_CID, .port = PORT,
		.max_connections = max_connections, .log = test_log_line, .log_user = &s->t.log,
	};
	s->t.l = sgl_vhost_vsock_listen(&cfg, err, sizeof(err));
	if (!s->t.l)
		fail_msg("listen: %s", err);
}

static void stop(struct server *s)
{
	s->t.l->ops->shutdown(s->t.l);
	if (s->serving)
		pthread_join(s->thread, NULL);
	s->t.l->ops->destroy(s->t.l);
	sglhost_destroy(s->t.host);
	rmdir(s->dir);
	test_log_finish(&s->t.log);
}

/* ---------------------------------------------------------------------- */
/* Sessions: the host side as sgl-host runs it, the guest side through a
 * unix socket bridged onto the mock guest's vsock stream. */

static void host_log(void *user, enum sglhost_log_level level, const char *file, int line,
		     const char *msg)
{
	(void)user; (void)level; (void)file; (void)line; (void)msg;
}

struct guest {
	char addr[128];
	int result;
	char why[256];
};

static int guest_work(struct guest *g)
{
	enum { W = 256, H = 256, TEX = 512 };
	int major, minor;
	struct sgl_session *s = sgl_session_open(g->addr, "test_vhost_user", g->why, sizeof(g->why));
	if (!s)
		return 1;
	uint32_t id = sgl_session_new_context_id(s);
	int r = sgl_session_create_context(s, id, SGLHOST_API_GL_COMPAT, 0, 0, 0, W, H, 0, &major,
					   &minor);
	if (r) {
		snprintf(g->why, sizeof(g->why), "create context: %d", r);
		sgl_session_close(s);
		return 1;
	}
	struct sgl_session_link link = { .session = s, .context = id };
	struct sgl_enc enc;
	uint8_t *px = malloc((size_t)W * H * 4), *tex = malloc((size_t)TEX * TEX * 4);
	sgl_enc_init(&enc, 64 * 1024, &sgl_session_transport, &link);
	sgl_enc_glViewport(&enc, 0, 0, W, H);
	sgl_enc_glClearColor(&enc, 0.0f, 1.0f, 0.0f, 1.0f);
	sgl_enc_glClear(&enc, GL_COLOR_BUFFER_BIT);
	memset(px, 0, (size_t)W * H * 4);
	/* 256 KiB back: more than one receive buffer, credit, backpressure. */
	sgl_enc_glReadPixels(&enc, 0, 0, W, H, GL_RGBA, GL_UNSIGNED_BYTE, px);
	int bad = 0;
	for (size_t i = 0; i < (size_t)W * H; i++)
		bad += px[4 * i] != 0 || px[4 * i + 1] != 255 || px[4 * i + 2] != 0;
	/* 1 MiB up. */
	for (size_t i = 0; i < (size_t)TEX * TEX * 4; i++)
		tex[i] = (uint8_t)(i * 7);
	GLuint name = 0;
	sgl_enc_glGenTextures(&enc, 1, &name);
	sgl_enc_glBindTexture(&enc, GL_TEXTURE_2D, name);
	sgl_enc_glTexImage2D(&enc, GL_TEXTURE_2D, 0, GL_RGBA8, TEX, TEX, 0, GL_RGBA,
			     GL_UNSIGNED_BYTE, tex);
	GLenum e = sgl_enc_glGetError(&enc);
	if (bad || e != GL_NO_ERROR || link.lost)
		snprintf(g->why, sizeof(g->why), "%d wrong pixels, GL error 0x%x, lost %d %.150s", bad,
			 e, link.lost, link.reason);
	sgl_enc_finish(&enc);
	sgl_session_destroy_context(s, id);
	sgl_session_close(s);
	free(px);
	free(tex);
	return bad || e != GL_NO_ERROR || link.lost;
}

static void *guest_main(void *arg)
{
	struct guest *g = arg;
	g->result = guest_work(g);
	return NULL;
}

/* Moves bytes between the guest program's unix socket and the mock
 * guest's vsock stream, as the guest kernel would, until the program
 * closes; then closes the stream (SHUTDOWN, and the host's RST). */
static void bridge(struct mock_fe *f, int lfd)
{
	struct pollfd lp = { lfd, POLLIN, 0 };
	assert_int_equal(poll(&lp, 1, 10000), 1);
	int c = accept(lfd, NULL, NULL);
	assert_true(c >= 0);
	uint8_t buf[MOCK_RX_BUF];
	uint32_t fwd_sent = 0;
	bool open = true, rst = false;
	int idle = 0;

	while (open && idle < 1000) {
		uint32_t credit = f->peer_buf_alloc - (f->tx_cnt - f->peer_fwd_cnt);
		struct pollfd p[2] = {
			{ c, credit ? POLLIN : 0, 0 },
			{ f->q[VSOCK_QUEUE_RX].call, POLLIN, 0 },
		};
		if (poll(p, 2, 20) == 0)
			idle++;
		else
			idle = 0;
		/* (POLLHUP comes even when not asked for: only read with credit.) */
		if (p[0].revents && credit) {
			ssize_t n = read(c, buf, credit < 4096 ? credit : 4096);
			if (n <= 0) {
				mock_tx(f, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND,
					NULL, 0);
				open = false;
			} else {
				mock_tx(f, VSOCK_OP_RW, 0, buf, (uint32_t)n);
			}
		}
		struct vsock_hdr h;
		while (mock_rx(f, &h, buf, sizeof(buf), 0)) {
			assert_int_equal(h.dst_port, f->port);
			if (h.op == VSOCK_OP_RST && !open) {
				rst = true;   /* the answer to our SHUTDOWN */
				break;
			}
			if (h.op == VSOCK_OP_RST) {
				fprintf(stderr, "%s", server_log());
				fail_msg("RST during the session");
			}
			if (h.op != VSOCK_OP_RW)
				continue;
			assert_int_equal(write(c, buf, h.len), (ssize_t)h.len);
			f->fwd_cnt += h.len;
			if (f->fwd_cnt - fwd_sent >= 64 * 1024) {
				mock_tx(f, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
				fwd_sent = f->fwd_cnt;
			}
		}
	}
	assert_false(open);
	close(c);
	/* The guest's close completes with the host's RST. */
	struct vsock_hdr h;
	uint8_t b[64];
	while (!rst && mock_rx(f, &h, b, sizeof(b), 3000))
		rst = h.op == VSOCK_OP_RST;
	assert_true(rst);
	assert_false(f->credit_violated);
}

/* ---------------------------------------------------------------------- */

static void test_qemu72_replay_session(void **state)
{
	struct server s;
	struct mock_fe f;
	struct guest g = { .result = -1 };
	struct sglhost_config hc;
	pthread_t gt;
	(void)state;

	start(&s, 0);
	sglhost_config_init(&hc);
	hc.platform = SGLHOST_PLATFORM_SURFACELESS;
	hc.log = host_log;
	s.t.host = sglhost_create(&hc);
	assert_non_null(s.t.host);
	assert_int_equal(pthread_create(&s.thread, NULL, test_serve, &s.t), 0);
	s.serving = true;

	mock_open(&f, s.path);
	/* At realize. */
	assert_int_equal(mock_handshake(&f, PROTO_QEMU), MOCK_GUEST_CID);
	/* When the guest driver sets DRIVER_OK. */
	mock_set_u64(&f, VHOST_USER_SET_VRING_CALL, 1, f.q[1].call);
	mock_set_u64(&f, VHOST_USER_SET_VRING_CALL, 0, f.q[0].call);
	mock_set_u64(&f, VHOST_USER_SET_FEATURES, FEATURES_QEMU, -1);
	assert_int_equal(mock_mem_table(&f), 0);
	mock_start_rings(&f, 2, FEATURES_QEMU);

	/* A guest program over vsock, through the bridge. */
	char bpath[100];
	snprintf(bpath, sizeof(bpath), "%s/bridge.sock", s.dir);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", bpath);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	snprintf(g.addr, sizeof(g.addr), "unix:%s", bpath);
	mock_connect(&f, 324645247u, PORT);
	assert_true(logged(&s, "port 324645247 connected"));
	assert_int_equal(pthread_create(&gt, NULL, guest_main, &g), 0);
	bridge(&f, lfd);
	pthread_join(gt, NULL);
	if (g.result)
		fail_msg("guest: %s", g.why);
	close(lfd);
	unlink(bpath);

	/* Poweroff. */
	mock_stop_rings(&f);
	mock_close(&f);
	assert_true(logged(&s, "frontend left"));
	stop(&s);
}

/* ---------------------------------------------------------------------- */
/* Raw channels: the test plays the session. */

struct reader {
	struct sgl_listener *l;
	struct sgl_channel *ch;
	size_t want;
	uint8_t *got;
	int delay_us;        /* between reads: a slow session */
	size_t n;
};

static void *accept_main(void *arg)
{
	struct reader *r = arg;
	int err = 0;
	r->ch = r->l->ops->accept(r->l, &err);
	return NULL;
}

static struct sgl_channel *accept_one(struct server *s)
{
	struct reader r = { .l = s->t.l };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, accept_main, &r), 0);
	pthread_join(t, NULL);
	assert_non_null(r.ch);
	return r.ch;
}

static void *read_main(void *arg)
{
	struct reader *r = arg;
	while (r->n < r->want) {
		ssize_t k = r->ch->ops->read(r->ch, r->got + r->n, 1000);
		if (k <= 0)
			break;
		r->n += (size_t)k;
		usleep((useconds_t)r->delay_us);
	}
	return NULL;
}

static uint8_t pat(size_t i)
{
	return (uint8_t)(i * 31 + (i >> 9));
}

/* Host -> guest: `total` bytes with the guest's buffer at `buf_alloc`,
 * consumed in 8 KiB steps, each followed by a CREDIT_UPDATE. */
static void host_to_guest(struct mock_fe *f, struct sgl_channel *ch, size_t total)
{
	uint8_t *src = malloc(total), buf[MOCK_RX_BUF];
	size_t got = 0;
	for (size_t i = 0; i < total; i++)
		src[i] = pat(i);
	assert_int_equal(ch->ops->write(ch, src, total) , 0);
	uint32_t consumed_since = 0;
	while (got < total) {
		struct vsock_hdr h;
		if (!mock_rx(f, &h, buf, sizeof(buf), 200)) {
			/* Stalled on our credit: consume and say so. */
			f->fwd_cnt = f->rx_cnt;
			mock_tx(f, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
			consumed_since = 0;
			continue;
		}
		if (h.op != VSOCK_OP_RW)
			continue;
		assert_memory_equal(buf, src + got, h.len);
		got += h.len;
		consumed_since += h.len;
		if (consumed_since >= 8192) {
			f->fwd_cnt = f->rx_cnt;
			mock_tx(f, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
			consumed_since = 0;
		}
	}
	assert_false(f->credit_violated);
	assert_true(f->max_in_flight_seen <= f->buf_alloc);
	free(src);
}

/* Guest -> host: `total` bytes within the host's credit, to a slow reader. */
static void guest_to_host(struct mock_fe *f, struct sgl_channel *ch, size_t total)
{
	struct reader r = { .ch = ch, .want = total, .got = malloc(total), .delay_us = 200 };
	uint8_t chunk[4096], buf[MOCK_RX_BUF];
	size_t sent = 0;
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, read_main, &r), 0);
	while (sent < total) {
		uint32_t credit = f->peer_buf_alloc - (f->tx_cnt - f->peer_fwd_cnt);
		struct vsock_hdr h;
		if (!credit) {
			assert_int_equal(mock_rx(f, &h, buf, sizeof(buf), 5000), 1);
			continue;
		}
		uint32_t n = (uint32_t)(total - sent < sizeof(chunk) ? total - sent : sizeof(chunk));
		if (n > credit)
			n = credit;
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = pat(sent + i);
		mock_tx(f, VSOCK_OP_RW, 0, chunk, n);
		sent += n;
		while (mock_rx(f, &h, buf, sizeof(buf), 0))
			;
	}
	pthread_join(t, NULL);
	assert_int_equal(r.n, total);
	for (size_t i = 0; i < total; i++)
		if (r.got[i] != pat(i))
			fail_msg("byte %zu differs", i);
	free(r.got);
}

static void expect_rst(struct mock_fe *f, uint32_t port)
{
	struct vsock_hdr h;
	uint8_t buf[MOCK_RX_BUF];
	for (;;) {
		if (!mock_rx(f, &h, buf, sizeof(buf), 3000))
			{
			fprintf(stderr, "%s", server_log());
			fail_msg("no RST for port %u", port);
		}
		if (h.dst_port == port && h.op == VSOCK_OP_RST)
			return;
	}
}

static void test_crosvm_style(void **state)
{
	struct server s;
	struct mock_fe f;
	(void)state;

	start(&s, 2);
	mock_open(&f, s.path);
	uint64_t proto = PROTO_QEMU | 1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS;
	assert_int_equal(mock_handshake(&f, proto), MOCK_GUEST_CID);
	f.ack_all = true;
	mock_add_regions(&f);
	mock_start_rings(&f, 3, FEATURES_QEMU | 1ull << VIRTIO_RING_F_INDIRECT_DESC);

	f.buf_alloc = 16 * 1024;
	mock_connect(&f, 1234, PORT);
	struct sgl_channel *ch = accept_one(&s);
	host_to_guest(&f, ch, 200 * 1024);
	guest_to_host(&f, ch, 600 * 1024);

	/* RST for another port, and for a stream that does not exist. */
	uint32_t port = f.port;
	f.host_port = PORT + 1;
	mock_tx(&f, VSOCK_OP_REQUEST, 0, NULL, 0);
	expect_rst(&f, port);
	f.port = 777;
	f.host_port = PORT;
	mock_tx(&f, VSOCK_OP_RW, 0, "x", 1);
	expect_rst(&f, 777);

	/* At most 2 connections: the third is refused. */
	mock_connect(&f, 1235, PORT);
	f.port = 1236;
	mock_tx(&f, VSOCK_OP_REQUEST, 0, NULL, 0);
	expect_rst(&f, 1236);
	assert_true(logged(&s, "2 connections already"));
	struct sgl_channel *ch2 = accept_one(&s);

	/* A guest that ignores our credit (nobody reads ch2) is reset. */
	f.port = 1235;
	uint8_t big[4096] = { 0 };
	for (int i = 0; i < 80; i++)
		mock_tx(&f, VSOCK_OP_RW, 0, big, sizeof(big));
	expect_rst(&f, 1235);
	assert_true(logged(&s, "past its credit"));
	uint8_t drain[8192];
	while (ch2->ops->read(ch2, drain, sizeof(drain)) > 0)
		;
	ch2->ops->destroy(ch2);

	/* Memory hotplug: a region comes and goes; an unknown one is refused. */
	int extra = memfd_create("extra", MFD_CLOEXEC);
	assert_int_equal(ftruncate(extra, 0x10000), 0);
	struct vhost_user_mem_reg m = { 0, { 0x40000000, 0x10000, 0x7e0000000000ull, 0 } };
	mock_send(&f, VHOST_USER_ADD_MEM_REG, VHOST_USER_VERSION | VHOST_USER_NEED_REPLY, &m,
		  sizeof(m), &extra, 1);
	assert_int_equal(mock_wait_ack(&f, VHOST_USER_ADD_MEM_REG), 0);
	mock_send(&f, VHOST_USER_REM_MEM_REG, VHOST_USER_VERSION | VHOST_USER_NEED_REPLY, &m,
		  sizeof(m), &extra, 1);
	assert_int_equal(mock_wait_ack(&f, VHOST_USER_REM_MEM_REG), 0);
	mock_send(&f, VHOST_USER_REM_MEM_REG, VHOST_USER_VERSION | VHOST_USER_NEED_REPLY, &m,
		  sizeof(m), NULL, 0);
	assert_int_not_equal(mock_wait_ack(&f, VHOST_USER_REM_MEM_REG), 0);
	close(extra);

	/* The guest closes its stream: RST, and the session reads the end. */
	f.port = 1234;
	mock_tx(&f, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND, NULL, 0);
	expect_rst(&f, 1234);
	assert_int_equal(ch->ops->read(ch, drain, sizeof(drain)), 0);
	ch->ops->destroy(ch);
	mock_close(&f);
	stop(&s);
}

static void echo_check(struct mock_fe *f, struct sgl_channel *ch);

/* The public API on a frontend the VMM already connected (a socketpair
 * end): the same device, no socket of ours; when the frontend leaves, the
 * listener stays quiet until destroyed. */
static void test_connected_fd(void **state)
{
	struct mock_fe f;
	char err[256] = "";
	int sv[2];
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	struct sglhost_vhost_vsock_config cfg;
	sglhost_vhost_vsock_config_init(&cfg);
	assert_int_equal(cfg.frontend_fd, -1);
	assert_null(sglhost_vhost_vsock_open(&cfg, err, sizeof(err)));   /* no path, no fd */
	cfg.frontend_fd = sv[0];
	cfg.guest_cid = MOCK_GUEST_CID;
	cfg.port = PORT;
	struct sglhost_listener *l = sglhost_vhost_vsock_open(&cfg, err, sizeof(err));
	assert_non_null(l);
	assert_non_null(strstr(sglhost_listener_describe(l), "vhost-user-vsock frontend fd "));
	assert_false(sglhost_listener_forkable(l));

	mock_open_fd(&f, sv[1]);
	assert_int_equal(mock_handshake(&f, PROTO_QEMU), MOCK_GUEST_CID);
	assert_int_equal(mock_mem_table(&f), 0);
	mock_start_rings(&f, 2, FEATURES_QEMU);
	mock_connect(&f, 4321, PORT);
	int e = 0;
	struct sglhost_channel *ch = sglhost_listener_accept(l, &e);
	assert_non_null(ch);
	echo_check(&f, (struct sgl_channel *)ch);
	sglhost_channel_destroy(ch);
	mock_close(&f);
	sglhost_listener_shutdown(l);
	assert_null(sglhost_listener_accept(l, &e));
	assert_int_equal(e, -ECANCELED);
	sglhost_listener_destroy(l);

	/* A listening socket of the embedder's: frontends connect to it as
	 * to ours; it stays in place at the end. */
	char dir[] = "/tmp/sgl-vu-adopt-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vu.sock", dir);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, path, strlen(path) + 1);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	sglhost_vhost_vsock_config_init(&cfg);
	cfg.listen_fd = lfd;
	cfg.frontend_fd = sv[0];   /* two ways at once: refused */
	assert_null(sglhost_vhost_vsock_open(&cfg, err, sizeof(err)));
	cfg.frontend_fd = -1;
	cfg.guest_cid = MOCK_GUEST_CID;
	cfg.port = PORT;
	l = sglhost_vhost_vsock_open(&cfg, err, sizeof(err));
	assert_non_null(l);
	assert_non_null(strstr(sglhost_listener_describe(l), "listening fd "));
	mock_open(&f, path);
	assert_int_equal(mock_handshake(&f, PROTO_QEMU), MOCK_GUEST_CID);
	assert_int_equal(mock_mem_table(&f), 0);
	mock_start_rings(&f, 2, FEATURES_QEMU);
	mock_connect(&f, 4322, PORT);
	ch = sglhost_listener_accept(l, &e);
	assert_non_null(ch);
	echo_check(&f, (struct sgl_channel *)ch);
	sglhost_channel_destroy(ch);
	mock_close(&f);
	sglhost_listener_destroy(l);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	rmdir(dir);
}

/* A frontend ready to carry one stream: QEMU's way. */
static struct sgl_channel *ready(struct server *s, struct mock_fe *f, uint32_t port)
{
	mock_open(f, s->path);
	assert_int_equal(mock_handshake(f, PROTO_QEMU), MOCK_GUEST_CID);
	assert_int_equal(mock_mem_table(f), 0);
	mock_start_rings(f, 2, FEATURES_QEMU);
	mock_connect(f, port, PORT);
	return accept_one(s);
}

static void echo_check(struct mock_fe *f, struct sgl_channel *ch)
{
	struct vsock_hdr h;
	uint8_t buf[MOCK_RX_BUF];
	char got[6] = "";

	mock_tx(f, VSOCK_OP_RW, 0, "hello", 5);
	assert_int_equal(sgl_channel_read_all(ch, got, 5), 0);
	assert_memory_equal(got, "hello", 5);
	assert_int_equal(ch->ops->write(ch, "world", 5), 0);
	do
		assert_int_equal(mock_rx(f, &h, buf, sizeof(buf), 3000), 1);
	while (h.op != VSOCK_OP_RW);
	assert_int_equal(h.len, 5);
	assert_memory_equal(buf, "world", 5);
}

static void test_reconnect(void **state)
{
	struct server s;
	struct mock_fe f;
	uint8_t b[16];
	(void)state;

	start(&s, 0);
	struct sgl_channel *ch = ready(&s, &f, 4000);
	echo_check(&f, ch);
	/* The VM goes away without a word: the session sees the end. */
	mock_close(&f);
	assert_int_equal(ch->ops->read(ch, b, sizeof(b)), 0);
	assert_int_equal(ch->ops->write(ch, "x", 1), -EPIPE);
	ch->ops->destroy(ch);
	assert_true(logged(&s, "frontend left"));
	for (int i = 0; i < 2; i++) {
		ch = ready(&s, &f, 4001 + (uint32_t)i);
		echo_check(&f, ch);
		ch->ops->destroy(ch);
		mock_close(&f);
	}
	stop(&s);
}

/* ---------------------------------------------------------------------- */
/* Malformed frontends and guests */

struct bad {
	const char *name;
	void (*send)(struct mock_fe *f);
	const char *reason;
};

static void oversized(struct mock_fe *f)
{
	struct vhost_user_header h = { VHOST_USER_SET_FEATURES, VHOST_USER_VERSION, 1u << 20 };
	assert_int_equal(write(f->sock, &h, sizeof(h)), (ssize_t)sizeof(h));
}

static void too_many_fds(struct mock_fe *f)
{
	int fds[9];
	uint64_t v = 0;
	for (int i = 0; i < 9; i++)
		fds[i] = f->q[0].call;
	assert_int_equal(mock_send(f, VHOST_USER_SET_VRING_CALL, VHOST_USER_VERSION, &v, sizeof(v),
				   fds, 9), 0);
}

static void bad_ring(struct mock_fe *f)
{
	mock_set_state(f, VHOST_USER_SET_VRING_NUM, 5, 128);
}

static void bad_ring_size(struct mock_fe *f)
{
	mock_set_state(f, VHOST_USER_SET_VRING_NUM, 0, 100);
}

static void overlap(struct mock_fe *f)
{
	struct { uint32_t n, pad; struct vhost_user_region r[2]; } t = {
		2, 0, { { 0, 0x100000, 0x10000000, 0 }, { 0x80000, 0x100000, 0x20000000, 0 } },
	};
	int fds[2] = { f->memfd, f->memfd };
	mock_send(f, VHOST_USER_SET_MEM_TABLE, VHOST_USER_VERSION, &t, sizeof(t), fds, 2);
}

static void overflow(struct mock_fe *f)
{
	struct { uint32_t n, pad; struct vhost_user_region r[1]; } t = {
		1, 0, { { 0xfffffffffffff000ull, 0x2000, 0x10000000, 0 } },
	};
	mock_send(f, VHOST_USER_SET_MEM_TABLE, VHOST_USER_VERSION, &t, sizeof(t), &f->memfd, 1);
}

static void beyond_fd(struct mock_fe *f)
{
	struct vhost_user_mem_reg m = { 0, { 0, 64u << 20, 0x10000000, 0 } };
	mock_send(f, VHOST_USER_ADD_MEM_REG, VHOST_USER_VERSION, &m, sizeof(m), &f->memfd, 1);
}

static void fd_count(struct mock_fe *f)
{
	struct { uint32_t n, pad; struct vhost_user_region r[2]; } t = {
		2, 0, { { 0, 0x1000, 0x10000000, 0 }, { 0x100000, 0x1000, 0x20000000, 0x100000 } },
	};
	mock_send(f, VHOST_USER_SET_MEM_TABLE, VHOST_USER_VERSION, &t, sizeof(t), &f->memfd, 1);
}

static void bad_version(struct mock_fe *f)
{
	mock_send(f, VHOST_USER_GET_FEATURES, 2, NULL, 0, NULL, 0);
}

static void bad_features(struct mock_fe *f)
{
	mock_set_u64(f, VHOST_USER_SET_FEATURES, 1ull << 60, -1);
}

static void truncated(struct mock_fe *f)
{
	struct vhost_user_header h = { VHOST_USER_SET_FEATURES, VHOST_USER_VERSION, 8 };
	assert_int_equal(write(f->sock, &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(write(f->sock, "abcd", 4), 4);
	/* ... and nothing more: the back-end gives up after its timeout. */
}

/* The rest need live rings: the guest breaks them. */
static void live(struct mock_fe *f)
{
	assert_int_equal(mock_handshake(f, PROTO_QEMU), MOCK_GUEST_CID);
	assert_int_equal(mock_mem_table(f), 0);
	mock_start_rings(f, 2, FEATURES_QEMU);
}

static void put_avail(struct mock_fe *f, unsigned qi, uint16_t head, uint16_t idx)
{
	struct mock_ring *q = &f->q[qi];
	mock_poke(f, q->avail + 4 + 2 * (q->avail_idx % MOCK_QSIZE), &head, 2);
	mock_poke(f, q->avail + 2, &idx, 2);
	uint64_t one = 1;
	assert_int_equal(write(q->kick, &one, 8), 8);
}

static void avail_jump(struct mock_fe *f)
{
	live(f);
	put_avail(f, VSOCK_QUEUE_TX, 0, (uint16_t)(f->q[1].avail_idx + MOCK_QSIZE + 1));
}

static void chain_loop(struct mock_fe *f)
{
	live(f);
	struct virtq_desc d[2] = { { 0, 16, VIRTQ_DESC_F_NEXT, 1 }, { 0, 16, VIRTQ_DESC_F_NEXT, 0 } };
	mock_poke(f, f->q[1].desc, d, sizeof(d));
	put_avail(f, VSOCK_QUEUE_TX, 0, (uint16_t)(f->q[1].avail_idx + 1));
}

static void wild_buffer(struct mock_fe *f)
{
	live(f);
	struct virtq_desc d = { 0xa0000, 44, 0, 0 };   /* in the hole */
	mock_poke(f, f->q[1].desc, &d, sizeof(d));
	put_avail(f, VSOCK_QUEUE_TX, 0, (uint16_t)(f->q[1].avail_idx + 1));
}

static void indirect_not_negotiated(struct mock_fe *f)
{
	live(f);
	struct virtq_desc d = { 0x1000, 32, VIRTQ_DESC_F_INDIRECT, 0 };
	mock_poke(f, f->q[1].desc, &d, sizeof(d));
	put_avail(f, VSOCK_QUEUE_TX, 0, (uint16_t)(f->q[1].avail_idx + 1));
}

static void tiny_rx_buffer(struct mock_fe *f)
{
	live(f);
	/* Every posted receive buffer shrinks to 8 bytes, then a REQUEST
	 * that needs an answer. */
	for (unsigned j = 0; j < MOCK_QSIZE; j++) {
		uint32_t len = 8;
		mock_poke(f, f->q[0].desc + 16 * j + 8, &len, 4);
	}
	f->port = 9;
	f->host_port = PORT;
	mock_tx(f, VSOCK_OP_REQUEST, 0, NULL, 0);
}

static const struct bad bads[] = {
	{ "oversized", oversized, "oversized message" },
	{ "too many fds", too_many_fds, "more than 8 fds" },
	{ "bad ring index", bad_ring, "ring 5 of 3" },
	{ "bad ring size", bad_ring_size, "ring 0 of 100 entries" },
	{ "region overlap", overlap, "overlaps another" },
	{ "region overflow", overflow, "bad memory region" },
	{ "region beyond its fd", beyond_fd, "is not 67108864 bytes long" },
	{ "fd count", fd_count, "2 regions but 1 fds" },
	{ "version", bad_version, "protocol version 2" },
	{ "features", bad_features, "not offered" },
	{ "truncated", truncated, "stalled in the middle of a message" },
	{ "avail index jump", avail_jump, "avail index" },
	{ "descriptor loop", chain_loop, "a loop?" },
	{ "buffer outside memory", wild_buffer, "outside guest memory" },
	{ "indirect not negotiated", indirect_not_negotiated, "indirect descriptor not negotiated" },
	{ "receive buffer too small", tiny_rx_buffer, "8-byte receive buffer" },
};

static void test_malformed(void **state)
{
	struct server s;
	struct mock_fe f;
	(void)state;

	start(&s, 0);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		mock_open(&f, s.path);
		bads[i].send(&f);
		if (!mock_closed(&f, 5000)) {
			fprintf(stderr, "%s", server_log());
			fail_msg("%s: connection not dropped", bads[i].name);
		}
		if (!logged(&s, bads[i].reason))
			fail_msg("%s: no reason logged", bads[i].name);
		mock_close(&f);
	}
	/* Still serving. */
	struct sgl_channel *ch = ready(&s, &f, 4242);
	echo_check(&f, ch);
	ch->ops->destroy(ch);
	mock_close(&f);
	stop(&s);
}

static void test_parse(void **state)
{
	struct sgl_vhost_vsock_config c;
	char buf[128], err[256];
	(void)state;

	memset(&c, 0, sizeof(c));
	assert_int_equal(sgl_vhost_vsock_parse("vhost-user-vsock:/tmp/a,b.sock,cid=7,port=99", &c,
					       buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(c.path, "/tmp/a,b.sock");
	assert_int_equal(c.guest_cid, 7);
	assert_int_equal(c.port, 99);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sgl_vhost_vsock_parse("vhost-user-vsock:/x", &c, buf, sizeof(buf), err,
					       sizeof(err)), 0);
	assert_int_equal(c.guest_cid, 0);   /* defaults applied at listen */
	assert_int_equal(sgl_vhost_vsock_parse("vhost-user-vsock:/x,cid=2", &c, buf, sizeof(buf),
					       err, sizeof(err)), -EINVAL);
	assert_int_equal(sgl_vhost_vsock_parse("vhost-user-vsock:,port=5", &c, buf, sizeof(buf),
					       err, sizeof(err)), -EINVAL);
	assert_int_equal(sgl_vhost_vsock_parse("vsock:1:2", &c, buf, sizeof(buf), err,
					       sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_qemu72_replay_session),
		cmocka_unit_test(test_crosvm_style),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_connected_fd),
	};
	alarm(240);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
