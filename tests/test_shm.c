/*
 * The shared-memory transport: host listener (src/transport/shm.c) and
 * guest connector (guest/shm.c) over a file in a temporary directory.
 *
 * - echo both ways with a guest thread, and with a forked guest process;
 * - 16 MiB each way through 64 KiB rings (backpressure), random write and
 *   read sizes: message boundaries do not matter, bytes and order do;
 * - slot reuse after either side leaves first, two clients in two slots,
 *   all slots taken, a guest that leaves before it is accepted;
 * - hostile counters written into the mapping by the test: reads and
 *   writes fail with -EPROTO instead of touching memory out of bounds;
 * - a killed guest process is noticed, a stopped host too;
 * - a sleeping reader or writer is woken by its peer (not its timeout);
 * - shutdown wakes a blocked read, write and accept;
 * - the file: a live host's file is refused, a stale one needs
 *   remove_stale, a foreign one is never removed;
 * - round-trip latency between two threads, on two cores, on one core and
 *   wherever the scheduler puts them (printed, not asserted).
 *
 * The guest's channel (guest/channel.h) has the same shape as the host's
 * (transport/channel.h); this file uses the host's declaration for both.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sgl_shm.h"
#include "shm.h"
#include "transport/listener.h"

#define RING (64u << 10)
#define BULK (16u << 20)

struct fixture {
	char dir[64];
	char path[96];
	struct sgl_listener *l;
	char err[256];
};

/* ---------------------------------------------------------------------- */
/* Helpers */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Byte k of a test stream. */
static uint8_t pattern(uint64_t k, uint64_t seed)
{
	return (uint8_t)(((k + seed) * 0x9e3779b97f4a7c15ull) >> 56);
}

/* transport/channel.c's sgl_channel_read_all is not ours to link. */
static int read_exact(struct sgl_channel *ch, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = ch->ops->read(ch, p, n);
		if (r <= 0)
			return r == 0 ? -EPIPE : (int)r;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_str(struct sgl_channel *ch, const char *s)
{
	return ch->ops->write(ch, s, strlen(s));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/sgl-shm-test-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/sgl", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->l)
		f->l->ops->destroy(f->l);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct sgl_listener *listen_on(struct fixture *f, uint32_t slots)
{
	struct sgl_shm_config cfg = { .path = f->path, .slots = slots, .ring_size = RING };
	f->l = sgl_shm_listen(&cfg, f->err, sizeof(f->err));
	if (!f->l)
		fail_msg("listen: %s", f->err);
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

static struct sgl_channel *connect_ok(struct fixture *f)
{
	struct sgl_channel *ch = sgl_shm_connect(f->path, f->err, sizeof(f->err));
	if (!ch)
		fail_msg("connect: %s", f->err);
	return ch;
}

/* The test's own view of the file, to look at and to corrupt. */
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

static struct sgl_shm_slot *view_slot(struct view *v, uint32_t i)
{
	return (struct sgl_shm_slot *)(v->map + sgl_shm_slot_offset(RING, i));
}

/* ---------------------------------------------------------------------- */
/* Guest roles, run by a thread or a forked child. 0 on success. */

struct guest {
	const char *path;
	int (*role)(struct sgl_channel *ch, struct guest *g);
	size_t bytes;
	uint64_t seed;
	const cpu_set_t *cpus;   /* where to run; NULL: anywhere */
	int result;
	char err[256];
};

/* Says hello and checks the host echoes it, then echoes until the end. */
static int role_echo(struct sgl_channel *ch, struct guest *g)
{
	static const char hello[] = "hello from the guest";
	char buf[RING];
	(void)g;

	if (write_str(ch, hello) || read_exact(ch, buf, strlen(hello)) ||
	    memcmp(buf, hello, strlen(hello)))
		return 1;
	for (;;) {
		ssize_t r = ch->ops->read(ch, buf, sizeof(buf));
		if (r == 0)
			return 0;
		if (r < 0 || ch->ops->write(ch, buf, (size_t)r))
			return 2;
	}
}

static int role_send(struct sgl_channel *ch, struct guest *g)
{
	static uint8_t buf[256 << 10];
	uint64_t rng = g->seed, k = 0;

	while (k < g->bytes) {
		size_t n = 1 + xorshift(&rng) % sizeof(buf);
		if (n > g->bytes - k)
			n = g->bytes - k;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(k + i, g->seed);
		if (ch->ops->write(ch, buf, n))
			return 1;
		k += n;
	}
	/* Wait for the host's word that it has it all. */
	char ok;
	return read_exact(ch, &ok, 1) ? 2 : 0;
}

static int role_receive(struct sgl_channel *ch, struct guest *g)
{
	static uint8_t buf[100 << 10];
	uint64_t rng = g->seed ^ 0x5555, k = 0;

	while (k < g->bytes) {
		size_t want = 1 + xorshift(&rng) % sizeof(buf);
		ssize_t r = ch->ops->read(ch, buf, want);
		if (r <= 0)
			return 1;
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] != pattern(k + (uint64_t)i, g->seed))
				return 2;
		}
		k += (uint64_t)r;
	}
	return write_str(ch, "k") ? 3 : 0;
}

