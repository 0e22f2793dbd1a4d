/*
 * A peer of the ivshmem server protocol (QEMU's ivshmem-doorbell side,
 * docs/ivshmem.md), libc only: tests/test_ivshmem.c plays QEMU with it,
 * bench/vm_doorbell.c drives the guest library through it.
 */
#ifndef IVSHMEM_PEER_H
#define IVSHMEM_PEER_H

#include <stddef.h>
#include <stdint.h>

#define IVSHMEM_PEER_MAX_VECTORS 8

struct ivshmem_peer {
	int sock;
	int64_t id;
	int memfd;
	size_t size;                                   /* the memory's, a power of two */
	unsigned vectors;                              /* as many as the server sent */
	int host_efd[IVSHMEM_PEER_MAX_VECTORS];        /* peer 0's: we ring the host */
	int guest_efd[IVSHMEM_PEER_MAX_VECTORS];       /* ours: the host rings us */
};

/* One 8-byte message and the fd that came with it (-1: none); -ETIMEDOUT
 * when nothing comes within `ms`, -EPIPE at EOF, -EPROTO on a short one. */
int ivshmem_peer_recv(int sock, int64_t *value, int *fd, int ms);
/* Connects to the server at `path` and reads its greeting: version 0, our
 * id, the memory, then `vectors` eventfds of peer 0 and as many of ours
 * (vectors 0: as many as come, each within 200 ms). 0 or -errno (-EPROTO:
 * a message out of order); on failure nothing stays open. */
int ivshmem_peer_connect(struct ivshmem_peer *q, const char *path, unsigned vectors);
void ivshmem_peer_close(struct ivshmem_peer *q);

#endif
