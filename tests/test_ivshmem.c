/*
 * ivshmem without QEMU: the ring engine against hostile counters, the
 * guest's checks of a BAR it maps through a fake sysfs, ivshmem-plain with
 * polling on both sides, and the ivshmem-doorbell server against a fake
 * QEMU written here (docs/ivshmem.md).
 *
 * - ring: counters moved backwards or too far are -EPROTO for good, the
 *   bytes wrap correctly;
 * - guest: a header that lies about slots or sizes, a resource2 smaller
 *   than sysfs says or than the header says, a host that is not alive, a
 *   device that is not ivshmem: all refused, nothing read out of bounds;
 * - a claim word torn under a session: the session ends, the other
 *   generation's slot is left alone; a bogus state is never accepted;
 * - plain: a forked guest (SGL_IVSHMEM_SYSFS) and the host poll; round
 *   trips go at polling speed, not at timeout speed, and an idle side
 *   uses little CPU; a killed guest is found by its heartbeat;
 * - doorbell: the message order (0, id, -1 + memfd, peer 0's eventfds,
 *   own eventfds), a doorbell through peer 0's eventfd wakes the host's
 *   session, the host rings the guest's eventfd only while it sleeps, a
 *   full session with a guest that sleeps on an interrupt device fed by
 *   the fake QEMU, two VMs get two memories, a VM that leaves ends its
 *   sessions and frees its id, a stale socket is replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ivshmem.h"
#include "ivshmem_peer.h"
#include "sgl_shm.h"
#include "sglhost_transport.h"
#include "shm.h"
#include "transport/listener.h"

#define RING (64u << 10)
#define BDF "0000:00:04.0"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int read_exact(struct sgl_channel *ch, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = ch->ops->read(ch, p, n);
		if (r <= 0)
			return r ? (int)r : -EPIPE;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* A temporary directory with a fake sysfs device */

struct fixture {
	char dir[64];
	char sys[96];            /* the fake /sys/bus/pci/devices */
	char dev[128];           /* sys/BDF */
	char mem[96];            /* ivshmem-plain file */
	char sock[96];           /* doorbell socket */
	struct sgl_listener *l;
	char err[256];
};

static void write_file(const char *dir, const char *name, const void *data, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* vendor, device, resource (BAR0 256 bytes, BAR2 `bar2` bytes), config
 * (an MSI-X capability when `msix`), resource0 (IVPosition = `pos`,
 * Doorbell = 0xffffffff), and resource2 a link to `target`. */
static void fake_device(struct fixture *f, const char *target, uint64_t bar2, bool msix,
			uint32_t pos)
{
	char res[256], path[256];
	uint8_t cfg[256] = { 0 };
	uint32_t regs[64] = { 0 };

	mkdir(f->sys, 0700);
	mkdir(f->dev, 0700);
	write_file(f->dev, "vendor", "0x1af4\n", 7);
	write_file(f->dev, "device", "0x1110\n", 7);
	int n = snprintf(res, sizeof(res),
			 "0x00000000fea00000 0x00000000fea000ff 0x0000000000040200\n"
			 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
			 "0x0000000400000000 0x%016llx 0x000000000014220c\n",
			 0x400000000ull + (unsigned long long)bar2 - 1);
	write_file(f->dev, "resource", res, (size_t)n);
	if (msix) {
		cfg[6] = 0x10;          /* status: capability list */
		cfg[0x34] = 0x48;
		cfg[0x48] = 0x05;       /* MSI (a decoy), then */
		cfg[0x49] = 0x40;
		cfg[0x40] = 0x11;       /* MSI-X */
	}
	write_file(f->dev, "config", cfg, sizeof(cfg));
	regs[2] = pos;
	regs[3] = 0xffffffffu;
	write_file(f->dev, "resource0", regs, sizeof(regs));
	snprintf(path, sizeof(path), "%s/resource2", f->dev);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	setenv("SGL_IVSHMEM_SYSFS", f->sys, 1);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/sgl-ivshmem-test-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->dir);
	snprintf(f->dev, sizeof(f->dev), "%s/%s", f->sys, BDF);
	snprintf(f->mem, sizeof(f->mem), "%s/mem", f->dir);
	snprintf(f->sock, sizeof(f->sock), "%s/ivshmem.sock", f->dir);
	unsetenv("SGL_IVSHMEM_DEV");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];
	if (f->l)
		f->l->ops->destroy(f->l);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The ring engine against a peer that moves counters */

struct ring_mem {
	struct sgl_shm_ring ring;
	uint8_t data[4096];
};

/* The peer is there and never leaves; a wait gives up after a few rounds
 * (nothing here ever blocks for real). */
static int peer_rounds;
static int peer_check(void *user, bool slow)
{
	(void)user;
	(void)slow;
	return ++peer_rounds > 200000 ? -ETIMEDOUT : 0;
}
static const struct sgl_shm_peer peer = { peer_check, NULL };

