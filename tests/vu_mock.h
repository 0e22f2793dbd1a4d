/*
 * A mock vhost-user frontend and virtio-vsock guest driver, for testing
 * the back-end (src/transport/vhost_vsock.c) without a VMM: it shares a
 * memfd as guest memory the way QEMU 7.2 does (two regions around the
 * 640K-768K hole, one memfd passed twice), lays out split rings in it,
 * and speaks vsock on them like the Linux driver (2-descriptor tx chains,
 * posted rx buffers, credit).
 */
#ifndef VU_MOCK_H
#define VU_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/vhost_user_proto.h"

#define MOCK_MEM_SIZE (2u << 20)
#define MOCK_QSIZE 128u
#define MOCK_RX_BUF 8192u
#define MOCK_GUEST_CID 3u

struct mock_ring {
	uint64_t desc, avail, used;    /* guest physical */
	uint16_t avail_idx, used_seen;
	int kick, call;
};

struct mock_fe {
	int sock;
	int memfd;
	uint8_t *mem;                  /* gpa == offset in the memfd */
	struct mock_ring q[3];
	unsigned nq;
	bool ack_all;                  /* NEED_REPLY on every message (crosvm-like) */
	/* The guest's one vsock stream. */
	uint32_t port, host_port;
	uint32_t buf_alloc, fwd_cnt;   /* ours, as receiver (tests advance fwd_cnt) */
	uint32_t rx_cnt;               /* payload bytes received */
	uint32_t tx_cnt, peer_buf_alloc, peer_fwd_cnt;
	uint32_t max_in_flight_seen;   /* the most the host had unacknowledged */
	bool credit_violated;          /* host sent past our credit */
	uint16_t tx_outstanding;
};

/* Connects to `path` (retrying briefly); guest memory is created. */
void mock_open(struct mock_fe *f, const char *path);
/* The same on a connected socket (a socketpair end): the back-end got the
 * other end as its frontend fd. */
void mock_open_fd(struct mock_fe *f, int sock);
void mock_close(struct mock_fe *f);

/* Raw messages. The reply helpers assert the reply's header. */
int mock_send(struct mock_fe *f, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
	      const int *fds, unsigned nfds);
uint64_t mock_get_u64(struct mock_fe *f, uint32_t req);
/* Sends a u64 (with the ring index for KICK/CALL/ERR); waits for the
 * ack when asked for one, and returns its status (0 otherwise). */
uint64_t mock_set_u64(struct mock_fe *f, uint32_t req, uint64_t v, int fd);
uint64_t mock_set_state(struct mock_fe *f, uint32_t req, uint32_t index, uint32_t num);
uint64_t mock_wait_ack(struct mock_fe *f, uint32_t req);
/* True when the back-end closed the connection within `ms`. */
bool mock_closed(struct mock_fe *f, int ms);

/* QEMU 7.2's handshake up to GET_CONFIG; returns the guest CID read. */
uint64_t mock_handshake(struct mock_fe *f, uint64_t protocol);
/* SET_MEM_TABLE with QEMU's two regions (need_reply); returns the ack. */
uint64_t mock_mem_table(struct mock_fe *f);
/* ADD_MEM_REG for the same two regions (crosvm, cloud-hypervisor). */
void mock_add_regions(struct mock_fe *f);
/* SET_FEATURES, then NUM/BASE/ADDR/KICK per ring, ENABLE, CALL. */
void mock_start_rings(struct mock_fe *f, unsigned nq, uint64_t features);
/* QEMU's poweroff: ENABLE=0, GET_VRING_BASE (checked against what we
 * made available), CALL. */
void mock_stop_rings(struct mock_fe *f);

/* vsock, the guest's side. */
void mock_tx(struct mock_fe *f, uint16_t op, uint32_t flags, const void *payload, uint32_t len);
/* Waits up to `ms` for a packet from the host: 1 and the header (payload
 * into buf, at most cap), 0 on timeout. Re-posts the buffer. */
int mock_rx(struct mock_fe *f, struct vsock_hdr *h, void *buf, uint32_t cap, int ms);
/* REQUEST and its RESPONSE. */
void mock_connect(struct mock_fe *f, uint32_t port, uint32_t host_port);
/* Writes guest memory at `gpa` (hostile-guest tests). */
void mock_poke(struct mock_fe *f, uint64_t gpa, const void *p, size_t n);

#endif
