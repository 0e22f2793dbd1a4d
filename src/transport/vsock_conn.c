/*
 * vsock connections (vsock.h): their byte buffers, their life between the
 * device table and the session, and the channel ops the session uses.
 *
 * A connection is owned by the device table from the guest's REQUEST until
 * it is reset or closed, and by its channel from accept until destroy; it
 * is freed when both let go. The channel also holds the device, whose lock
 * and wake-up it uses.
 */
#include "transport/vsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t sgl_vsock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------- */
/* Byte rings */

uint32_t sgl_bytes_put(struct sgl_bytes *b, const void *src, uint32_t n)
{
	uint32_t room = b->size - b->len, done = 0;

	if (n > room)
		n = room;
	while (done < n) {
		uint32_t at = (b->head + b->len) % b->size;
		uint32_t k = b->size - at < n - done ? b->size - at : n - done;
		memcpy(b->buf + at, (const uint8_t *)src + done, k);
		b->len += k;
		done += k;
	}
	return n;
}

void sgl_bytes_peek(const struct sgl_bytes *b, uint32_t n, const uint8_t **p1, uint32_t *n1,
		    const uint8_t **p2, uint32_t *n2)
{
	if (n > b->len)
		n = b->len;
	*p1 = b->buf + b->head;
	*n1 = b->size - b->head < n ? b->size - b->head : n;
	*p2 = b->buf;
	*n2 = n - *n1;
}

void sgl_bytes_drop(struct sgl_bytes *b, uint32_t n)
{
	if (n > b->len)
		n = b->len;
	b->head = (b->head + n) % b->size;
	b->len -= n;
}

uint32_t sgl_bytes_get(struct sgl_bytes *b, void *dst, uint32_t n)
{
	const uint8_t *p1, *p2;
	uint32_t n1, n2;

	sgl_bytes_peek(b, n, &p1, &n1, &p2, &n2);
	memcpy(dst, p1, n1);
	memcpy((uint8_t *)dst + n1, p2, n2);
	sgl_bytes_drop(b, n1 + n2);
	return n1 + n2;
}

/* ---------------------------------------------------------------------- */
/* Credit */

uint32_t sgl_vsock_conn_sendable(const struct sgl_vsock_conn *c)
{
	if (c->reset || c->peer_no_recv || c->need_rst)
		return 0;
	/* A guest that reports more consumed than we sent only starves
	 * itself: in_flight wraps high and the credit reads as zero. */
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;
	if (in_flight >= c->peer_buf_alloc)
		return 0;
	uint32_t n = c->peer_buf_alloc - in_flight;
	if (n > c->out.len)
		n = c->out.len;
	return n < VSOCK_MAX_PKT_PAYLOAD ? n : VSOCK_MAX_PKT_PAYLOAD;
}

/* Tell the guest about consumed bytes when its view of our free space is
 * low (what Linux does too): a guest that waits for credit always gets it,
 * a streaming guest gets an update per quarter buffer. */
bool sgl_vsock_conn_wants_credit_update(const struct sgl_vsock_conn *c)
{
	uint32_t believed_used = c->rx_cnt - c->fwd_cnt_sent;
	return c->fwd_cnt != c->fwd_cnt_sent &&
	       VSOCK_BUF_ALLOC - believed_used < VSOCK_BUF_ALLOC / 4;
}

/* ---------------------------------------------------------------------- */
/* Life */

static const struct sgl_channel_ops conn_ops;

struct sgl_vsock_conn *sgl_vsock_conn_new(struct sgl_vsock *dev, uint32_t guest_port)
{
	struct sgl_vsock_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->in.buf = malloc(VSOCK_BUF_ALLOC);
	c->out.buf = malloc(VSOCK_BUF_ALLOC);
	if (!c->in.buf || !c->out.buf || pthread_cond_init(&c->cond, NULL)) {
		free(c->in.buf);
		free(c->out.buf);
		free(c);
		return NULL;
	}
	c->in.size = c->out.size = VSOCK_BUF_ALLOC;
	c->base.ops = &conn_ops;
	snprintf(c->base.peer, sizeof(c->base.peer), "vhost-user-vsock %llu:%u",
		 (unsigned long long)dev->guest_cid, guest_port);
	c->dev = dev;
	c->guest_port = guest_port;
	c->refs = 1;
	c->in_table = true;
	c->next = dev->conns;
	dev->conns = c;
	dev->nconns++;
	return c;
}

