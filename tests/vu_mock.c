/* The mock vhost-user frontend and vsock guest driver (vu_mock.h). */
#include "vu_mock.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define HOLE_START 0xa0000u
#define HOLE_END 0xc0000u
#define RING_BASE 0xc0000u
#define RING_STRIDE 0x2000u
#define RX_POOL 0x100000u
#define TX_SLOTS 64u
#define TX_SLOT_SIZE 0x1100u
#define TX_PAYLOAD_MAX 4096u

static uint8_t *at(struct mock_fe *f, uint64_t gpa)
{
	return f->mem + gpa;
}

void mock_poke(struct mock_fe *f, uint64_t gpa, const void *p, size_t n)
{
	memcpy(at(f, gpa), p, n);
}

void mock_open(struct mock_fe *f, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(sock >= 0);
	int r = -1;
	for (int i = 0; i < 200 && r < 0; i++) {
		r = connect(sock, (struct sockaddr *)&a, sizeof(a));
		if (r < 0)
			usleep(10000);
	}
	assert_int_equal(r, 0);
	mock_open_fd(f, sock);
}

void mock_open_fd(struct mock_fe *f, int sock)
{
	memset(f, 0, sizeof(*f));
	f->sock = sock;
	f->memfd = memfd_create("mock-guest", MFD_CLOEXEC);
	assert_true(f->memfd >= 0);
	assert_int_equal(ftruncate(f->memfd, MOCK_MEM_SIZE), 0);
	f->mem = mmap(NULL, MOCK_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	assert_true(f->mem != MAP_FAILED);
	for (unsigned i = 0; i < 3; i++) {
		f->q[i].desc = RING_BASE + i * RING_STRIDE;
		f->q[i].avail = f->q[i].desc + 0x800;
		f->q[i].used = f->q[i].desc + 0x1000;
		f->q[i].kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f->q[i].call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	f->buf_alloc = 256 * 1024;
}

void mock_close(struct mock_fe *f)
{
	if (f->sock >= 0)
		close(f->sock);
	for (unsigned i = 0; i < 3; i++) {
		close(f->q[i].kick);
		close(f->q[i].call);
	}
	munmap(f->mem, MOCK_MEM_SIZE);
	close(f->memfd);
	f->sock = -1;
}

/* ---------------------------------------------------------------------- */
/* Control messages */

int mock_send(struct mock_fe *f, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
	      const int *fds, unsigned nfds)
{
	struct vhost_user_header h = { req, flags, size };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, size } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = payload ? 2 : 1 };

	if (nfds) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	ssize_t r = sendmsg(f->sock, &mh, MSG_NOSIGNAL);
	return r == (ssize_t)(sizeof(h) + size) ? 0 : -1;
}

