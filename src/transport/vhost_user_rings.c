/*
 * vhost-user memory and ring messages (vhost_user.h): SET_MEM_TABLE,
 * ADD_MEM_REG, REM_MEM_REG and the SET/GET_VRING_* family.
 *
 * Ring life, from the spec: a ring starts when its kick fd arrives (or the
 * "no fd" bit: then we poll it) and stops at GET_VRING_BASE. With
 * VHOST_USER_F_PROTOCOL_FEATURES it starts disabled and SET_VRING_ENABLE
 * turns it on; without, it starts enabled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/vhost_user_internal.h"

/* Re-resolves every ring against a changed memory table. A started ring
 * whose memory went away is the frontend's error. */
static int remap(struct sgl_vu *vu)
{
	for (unsigned i = 0; i < vu->nqueues; i++) {
		struct sgl_vq *q = &vu->vq[i];
		if (sgl_vq_map(q, &vu->mem) < 0 && q->started)
			return sgl_vu_fail(vu, "ring %u: %s", i, q->why);
	}
	return 0;
}

static int set_mem_table(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	struct vhost_user_memory t;
	char why[128];

	if (msg->hdr.size < 8)
		return sgl_vu_fail(vu, "SET_MEM_TABLE: %u bytes", msg->hdr.size);
	memcpy(&t, msg->payload, 8);
	if (t.nregions == 0 || t.nregions > VHOST_USER_MEM_TABLE_REGIONS ||
	    msg->hdr.size < 8 + t.nregions * sizeof(t.regions[0]) || msg->hdr.size > sizeof(t))
		return sgl_vu_fail(vu, "SET_MEM_TABLE: %u regions in %u bytes", t.nregions,
				   msg->hdr.size);
	if (msg->nfds != t.nregions)
		return sgl_vu_fail(vu, "SET_MEM_TABLE: %u regions but %u fds", t.nregions, msg->nfds);
	memcpy(t.regions, msg->payload + 8, t.nregions * sizeof(t.regions[0]));
	/* The new table replaces the old one whole. */
	sgl_gmem_clear(&vu->mem);
	for (unsigned i = 0; i < t.nregions; i++)
		if (sgl_gmem_add(&vu->mem, &t.regions[i], msg->fds[i], why, sizeof(why)) < 0)
			return sgl_vu_fail(vu, "SET_MEM_TABLE: region %u: %s", i, why);
	return remap(vu);
}

static int mem_reg(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	struct vhost_user_mem_reg m;
	char why[128];
	const char *name = sgl_vu_request_name(msg->hdr.request);

	if (msg->hdr.size != sizeof(m))
		return sgl_vu_fail(vu, "%s: %u bytes", name, msg->hdr.size);
	memcpy(&m, msg->payload, sizeof(m));
	if (msg->hdr.request == VHOST_USER_REM_MEM_REG) {
		/* QEMU sends the region's fd along (the spec allows it); it is
		 * not needed and closed with the message. */
		if (sgl_gmem_remove(&vu->mem, &m.region) < 0)
			return 1;
		return remap(vu);
	}
	if (msg->nfds != 1)
		return sgl_vu_fail(vu, "ADD_MEM_REG with %u fds", msg->nfds);
	if (sgl_gmem_add(&vu->mem, &m.region, msg->fds[0], why, sizeof(why)) < 0)
		return sgl_vu_fail(vu, "ADD_MEM_REG: %s", why);
	return remap(vu);
}

int sgl_vu_handle_memory(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	if (msg->hdr.request == VHOST_USER_SET_MEM_TABLE)
		return set_mem_table(vu, msg);
	return mem_reg(vu, msg);
}

/* ---------------------------------------------------------------------- */

static int ring_index(struct sgl_vu *vu, const struct sgl_vu_msg *msg, uint32_t index)
{
	if (index >= vu->nqueues)
		return sgl_vu_fail(vu, "%s: ring %u of %u", sgl_vu_request_name(msg->hdr.request),
				   index, vu->nqueues);
	return 0;
}

static int get_state(struct sgl_vu *vu, const struct sgl_vu_msg *msg,
		     struct vhost_user_vring_state *s)
{
	if (msg->hdr.size != sizeof(*s))
		return sgl_vu_fail(vu, "%s: %u bytes", sgl_vu_request_name(msg->hdr.request),
				   msg->hdr.size);
	memcpy(s, msg->payload, sizeof(*s));
	return ring_index(vu, msg, s->index);
}

/* A ring's parameters may change only while it is stopped. */
static int stopped(struct sgl_vu *vu, const struct sgl_vu_msg *msg, struct sgl_vq *q,
		   unsigned i)
{
	if (q->started)
		return sgl_vu_fail(vu, "%s on running ring %u", sgl_vu_request_name(msg->hdr.request),
				   i);
	return 0;
}