/* Writes "ready", then waits to be killed. */
static int role_hang(struct sgl_channel *ch, struct guest *g)
{
	(void)g;
	if (write_str(ch, "ready"))
		return 1;
	for (;;)
		pause();
}

static void guest_run(struct guest *g)
{
	if (g->cpus)
		pthread_setaffinity_np(pthread_self(), sizeof(*g->cpus), g->cpus);
	struct sgl_channel *ch = sgl_shm_connect(g->path, g->err, sizeof(g->err));
	if (!ch) {
		g->result = -1;
		return;
	}
	g->result = g->role(ch, g);
	ch->ops->destroy(ch);
}

static void *guest_thread(void *arg)
{
	guest_run(arg);
	return NULL;
}

static pthread_t guest_start(struct guest *g)
{
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, guest_thread, g), 0);
	return t;
}

static int guest_join(pthread_t t, struct guest *g)
{
	pthread_join(t, NULL);
	if (g->result == -1)
		print_error("guest: %s\n", g->err);
	return g->result;
}

static pid_t guest_fork(struct guest *g)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		guest_run(g);
		_exit(g->result == 0 ? 0 : 10 + g->result);
	}
	return pid;
}

static int child_status(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The host's half of role_echo: echo the hello, then send and check. */
static void host_echo(struct sgl_channel *ch)
{
	static const size_t sizes[] = { 1, 8, 13, 4096, 4097, RING - 1, RING };
	static uint8_t out[RING], in[RING];
	char hello[20];

	assert_int_equal(read_exact(ch, hello, sizeof(hello)), 0);
	assert_memory_equal(hello, "hello from the guest", sizeof(hello));
	assert_int_equal(ch->ops->write(ch, hello, sizeof(hello)), 0);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t i = 0; i < sizes[s]; i++)
			out[i] = pattern(i, s);
		assert_int_equal(ch->ops->write(ch, out, sizes[s]), 0);
		assert_int_equal(read_exact(ch, in, sizes[s]), 0);
		assert_memory_equal(in, out, sizes[s]);
	}
}

/* ---------------------------------------------------------------------- */
/* Tests */

static void test_echo_thread(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 4);
	struct guest g = { .path = f->path, .role = role_echo };
	pthread_t t = guest_start(&g);

	struct sgl_channel *ch = accept_one(l);
	assert_true(strncmp(ch->peer, "shm slot 0", 10) == 0);
	host_echo(ch);
	ch->ops->destroy(ch);    /* the guest's read ends: it leaves */
	assert_int_equal(guest_join(t, &g), 0);
}