static void ring_ends(struct ring_mem *m, struct sgl_shm_end *tx, struct sgl_shm_end *rx,
		      _Atomic int *btx, _Atomic int *brx)
{
	memset(m, 0, sizeof(*m));
	atomic_init(btx, 0);
	atomic_init(brx, 0);
	sgl_shm_end_init(tx, &m->ring, m->data, sizeof(m->data), btx, &sgl_shm_poll_notify);
	sgl_shm_end_init(rx, &m->ring, m->data, sizeof(m->data), brx, &sgl_shm_poll_notify);
}

static void test_ring_counters(void **state)
{
	static struct ring_mem m;
	struct sgl_shm_end tx, rx;
	_Atomic int btx, brx;
	uint8_t buf[8192] = { 0 };
	(void)state;

	/* head too far: more bytes than the ring holds */
	ring_ends(&m, &tx, &rx, &btx, &brx);
	atomic_store(&m.ring.head, sizeof(m.data) + 1);
	assert_int_equal(sgl_shm_read(&rx, buf, 16, &peer), -EPROTO);
	assert_int_equal(sgl_shm_read(&rx, buf, 16, &peer), -EPROTO);   /* for good */
	/* the latch is the channel's: the other end of it is broken too */
	struct sgl_shm_end tx2;
	sgl_shm_end_init(&tx2, &m.ring, m.data, sizeof(m.data), &brx, &sgl_shm_poll_notify);
	assert_int_equal(sgl_shm_write(&tx2, buf, 1, &peer), -EPROTO);

	/* head moved backwards after we read */
	ring_ends(&m, &tx, &rx, &btx, &brx);
	assert_int_equal(sgl_shm_write(&tx, "0123456789", 10, &peer), 0);
	assert_int_equal(sgl_shm_read(&rx, buf, 10, &peer), 10);
	atomic_store(&m.ring.head, 5);
	assert_int_equal(sgl_shm_read(&rx, buf, 1, &peer), -EPROTO);

	/* tail ahead of what we wrote */
	ring_ends(&m, &tx, &rx, &btx, &brx);
	assert_int_equal(sgl_shm_write(&tx, "abc", 3, &peer), 0);
	atomic_store(&m.ring.tail, 4);
	assert_int_equal(sgl_shm_write(&tx, "d", 1, &peer), -EPROTO);

	/* tail moved backwards past a full ring */
	ring_ends(&m, &tx, &rx, &btx, &brx);
	assert_int_equal(sgl_shm_write(&tx, buf, sizeof(m.data), &peer), 0);
	assert_int_equal(sgl_shm_read(&rx, buf, 100, &peer), 100);
	atomic_store(&m.ring.tail, UINT64_MAX - 5);   /* "before" 0 */
	assert_int_equal(sgl_shm_write(&tx, buf, 1, &peer), -EPROTO);

	/* a full ring and a peer that never reads: the writer waits, then
	 * gives up through its check, without writing over unread bytes */
	ring_ends(&m, &tx, &rx, &btx, &brx);
	assert_int_equal(sgl_shm_write(&tx, buf, sizeof(m.data), &peer), 0);
	peer_rounds = 199990;
	assert_int_equal(sgl_shm_write(&tx, buf, 1, &peer), -ETIMEDOUT);
	assert_int_equal(atomic_load(&m.ring.head), sizeof(m.data));
	peer_rounds = 0;
}

static void test_ring_wrap(void **state)
{
	static struct ring_mem m;
	struct sgl_shm_end tx, rx;
	_Atomic int btx, brx;
	uint8_t out[3000], in[3000];
	(void)state;

	ring_ends(&m, &tx, &rx, &btx, &brx);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = (uint8_t)(i * 7 + (size_t)round);
		assert_int_equal(sgl_shm_write(&tx, out, sizeof(out), &peer), 0);
		size_t got = 0;
		while (got < sizeof(in)) {
			ssize_t r = sgl_shm_read(&rx, in + got, sizeof(in) - got, &peer);
			assert_true(r > 0);
			got += (size_t)r;
		}
		assert_memory_equal(in, out, sizeof(in));
	}
	assert_int_equal(atomic_load(&m.ring.head), 20 * sizeof(out));
	peer_rounds = 0;
}

/* ---------------------------------------------------------------------- */
/* The guest's checks of the BAR (fake sysfs) */

static void make_bar(const char *path, size_t size, const struct sgl_shm_header *h)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(pwrite(fd, h, sizeof(*h), 0), (ssize_t)sizeof(*h));
	close(fd);
}

static void good_header(struct sgl_shm_header *h, uint32_t slots, uint32_t ring)
{
	memset(h, 0, sizeof(*h));
	h->info = (struct sgl_shm_info){
		.magic = SGL_SHM_MAGIC, .version = SGL_SHM_VERSION, .slot_count = slots,
		.ring_size = ring, .slots_offset = SGL_SHM_SLOTS_OFFSET,
		.slot_stride = sgl_shm_slot_stride(ring),
		.file_size = sgl_shm_file_size(slots, ring),
	};
	atomic_store(&h->host_alive, 1);
	atomic_store(&h->host_generation, 42);
}

