/*
 * How the guest finds what an application wrote into its persistent maps
 * before a command that may read them: the mechanisms side by side on one
 * pattern of an engine's frame (NBUF buffers of SIZE bytes, each written
 * WRITE bytes then drawn from: one sync point per draw). Each mechanism
 * copies what it finds into a staging buffer, as the encoder copies into
 * its batch; the figure is the time per frame, writes included.
 *
 *   full       every persistent map whole at every sync point (before)
 *   compare    each map compared with a copy of what was sent, runs copied
 *   softdirty  the kernel's soft-dirty bits (/proc/self/pagemap), cleared
 *              through /proc/self/clear_refs (for the whole process)
 *   uffd-wp    userfaultfd write-protect: a thread resolves each first write
 *   watch      mprotect + SIGSEGV, guest/watch.c (what the library uses)
 *
 * Usage: bench_watch [NBUF [SIZE [WRITE [FRAMES]]]]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "watch.h"

static int nbuf = 300, frames = 50;
static size_t size = 16384, wsize = 192, page = 4096;
static uint8_t *staging;
static uint64_t copied;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void send(const uint8_t *p, size_t n)
{
	memcpy(staging, p, n);
	copied += n;
}

/* The application's frame: write buffer i at a place that moves with the
 * frame, then a draw (sync point) reading it. */
static int runs;
static void frame(uint8_t **bufs, int f, void (*sync)(void))
{
	for (int i = 0; i < nbuf; i++) {
		size_t at = ((size_t)f * 4096 + (size_t)i * 64) % (size - wsize);
		memset(bufs[i] + at, f + i + 31 * runs, wsize);
		sync();
	}
}

static uint8_t **bufs;

/* full */
static void sync_full(void)
{
	for (int i = 0; i < nbuf; i++)
		send(bufs[i], size);
}

/* compare */
static uint8_t **seen;
static void sync_compare(void)
{
	for (int i = 0; i < nbuf; i++)
		for (size_t o = 0; o < size; o += 256)
			if (memcmp(bufs[i] + o, seen[i] + o, 256)) {
				memcpy(seen[i] + o, bufs[i] + o, 256);
				send(bufs[i] + o, 256);
			}
}

/* softdirty */
static int pagemap = -1, clear_refs = -1;
static void sync_softdirty(void)
{
	bool any = false;
	for (int i = 0; i < nbuf; i++) {
		size_t np = size / page;
		uint64_t ent[64];
		off_t off = (off_t)((uintptr_t)bufs[i] / page * 8);
		if (pread(pagemap, ent, np * 8, off) != (ssize_t)(np * 8))
			return;
		for (size_t k = 0; k < np; k++)
			if (ent[k] & (1ull << 55)) {
				send(bufs[i] + k * page, page);
				any = true;
			}
	}
	if (any && pwrite(clear_refs, "4", 1, 0) != 1)
		return;
}

/* uffd-wp */
static int uffd = -1;
static uint8_t **dirty_uffd;   /* per buffer, per page */
static void *uffd_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct uffd_msg m;
		if (read(uffd, &m, sizeof(m)) != sizeof(m))
			return NULL;
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		uintptr_t a = (uintptr_t)m.arg.pagefault.address & ~(uintptr_t)(page - 1);
		for (int i = 0; i < nbuf; i++)
			if (a >= (uintptr_t)bufs[i] && a < (uintptr_t)bufs[i] + size)
				dirty_uffd[i][(a - (uintptr_t)bufs[i]) / page] = 1;
		struct uffdio_writeprotect wp = { { a, page }, 0 };
		ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
	}
}

static void protect_uffd(uint8_t *p, size_t n)
{
	struct uffdio_writeprotect wp = { { (uintptr_t)p, n }, UFFDIO_WRITEPROTECT_MODE_WP };
	ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
}

static void sync_uffd(void)
{
	for (int i = 0; i < nbuf; i++)
		for (size_t k = 0; k < size / page; k++)
			if (dirty_uffd[i][k]) {
				dirty_uffd[i][k] = 0;
				protect_uffd(bufs[i] + k * page, page);
				send(bufs[i] + k * page, page);
			}
}

