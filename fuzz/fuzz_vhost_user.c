/*
 * libFuzzer target on the vhost-user control plane (vhost_user.c,
 * vhost_user_rings.c, guest_memory.c): a frontend's byte stream and fds,
 * read by sgl_vu_recv() from a socket and acted on by sgl_vu_handle(), as
 * the device thread of vhost_vsock.c does, each message followed by a pass
 * of the device model over whatever rings it left running.
 *
 * Input: records, each
 *   u8   fds: bits 0-3 how many fds travel with the record (more than 8
 *        is a frontend the kernel truncates), bits 4-7 which of the first
 *        four are eventfds (the others are memfds of MEM_SIZE bytes);
 *   u16  n, then n bytes of the stream (headers and payloads as the
 *        fuzzer likes; the seeds send one message per record).
 * All records are sent, then the frontend's side is shut: the back-end
 * reads messages until the end of the stream or an error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "transport/vhost_user.h"
#include "transport/vsock.h"

#define MEM_SIZE (256u * 1024u)
#define MAX_FDS 10

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t accept_cond = PTHREAD_COND_INITIALIZER;
static struct sgl_vsock dev;
static unsigned resets;

static void log_line(void *user, enum sglhost_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	if (strlen(msg) >= 320)
		fuzz_die("log line longer than its buffer");
}

static void wake(void *user)
{
	(void)user;
}

static void no_ref(void *user)
{
	(void)user;
}

static void vsock_reset(void *user)
{
	(void)user;
	resets++;
	sgl_vsock_reset(&dev);
}

/* Sends one record with its fds; false when the socket is full. */
static bool send_record(int sock, int memfd, uint8_t fds, const uint8_t *p, size_t n)
{
	int fd[MAX_FDS];
	unsigned nfd = fds & 15;
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)p, n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfd > MAX_FDS)
		nfd = MAX_FDS;
	if (!n)
		return true;   /* fds need a byte to travel with */
	for (unsigned i = 0; i < nfd; i++) {
		fd[i] = i < 4 && (fds >> (4 + i) & 1) ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)
						      : dup(memfd);
		if (fd[i] < 0)
			fuzz_die("fd: %s", strerror(errno));
	}
	if (nfd) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfd);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfd);
		memcpy(CMSG_DATA(c), fd, sizeof(int) * nfd);
	}
	ssize_t r = sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	for (unsigned i = 0; i < nfd; i++)
		close(fd[i]);
	return r == (ssize_t)n;
}