void sgl_vsock_conn_unref(struct sgl_vsock_conn *c)
{
	if (--c->refs)
		return;
	pthread_cond_destroy(&c->cond);
	free(c->in.buf);
	free(c->out.buf);
	free(c);
}

void sgl_vsock_conn_drop(struct sgl_vsock_conn *c)
{
	struct sgl_vsock *dev = c->dev;

	if (!c->in_table)
		return;
	for (struct sgl_vsock_conn **p = &dev->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	if (dev->cursor == c)
		dev->cursor = NULL;
	/* Not accepted yet: nobody will; out of the accept queue too. */
	struct sgl_vsock_conn *prev = NULL;
	for (struct sgl_vsock_conn *a = dev->accept_head; a; prev = a, a = a->next_accept) {
		if (a != c)
			continue;
		if (prev)
			prev->next_accept = a->next_accept;
		else
			dev->accept_head = a->next_accept;
		if (dev->accept_tail == a)
			dev->accept_tail = prev;
		break;
	}
	dev->nconns--;
	c->in_table = false;
	c->reset = true;
	pthread_cond_broadcast(&c->cond);
	sgl_vsock_conn_unref(c);
}

/* ---------------------------------------------------------------------- */
/* Channel */

static struct sgl_vsock_conn *conn_of(struct sgl_channel *ch)
{
	return (struct sgl_vsock_conn *)ch;
}

static ssize_t conn_read(struct sgl_channel *ch, void *buf, size_t n)
{
	struct sgl_vsock_conn *c = conn_of(ch);
	struct sgl_vsock *dev = c->dev;
	ssize_t r;

	pthread_mutex_lock(dev->lock);
	for (;;) {
		if (c->shut) {
			r = -EPIPE;
			break;
		}
		if (c->in.len) {
			uint32_t k = sgl_bytes_get(&c->in, buf, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
			c->fwd_cnt += k;
			if (c->in_table && sgl_vsock_conn_wants_credit_update(c)) {
				c->need_credit = true;
				dev->wake(dev->wake_user);
			}
			r = k;
			break;
		}
		/* What the guest sent before it left is read first. */
		if (c->reset || c->peer_no_send) {
			r = 0;
			break;
		}
		pthread_cond_wait(&c->cond, dev->lock);
	}
	pthread_mutex_unlock(dev->lock);
	return r;
}

static int conn_write(struct sgl_channel *ch, const void *buf, size_t n)
{
	struct sgl_vsock_conn *c = conn_of(ch);
	struct sgl_vsock *dev = c->dev;
	const uint8_t *p = buf;
	int r = 0;

	pthread_mutex_lock(dev->lock);
	while (n) {
		if (c->shut || c->reset || c->peer_no_recv) {
			r = -EPIPE;
			break;
		}
		uint32_t k = sgl_bytes_put(&c->out, p, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
		if (k) {
			dev->wake(dev->wake_user);
			p += k;
			n -= k;
			continue;
		}
		/* Full: the guest is slow to read; wait for the device to
		 * move bytes out (backpressure). */
		pthread_cond_wait(&c->cond, dev->lock);
	}
	pthread_mutex_unlock(dev->lock);
	return r;
}

static void conn_shutdown(struct sgl_channel *ch)
{
	struct sgl_vsock_conn *c = conn_of(ch);

	pthread_mutex_lock(c->dev->lock);
	c->shut = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(c->dev->lock);
}

static void conn_destroy(struct sgl_channel *ch)
{
	struct sgl_vsock_conn *c = conn_of(ch);
	struct sgl_vsock *dev = c->dev;

	pthread_mutex_lock(dev->lock);
	c->shut = true;
	c->host_closed = true;
	/* The device drains what is left, then closes towards the guest. */
	if (c->in_table)
		dev->wake(dev->wake_user);
	sgl_vsock_conn_unref(c);
	pthread_mutex_unlock(dev->lock);
	dev->unref(dev->ref_user);
}

static const struct sgl_channel_ops conn_ops = {
	.read = conn_read,
	.write = conn_write,
	.shutdown = conn_shutdown,
	.destroy = conn_destroy,
};
