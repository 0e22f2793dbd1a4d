/*
 * vm_doorbell: QEMU's ivshmem-doorbell device without QEMU, for
 * bench_vm.sh. It connects to sgl-host's ivshmem server as a VM
 * (tests/ivshmem_peer.c), prints "BAR2 PEER_ID" (BAR2: /proc/PID/fd/N
 * of the memory it got, for the fake sysfs device's resource2), then plays
 * BAR0: it watches the Doorbell register of the file RESOURCE0 (the fake
 * device's resource0, which the guest library maps) and, as QEMU does on
 * the guest's write, signals the host's eventfd of the vector written.
 * The host's interrupts (our own eventfds) are drained and counted: the
 * guest has no interrupt device here and polls for replies, as a guest
 * without the module does.
 *
 * QEMU traps the write; we poll the register: after a ring we spin for
 * 200 us, then sleep 2 us doubling up to 8 us ($VM_DOORBELL_NAP_US), so an idle VM costs
 * little and a busy one is served within microseconds.
 *
 * Usage: vm_doorbell SOCKET RESOURCE0   (runs until killed)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ivshmem_peer.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* BAR0 once the harness made the file (256 bytes), within 10 s. */
static volatile uint32_t *map_regs(const char *path)
{
	for (int i = 0; i < 1000 && !stop; i++) {
		struct stat st;
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= 256) {
			void *p = mmap(NULL, 256, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			close(fd);
			return p == MAP_FAILED ? NULL : p;
		}
		if (fd >= 0)
			close(fd);
		usleep(10000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct ivshmem_peer q;
	if (argc != 3) {
		fprintf(stderr, "usage: vm_doorbell SOCKET RESOURCE0\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int r = ivshmem_peer_connect(&q, argv[1], 0);
	if (r < 0) {
		fprintf(stderr, "vm_doorbell: %s: error %d\n", argv[1], -r);
		return 1;
	}
	printf("/proc/%d/fd/%d %lld\n", (int)getpid(), q.memfd, (long long)q.id);
	fflush(stdout);
	volatile uint32_t *regs = map_regs(argv[2]);
	if (!regs) {
		fprintf(stderr, "vm_doorbell: no BAR0 at %s\n", argv[2]);
		ivshmem_peer_close(&q);
		return 1;
	}
	prctl(PR_SET_TIMERSLACK, 1UL);
	for (unsigned v = 0; v < q.vectors; v++)
		fcntl(q.guest_efd[v], F_SETFL, O_NONBLOCK);
	unsigned long long rings = 0, irqs = 0;
	uint64_t busy_until = 0, one = 1, count;
	long nap = 2000;
	/* $VM_DOORBELL_NAP_US: the longest sleep between looks (default 8). */
	const char *e = getenv("VM_DOORBELL_NAP_US");
	long max_nap = (e && atol(e) > 0 ? atol(e) : 8) * 1000;
	while (!stop) {
		uint32_t bell = regs[3];
		if (bell != 0xffffffffu) {
			regs[3] = 0xffffffffu;
			unsigned v = bell & 0xffffu;
			/* Peer 0 (the host) is the only one we know. */
			if (bell >> 16 == 0 && v < q.vectors &&
			    write(q.host_efd[v], &one, sizeof(one)) == sizeof(one))
				rings++;
			busy_until = now_ns() + 200000;
			nap = 2000;
		}
		for (unsigned v = 0; v < q.vectors; v++)
			while (read(q.guest_efd[v], &count, sizeof(count)) == sizeof(count))
				irqs += count;
		if (now_ns() < busy_until)
			continue;
		struct timespec ts = { 0, nap };
		nanosleep(&ts, NULL);
		if (nap < max_nap)
			nap *= 2;
	}
	fprintf(stderr, "vm_doorbell: %llu doorbells, %llu interrupts\n", rings, irqs);
	ivshmem_peer_close(&q);
	return 0;
}