static void test_echo_process(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 4);
	struct guest g = { .path = f->path, .role = role_echo };
	pid_t pid = guest_fork(&g);

	struct sgl_channel *ch = accept_one(l);
	char want[32];
	snprintf(want, sizeof(want), "shm slot 0 (pid %d)", (int)pid);
	assert_string_equal(ch->peer, want);
	host_echo(ch);
	ch->ops->destroy(ch);
	assert_int_equal(child_status(pid), 0);
}

/* 16 MiB guest -> host, then host -> guest, through 64 KiB rings. */
static void test_bulk(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	static uint8_t buf[200 << 10];

	struct guest g = { .path = f->path, .role = role_send, .bytes = BULK, .seed = 7 };
	pthread_t t = guest_start(&g);
	struct sgl_channel *ch = accept_one(l);
	uint64_t rng = 99, k = 0;
	while (k < BULK) {
		ssize_t r = ch->ops->read(ch, buf, 1 + xorshift(&rng) % sizeof(buf));
		assert_true(r > 0);
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] != pattern(k + (uint64_t)i, 7))
				fail_msg("byte %llu differs", (unsigned long long)(k + (uint64_t)i));
		}
		k += (uint64_t)r;
	}
	assert_int_equal(write_str(ch, "k"), 0);
	assert_int_equal(guest_join(t, &g), 0);
	ch->ops->destroy(ch);

	g = (struct guest){ .path = f->path, .role = role_receive, .bytes = BULK, .seed = 11 };
	t = guest_start(&g);
	ch = accept_one(l);
	for (k = 0; k < BULK;) {
		size_t n = 1 + xorshift(&rng) % sizeof(buf);
		if (n > BULK - k)
			n = BULK - k;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(k + i, 11);
		assert_int_equal(ch->ops->write(ch, buf, n), 0);
		k += n;
	}
	char ok;
	assert_int_equal(read_exact(ch, &ok, 1), 0);
	assert_int_equal(guest_join(t, &g), 0);
	ch->ops->destroy(ch);
}