static void refused(struct fixture *f, const char *what, const char *bdf)
{
	f->err[0] = '\0';
	struct sgl_channel *ch = sgl_ivshmem_connect(bdf, f->err, sizeof(f->err));
	if (ch)
		fail_msg("%s: accepted", what);
	if (!strstr(f->err, what))
		fail_msg("expected \"%s\", got \"%s\"", what, f->err);
}

static void test_header_lies(void **state)
{
	struct fixture *f = *state;
	struct sgl_shm_header h;
	const size_t bar = 64u << 10;

	fake_device(f, f->mem, bar, false, 0);
	/* The truth first: one slot of 4 KiB rings fits in 64 KiB. */
	good_header(&h, 1, 4096);
	make_bar(f->mem, bar, &h);
	struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
	if (!ch)
		fail_msg("connect: %s", f->err);
	ch->ops->destroy(ch);

	good_header(&h, 0, 4096);
	make_bar(f->mem, bar, &h);
	refused(f, "bad slot count", NULL);
	good_header(&h, 5000, 4096);
	make_bar(f->mem, bar, &h);
	refused(f, "bad slot count", BDF);
	good_header(&h, 1, 5000);
	make_bar(f->mem, bar, &h);
	refused(f, "bad ring size", NULL);
	good_header(&h, 1, 4096);
	h.info.slot_stride += 64;
	make_bar(f->mem, bar, &h);
	refused(f, "inconsistent geometry", NULL);
	good_header(&h, 1, 4096);
	h.info.file_size = 8192;
	make_bar(f->mem, bar, &h);
	refused(f, "inconsistent geometry", NULL);
	good_header(&h, 1, 4096);
	h.info.magic ^= 1;
	make_bar(f->mem, bar, &h);
	refused(f, "bad magic", NULL);
	good_header(&h, 1, 4096);
	atomic_store(&h.host_alive, 0);
	make_bar(f->mem, bar, &h);
	refused(f, "no host", NULL);
	/* Consistent, but bigger than the BAR: 3 slots of 16 KiB rings. */
	good_header(&h, 3, 16384);
	make_bar(f->mem, bar, &h);
	refused(f, "shorter than its header says", NULL);
	/* resource2 smaller than sysfs says the BAR is. */
	good_header(&h, 1, 4096);
	make_bar(f->mem, bar / 2, &h);
	refused(f, "smaller than the BAR", NULL);
	/* A BAR too small for a header at all. */
	fake_device(f, f->mem, 2048, false, 0);
	refused(f, "smaller than a header", NULL);
	/* Not ivshmem, or no such device. */
	fake_device(f, f->mem, bar, false, 0);
	write_file(f->dev, "device", "0x1111\n", 7);
	refused(f, "no ivshmem device", NULL);
	refused(f, "no ivshmem device", BDF);
	refused(f, "no ivshmem device", "../" BDF);
}

/* ---------------------------------------------------------------------- */
/* ivshmem-plain */

static struct sgl_listener *plain_listen(struct fixture *f, uint32_t slots, uint32_t hb_ms)
{
	struct sgl_shm_config cfg = { .path = f->mem, .slots = slots, .ring_size = RING,
				      .ivshmem = true, .heartbeat_ms = hb_ms };
	f->l = sgl_shm_listen(&cfg, f->err, sizeof(f->err));
	if (!f->l)
		fail_msg("listen: %s", f->err);
	struct stat st;
	assert_int_equal(stat(f->mem, &st), 0);
	fake_device(f, f->mem, (uint64_t)st.st_size, false, 0);
	return f->l;
}

static struct sgl_channel *accept_one(struct sgl_listener *l)
{
	int err = 0;
	struct sgl_channel *ch = l->ops->accept(l, &err);
	if (!ch)
		fail_msg("accept: %s", strerror(-err));
	return ch;
}

static struct sgl_channel *guest_connect(struct fixture *f)
{
	struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
	if (!ch)
		fail_msg("guest connect: %s", f->err);
	return ch;
}

struct view {
	uint8_t *map;
	size_t size;
};

static struct view view_open(const char *path)
{
	struct view v = { 0 };
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	v.size = (size_t)lseek(fd, 0, SEEK_END);
	v.map = mmap(NULL, v.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(v.map != MAP_FAILED);
	return v;
}

static struct sgl_shm_slot *view_slot(uint8_t *map, uint32_t i)
{
	return (struct sgl_shm_slot *)(map + sgl_shm_slot_offset(RING, i));
}

struct accept_try {
	struct sgl_listener *l;
	struct sgl_channel *ch;
	int err;
};

static void *accept_thread(void *arg)
{
	struct accept_try *a = arg;
	a->ch = a->l->ops->accept(a->l, &a->err);
	return NULL;
}

/* A session whose claim word changes under it (torn, or rewritten by a
 * hostile guest) ends on both sides, and the host's leaving does not touch
 * the word of the other generation. A state that is none is never
 * accepted. */
static void test_torn_claim(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	plain_listen(f, 2, 0);
	struct sgl_channel *g = guest_connect(f);
	struct sgl_channel *h = accept_one(f->l);
	struct view v = view_open(f->mem);
	struct sgl_shm_slot *s = view_slot(v.map, 0);
	uint64_t w = atomic_load(&s->claim);
	assert_int_equal(SGL_SHM_CLAIM_STATE(w), SGL_SHM_CONNECTED);

	uint64_t torn = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, SGL_SHM_CLAIM_GEN(w) + 5);
	atomic_store(&s->claim, torn);
	assert_int_equal(h->ops->read(h, buf, sizeof(buf)), 0);
	assert_int_equal(g->ops->read(g, buf, sizeof(buf)), 0);
	assert_int_equal(h->ops->write(h, "x", 1), -EPIPE);
	h->ops->destroy(h);
	assert_int_equal(atomic_load(&s->claim), torn);
	g->ops->destroy(g);
	assert_int_equal(atomic_load(&s->claim), torn);

