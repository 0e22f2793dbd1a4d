/*
 * Split virtqueues, device side (virtqueue.h). The guest owns the rings
 * and may rewrite any of them while we read: each field we use is loaded
 * once into a local and checked there.
 */
#include "transport/virtqueue.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio 1.x rings are little-endian: add byte swaps for this host"
#endif

void sgl_vq_init(struct sgl_vq *q)
{
	memset(q, 0, sizeof(*q));
	q->kick_fd = q->call_fd = q->err_fd = -1;
}

void sgl_vq_reset(struct sgl_vq *q)
{
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->call_fd >= 0)
		close(q->call_fd);
	if (q->err_fd >= 0)
		close(q->err_fd);
	free(q->segs);
	sgl_vq_init(q);
}

__attribute__((format(printf, 2, 3)))
static int broken(struct sgl_vq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->why, sizeof(q->why), fmt, ap);
	va_end(ap);
	q->broken = true;
	return -EPROTO;
}

int sgl_vq_map(struct sgl_vq *q, const struct sgl_gmem *m)
{
	uint64_t avail_gpa, used_gpa;

	q->mapped = false;
	if (!q->num || !q->addr_set)
		return 0;
	/* Alignments of virtio 1.x §2.7: 16, 2 and 4 bytes. */
	if ((q->desc_uva & 15) || (q->avail_uva & 1) || (q->used_uva & 3)) {
		snprintf(q->why, sizeof(q->why), "misaligned ring addresses");
		return -EFAULT;
	}
	if (!sgl_gmem_uva_to_gpa(m, q->desc_uva, VIRTQ_DESC_BYTES(q->num), &q->desc_gpa) ||
	    !sgl_gmem_uva_to_gpa(m, q->avail_uva, VIRTQ_AVAIL_BYTES(q->num), &avail_gpa) ||
	    !sgl_gmem_uva_to_gpa(m, q->used_uva, VIRTQ_USED_BYTES(q->num), &used_gpa)) {
		snprintf(q->why, sizeof(q->why), "ring of %u entries not in guest memory", q->num);
		return -EFAULT;
	}
	q->avail = sgl_gmem_ptr(m, avail_gpa, VIRTQ_AVAIL_BYTES(q->num));
	q->used = sgl_gmem_ptr(m, used_gpa, VIRTQ_USED_BYTES(q->num));
	if (!q->segs) {
		q->segs = calloc(q->num, sizeof(*q->segs));
		if (!q->segs) {
			snprintf(q->why, sizeof(q->why), "out of memory");
			return -ENOMEM;
		}
	}
	/* Carry on from where the guest's used ring is (0 on a fresh ring,
	 * the old count after a stop and restart). */
	q->used_idx = __atomic_load_n((uint16_t *)(q->used + 2), __ATOMIC_ACQUIRE);
	q->mapped = true;
	return 0;
}

bool sgl_vq_ready(const struct sgl_vq *q)
{
	return q->started && q->enabled && q->mapped && !q->broken;
}

/* Appends descriptor `d` (already copied out) to the chain. */
static int add_seg(struct sgl_vq *q, const struct sgl_gmem *m, struct sgl_vq_chain *c,
		   const struct virtq_desc *d)
{
	bool w = d->flags & VIRTQ_DESC_F_WRITE;

	if (c->nseg == q->num)
		return broken(q, "descriptor chain longer than the queue (%u): a loop?", q->num);
	if (!sgl_gmem_valid(m, d->addr, d->len))
		return broken(q, "buffer 0x%llx+%u outside guest memory",
			      (unsigned long long)d->addr, d->len);
	/* §2.7.4.2: device-readable buffers come first. */
	if (!w && c->writable)
		return broken(q, "readable buffer after a writable one");
	c->seg[c->nseg++] = (struct sgl_vq_seg){ d->addr, d->len, w };
	if (w)
		c->writable += d->len;
	else
		c->readable += d->len;
	return 0;
}

/* The descriptors of an indirect table (§2.7.5.3): in guest memory, a
 * whole number of entries, no nesting, its own next indices. */