/* Three writes come out of one read; one write comes out of many reads. */
static void test_boundaries(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *gc = connect_ok(f);
	struct sgl_channel *hc = accept_one(l);
	char buf[64];

	assert_int_equal(write_str(gc, "abc"), 0);
	assert_int_equal(write_str(gc, "defgh"), 0);
	assert_int_equal(write_str(gc, "ij"), 0);
	assert_int_equal(hc->ops->read(hc, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "abcdefghij", 10);

	assert_int_equal(write_str(hc, "0123456789"), 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(gc->ops->read(gc, buf, 1), 1);
		assert_int_equal(buf[0], '0' + i);
	}
	gc->ops->destroy(gc);
	hc->ops->destroy(hc);
}

/* One slot, used again and again: the guest leaving first, then the host. */
static void test_slot_reuse(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct view v = view_open(f->path);
	char buf[8];

	for (int round = 0; round < 3; round++) {
		struct sgl_channel *gc = connect_ok(f);
		struct sgl_channel *hc = accept_one(l);
		assert_int_equal(write_str(gc, "x"), 0);
		assert_int_equal(read_exact(hc, buf, 1), 0);
		gc->ops->destroy(gc);
		assert_int_equal(hc->ops->read(hc, buf, sizeof(buf)), 0);
		hc->ops->destroy(hc);
		uint64_t w = atomic_load(&view_slot(&v, 0)->claim);
		assert_int_equal(SGL_SHM_CLAIM_STATE(w), SGL_SHM_FREE);
		assert_int_equal(SGL_SHM_CLAIM_GEN(w), 2 * round + 1);

		gc = connect_ok(f);
		hc = accept_one(l);
		assert_int_equal(write_str(hc, "y"), 0);
		hc->ops->destroy(hc);
		/* Sent before the host left: still delivered, then the end. */
		assert_int_equal(gc->ops->read(gc, buf, sizeof(buf)), 1);
		assert_int_equal(buf[0], 'y');
		assert_int_equal(gc->ops->read(gc, buf, sizeof(buf)), 0);
		assert_int_equal(gc->ops->write(gc, "z", 1), -EPIPE);
		gc->ops->destroy(gc);
		w = atomic_load(&view_slot(&v, 0)->claim);
		assert_int_equal(SGL_SHM_CLAIM_STATE(w), SGL_SHM_FREE);
	}
	munmap(v.map, v.size);
}

static void test_two_clients(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 2);
	struct sgl_channel *g0 = connect_ok(f), *g1 = connect_ok(f);
	struct sgl_channel *h0 = accept_one(l), *h1 = accept_one(l);
	char buf[8];

	assert_string_equal(g0->peer, "shm slot 0");
	assert_string_equal(g1->peer, "shm slot 1");
	assert_true(strncmp(h0->peer, "shm slot 0 ", 11) == 0);
	assert_true(strncmp(h1->peer, "shm slot 1 ", 11) == 0);
	assert_int_equal(write_str(g1, "one"), 0);
	assert_int_equal(write_str(g0, "zero"), 0);
	assert_int_equal(read_exact(h0, buf, 4), 0);
	assert_memory_equal(buf, "zero", 4);
	assert_int_equal(read_exact(h1, buf, 3), 0);
	assert_memory_equal(buf, "one", 3);
	assert_int_equal(write_str(h0, "to0"), 0);
	assert_int_equal(write_str(h1, "to1"), 0);
	assert_int_equal(read_exact(g1, buf, 3), 0);
	assert_memory_equal(buf, "to1", 3);
	assert_int_equal(read_exact(g0, buf, 3), 0);
	assert_memory_equal(buf, "to0", 3);
	g0->ops->destroy(g0);
	g1->ops->destroy(g1);
	h0->ops->destroy(h0);
	h1->ops->destroy(h1);
}

/* Full: a clear message. A guest that leaves before it is accepted is
 * still accepted (what it sent, then the end), and its slot freed. */
static void test_all_taken(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 2);
	struct sgl_channel *g0 = connect_ok(f), *g1 = connect_ok(f);
	char msg[256] = "", buf[8];

	/* It waits for a slot (SGL_SHM_CONNECT_WAIT_MS), then says why. */
	setenv("SGL_SHM_CONNECT_WAIT_MS", "150", 1);
	uint64_t t0 = now_ns();
	assert_null(sgl_shm_connect(f->path, msg, sizeof(msg)));
	assert_true(now_ns() - t0 >= 150 * 1000000ull);
	unsetenv("SGL_SHM_CONNECT_WAIT_MS");
	assert_non_null(strstr(msg, "all 2 slots are taken"));
	assert_non_null(strstr(msg, f->path));

	assert_int_equal(write_str(g0, "bye"), 0);
	g0->ops->destroy(g0);
	struct sgl_channel *h0 = accept_one(l);
	assert_int_equal(read_exact(h0, buf, 3), 0);
	assert_memory_equal(buf, "bye", 3);
	assert_int_equal(h0->ops->read(h0, buf, sizeof(buf)), 0);
	h0->ops->destroy(h0);

	struct sgl_channel *g2 = connect_ok(f);
	assert_string_equal(g2->peer, "shm slot 0");
	g2->ops->destroy(g2);
	g1->ops->destroy(g1);
}

/* A guest that finds every slot taken waits, and gets the first slot a
 * leaving session frees, as a socket's backlog would. */
static void test_wait_for_slot(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *g0 = connect_ok(f);
	struct sgl_channel *h0 = accept_one(l);
	struct guest g = { .path = f->path, .role = role_echo };
	pthread_t t = guest_start(&g);
	char buf[8];

	usleep(100 * 1000);     /* the second guest is waiting by now */
	g0->ops->destroy(g0);
	assert_int_equal(h0->ops->read(h0, buf, sizeof(buf)), 0);
	h0->ops->destroy(h0);
	struct sgl_channel *h1 = accept_one(l);
	host_echo(h1);
	h1->ops->destroy(h1);
	assert_int_equal(guest_join(t, &g), 0);
}