	/* state 7 in slot 0, and a FREE slot 1: nothing to accept */
	atomic_store(&s->claim, SGL_SHM_CLAIM(7, 9));
	struct accept_try a = { .l = f->l };
	pthread_t t;
	pthread_create(&t, NULL, accept_thread, &a);
	sleep_ms(300);
	f->l->ops->shutdown(f->l);
	pthread_join(t, NULL);
	assert_null(a.ch);
	assert_int_equal(a.err, -ECANCELED);
	munmap(v.map, v.size);
}

static double cpu_seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define ROUNDS 50

/* The guest process: echoes ROUNDS messages, then reports the CPU it used
 * while it waited a second for the next one, then sleeps a second before
 * it sends the last. */
static int plain_guest(struct fixture *f)
{
	struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
	uint64_t v;
	if (!ch)
		return 2;
	for (int i = 0; i < ROUNDS; i++) {
		if (read_exact(ch, &v, sizeof(v)) || ch->ops->write(ch, &v, sizeof(v)))
			return 3;
	}
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	if (read_exact(ch, &v, sizeof(v)))
		return 4;
	getrusage(RUSAGE_SELF, &r1);
	v = (uint64_t)((r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000 +
		       (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
		       (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000 +
		       (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec));
	if (ch->ops->write(ch, &v, sizeof(v)))
		return 5;
	sleep_ms(1000);
	if (ch->ops->write(ch, &v, sizeof(v)))
		return 6;
	ch->ops->destroy(ch);
	return 0;
}

static int child_status(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Both sides poll (host_pid 0, no doorbell). Each round the host waits 2
 * ms before it answers, so the guest is past its spin and asleep: a guest
 * that slept on a futex nobody wakes would take SGL_SHM_WAIT_MS a round
 * (5 s), a polling one a few ms. Idle, each side uses a few percent of a
 * core at most.
 */
static void test_plain_polling(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	plain_listen(f, 2, 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(plain_guest(f));
	struct sgl_channel *h = accept_one(f->l);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < ROUNDS; i++) {
		sleep_ms(2);
		assert_int_equal(h->ops->write(h, &i, sizeof(i)), 0);
		assert_int_equal(read_exact(h, &v, sizeof(v)), 0);
		assert_int_equal(v, i);
	}
	double ms = (double)(now_ns() - t0) / 1e6;
	printf("# plain, polling: %d round trips with 2 ms pauses in %.0f ms\n", ROUNDS, ms);
	assert_true(ms < 2000);

	sleep_ms(1000);
	assert_int_equal(h->ops->write(h, &v, sizeof(v)), 0);
	assert_int_equal(read_exact(h, &v, sizeof(v)), 0);
	printf("# idle guest waiting 1 s: %.1f ms of CPU\n", (double)v / 1000);
	assert_true(v < 150000);

	double c0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
	assert_int_equal(read_exact(h, &v, sizeof(v)), 0);
	double host_cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
	printf("# idle host waiting 1 s: %.1f ms of CPU\n", host_cpu * 1000);
	assert_true(host_cpu < 0.15);
	assert_int_equal(h->ops->read(h, &v, sizeof(v)), 0);   /* the guest left */
	h->ops->destroy(h);
	assert_int_equal(child_status(pid), 0);
}

/* A guest in another kernel has no pid the host can ask about: when its
 * heartbeat stops, its session ends and its slot is free. */
static void test_plain_killed_guest(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	plain_listen(f, 1, 300);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
		if (!ch || ch->ops->write(ch, "hi!", 4))
			_exit(2);
		for (;;)
			pause();
	}
	struct sgl_channel *h = accept_one(f->l);
	assert_int_equal(read_exact(h, buf, 4), 0);
	assert_string_equal(buf, "hi!");
	kill(pid, SIGKILL);
	assert_int_equal(child_status(pid), 128 + SIGKILL);
	uint64_t t0 = now_ns();
	assert_int_equal(h->ops->read(h, buf, sizeof(buf)), 0);
	double ms = (double)(now_ns() - t0) / 1e6;
	printf("# killed guest noticed after %.0f ms (heartbeat timeout 300 ms)\n", ms);
	assert_true(ms >= 250 && ms < 3000);
	h->ops->destroy(h);
	struct view v = view_open(f->mem);
	assert_int_equal(SGL_SHM_CLAIM_STATE(atomic_load(&view_slot(v.map, 0)->claim)),
			 SGL_SHM_FREE);
	munmap(v.map, v.size);
}

/* An embedder's own memory (sglhost_shm_region_listen, remote: heartbeats,
 * 300 ms) and a guest whose VM is stopped (SIGSTOP: its heartbeat stands
 * still) for 900 ms while the host waits on its session. With
 * sglhost_shm_region_pause() around the stop the session lives on (the
 * guest answers after SIGCONT); without it, the guest is taken for gone. */
struct region_reader {
	struct sgl_channel *ch;
	char buf[4];
	int r;
};

static void *region_read(void *arg)
{
	struct region_reader *rd = arg;
	rd->r = read_exact(rd->ch, rd->buf, 4);
	return NULL;
}

static bool region_survives_stop(struct fixture *f, bool pause_it)
{
	enum { SIZE = 1u << 20 };
	char buf[4];
	int go[2];
	int fd = open(f->mem, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SIZE), 0);
	void *mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(mem != MAP_FAILED);
	struct sglhost_shm_region_config rc;
	sglhost_shm_region_config_init(&rc);
	rc.memory = mem;
	rc.size = SIZE;
	rc.slots = 2;
	rc.ring_size = RING;
	rc.remote = true;
	rc.heartbeat_ms = 300;
	struct sglhost_listener *l = sglhost_shm_region_listen(&rc, f->err, sizeof(f->err));
	if (!l)
		fail_msg("region: %s", f->err);
	f->l = (struct sgl_listener *)l;
	fake_device(f, f->mem, SIZE, false, 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
		if (!ch || ch->ops->write(ch, "hi!", 4) || read(go[0], &c, 1) != 1 ||
		    ch->ops->write(ch, "ok!", 4))
			_exit(2);
		for (;;)
			pause();
	}
	int err = 0;
	struct sglhost_channel *hc = sglhost_listener_accept(l, &err);
	assert_non_null(hc);
	struct region_reader rd = { (struct sgl_channel *)hc, "", -1 };
	assert_int_equal(read_exact(rd.ch, buf, 4), 0);
	assert_string_equal(buf, "hi!");
	if (pause_it)
		sglhost_shm_region_pause(l, true);
	kill(pid, SIGSTOP);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, region_read, &rd), 0);
	sleep_ms(900);
	kill(pid, SIGCONT);
	sleep_ms(100);
	if (pause_it)
		sglhost_shm_region_pause(l, false);
	assert_int_equal(write(go[1], "x", 1), 1);
	pthread_join(t, NULL);
	kill(pid, SIGKILL);
	child_status(pid);
	close(go[0]);
	close(go[1]);
	sglhost_channel_destroy(hc);
	sglhost_listener_destroy(l);
	f->l = NULL;
	munmap(mem, SIZE);
	return rd.r == 0 && !strcmp(rd.buf, "ok!");
}