static int set_addr(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	struct vhost_user_vring_addr a;

	if (msg->hdr.size != sizeof(a))
		return sgl_vu_fail(vu, "SET_VRING_ADDR: %u bytes", msg->hdr.size);
	memcpy(&a, msg->payload, sizeof(a));
	if (ring_index(vu, msg, a.index) < 0)
		return -EPROTO;
	struct sgl_vq *q = &vu->vq[a.index];
	if (stopped(vu, msg, q, a.index) < 0)
		return -EPROTO;
	q->desc_uva = a.desc_user_addr;
	q->avail_uva = a.avail_user_addr;
	q->used_uva = a.used_user_addr;
	q->addr_set = true;
	/* Before the memory table arrives it cannot be checked yet; after,
	 * it must lie in it. */
	if (vu->mem.n && sgl_vq_map(q, &vu->mem) < 0)
		return sgl_vu_fail(vu, "SET_VRING_ADDR: ring %u: %s", a.index, q->why);
	return 0;
}

/* SET_VRING_KICK, CALL, ERR: an eventfd, or bit 8 for none. */
static int set_fd(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	uint64_t v;
	const char *name = sgl_vu_request_name(msg->hdr.request);

	if (sgl_vu_payload_u64(vu, msg, &v) < 0)
		return -EPROTO;
	if (v & ~(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK))
		return sgl_vu_fail(vu, "%s: bad value 0x%llx", name, (unsigned long long)v);
	unsigned i = (unsigned)(v & VHOST_USER_VRING_IDX_MASK);
	bool nofd = v & VHOST_USER_VRING_NOFD_MASK;
	if (ring_index(vu, msg, i) < 0)
		return -EPROTO;
	if (!nofd && msg->nfds != 1)
		return sgl_vu_fail(vu, "%s: %u fds", name, msg->nfds);
	int fd = -1;
	if (!nofd) {
		fd = msg->fds[0];
		msg->fds[0] = -1;   /* ours now */
	}
	struct sgl_vq *q = &vu->vq[i];
	int *slot = msg->hdr.request == VHOST_USER_SET_VRING_KICK ? &q->kick_fd :
		    msg->hdr.request == VHOST_USER_SET_VRING_CALL ? &q->call_fd : &q->err_fd;
	/* QEMU sends CALL again and again: the old fd is ours to close. */
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
	if (msg->hdr.request != VHOST_USER_SET_VRING_KICK)
		return 0;

	if (!q->num || !q->addr_set || sgl_vq_map(q, &vu->mem) < 0)
		return sgl_vu_fail(vu, "SET_VRING_KICK: ring %u started before it was set up%s%s", i,
				   q->why[0] ? ": " : "", q->why);
	q->started = true;
	q->poll = nofd;
	if (!(vu->acked_features >> VHOST_USER_F_PROTOCOL_FEATURES & 1))
		q->enabled = true;
	return 0;
}

int sgl_vu_handle_ring(struct sgl_vu *vu, struct sgl_vu_msg *msg, bool *replied)
{
	struct vhost_user_vring_state s;
	struct sgl_vq *q;

	switch (msg->hdr.request) {
	case VHOST_USER_SET_VRING_ADDR:
		return set_addr(vu, msg);
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		return set_fd(vu, msg);
	default:
		break;
	}
	if (get_state(vu, msg, &s) < 0)
		return -EPROTO;
	q = &vu->vq[s.index];
	switch (msg->hdr.request) {
	case VHOST_USER_SET_VRING_NUM:
		if (stopped(vu, msg, q, s.index) < 0)
			return -EPROTO;
		if (!s.num || s.num > VIRTQ_MAX_SIZE || (s.num & (s.num - 1)))
			return sgl_vu_fail(vu, "SET_VRING_NUM: ring %u of %u entries", s.index, s.num);
		q->num = s.num;
		free(q->segs);
		q->segs = NULL;
		q->mapped = false;
		return 0;
	case VHOST_USER_SET_VRING_BASE:
		if (stopped(vu, msg, q, s.index) < 0)
			return -EPROTO;
		if (s.num > 0xffff)
			return sgl_vu_fail(vu, "SET_VRING_BASE: ring %u base %u", s.index, s.num);
		q->last_avail = (uint16_t)s.num;
		return 0;
	case VHOST_USER_GET_VRING_BASE:
		/* Stops the ring; the frontend restarts it with a new kick. */
		q->started = false;
		q->enabled = false;
		if (q->kick_fd >= 0)
			close(q->kick_fd);
		q->kick_fd = -1;
		s.num = q->last_avail;
		*replied = true;
		return sgl_vu_reply(vu, msg, &s, sizeof(s));
	case VHOST_USER_SET_VRING_ENABLE:
		if (s.num > 1)
			return sgl_vu_fail(vu, "SET_VRING_ENABLE: ring %u value %u", s.index, s.num);
		q->enabled = s.num;
		return 0;
	default:
		return 1;
	}
}