/* A guest process that exits without destroying its channel (exit() in
 * the middle of a program): the library leaves its slot on the way out,
 * so the host's read ends at once, not when it next checks the pid. */
static int role_exit(struct sgl_channel *ch, struct guest *g)
{
	(void)g;
	if (write_str(ch, "ready"))
		return 1;
	exit(0);
}

static void test_exit_leaves(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct view v = view_open(f->path);
	struct guest g = { .path = f->path, .role = role_exit };
	pid_t pid = guest_fork(&g);
	struct sgl_channel *ch = accept_one(l);
	char buf[8];

	assert_int_equal(read_exact(ch, buf, 5), 0);
	assert_int_equal(child_status(pid), 0);
	/* Left by the guest itself: CLOSED, before the host did anything. */
	uint64_t w = atomic_load(&view_slot(&v, 0)->claim);
	assert_int_equal(SGL_SHM_CLAIM_STATE(w), SGL_SHM_CLOSED);
	assert_int_equal(ch->ops->read(ch, buf, sizeof(buf)), 0);
	ch->ops->destroy(ch);
	w = atomic_load(&view_slot(&v, 0)->claim);
	assert_int_equal(SGL_SHM_CLAIM_STATE(w), SGL_SHM_FREE);
	munmap(v.map, v.size);
}

/* Counters written by a hostile peer: -EPROTO, for good, nothing read. */
static void test_hostile_counters(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *gc = connect_ok(f);
	struct sgl_channel *hc = accept_one(l);
	struct view v = view_open(f->path);
	struct sgl_shm_slot *s = view_slot(&v, 0);
	char buf[64];

	assert_int_equal(write_str(gc, "fine"), 0);
	assert_int_equal(read_exact(hc, buf, 4), 0);
	uint64_t tail = atomic_load(&s->cmd.tail);
	assert_int_equal(tail, 4);
	atomic_store(&s->cmd.head, tail + RING + 1);
	assert_int_equal(hc->ops->read(hc, buf, sizeof(buf)), -EPROTO);
	atomic_store(&s->cmd.head, tail + 1);   /* even once it looks sane */
	assert_int_equal(hc->ops->read(hc, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(write_str(hc, "x"), -EPROTO);
	hc->ops->destroy(hc);
	gc->ops->destroy(gc);

	/* A head behind the tail; a tail ahead of the head. */
	gc = connect_ok(f);
	hc = accept_one(l);
	atomic_store(&s->reply.tail, 5);
	assert_int_equal(write_str(hc, "x"), -EPROTO);
	atomic_store(&s->reply.head, UINT64_MAX);
	assert_int_equal(gc->ops->read(gc, buf, sizeof(buf)), -EPROTO);
	atomic_store(&s->cmd.tail, 1);
	assert_int_equal(write_str(gc, "y"), -EPROTO);
	hc->ops->destroy(hc);
	gc->ops->destroy(gc);
	munmap(v.map, v.size);
}

/* A guest process killed in the middle: its host read ends, its slot is
 * freed with the session. */
static void test_killed_guest(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct guest g = { .path = f->path, .role = role_hang };
	pid_t pid = guest_fork(&g);
	struct sgl_channel *ch = accept_one(l);
	char buf[8];

	assert_int_equal(read_exact(ch, buf, 5), 0);
	assert_memory_equal(buf, "ready", 5);
	kill(pid, SIGKILL);
	assert_int_equal(child_status(pid), 128 + SIGKILL);
	uint64_t t0 = now_ns();
	assert_int_equal(ch->ops->read(ch, buf, sizeof(buf)), 0);
	uint64_t ms = (now_ns() - t0) / 1000000;
	assert_true(ms < 1000);
	assert_int_equal(ch->ops->write(ch, "x", 1), -EPIPE);
	ch->ops->destroy(ch);

	struct sgl_channel *gc = connect_ok(f);
	gc->ops->destroy(gc);
}

/* The host's session ends first and the guest dies before it leaves: the
 * accept loop's sweep frees the slot. */
static void *accept_thread(void *arg)
{
	struct sgl_listener *l = arg;
	int err = 0;
	struct sgl_channel *ch = l->ops->accept(l, &err);
	if (ch)
		ch->ops->destroy(ch);
	return (void *)(intptr_t)err;
}

static void test_sweep(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct guest g = { .path = f->path, .role = role_hang };
	pid_t pid = guest_fork(&g);
	struct sgl_channel *ch = accept_one(l);
	char buf[8];

	assert_int_equal(read_exact(ch, buf, 5), 0);
	ch->ops->destroy(ch);    /* CLOSED: the guest's turn to free it */
	kill(pid, SIGKILL);
	assert_int_equal(child_status(pid), 128 + SIGKILL);

	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, accept_thread, l), 0);
	struct sgl_channel *gc = NULL;
	for (int i = 0; i < 300 && !gc; i++) {
		gc = sgl_shm_connect(f->path, f->err, sizeof(f->err));
		if (!gc)
			usleep(10000);
	}
	assert_non_null(gc);
	gc->ops->destroy(gc);    /* the accept thread gets it, or the end */
	l->ops->shutdown(l);
	void *ret;
	pthread_join(t, &ret);
}