static bool setup_uffd(void)
{
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		return false;
	struct uffdio_api api = { UFFD_API, UFFD_FEATURE_PAGEFAULT_FLAG_WP, 0 };
	if (ioctl(uffd, UFFDIO_API, &api))
		return false;
	dirty_uffd = calloc((size_t)nbuf, sizeof(*dirty_uffd));
	for (int i = 0; i < nbuf; i++) {
		memset(bufs[i], 0, size);   /* populate: wp needs present pages */
		struct uffdio_register r = { { (uintptr_t)bufs[i], size },
					     UFFDIO_REGISTER_MODE_WP, 0 };
		if (ioctl(uffd, UFFDIO_REGISTER, &r))
			return false;
		protect_uffd(bufs[i], size);
		dirty_uffd[i] = calloc(size / page, 1);
	}
	pthread_t t;
	return pthread_create(&t, NULL, uffd_thread, NULL) == 0;
}

/* watch */
static struct sgl_watch **watches;
static _Atomic uint32_t pending;
static int widx;
static void run_send(void *u, size_t off, size_t len)
{
	(void)u;
	send(watches[widx]->alias + off, len);
}

static void sync_watch(void)
{
	if (!atomic_exchange(&pending, 0))
		return;
	for (widx = 0; widx < nbuf; widx++)
		sgl_watch_collect(watches[widx], run_send, NULL);
}

static uint8_t **plain_buffers(void)
{
	uint8_t **b = calloc((size_t)nbuf, sizeof(*b));
	for (int i = 0; i < nbuf; i++) {
		b[i] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(b[i], 0, size);
	}
	return b;
}

static void report(const char *name, double t0)
{
	double dt = now() - t0;
	printf("%-10s %8.3f ms/frame  %10.1f KiB sent/frame\n", name, dt * 1e3 / frames,
	       (double)copied / 1024.0 / frames);
	copied = 0;
}

static void run(const char *name, void (*sync)(void))
{
	runs++;   /* every run writes values of its own */
	frame(bufs, 0, sync);   /* warm: pages present, first faults */
	copied = 0;
	double t0 = now();
	for (int f = 1; f <= frames; f++)
		frame(bufs, f, sync);
	report(name, t0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nbuf = atoi(argv[1]);
	if (argc > 2)
		size = (size_t)atol(argv[2]);
	if (argc > 3)
		wsize = (size_t)atol(argv[3]);
	if (argc > 4)
		frames = atoi(argv[4]);
	page = (size_t)sysconf(_SC_PAGESIZE);
	size = (size + page - 1) / page * page;
	if (nbuf < 1 || frames < 1 || wsize >= size || size / page > 64) {
		fprintf(stderr, "usage: bench_watch [NBUF [SIZE<=256KiB [WRITE<SIZE [FRAMES]]]]\n");
		return 2;
	}
	staging = malloc(size);
	printf("%d persistent maps of %zu bytes, %zu bytes written into each then one draw, "
	       "per frame; %d frames\n", nbuf, size, wsize, frames);

	bufs = plain_buffers();
	run("full", sync_full);

	seen = plain_buffers();
	run("compare", sync_compare);

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	clear_refs = open("/proc/self/clear_refs", O_WRONLY);
	uint64_t ent = 0;
	if (pagemap >= 0 && clear_refs >= 0 && pwrite(clear_refs, "4", 1, 0) == 1) {
		bufs[0][0]++;
		if (pread(pagemap, &ent, 8, (off_t)((uintptr_t)bufs[0] / page * 8)) != 8)
			ent = 0;
	}
	if (ent & (1ull << 55))
		run("softdirty", sync_softdirty);
	else
		printf("softdirty  unavailable (no soft-dirty bit after a write: %s)\n",
		       pagemap < 0 || clear_refs < 0 ? strerror(errno) : "kernel without it");

	bufs = plain_buffers();
	if (setup_uffd())
		run("uffd-wp", sync_uffd);
	else
		printf("uffd-wp    unavailable (%s)\n", strerror(errno));

	watches = calloc((size_t)nbuf, sizeof(*watches));
	for (int i = 0; i < nbuf; i++) {
		watches[i] = sgl_watch_create(size, &pending);
		if (!watches[i]) {
			printf("watch      unavailable\n");
			return 0;
		}
		bufs[i] = watches[i]->app;
	}
	run("watch", sync_watch);
	return 0;
}