static void test_region_paused_vm(void **state)
{
	assert_true(region_survives_stop(*state, true));
}

static void test_region_stopped_vm(void **state)
{
	assert_false(region_survives_stop(*state, false));
}

/* The file QEMU maps: reused in place when QEMU made it (zero, its size
 * kept, slots fitted), locked against a second host, kept at exit,
 * refused when foreign; sizes must be powers of two. */
static void test_plain_file(void **state)
{
	struct fixture *f = *state;
	char msg[256];
	struct stat st;

	int fd = open(f->mem, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	struct sgl_shm_config cfg = { .path = f->mem, .slots = 16, .ring_size = RING,
				      .ivshmem = true };
	f->l = sgl_shm_listen(&cfg, msg, sizeof(msg));
	if (!f->l)
		fail_msg("listen: %s", msg);
	assert_int_equal(stat(f->mem, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);
	struct view v = view_open(f->mem);
	struct sgl_shm_header *h = (struct sgl_shm_header *)v.map;
	/* (1 MiB - 4 KiB) / (4 KiB + 2 * 64 KiB) = 7 slots */
	assert_int_equal(h->info.slot_count, 7);
	assert_int_equal(atomic_load(&h->host_pid), 0);
	assert_int_equal(atomic_load(&h->host_alive), 1);
	uint32_t beat = atomic_load(&h->host_heartbeat);
	struct accept_try a = { .l = f->l };
	pthread_t t;
	pthread_create(&t, NULL, accept_thread, &a);
	sleep_ms(350);   /* the accepting thread beats the heartbeat */
	assert_true(atomic_load(&h->host_heartbeat) != beat);
	f->l->ops->shutdown(f->l);
	pthread_join(t, NULL);

	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "in use"));
	f->l->ops->destroy(f->l);
	f->l = NULL;
	assert_int_equal(stat(f->mem, &st), 0);
	assert_int_equal(atomic_load(&h->host_alive), 0);

	/* a stale sgl file: reused, its slots cleared */
	atomic_store(&view_slot(v.map, 3)->claim, SGL_SHM_CLAIM(SGL_SHM_CONNECTED, 4));
	f->l = sgl_shm_listen(&cfg, msg, sizeof(msg));
	if (!f->l)
		fail_msg("listen again: %s", msg);
	assert_int_equal(atomic_load(&view_slot(v.map, 3)->claim), 0);
	f->l->ops->destroy(f->l);
	f->l = NULL;

	/* foreign bytes where the header goes: never overwritten */
	memset(v.map, 0x5a, 64);
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "not an sgl"));
	assert_int_equal(v.map[10], 0x5a);
	munmap(v.map, v.size);

	/* sizes */
	unlink(f->mem);
	cfg.size = 3 << 20;
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "power of two"));
	cfg.size = 64 << 10;
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "no slot"));
	cfg.size = 0;
	cfg.slots = 2;
	f->l = sgl_shm_listen(&cfg, msg, sizeof(msg));
	if (!f->l)
		fail_msg("listen new: %s", msg);
	assert_int_equal(stat(f->mem, &st), 0);
	assert_int_equal(st.st_size, 512 << 10);   /* 4 KiB + 2 * 132 KiB, padded */
	char args[512];
	char spec[160];
	snprintf(spec, sizeof(spec), "ivshmem:%s", f->mem);
	assert_int_equal(sgl_ivshmem_qemu_args(spec, 2, RING, args, sizeof(args)), 0);
	assert_non_null(strstr(args, "size=524288"));
}