static int walk_indirect(struct sgl_vq *q, const struct sgl_gmem *m, struct sgl_vq_chain *c,
			 const struct virtq_desc *table)
{
	uint64_t n = table->len / sizeof(struct virtq_desc);
	struct virtq_desc d;
	uint64_t i = 0;

	if (!q->indirect)
		return broken(q, "indirect descriptor not negotiated");
	if (table->flags & VIRTQ_DESC_F_NEXT)
		return broken(q, "indirect descriptor with NEXT");
	if (!n || table->len % sizeof(struct virtq_desc) || n > q->num)
		return broken(q, "indirect table of %u bytes", table->len);
	if (!sgl_gmem_valid(m, table->addr, table->len))
		return broken(q, "indirect table outside guest memory");
	for (;;) {
		if (sgl_gmem_read(m, table->addr + i * sizeof(d), &d, sizeof(d)) < 0)
			return broken(q, "indirect table outside guest memory");
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return broken(q, "nested indirect descriptor");
		if (add_seg(q, m, c, &d) < 0)
			return -EPROTO;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return broken(q, "indirect next index %u of %llu", d.next,
				      (unsigned long long)n);
		i = d.next;
	}
}

int sgl_vq_pop(struct sgl_vq *q, const struct sgl_gmem *m, struct sgl_vq_chain *c)
{
	if (q->broken)
		return -EPROTO;
	if (!sgl_vq_ready(q))
		return 0;
	uint16_t avail_idx = __atomic_load_n((uint16_t *)(q->avail + 2), __ATOMIC_ACQUIRE);
	uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
	if (!pending)
		return 0;
	/* The guest can have at most `num` buffers outstanding. */
	if (pending > q->num)
		return broken(q, "avail index %u is %u ahead of %u (queue of %u)", avail_idx,
			      pending, q->last_avail, q->num);
	uint16_t head;
	memcpy(&head, q->avail + 4 + 2 * (q->last_avail % q->num), sizeof(head));
	if (head >= q->num)
		return broken(q, "avail ring names descriptor %u of %u", head, q->num);
	q->last_avail++;

	memset(c, 0, sizeof(*c));
	c->head = head;
	c->seg = q->segs;
	uint16_t i = head;
	for (;;) {
		struct virtq_desc d;
		if (sgl_gmem_read(m, q->desc_gpa + (uint64_t)i * sizeof(d), &d, sizeof(d)) < 0)
			return broken(q, "descriptor table moved out of guest memory");
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* Only as the whole chain: an indirect table ends it. */
			if (c->nseg)
				return broken(q, "indirect descriptor inside a chain");
			return walk_indirect(q, m, c, &d) < 0 ? -EPROTO : 1;
		}
		if (add_seg(q, m, c, &d) < 0)
			return -EPROTO;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		if (d.next >= q->num)
			return broken(q, "next index %u of %u", d.next, q->num);
		i = d.next;
	}
}

void sgl_vq_push(struct sgl_vq *q, const struct sgl_vq_chain *c, uint32_t len)
{
	struct virtq_used_elem e = { c->head, len };

	memcpy(q->used + 4 + 8 * (q->used_idx % q->num), &e, sizeof(e));
	q->used_idx++;
	/* The element before the index that publishes it. */
	__atomic_store_n((uint16_t *)(q->used + 2), q->used_idx, __ATOMIC_RELEASE);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0) {
		/* The counter is full: the other side was signalled already. */
	}
}

void sgl_vq_notify(struct sgl_vq *q)
{
	/* Make the used index visible before the interrupt. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	signal_fd(q->call_fd);
}

void sgl_vq_signal_error(struct sgl_vq *q)
{
	signal_fd(q->err_fd);
}

/* Copies between `buf` and the chain's readable (or writable) buffers from
 * offset `off`. */
static long copy_chain(const struct sgl_gmem *m, const struct sgl_vq_chain *c, bool write,
		       uint64_t off, uint8_t *buf, size_t n)
{
	size_t done = 0;

	for (unsigned i = 0; i < c->nseg && done < n; i++) {
		const struct sgl_vq_seg *s = &c->seg[i];
		if (s->write != write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		size_t k = s->len - off < n - done ? (size_t)(s->len - off) : n - done;
		int r = write ? sgl_gmem_write(m, s->gpa + off, buf + done, k) :
				sgl_gmem_read(m, s->gpa + off, buf + done, k);
		if (r < 0)
			return -EFAULT;
		done += k;
		off = 0;
	}
	return (long)done;
}

long sgl_vq_read(const struct sgl_gmem *m, const struct sgl_vq_chain *c, uint64_t off,
		 void *dst, size_t n)
{
	return copy_chain(m, c, false, off, dst, n);
}

long sgl_vq_write(const struct sgl_gmem *m, const struct sgl_vq_chain *c, uint64_t off,
		  const void *src, size_t n)
{
	/* Only read from `src`: the cast is for the shared loop. */
	return copy_chain(m, c, true, off, (uint8_t *)src, n);
}
