/*
 * The virtio-vsock device model over vhost-user rings: stream sockets from
 * the guest to the host's CID (2) on one served port. Each connection is a
 * channel (channel.h) for the session layer.
 *
 * Threads: the device thread (vhost_vsock.c) runs the rings and calls
 * sgl_vsock_process; session threads use connections through the channel
 * ops. Everything here is under the device's `lock`; channels wait on
 * their connection's condition variable and wake the device through
 * `wake` when they have bytes to send or have made room.
 *
 * Flow control (virtio 1.x §5.10.6.3): we never send the guest more than
 * its buf_alloc - (tx_cnt - fwd_cnt); we advertise VSOCK_BUF_ALLOC of our
 * own, and a guest that sends past it is reset. A slow session therefore
 * stops its guest writer (backpressure) and nothing else.
 */
#ifndef SGL_TRANSPORT_VSOCK_H
#define SGL_TRANSPORT_VSOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sglhost.h"
#include "transport/channel.h"
#include "transport/vhost_user.h"

/* Bytes each connection buffers in each direction. */
#define VSOCK_BUF_ALLOC (256u * 1024u)
/* After our SHUTDOWN, how long the guest has to answer with RST. */
#define VSOCK_CLOSE_TIMEOUT_MS 2000
/* RSTs waiting for a receive buffer, for packets of no connection. */
#define VSOCK_MAX_ORPHAN_RST 32

struct sgl_bytes {
	uint8_t *buf;
	uint32_t size, head, len;
};

struct sgl_vsock;

struct sgl_vsock_conn {
	struct sgl_channel base;     /* first: the channel handed out */
	struct sgl_vsock *dev;
	struct sgl_vsock_conn *next; /* in dev->conns */
	struct sgl_vsock_conn *next_accept;
	uint32_t guest_port;
	unsigned refs;               /* the device table, the channel */
	bool in_table, accepted;
	pthread_cond_t cond;         /* a reader or writer waits here */

	struct sgl_bytes in;         /* guest -> host, read by the session */
	uint32_t rx_cnt;             /* bytes the guest sent us */
	uint32_t fwd_cnt;            /* bytes the session consumed */
	uint32_t fwd_cnt_sent;       /* fwd_cnt the guest last heard */
	struct sgl_bytes out;        /* host -> guest, written by the session */
	uint32_t tx_cnt;             /* bytes sent to the guest */
	uint32_t peer_buf_alloc, peer_fwd_cnt;

	bool need_response, need_credit, need_rst, need_shutdown;
	bool peer_no_send;           /* guest SHUTDOWN(SEND): end of stream */
	bool peer_no_recv;           /* guest SHUTDOWN(RCV): writes fail */
	bool host_closed;            /* the session ended: drain, then SHUTDOWN */
	bool shutdown_sent;
	uint64_t close_deadline_ns;
	bool reset;                  /* gone: reads end, writes fail */
	bool shut;                   /* channel shutdown() called */
};

struct sgl_vsock {
	pthread_mutex_t *lock;
	uint64_t guest_cid;
	uint32_t port;
	unsigned max_conns;
	struct sgl_vsock_conn *conns;
	unsigned nconns;
	struct sgl_vsock_conn *accept_head, *accept_tail;
	pthread_cond_t *accept_cond;
	struct { uint32_t host_port, guest_port; uint64_t dst_cid; } rst[VSOCK_MAX_ORPHAN_RST];
	unsigned nrst;
	struct sgl_vsock_conn *cursor;   /* round robin over senders */
	/* Wakes the device thread (from a channel). */
	void (*wake)(void *user);
	void *wake_user;
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
	/* Keeps the device alive while channels exist. */
	void (*unref)(void *user);
	void (*ref)(void *user);
	void *ref_user;
};

/* Under dev->lock, on the device thread: takes the guest's packets from
 * the tx ring and fills the rx ring with ours. 0, or -EPROTO when the
 * guest broke a ring (vu->why says how). */
int sgl_vsock_process(struct sgl_vsock *dev, struct sgl_vu *vu);
/* Under the lock: the oldest connection not accepted yet, now held by its
 * channel (and the channel holds the device), or NULL when none waits. */
struct sgl_vsock_conn *sgl_vsock_accept_next(struct sgl_vsock *dev);
/* Under the lock: ends every connection (the frontend left or reset the
 * device); their sessions see end of stream. */
void sgl_vsock_reset(struct sgl_vsock *dev);
/* Under the lock: the earliest close deadline, 0 when none. */
uint64_t sgl_vsock_next_deadline(const struct sgl_vsock *dev);

/* vsock_conn.c: connections and their channel ops. */
struct sgl_vsock_conn *sgl_vsock_conn_new(struct sgl_vsock *dev, uint32_t guest_port);
/* Takes the connection out of the table (the channel may live on). */
void sgl_vsock_conn_drop(struct sgl_vsock_conn *c);
void sgl_vsock_conn_unref(struct sgl_vsock_conn *c);
/* What the connection may send now: payload bytes within the guest's
 * credit. */
uint32_t sgl_vsock_conn_sendable(const struct sgl_vsock_conn *c);
bool sgl_vsock_conn_wants_credit_update(const struct sgl_vsock_conn *c);

uint32_t sgl_bytes_put(struct sgl_bytes *b, const void *src, uint32_t n);
uint32_t sgl_bytes_get(struct sgl_bytes *b, void *dst, uint32_t n);
/* The first `n` bytes as up to two pieces (for copying into the ring). */
void sgl_bytes_peek(const struct sgl_bytes *b, uint32_t n, const uint8_t **p1, uint32_t *n1,
		    const uint8_t **p2, uint32_t *n2);
void sgl_bytes_drop(struct sgl_bytes *b, uint32_t n);

uint64_t sgl_vsock_now_ns(void);

#endif