/* ---------------------------------------------------------------------- */
/* ivshmem-doorbell: a fake QEMU */

#define VECTORS 2

struct fake_qemu {
	struct ivshmem_peer p;   /* sock, id, memfd, size, host_efd, guest_efd */
	uint8_t *map;
};

/* Connects as QEMU's ivshmem-doorbell does and checks every message
 * (ivshmem_peer_connect), then maps the memory. */
static void qemu_connect(struct fixture *f, struct fake_qemu *q)
{
	assert_int_equal(ivshmem_peer_connect(&q->p, f->sock, VECTORS), 0);
	q->map = mmap(NULL, q->p.size, PROT_READ | PROT_WRITE, MAP_SHARED, q->p.memfd, 0);
	assert_true(q->map != MAP_FAILED);
}

static void qemu_close(struct fake_qemu *q)
{
	if (q->p.sock < 0)
		return;
	munmap(q->map, q->p.size);
	ivshmem_peer_close(&q->p);
}

static void doorbell_listen(struct fixture *f, uint32_t slots)
{
	struct sgl_ivshmem_server_config cfg = { .path = f->sock, .slots = slots,
						 .ring_size = RING, .vectors = VECTORS };
	f->l = sgl_ivshmem_server_listen(&cfg, f->err, sizeof(f->err));
	if (!f->l)
		fail_msg("listen: %s", f->err);
}

/* The guest of VM `q`: its BAR2 is the memfd QEMU got, BAR0 a file. */
static void vm_device(struct fixture *f, struct fake_qemu *q)
{
	char target[64];
	snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)getpid(), q->p.memfd);
	fake_device(f, target, q->p.size, true, (uint32_t)q->p.id);
}

static volatile uint32_t *vm_regs(struct fixture *f, struct view *v)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/resource0", f->dev);
	*v = view_open(path);
	return (volatile uint32_t *)v->map;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, ms) == 1;
}

static void test_doorbell_messages(void **state)
{
	struct fixture *f = *state;
	struct fake_qemu q;
	int64_t v;
	int fd;
	char msg[256];

	/* a socket file left by a server that is gone */
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, f->sock);
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(stale, (struct sockaddr *)&a, sizeof(a)), 0);
	close(stale);
	doorbell_listen(f, 2);
	struct sgl_ivshmem_server_config cfg = { .path = f->sock };
	assert_null(sgl_ivshmem_server_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "in use"));

	qemu_connect(f, &q);
	assert_int_equal(q.p.id, 1);
	/* nothing more: a VM hears of no other */
	assert_int_equal(ivshmem_peer_recv(q.p.sock, &v, &fd, 200), -ETIMEDOUT);
	struct sgl_shm_header *h = (struct sgl_shm_header *)q.map;
	assert_int_equal(h->info.magic, SGL_SHM_MAGIC);
	assert_int_equal(h->info.slot_count, 2);
	assert_null(sgl_shm_info_check(&h->info));
	assert_true(h->info.file_size <= q.p.size);
	assert_int_equal(atomic_load(&h->host_alive), 1);
	assert_int_equal(atomic_load(&h->host_pid), 0);
	uint32_t beat = atomic_load(&h->host_heartbeat);
	sleep_ms(350);
	assert_true(atomic_load(&h->host_heartbeat) != beat);
	/* the memory's size is sealed: QEMU sized its BAR by it */
	assert_true(ftruncate(q.p.memfd, (off_t)q.p.size * 2) < 0);
	qemu_close(&q);
}

struct host_read {
	struct sgl_channel *ch;
	char buf[16];
	ssize_t n;
	uint64_t done;
};