static void *read_thread(void *arg)
{
	struct sgl_channel *ch = arg;
	char buf[8];
	return (void *)(intptr_t)ch->ops->read(ch, buf, sizeof(buf));
}

static void *write_thread(void *arg)
{
	static uint8_t big[RING * 2];
	struct sgl_channel *ch = arg;
	return (void *)(intptr_t)ch->ops->write(ch, big, sizeof(big));
}

static void sleep_until(uint64_t t)
{
	uint64_t now = now_ns();
	if (now < t)
		usleep((useconds_t)((t - now) / 1000));
}

/*
 * Runs fn(arg) on a thread until it sleeps, then act(act_arg), and checks
 * the thread returned `want` because it was woken, not because its wait
 * timed out: waits time out after 100 ms, 200 ms... of waiting, so acting
 * at 130 ms and seeing the return within 40 ms tells them apart.
 */
static void woken_by(void *(*fn)(void *), void *arg, void (*act)(void *), void *act_arg,
		     intptr_t want)
{
	pthread_t t;
	void *ret;
	uint64_t t0 = now_ns();
	assert_int_equal(pthread_create(&t, NULL, fn, arg), 0);
	sleep_until(t0 + 130000000ull);
	uint64_t t1 = now_ns();
	act(act_arg);
	pthread_join(t, &ret);
	assert_true(now_ns() - t1 < 40000000ull);
	assert_int_equal((intptr_t)ret, want);
}

static void act_shutdown(void *ch)
{
	((struct sgl_channel *)ch)->ops->shutdown(ch);
}

static void act_destroy(void *ch)
{
	((struct sgl_channel *)ch)->ops->destroy(ch);
}

static void act_write(void *ch)
{
	assert_int_equal(write_str(ch, "x"), 0);
}

static void act_drain(void *ch)
{
	static uint8_t buf[RING * 2];
	assert_int_equal(read_exact(ch, buf, sizeof(buf)), 0);
}

static void act_connect(void *fixture)
{
	struct sgl_channel *gc = connect_ok(fixture);
	gc->ops->destroy(gc);
}

static void act_listener_shutdown(void *l)
{
	((struct sgl_listener *)l)->ops->shutdown(l);
}

