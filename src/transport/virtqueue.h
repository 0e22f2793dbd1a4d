/*
 * Split virtqueues (virtio 1.x §2.7) read by the device side, with the
 * guest as the adversary: every index, length and address comes from
 * memory the guest writes while we read. Descriptors are copied out once
 * and then checked; chains are bounded by the queue size (which also ends
 * loops); every buffer must lie in guest memory; indirect tables only when
 * negotiated. A queue that breaks a rule is marked broken, and the device
 * using it stops (its frontend connection is dropped), never the process.
 */
#ifndef SGL_TRANSPORT_VIRTQUEUE_H
#define SGL_TRANSPORT_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/guest_memory.h"

struct sgl_vq_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;           /* device-writable */
};

/* One descriptor chain taken from the avail ring. */
struct sgl_vq_chain {
	uint16_t head;
	unsigned nseg;
	struct sgl_vq_seg *seg;   /* the queue's array, valid until the next pop */
	uint64_t readable, writable;  /* bytes in each direction */
};

struct sgl_vq {
	/* Set by the vhost-user control plane. */
	uint32_t num;             /* ring size; 0 before SET_VRING_NUM */
	uint64_t desc_uva, avail_uva, used_uva;
	bool addr_set;
	uint16_t last_avail;      /* next avail entry to take (SET_VRING_BASE) */
	int kick_fd, call_fd, err_fd;   /* -1 when none */
	bool started;             /* kick received, GET_VRING_BASE not yet */
	bool poll;                /* started without a kick fd */
	bool enabled;             /* SET_VRING_ENABLE */

	/* Resolved by sgl_vq_map against the memory table. */
	bool mapped;
	uint64_t desc_gpa;
	uint8_t *avail;           /* our pointers to the rings' fields */
	uint8_t *used;
	uint16_t used_idx;        /* ours; the guest's copy is only written */
	struct sgl_vq_seg *segs;  /* `num` entries */
	bool indirect;            /* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	bool broken;
	char why[128];
};

void sgl_vq_init(struct sgl_vq *q);
/* Closes the fds, frees, and forgets everything (back to sgl_vq_init). */
void sgl_vq_reset(struct sgl_vq *q);

/* Resolves the rings' addresses (frontend virtual addresses) through the
 * memory table: 0, or -EFAULT with q->why set when they are not in guest
 * memory (or misaligned). Reads the used index the guest left. Called at
 * ring start and whenever the memory table changes. */
int sgl_vq_map(struct sgl_vq *q, const struct sgl_gmem *m);

/* True when the device may take buffers from the queue. */
bool sgl_vq_ready(const struct sgl_vq *q);

/* Takes the next available chain: 1 and *c filled, 0 when none is
 * pending, -EPROTO when the guest broke the ring (q->broken, q->why). */
int sgl_vq_pop(struct sgl_vq *q, const struct sgl_gmem *m, struct sgl_vq_chain *c);
/* Returns a chain to the guest with `len` bytes written into it. */
void sgl_vq_push(struct sgl_vq *q, const struct sgl_vq_chain *c, uint32_t len);
/* Tells the guest about pushed chains (the call eventfd). */
void sgl_vq_notify(struct sgl_vq *q);
/* Signals the frontend that the queue broke (the err eventfd). */
void sgl_vq_signal_error(struct sgl_vq *q);

/* Copies the chain's readable bytes from offset `off` into `dst`; returns
 * how many were copied (fewer when the chain is shorter), or -EFAULT. */
long sgl_vq_read(const struct sgl_gmem *m, const struct sgl_vq_chain *c, uint64_t off,
		 void *dst, size_t n);
/* Copies `n` bytes into the chain's writable buffers at offset `off`;
 * returns how many fitted, or -EFAULT. */
long sgl_vq_write(const struct sgl_gmem *m, const struct sgl_vq_chain *c, uint64_t off,
		  const void *src, size_t n);

#endif