static void *host_read_thread(void *arg)
{
	struct host_read *r = arg;
	r->n = r->ch->ops->read(r->ch, r->buf, sizeof(r->buf));
	r->done = now_ns();
	return NULL;
}

static bool wait_flag(_Atomic uint32_t *flag, int ms)
{
	for (int i = 0; i < ms && !atomic_load(flag); i++)
		sleep_ms(1);
	return atomic_load(flag);
}

/*
 * Guest to host: the guest writes while the host sleeps, rings BAR0's
 * Doorbell (here a file, so it reaches nobody), and the host stays asleep
 * until the fake QEMU makes peer 0's eventfd readable, as QEMU does for
 * that register write. Host to guest: the guest's vector eventfd is
 * written while the guest sleeps, not while it does not.
 */
static void test_doorbell_wakes(void **state)
{
	struct fixture *f = *state;
	struct fake_qemu q;
	struct view rv;
	uint64_t one = 1, count;
	char buf[8];

	doorbell_listen(f, 2);
	qemu_connect(f, &q);
	vm_device(f, &q);
	struct sgl_channel *g = guest_connect(f);
	struct sgl_channel *h = accept_one(f->l);
	volatile uint32_t *regs = vm_regs(f, &rv);
	struct sgl_shm_slot *s = view_slot(q.map, 0);

	int good = 0;
	for (int trial = 0; trial < 8 && good < 5; trial++) {
		struct host_read r = { .ch = h };
		pthread_t t;
		regs[3] = 0xffffffffu;
		pthread_create(&t, NULL, host_read_thread, &r);
		assert_true(wait_flag(&s->cmd.reader_sleeping, 2000));
		sleep_ms(2);
		assert_int_equal(g->ops->write(g, "ping", 4), 0);
		assert_int_equal(regs[3], 0);    /* the guest rang peer 0, vector 0 */
		uint64_t rang = now_ns();
		assert_int_equal(write(q.p.host_efd[0], &one, sizeof(one)), 8);
		pthread_join(t, NULL);
		assert_int_equal(r.n, 4);
		assert_memory_equal(r.buf, "ping", 4);
		if (r.done < rang)
			continue;   /* its timeout woke it first: no proof either way */
		double ms = (double)(r.done - rang) / 1e6;
		assert_true(ms < 30);
		good++;
	}
	assert_int_equal(good, 5);

	/* host -> guest: rung while the guest sleeps */
	struct host_read r = { .ch = g };
	pthread_t t;
	pthread_create(&t, NULL, host_read_thread, &r);
	assert_true(wait_flag(&s->reply.reader_sleeping, 2000));
	assert_int_equal(h->ops->write(h, "pong", 4), 0);
	assert_true(readable(q.p.guest_efd[0], 1000));
	assert_int_equal(read(q.p.guest_efd[0], &count, sizeof(count)), 8);
	pthread_join(t, NULL);
	assert_int_equal(r.n, 4);
	/* ... and not while it does not */
	assert_int_equal(h->ops->write(h, "x", 1), 0);
	assert_false(readable(q.p.guest_efd[0], 100));
	assert_int_equal(g->ops->read(g, buf, sizeof(buf)), 1);

	g->ops->destroy(g);
	h->ops->destroy(h);
	munmap(rv.map, rv.size);
	qemu_close(&q);
}

/* The fake QEMU's other half: BAR0 Doorbell writes to peer 0's eventfd,
 * the guest's vector eventfd to the "interrupt device" (a FIFO standing
 * for /dev/sgl-ivshmemN: 8 bytes per interrupt). */
struct forwarder {
	struct fake_qemu *q;
	volatile uint32_t *regs;
	int irq_w;
	_Atomic bool stop;
	_Atomic unsigned doorbells, irqs;
};