static void act_listener_destroy(void *fixture)
{
	struct fixture *f = fixture;
	f->l->ops->destroy(f->l);
	f->l = NULL;
}

static void test_shutdown(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *gc = connect_ok(f);
	struct sgl_channel *hc = accept_one(l);

	woken_by(read_thread, hc, act_shutdown, hc, -EPIPE);
	assert_int_equal(hc->ops->write(hc, "x", 1), -EPIPE);
	woken_by(write_thread, gc, act_shutdown, gc, -EPIPE);
	hc->ops->destroy(hc);
	gc->ops->destroy(gc);

	gc = connect_ok(f);
	hc = accept_one(l);
	woken_by(read_thread, gc, act_shutdown, gc, -EPIPE);
	woken_by(write_thread, hc, act_shutdown, hc, -EPIPE);
	hc->ops->destroy(hc);
	gc->ops->destroy(gc);

	woken_by(accept_thread, l, act_listener_shutdown, l, -ECANCELED);
}

/* A side asleep on its futex is woken by its peer, not by its timeout:
 * data wakes a reader, freed space a writer, leaving the other side,
 * connecting the accept. */
static void test_wakeups(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *gc = connect_ok(f);
	struct sgl_channel *hc = accept_one(l);

	woken_by(read_thread, hc, act_write, gc, 1);
	woken_by(read_thread, gc, act_write, hc, 1);
	woken_by(write_thread, gc, act_drain, hc, 0);
	woken_by(write_thread, hc, act_drain, gc, 0);
	woken_by(read_thread, hc, act_destroy, gc, 0);
	hc->ops->destroy(hc);

	gc = connect_ok(f);
	hc = accept_one(l);
	woken_by(read_thread, gc, act_destroy, hc, 0);
	gc->ops->destroy(gc);

	woken_by(accept_thread, l, act_connect, f, 0);
}

/* A stopped host: the guest's read ends, a new connect is refused. */
static void test_host_gone(void **state)
{
	struct fixture *f = *state;
	struct sgl_listener *l = listen_on(f, 1);
	struct sgl_channel *gc = connect_ok(f);
	struct sgl_channel *hc = accept_one(l);
	struct view v = view_open(f->path);
	char buf[8];

	hc->ops->destroy(hc);
	/* The guest has not left: the slot waits for it. */
	assert_int_equal(SGL_SHM_CLAIM_STATE(atomic_load(&view_slot(&v, 0)->claim)),
			 SGL_SHM_CLOSED);
	l->ops->destroy(l);
	f->l = NULL;
	assert_int_equal(gc->ops->read(gc, buf, sizeof(buf)), 0);
	gc->ops->destroy(gc);
	munmap(v.map, v.size);
	assert_null(sgl_shm_connect(f->path, f->err, sizeof(f->err)));
	assert_non_null(strstr(f->err, "cannot open"));

	/* A guest blocked in read when the listener goes (the host's
	 * channel keeps the mapping alive). */
	l = listen_on(f, 1);
	gc = connect_ok(f);
	hc = accept_one(l);
	woken_by(read_thread, gc, act_listener_destroy, f, 0);
	hc->ops->destroy(hc);
	gc->ops->destroy(gc);
}

/* The file: a running host's is refused; a stale one is replaced only
 * with remove_stale; a foreign file is never removed. */