static void recv_reply(struct mock_fe *f, uint32_t req, void *buf, uint32_t size)
{
	struct vhost_user_header h;
	struct timeval tv = { 5, 0 };

	setsockopt(f->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(recv(f->sock, &h, sizeof(h), MSG_WAITALL), (ssize_t)sizeof(h));
	assert_int_equal(h.request, req);
	assert_int_equal(h.flags, VHOST_USER_VERSION | VHOST_USER_REPLY);
	assert_int_equal(h.size, size);
	assert_int_equal(recv(f->sock, buf, size, MSG_WAITALL), (ssize_t)size);
}

uint64_t mock_wait_ack(struct mock_fe *f, uint32_t req)
{
	uint64_t v;
	recv_reply(f, req, &v, sizeof(v));
	return v;
}

uint64_t mock_get_u64(struct mock_fe *f, uint32_t req)
{
	assert_int_equal(mock_send(f, req, VHOST_USER_VERSION, NULL, 0, NULL, 0), 0);
	return mock_wait_ack(f, req);
}

static uint32_t flags_of(struct mock_fe *f)
{
	return VHOST_USER_VERSION | (f->ack_all ? VHOST_USER_NEED_REPLY : 0);
}

uint64_t mock_set_u64(struct mock_fe *f, uint32_t req, uint64_t v, int fd)
{
	assert_int_equal(mock_send(f, req, flags_of(f), &v, sizeof(v), &fd, fd >= 0), 0);
	return f->ack_all ? mock_wait_ack(f, req) : 0;
}

uint64_t mock_set_state(struct mock_fe *f, uint32_t req, uint32_t index, uint32_t num)
{
	struct vhost_user_vring_state s = { index, num };
	assert_int_equal(mock_send(f, req, flags_of(f), &s, sizeof(s), NULL, 0), 0);
	return f->ack_all ? mock_wait_ack(f, req) : 0;
}

bool mock_closed(struct mock_fe *f, int ms)
{
	struct pollfd p = { f->sock, POLLIN, 0 };
	char c;
	if (poll(&p, 1, ms) <= 0)
		return false;
	/* Unread bytes on the back-end's side make its close a reset. */
	ssize_t r = recv(f->sock, &c, 1, MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

uint64_t mock_handshake(struct mock_fe *f, uint64_t protocol)
{
	uint64_t feat = mock_get_u64(f, VHOST_USER_GET_FEATURES);
	assert_true(feat >> VIRTIO_F_VERSION_1 & 1);
	assert_true(feat >> VHOST_USER_F_PROTOCOL_FEATURES & 1);
	uint64_t proto = mock_get_u64(f, VHOST_USER_GET_PROTOCOL_FEATURES);
	assert_int_equal(proto & protocol, protocol);
	/* QEMU 7.2 asks no ack for these: ack_all is set by the caller after. */
	assert_int_equal(mock_set_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES, protocol, -1), 0);
	assert_int_equal(mock_get_u64(f, VHOST_USER_GET_QUEUE_NUM), 3);
	assert_int_equal(mock_send(f, VHOST_USER_SET_OWNER, flags_of(f), NULL, 0, NULL, 0), 0);
	if (f->ack_all)
		assert_int_equal(mock_wait_ack(f, VHOST_USER_SET_OWNER), 0);
	assert_int_equal(mock_get_u64(f, VHOST_USER_GET_FEATURES), feat);
	for (unsigned i = 0; i < 2; i++) {
		mock_set_u64(f, VHOST_USER_SET_VRING_CALL, i, f->q[i].call);
		int err = eventfd(0, EFD_CLOEXEC);
		mock_set_u64(f, VHOST_USER_SET_VRING_ERR, i, err);
		close(err);   /* the back-end has its own copy */
	}
	struct { struct vhost_user_config c; uint8_t b[8]; } cfg = { { 0, 8, 0 }, { 0 } };
	assert_int_equal(mock_send(f, VHOST_USER_GET_CONFIG, VHOST_USER_VERSION, &cfg, sizeof(cfg),
				   NULL, 0), 0);
	recv_reply(f, VHOST_USER_GET_CONFIG, &cfg, sizeof(cfg));
	assert_int_equal(cfg.c.size, 8);
	uint64_t cid;
	memcpy(&cid, cfg.b, sizeof(cid));
	return cid;
}

static struct vhost_user_region region(struct mock_fe *f, unsigned i)
{
	uint64_t gpa = i ? HOLE_END : 0, size = i ? MOCK_MEM_SIZE - HOLE_END : HOLE_START;
	return (struct vhost_user_region){ gpa, size, (uint64_t)(uintptr_t)at(f, gpa), gpa };
}

uint64_t mock_mem_table(struct mock_fe *f)
{
	struct { uint32_t n, pad; struct vhost_user_region r[2]; } t = {
		2, 0, { region(f, 0), region(f, 1) },
	};
	int fds[2] = { f->memfd, f->memfd };
	_Static_assert(sizeof(t) == 72, "QEMU sent 72 bytes");
	assert_int_equal(mock_send(f, VHOST_USER_SET_MEM_TABLE,
				   VHOST_USER_VERSION | VHOST_USER_NEED_REPLY, &t, sizeof(t), fds, 2),
			 0);
	return mock_wait_ack(f, VHOST_USER_SET_MEM_TABLE);
}

void mock_add_regions(struct mock_fe *f)
{
	assert_int_equal(mock_get_u64(f, VHOST_USER_GET_MAX_MEM_SLOTS) >= 8, 1);
	for (unsigned i = 0; i < 2; i++) {
		struct vhost_user_mem_reg m = { 0, region(f, i) };
		assert_int_equal(mock_send(f, VHOST_USER_ADD_MEM_REG, flags_of(f), &m, sizeof(m),
					   &f->memfd, 1), 0);
		if (f->ack_all)
			assert_int_equal(mock_wait_ack(f, VHOST_USER_ADD_MEM_REG), 0);
	}
}

/* Guest driver setup of ring i: zeroed, rx buffers posted. */
static void init_ring(struct mock_fe *f, unsigned i)
{
	struct mock_ring *q = &f->q[i];

	memset(at(f, q->desc), 0, RING_STRIDE);
	q->avail_idx = q->used_seen = 0;
	if (i != VSOCK_QUEUE_RX)
		return;
	for (unsigned j = 0; j < MOCK_QSIZE; j++) {
		struct virtq_desc d = { RX_POOL + j * MOCK_RX_BUF, MOCK_RX_BUF, VIRTQ_DESC_F_WRITE, 0 };
		memcpy(at(f, q->desc + 16 * j), &d, sizeof(d));
		uint16_t id = (uint16_t)j;
		memcpy(at(f, q->avail + 4 + 2 * j), &id, 2);
	}
	q->avail_idx = MOCK_QSIZE;
	__atomic_store_n((uint16_t *)at(f, q->avail + 2), q->avail_idx, __ATOMIC_RELEASE);
}

void mock_start_rings(struct mock_fe *f, unsigned nq, uint64_t features)
{
	f->nq = nq;
	mock_set_u64(f, VHOST_USER_SET_FEATURES, features, -1);
	for (unsigned i = 0; i < nq; i++) {
		init_ring(f, i);
		struct mock_ring *q = &f->q[i];
		struct vhost_user_vring_addr a = {
			i, 0, (uint64_t)(uintptr_t)at(f, q->desc), (uint64_t)(uintptr_t)at(f, q->used),
			(uint64_t)(uintptr_t)at(f, q->avail), 0,
		};
		assert_int_equal(mock_set_state(f, VHOST_USER_SET_VRING_NUM, i, MOCK_QSIZE), 0);
		assert_int_equal(mock_set_state(f, VHOST_USER_SET_VRING_BASE, i, 0), 0);
		assert_int_equal(mock_send(f, VHOST_USER_SET_VRING_ADDR, flags_of(f), &a, sizeof(a),
					   NULL, 0), 0);
		if (f->ack_all)
			assert_int_equal(mock_wait_ack(f, VHOST_USER_SET_VRING_ADDR), 0);
		assert_int_equal(mock_set_u64(f, VHOST_USER_SET_VRING_KICK, i, q->kick), 0);
	}
	for (unsigned i = 0; i < nq; i++)
		assert_int_equal(mock_set_state(f, VHOST_USER_SET_VRING_ENABLE, i, 1), 0);
	for (unsigned i = 0; i < nq; i++)
		assert_int_equal(mock_set_u64(f, VHOST_USER_SET_VRING_CALL, i, f->q[i].call), 0);
}

void mock_stop_rings(struct mock_fe *f)
{
	for (unsigned i = 0; i < f->nq; i++)
		mock_set_state(f, VHOST_USER_SET_VRING_ENABLE, i, 0);
	for (unsigned i = 0; i < f->nq; i++) {
		struct vhost_user_vring_state s = { i, 0 };
		assert_int_equal(mock_send(f, VHOST_USER_GET_VRING_BASE, VHOST_USER_VERSION, &s,
					   sizeof(s), NULL, 0), 0);
		recv_reply(f, VHOST_USER_GET_VRING_BASE, &s, sizeof(s));
		assert_int_equal(s.index, i);
		/* The back-end took everything it was given on tx; on rx, what
		 * it filled (the rest stays posted). */
		if (i == VSOCK_QUEUE_TX)
			assert_int_equal(s.num, f->q[i].avail_idx);
	}
	for (unsigned i = 0; i < f->nq; i++)
		mock_set_u64(f, VHOST_USER_SET_VRING_CALL, i, f->q[i].call);
}

/* ---------------------------------------------------------------------- */
/* vsock */

static uint16_t used_idx(struct mock_fe *f, unsigned i)
{
	return __atomic_load_n((uint16_t *)at(f, f->q[i].used + 2), __ATOMIC_ACQUIRE);
}

static void kick(struct mock_fe *f, unsigned i)
{
	uint64_t one = 1;
	assert_int_equal(write(f->q[i].kick, &one, sizeof(one)), (ssize_t)sizeof(one));
}

static void wait_call(struct mock_fe *f, unsigned i, int ms)
{
	struct pollfd p = { f->q[i].call, POLLIN, 0 };
	uint64_t n;
	if (poll(&p, 1, ms) > 0 && read(f->q[i].call, &n, sizeof(n)) < 0) {
		/* raced with another reader: fine */
	}
}

void mock_tx(struct mock_fe *f, uint16_t op, uint32_t flags, const void *payload, uint32_t len)
{
	struct mock_ring *q = &f->q[VSOCK_QUEUE_TX];
	struct vsock_hdr h = {
		MOCK_GUEST_CID, VSOCK_CID_HOST, f->port, f->host_port, len, VSOCK_TYPE_STREAM, op, flags,
		f->buf_alloc, f->fwd_cnt,
	};

	assert_true(len <= TX_PAYLOAD_MAX);
	/* A slot is free once the back-end used it. */
	for (int i = 0; i < 500 && (uint16_t)(q->avail_idx - used_idx(f, VSOCK_QUEUE_TX)) >= TX_SLOTS;
	     i++)
		wait_call(f, VSOCK_QUEUE_TX, 10);
	assert_true((uint16_t)(q->avail_idx - used_idx(f, VSOCK_QUEUE_TX)) < TX_SLOTS);
	unsigned slot = q->avail_idx % TX_SLOTS;
	uint64_t hdr = slot * TX_SLOT_SIZE, data = hdr + 0x100;
	memcpy(at(f, hdr), &h, sizeof(h));
	if (len)
		memcpy(at(f, data), payload, len);
	struct virtq_desc d[2] = {
		{ hdr, sizeof(h), len ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(2 * slot + 1) },
		{ data, len, 0, 0 },
	};
	memcpy(at(f, q->desc + 16 * 2 * slot), d, sizeof(d));
	uint16_t head = (uint16_t)(2 * slot);
	memcpy(at(f, q->avail + 4 + 2 * (q->avail_idx % MOCK_QSIZE)), &head, 2);
	q->avail_idx++;
	__atomic_store_n((uint16_t *)at(f, q->avail + 2), q->avail_idx, __ATOMIC_RELEASE);
	if (op == VSOCK_OP_RW)
		f->tx_cnt += len;
	kick(f, VSOCK_QUEUE_TX);
}

int mock_rx(struct mock_fe *f, struct vsock_hdr *h, void *buf, uint32_t cap, int ms)
{
	struct mock_ring *q = &f->q[VSOCK_QUEUE_RX];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (used_idx(f, VSOCK_QUEUE_RX) == q->used_seen) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long gone = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (gone >= ms)
			return 0;
		wait_call(f, VSOCK_QUEUE_RX, (int)(ms - gone));
	}
	struct virtq_used_elem e;
	memcpy(&e, at(f, q->used + 4 + 8 * (q->used_seen % MOCK_QSIZE)), sizeof(e));
	q->used_seen++;
	assert_true(e.id < MOCK_QSIZE);
	assert_true(e.len >= sizeof(*h) && e.len <= MOCK_RX_BUF);
	uint64_t b = RX_POOL + e.id * MOCK_RX_BUF;
	memcpy(h, at(f, b), sizeof(*h));
	assert_int_equal(h->len + sizeof(*h), e.len);
	assert_int_equal(h->src_cid, VSOCK_CID_HOST);
	assert_int_equal(h->dst_cid, MOCK_GUEST_CID);
	assert_true(h->len <= cap);
	memcpy(buf, at(f, b + sizeof(*h)), h->len);
	if (h->dst_port == f->port && h->src_port == f->host_port) {
		f->peer_buf_alloc = h->buf_alloc;
		f->peer_fwd_cnt = h->fwd_cnt;
		if (h->op == VSOCK_OP_RW) {
			f->rx_cnt += h->len;
			uint32_t in_flight = f->rx_cnt - f->fwd_cnt;
			if (in_flight > f->max_in_flight_seen)
				f->max_in_flight_seen = in_flight;
			if (in_flight > f->buf_alloc)
				f->credit_violated = true;
		}
	}
	/* Post the buffer again. */
	uint16_t id = (uint16_t)e.id;
	memcpy(at(f, q->avail + 4 + 2 * (q->avail_idx % MOCK_QSIZE)), &id, 2);
	q->avail_idx++;
	__atomic_store_n((uint16_t *)at(f, q->avail + 2), q->avail_idx, __ATOMIC_RELEASE);
	kick(f, VSOCK_QUEUE_RX);
	return 1;
}

void mock_connect(struct mock_fe *f, uint32_t port, uint32_t host_port)
{
	struct vsock_hdr h;
	uint8_t buf[MOCK_RX_BUF];

	f->port = port;
	f->host_port = host_port;
	f->tx_cnt = f->rx_cnt = f->fwd_cnt = 0;
	mock_tx(f, VSOCK_OP_REQUEST, 0, NULL, 0);
	assert_int_equal(mock_rx(f, &h, buf, sizeof(buf), 3000), 1);
	assert_int_equal(h.op, VSOCK_OP_RESPONSE);
	assert_int_equal(h.dst_port, port);
	assert_int_equal(h.src_port, host_port);
	assert_true(h.buf_alloc > 0);
}