static void *forward_thread(void *arg)
{
	struct forwarder *fw = arg;
	uint64_t one = 1, count;
	while (!atomic_load(&fw->stop)) {
		if (fw->regs[3] != 0xffffffffu) {
			fw->regs[3] = 0xffffffffu;
			if (write(fw->q->p.host_efd[0], &one, sizeof(one)) == 8)
				atomic_fetch_add(&fw->doorbells, 1);
		}
		if (readable(fw->q->p.guest_efd[0], 0) &&
		    read(fw->q->p.guest_efd[0], &count, sizeof(count)) == 8 &&
		    write(fw->irq_w, &count, sizeof(count)) == 8)
			atomic_fetch_add(&fw->irqs, 1);
		struct timespec ts = { 0, 100000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* A whole session where both sides sleep between messages and are woken
 * only through the doorbell and the interrupt device: a lost wake-up would
 * cost SGL_SHM_WAIT_MS a round. */
static void test_doorbell_session(void **state)
{
	struct fixture *f = *state;
	struct fake_qemu q;
	struct view rv;
	char fifo[128];
	enum { N = 100 };

	doorbell_listen(f, 2);
	qemu_connect(f, &q);
	vm_device(f, &q);
	snprintf(fifo, sizeof(fifo), "%s/irq", f->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int irq_w = open(fifo, O_RDWR | O_NONBLOCK);
	assert_true(irq_w >= 0);
	setenv("SGL_IVSHMEM_DEV", fifo, 1);
	struct forwarder fw = { .q = &q, .regs = vm_regs(f, &rv), .irq_w = irq_w };
	fw.regs[3] = 0xffffffffu;
	pthread_t t;
	pthread_create(&t, NULL, forward_thread, &fw);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sgl_channel *ch = sgl_ivshmem_connect(NULL, f->err, sizeof(f->err));
		uint64_t v;
		if (!ch)
			_exit(2);
		for (int i = 0; i < N; i++)
			if (read_exact(ch, &v, sizeof(v)) || ch->ops->write(ch, &v, sizeof(v)))
				_exit(3);
		ch->ops->destroy(ch);
		_exit(0);
	}
	struct sgl_channel *h = accept_one(f->l);
	uint64_t t0 = now_ns(), v;
	for (uint64_t i = 0; i < N; i++) {
		sleep_ms(1);    /* the guest goes to sleep */
		assert_int_equal(h->ops->write(h, &i, sizeof(i)), 0);
		assert_int_equal(read_exact(h, &v, sizeof(v)), 0);
		assert_int_equal(v, i);
	}
	double ms = (double)(now_ns() - t0) / 1e6;
	assert_int_equal(h->ops->read(h, &v, sizeof(v)), 0);
	assert_int_equal(child_status(pid), 0);
	atomic_store(&fw.stop, true);
	pthread_join(t, NULL);
	printf("# doorbell session: %d round trips in %.0f ms, %u doorbells, %u interrupts\n",
	       N, ms, atomic_load(&fw.doorbells), atomic_load(&fw.irqs));
	assert_true(ms < 3000);
	assert_true(atomic_load(&fw.irqs) > 0);
	assert_true(atomic_load(&fw.doorbells) > 0);
	h->ops->destroy(h);
	close(irq_w);
	munmap(rv.map, rv.size);
	qemu_close(&q);
	unsetenv("SGL_IVSHMEM_DEV");
}

/* A guest of VM `q` connects and says `hello` (3 letters) to the host. */
static void vm_session(struct fixture *f, struct fake_qemu *q, const char *hello,
		       struct sgl_channel **g, struct sgl_channel **h)
{
	char buf[4];
	vm_device(f, q);
	*g = guest_connect(f);
	*h = accept_one(f->l);
	assert_int_equal((*g)->ops->write(*g, hello, 4), 0);
	assert_int_equal(read_exact(*h, buf, 4), 0);
	assert_string_equal(buf, hello);
}

/* Two VMs get two memories; one that leaves ends its sessions and frees
 * its peer id, and the other is still served. */
static void test_doorbell_vms(void **state)
{
	struct fixture *f = *state;
	struct fake_qemu a, b, c;
	struct stat sa, sb;
	char buf[4];

	doorbell_listen(f, 2);
	qemu_connect(f, &a);
	qemu_connect(f, &b);
	assert_int_equal(a.p.id, 1);
	assert_int_equal(b.p.id, 2);
	fstat(a.p.memfd, &sa);
	fstat(b.p.memfd, &sb);
	assert_true(sa.st_ino != sb.st_ino);
	view_slot(a.map, 1)->pad0[0] = 0x77;
	assert_int_equal(view_slot(b.map, 1)->pad0[0], 0);

	struct sgl_channel *ga, *ha;
	vm_session(f, &a, "vm1", &ga, &ha);

	/* VM 1 goes away: its session ends */
	shutdown(a.p.sock, SHUT_RDWR);
	uint64_t t0 = now_ns();
	assert_int_equal(ha->ops->read(ha, buf, sizeof(buf)), 0);
	assert_true(now_ns() - t0 < 1000000000ull);
	ha->ops->destroy(ha);
	ga->ops->destroy(ga);

	/* its id is free again, with a new memory */
	qemu_connect(f, &c);
	assert_int_equal(c.p.id, 1);
	struct stat sc;
	fstat(c.p.memfd, &sc);
	assert_true(sc.st_ino != sa.st_ino);
	assert_int_equal(view_slot(c.map, 1)->pad0[0], 0);

	/* VM 2 still works */
	struct sgl_channel *gb, *hb;
	vm_session(f, &b, "vm2", &gb, &hb);
	assert_int_equal(hb->ops->write(hb, "ok!", 4), 0);
	assert_int_equal(read_exact(gb, buf, 4), 0);
	gb->ops->destroy(gb);
	hb->ops->destroy(hb);

	/* the server stops: the VMs see the end of the socket */
	f->l->ops->destroy(f->l);
	f->l = NULL;
	int64_t v;
	int fd;
	assert_int_equal(ivshmem_peer_recv(b.p.sock, &v, &fd, 1000), -EPIPE);
	qemu_close(&a);
	qemu_close(&b);
	qemu_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_counters),
		cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test_setup_teardown(test_header_lies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_polling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_killed_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_paused_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_stopped_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_vms, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