/* The replies, read and checked as a frontend would. */
static void drain_replies(int sock)
{
	uint8_t buf[4096];
	ssize_t r;

	while ((r = recv(sock, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sgl_vu vu;
	static struct sgl_vu_msg msg;
	static const uint8_t config[8] = { 3 };
	int sv[2];
	/* Counted around each input: libFuzzer itself opens fds between
	 * inputs (the pipes to llvm-symbolizer when it prints NEW_FUNC). */
	int fds_before = fuzz_count_fds();
	int memfd = memfd_create("fuzz-guest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		fuzz_die("memfd: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fuzz_die("socketpair: %s", strerror(errno));

	struct fuzz_in in = { data, size };
	while (in.left >= 3) {
		uint8_t fds = (uint8_t)fuzz_take(&in, 1);
		size_t n = (size_t)fuzz_take(&in, 2);
		if (n > in.left)
			n = in.left;
		if (!send_record(sv[0], memfd, fds, in.p, n))
			break;
		in.p += n;
		in.left -= n;
	}
	shutdown(sv[0], SHUT_WR);
	close(memfd);

	sgl_vu_init(&vu, 1ull << VIRTIO_RING_F_INDIRECT_DESC, 3, config, sizeof(config));
	vu.reset = vsock_reset;
	vu.log = log_line;
	dev = (struct sgl_vsock){
		.lock = &lock, .guest_cid = 3, .port = 9999, .max_conns = 4,
		.accept_cond = &accept_cond, .wake = wake, .log = log_line,
		.ref = no_ref, .unref = no_ref,
	};
	sgl_vu_attach(&vu, sv[1]);
	for (;;) {
		int r = sgl_vu_recv(&vu, &msg);
		if (r == 0) {
			if (msg.nfds > VHOST_USER_MAX_FDS)
				fuzz_die("%u fds kept", msg.nfds);
			r = sgl_vu_handle(&vu, &msg);
			if (msg.nfds)
				fuzz_die("handle left %u fds", msg.nfds);
		}
		if (r < 0) {
			if (r != -EPIPE && r != -EPROTO)
				fuzz_die("recv/handle returned %d", r);
			if (!vu.why[0])
				fuzz_die("connection dropped without a reason");
			break;
		}
		drain_replies(sv[0]);
		/* The device thread's pass after each message. */
		pthread_mutex_lock(&lock);
		int p = sgl_vsock_process(&dev, &vu);
		pthread_mutex_unlock(&lock);
		if (p < 0)
			break;
	}
	resets = 0;
	sgl_vu_detach(&vu);
	if (!resets)
		fuzz_die("detach did not reset the device");
	if (vu.mem.n || vu.fd >= 0)
		fuzz_die("detach left memory or the socket");
	for (unsigned i = 0; i < SGL_VU_MAX_QUEUES; i++)
		if (vu.vq[i].kick_fd >= 0 || vu.vq[i].call_fd >= 0 || vu.vq[i].err_fd >= 0 ||
		    vu.vq[i].segs)
			fuzz_die("detach left ring %u's fds or memory", i);
	close(sv[0]);
	/* Every fd the frontend sent was closed or kept and closed by detach. */
	int fds = fuzz_count_fds();
	if (fds != fds_before)
		fuzz_die("%d fds open after the input, %d before", fds, fds_before);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Seeds: QEMU 7.2's sequence (as tests/vu_mock.c records it), crosvm's,
 * and a few broken frontends. */

struct seed {
	uint8_t buf[8192];
	size_t len;
};

static void rec(struct seed *s, uint8_t fds, uint32_t req, uint32_t flags, const void *payload,
		uint32_t size)
{
	struct vhost_user_header h = { req, VHOST_USER_VERSION | flags, size };
	uint16_t n = (uint16_t)(sizeof(h) + size);

	s->buf[s->len++] = fds;
	memcpy(s->buf + s->len, &n, 2);
	memcpy(s->buf + s->len + 2, &h, sizeof(h));
	if (size)
		memcpy(s->buf + s->len + 2 + sizeof(h), payload, size);
	s->len += 2 + n;
}

static void rec_u64(struct seed *s, uint8_t fds, uint32_t req, uint32_t flags, uint64_t v)
{
	rec(s, fds, req, flags, &v, sizeof(v));
}

static void rec_state(struct seed *s, uint32_t req, uint32_t flags, uint32_t index, uint32_t num)
{
	struct vhost_user_vring_state st = { index, num };
	rec(s, 0, req, flags, &st, sizeof(st));
}

#define FEATURES (1ull << VIRTIO_F_VERSION_1 | 1ull << VHOST_USER_F_PROTOCOL_FEATURES | \
		  1ull << VIRTIO_RING_F_INDIRECT_DESC)
#define PROTOCOL (1ull << VHOST_USER_PROTOCOL_F_MQ | 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK | \
		  1ull << VHOST_USER_PROTOCOL_F_CONFIG | \
		  1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)

static void handshake(struct seed *s)
{
	struct { struct vhost_user_config c; uint8_t b[8]; } cfg = { { 0, 8, 0 }, { 0 } };

	rec(s, 0, VHOST_USER_GET_FEATURES, 0, NULL, 0);
	rec(s, 0, VHOST_USER_GET_PROTOCOL_FEATURES, 0, NULL, 0);
	rec_u64(s, 0, VHOST_USER_SET_PROTOCOL_FEATURES, 0, PROTOCOL);
	rec(s, 0, VHOST_USER_GET_QUEUE_NUM, 0, NULL, 0);
	rec(s, 0, VHOST_USER_SET_OWNER, 0, NULL, 0);
	rec(s, 0, VHOST_USER_GET_CONFIG, 0, &cfg, sizeof(cfg));
}

/* Rings 0 and 1 of 64 entries at 0x10000 + 0x2000 * i (guest physical,
 * frontend address 0x7f0000000000 + gpa). */
static void rings(struct seed *s, uint32_t flags, bool poll)
{
	rec_u64(s, 0, VHOST_USER_SET_FEATURES, flags, FEATURES);
	for (uint32_t i = 0; i < 2; i++) {
		uint64_t base = 0x7f0000000000ull + 0x10000 + 0x2000 * i;
		struct vhost_user_vring_addr a = { i, 0, base, base + 0x1000, base + 0x800, 0 };
		rec_state(s, VHOST_USER_SET_VRING_NUM, flags, i, 64);
		rec_state(s, VHOST_USER_SET_VRING_BASE, flags, i, 0);
		rec(s, 0, VHOST_USER_SET_VRING_ADDR, flags, &a, sizeof(a));
		if (poll)
			rec_u64(s, 0, VHOST_USER_SET_VRING_KICK, flags, i | VHOST_USER_VRING_NOFD_MASK);
		else
			rec_u64(s, 0x11, VHOST_USER_SET_VRING_KICK, flags, i);
		rec_u64(s, 0x11, VHOST_USER_SET_VRING_CALL, flags, i);
		rec_state(s, VHOST_USER_SET_VRING_ENABLE, flags, i, 1);
	}
}

void fuzz_seeds(fuzz_emit_fn fn, void *user)
{
	static struct seed s;

	/* QEMU 7.2: two regions around the 640K hole from one memfd. */
	memset(&s, 0, sizeof(s));
	handshake(&s);
	{
		struct vhost_user_memory t = { 2, 0, {
			{ 0, 0xa0000 / 4, 0x7f0000000000ull, 0 },
			{ 0xc0000 / 4, MEM_SIZE - 0xc0000 / 4, 0x7f0000000000ull + 0xc0000 / 4,
			  0xc0000 / 4 },
		} };
		/* Map the rings' gpa 0x10000-0x14000 into region 0: the second
		 * region starts at 0x30000. */
		rec(&s, 2, VHOST_USER_SET_MEM_TABLE, VHOST_USER_NEED_REPLY, &t,
		    8 + 2 * sizeof(t.regions[0]));
	}
	rings(&s, 0, false);
	rec_state(&s, VHOST_USER_SET_VRING_ENABLE, 0, 0, 0);
	rec_state(&s, VHOST_USER_GET_VRING_BASE, 0, 0, 0);
	rec_state(&s, VHOST_USER_GET_VRING_BASE, 0, 1, 0);
	rec(&s, 0, VHOST_USER_RESET_DEVICE, 0, NULL, 0);
	fn(user, "qemu", s.buf, s.len);

	/* crosvm: ADD_MEM_REG, NEED_REPLY on everything, polled rings, then
	 * REM_MEM_REG under a running ring. */
	memset(&s, 0, sizeof(s));
	handshake(&s);
	rec(&s, 0, VHOST_USER_GET_MAX_MEM_SLOTS, VHOST_USER_NEED_REPLY, NULL, 0);
	struct vhost_user_mem_reg r0 = { 0, { 0, 0x20000, 0x7f0000000000ull, 0 } };
	struct vhost_user_mem_reg r1 = { 0, { 0x20000, 0x20000, 0x7f0000020000ull, 0x20000 } };
	rec(&s, 1, VHOST_USER_ADD_MEM_REG, VHOST_USER_NEED_REPLY, &r0, sizeof(r0));
	rec(&s, 1, VHOST_USER_ADD_MEM_REG, VHOST_USER_NEED_REPLY, &r1, sizeof(r1));
	rings(&s, VHOST_USER_NEED_REPLY, true);
	rec(&s, 1, VHOST_USER_REM_MEM_REG, VHOST_USER_NEED_REPLY, &r1, sizeof(r1));
	rec(&s, 1, VHOST_USER_REM_MEM_REG, VHOST_USER_NEED_REPLY, &r0, sizeof(r0));
	fn(user, "crosvm", s.buf, s.len);

	/* Broken: SET_CONFIG, an unknown request with fds, a ring resized,
	 * a message cut short. */
	memset(&s, 0, sizeof(s));
	handshake(&s);
	{
		struct { struct vhost_user_config c; uint8_t b[4]; } cfg = { { 4, 4, 0 }, { 1 } };
		rec(&s, 0, VHOST_USER_SET_CONFIG, VHOST_USER_NEED_REPLY, &cfg, sizeof(cfg));
	}
	rec_u64(&s, 3, VHOST_USER_SET_LOG_FD, VHOST_USER_NEED_REPLY, 0);
	rec_state(&s, VHOST_USER_SET_VRING_NUM, 0, 2, 256);
	rec_state(&s, VHOST_USER_SET_VRING_NUM, 0, 2, 8);
	rec_state(&s, VHOST_USER_SET_VRING_NUM, 0, 2, 3);
	s.len -= 3;
	fn(user, "broken", s.buf, s.len);
}