static void test_listen_file(void **state)
{
	struct fixture *f = *state;
	struct sgl_shm_config cfg = { .path = f->path, .slots = 1, .ring_size = RING,
				      .remove_stale = true };
	char msg[256] = "";

	listen_on(f, 1);
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "in use by a running host"));
	f->l->ops->destroy(f->l);
	f->l = NULL;

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		cfg.remove_stale = false;
		_exit(sgl_shm_listen(&cfg, msg, sizeof(msg)) ? 0 : 1);   /* no destroy */
	}
	assert_int_equal(child_status(pid), 0);
	cfg.remove_stale = false;
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "remove_stale"));
	cfg.remove_stale = true;
	f->l = sgl_shm_listen(&cfg, msg, sizeof(msg));
	assert_non_null(f->l);
	f->l->ops->destroy(f->l);
	f->l = NULL;

	FILE *foreign = fopen(f->path, "w");
	assert_non_null(foreign);
	fputs("somebody's notes\n", foreign);
	fclose(foreign);
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "not an sgl shared-memory file"));
	assert_null(sgl_shm_connect(f->path, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "too short"));
	assert_int_equal(access(f->path, F_OK), 0);

	cfg.ring_size = 3000;
	assert_null(sgl_shm_listen(&cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "power of two"));
}

/* Round trips of 8 bytes between two threads. */
static int role_pong(struct sgl_channel *ch, struct guest *g)
{
	uint64_t x;
	for (size_t i = 0; i < g->bytes; i++) {
		if (read_exact(ch, &x, sizeof(x)) || ch->ops->write(ch, &x, sizeof(x)))
			return 1;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* p50/p90/p99 of N round trips, the guest thread on `guest_cpus` and
 * this one on `host_cpus` (NULL: where the scheduler likes). */
static void round_trips(struct fixture *f, const char *how, const cpu_set_t *host_cpus,
			const cpu_set_t *guest_cpus)
{
	enum { WARM = 1000, N = 10000 };
	struct guest g = { .path = f->path, .role = role_pong, .bytes = WARM + N,
			   .cpus = guest_cpus };
	static uint64_t ns[N];
	cpu_set_t was;

	pthread_getaffinity_np(pthread_self(), sizeof(was), &was);
	if (host_cpus)
		pthread_setaffinity_np(pthread_self(), sizeof(*host_cpus), host_cpus);
	pthread_t t = guest_start(&g);
	struct sgl_channel *ch = accept_one(f->l);
	for (uint64_t i = 0; i < WARM + N; i++) {
		uint64_t t0 = now_ns(), back;
		assert_int_equal(ch->ops->write(ch, &i, sizeof(i)), 0);
		assert_int_equal(read_exact(ch, &back, sizeof(back)), 0);
		assert_int_equal(back, i);
		if (i >= WARM)
			ns[i - WARM] = now_ns() - t0;
	}
	assert_int_equal(guest_join(t, &g), 0);
	ch->ops->destroy(ch);
	pthread_setaffinity_np(pthread_self(), sizeof(was), &was);
	qsort(ns, N, sizeof(ns[0]), cmp_u64);
	printf("# shm round trip, %s, %d ping-pongs: p50 %.2f us, p90 %.2f us, p99 %.2f us\n",
	       how, N, (double)ns[N / 2] / 1e3, (double)ns[N * 9 / 10] / 1e3,
	       (double)ns[N * 99 / 100] / 1e3);
}

/* The transport's own cost shows with the two threads on two cores; left
 * to the scheduler they may share one, and then each waits out the
 * other's spin (SGL_SHM_SPIN_NS) and a futex wake-up. Printed, not
 * asserted: timings here depend on the machine. */
static void test_latency(void **state)
{
	struct fixture *f = *state;
	cpu_set_t all, a, b;
	int first = -1, second = -1;

	listen_on(f, 1);
	round_trips(f, "threads anywhere", NULL, NULL);
	pthread_getaffinity_np(pthread_self(), sizeof(all), &all);
	for (int cpu = 0; cpu < CPU_SETSIZE && second < 0; cpu++) {
		if (CPU_ISSET(cpu, &all))
			*(first < 0 ? &first : &second) = cpu;
	}
	if (second < 0)
		return;
	CPU_ZERO(&a);
	CPU_ZERO(&b);
	CPU_SET(first, &a);
	CPU_SET(second, &b);
	round_trips(f, "threads on two cores", &a, &b);
	round_trips(f, "threads on one core", &a, &a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_for_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wakeups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listen_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
