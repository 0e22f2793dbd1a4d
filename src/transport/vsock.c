/*
 * virtio-vsock packets (vsock.h): the guest's from the tx ring, ours into
 * the rx ring. Stream sockets only (VIRTIO_VSOCK_F_SEQPACKET is not
 * offered); the guest may connect to the host's CID on the served port,
 * everything else is answered with RST.
 *
 * The header is copied out of the ring before any field is looked at, and
 * the payload length is checked against what the chain holds, our buffer
 * space (the credit we gave) and the 64 KiB packet limit.
 */
#include "transport/vsock.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Packets taken from the tx ring per pass, so the rx side and the control
 * socket get their turn under a flooding guest. */
#define TX_BUDGET 256

#define logf_(dev, ...) sgl_vu_log((dev)->log, (dev)->log_user, __VA_ARGS__)

static struct sgl_vsock_conn *find(struct sgl_vsock *dev, uint32_t guest_port)
{
	for (struct sgl_vsock_conn *c = dev->conns; c; c = c->next)
		if (c->guest_port == guest_port)
			return c;
	return NULL;
}

static void orphan_rst(struct sgl_vsock *dev, const struct vsock_hdr *h)
{
	if (h->op == VSOCK_OP_RST)
		return; /* never answer a reset with a reset */
	if (dev->nrst == VSOCK_MAX_ORPHAN_RST)
		return; /* the guest times out instead */
	dev->rst[dev->nrst].host_port = h->dst_port;
	dev->rst[dev->nrst].guest_port = h->src_port;
	dev->rst[dev->nrst].dst_cid = h->dst_cid;
	dev->nrst++;
}

static void accept_push(struct sgl_vsock *dev, struct sgl_vsock_conn *c)
{
	c->next_accept = NULL;
	if (dev->accept_tail)
		dev->accept_tail->next_accept = c;
	else
		dev->accept_head = c;
	dev->accept_tail = c;
	pthread_cond_broadcast(dev->accept_cond);
}

static void request(struct sgl_vsock *dev, const struct vsock_hdr *h)
{
	struct sgl_vsock_conn *c;

	if (h->dst_port != dev->port) {
		orphan_rst(dev, h);
		return;
	}
	if ((c = find(dev, h->src_port))) {
		/* A port still in use: the old connection cannot be trusted. */
		c->need_rst = true;
		return;
	}
	if (dev->nconns >= dev->max_conns) {
		logf_(dev, SGLHOST_LOG_WARN, "vhost-user-vsock: connection from port %u refused: "
		      "%u connections already", h->src_port, dev->nconns);
		orphan_rst(dev, h);
		return;
	}
	c = sgl_vsock_conn_new(dev, h->src_port);
	if (!c) {
		orphan_rst(dev, h);
		return;
	}
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	c->need_response = true;
	accept_push(dev, c);
	logf_(dev, SGLHOST_LOG_INFO, "vhost-user-vsock: guest %llu port %u connected",
	      (unsigned long long)dev->guest_cid, h->src_port);
}

/* RW: the payload goes straight into the connection's buffer. */
static void receive(struct sgl_vsock *dev, struct sgl_vu *vu, struct sgl_vsock_conn *c,
		    const struct sgl_vq_chain *ch, const struct vsock_hdr *h)
{
	struct sgl_bytes *b = &c->in;

	if (c->need_rst)
		return; /* being reset already */
	if (h->len > b->size - b->len) {
		logf_(dev, SGLHOST_LOG_WARN, "vhost-user-vsock: port %u sent %u bytes past its "
		      "credit: reset", c->guest_port, h->len);
		c->need_rst = true;
		return;
	}
	uint32_t done = 0;
	while (done < h->len) {
		uint32_t at = (b->head + b->len) % b->size;
		uint32_t k = b->size - at < h->len - done ? b->size - at : h->len - done;
		if (sgl_vq_read(&vu->mem, ch, sizeof(*h) + done, b->buf + at, k) != (long)k)
			break; /* checked against the chain before: cannot happen */
		b->len += k;
		done += k;
	}
	c->rx_cnt += done;
	pthread_cond_broadcast(&c->cond);
}

static void packet(struct sgl_vsock *dev, struct sgl_vu *vu, const struct sgl_vq_chain *ch)
{
	struct vsock_hdr h;

	if (sgl_vq_read(&vu->mem, ch, 0, &h, sizeof(h)) != (long)sizeof(h)) {
		logf_(dev, SGLHOST_LOG_DEBUG, "vhost-user-vsock: packet shorter than its header");
		return;
	}
	if (h.src_cid != dev->guest_cid) {
		logf_(dev, SGLHOST_LOG_DEBUG, "vhost-user-vsock: packet from CID %llu dropped",
		      (unsigned long long)h.src_cid);
		return;
	}
	if (h.len > VSOCK_MAX_PKT_PAYLOAD || h.len > ch->readable - sizeof(h)) {
		logf_(dev, SGLHOST_LOG_DEBUG, "vhost-user-vsock: payload of %u bytes in a %llu-byte "
		      "packet dropped", h.len, (unsigned long long)ch->readable);
		return;
	}
	if (h.dst_cid != VSOCK_CID_HOST || h.type != VSOCK_TYPE_STREAM) {
		orphan_rst(dev, &h);
		return;
	}
	if (h.op == VSOCK_OP_REQUEST) {
		request(dev, &h);
		return;
	}
	struct sgl_vsock_conn *c = h.dst_port == dev->port ? find(dev, h.src_port) : NULL;
	if (!c) {
		orphan_rst(dev, &h);
		return;
	}
	/* Every packet carries the sender's receive credit. */
	c->peer_buf_alloc = h.buf_alloc;
	c->peer_fwd_cnt = h.fwd_cnt;
	switch (h.op) {
	case VSOCK_OP_RW:
		receive(dev, vu, c, ch, &h);
		break;
	case VSOCK_OP_CREDIT_UPDATE:
		break;
	case VSOCK_OP_CREDIT_REQUEST:
		c->need_credit = true;
		break;
	case VSOCK_OP_SHUTDOWN:
		if (h.flags & VSOCK_SHUTDOWN_RCV) {
			c->peer_no_recv = true;
			c->out.len = 0; /* nobody will read it */
		}
		if (h.flags & VSOCK_SHUTDOWN_SEND)
			c->peer_no_send = true;
		/* Both ways closed (the guest's close()): answer with RST,
		 * which completes its close. */
		if ((c->peer_no_recv && c->peer_no_send) || c->shutdown_sent)
			c->need_rst = true;
		pthread_cond_broadcast(&c->cond);
		break;
	case VSOCK_OP_RST:
		sgl_vsock_conn_drop(c);
		break;
	default: /* RESPONSE (we never connect), unknown ops */
		logf_(dev, SGLHOST_LOG_DEBUG, "vhost-user-vsock: port %u: unexpected op %u: reset",
		      c->guest_port, h.op);
		c->need_rst = true;
		break;
	}
}

/* ---------------------------------------------------------------------- */
/* Host -> guest */

struct out_pkt {
	struct vsock_hdr h;
	struct sgl_vsock_conn *c;    /* NULL for an orphan RST */
	uint32_t payload;
};

static void header(struct sgl_vsock *dev, struct out_pkt *p, struct sgl_vsock_conn *c,
		   uint16_t op)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->h.src_cid = VSOCK_CID_HOST;
	p->h.dst_cid = dev->guest_cid;
	p->h.src_port = dev->port;
	p->h.dst_port = c->guest_port;
	p->h.type = VSOCK_TYPE_STREAM;
	p->h.op = op;
	p->h.buf_alloc = c->in.size;
	p->h.fwd_cnt = c->fwd_cnt;
}

/* The connection's next packet, if it has one. */
static bool next_of(struct sgl_vsock *dev, struct sgl_vsock_conn *c, struct out_pkt *p,
		    uint64_t now)
{
	uint32_t n;

	if (c->need_response) {
		header(dev, p, c, VSOCK_OP_RESPONSE);
		return true;
	}
	if (c->need_rst || (c->shutdown_sent && now >= c->close_deadline_ns)) {
		logf_(dev, SGLHOST_LOG_DEBUG, "vhost-user-vsock: port %u: RST (%s)", c->guest_port,
		      c->need_rst ? "asked" : "no answer to our SHUTDOWN");
		header(dev, p, c, VSOCK_OP_RST);
		return true;
	}
	if ((n = sgl_vsock_conn_sendable(c))) {
		header(dev, p, c, VSOCK_OP_RW);
		p->payload = n;
		return true;
	}
	if (c->need_credit || sgl_vsock_conn_wants_credit_update(c)) {
		header(dev, p, c, VSOCK_OP_CREDIT_UPDATE);
		return true;
	}
	if (c->host_closed && !c->shutdown_sent && (!c->out.len || c->peer_no_recv)) {
		header(dev, p, c, VSOCK_OP_SHUTDOWN);
		p->h.flags = VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND;
		return true;
	}
	return false;
}

static bool next_packet(struct sgl_vsock *dev, struct out_pkt *p, uint64_t now)
{
	if (dev->nrst) {
		memset(p, 0, sizeof(*p));
		dev->nrst--;
		p->h.src_cid = dev->rst[dev->nrst].dst_cid;
		p->h.dst_cid = dev->guest_cid;
		p->h.src_port = dev->rst[dev->nrst].host_port;
		p->h.dst_port = dev->rst[dev->nrst].guest_port;
		p->h.type = VSOCK_TYPE_STREAM;
		p->h.op = VSOCK_OP_RST;
		return true;
	}
	/* Round robin: start after the last connection served. */
	struct sgl_vsock_conn *start = dev->cursor && dev->cursor->next ? dev->cursor->next :
				       dev->conns;
	struct sgl_vsock_conn *c = start;
	for (unsigned i = 0; c && i < dev->nconns; i++) {
		if (next_of(dev, c, p, now)) {
			dev->cursor = c;
			return true;
		}
		c = c->next ? c->next : dev->conns;
	}
	return false;
}

/* Writes packet `p` into chain `ch`; the connection's state follows. */
static int deliver(struct sgl_vu *vu, const struct sgl_vq_chain *ch, struct out_pkt *p,
		   uint64_t now)
{
	struct sgl_vsock_conn *c = p->c;

	if (ch->writable < sizeof(p->h))
		return -EPROTO;
	if (p->payload > ch->writable - sizeof(p->h))
		p->payload = (uint32_t)(ch->writable - sizeof(p->h));
	p->h.len = p->payload;
	sgl_vq_write(&vu->mem, ch, 0, &p->h, sizeof(p->h));
	if (c && p->payload) {
		const uint8_t *p1, *p2;
		uint32_t n1, n2;
		sgl_bytes_peek(&c->out, p->payload, &p1, &n1, &p2, &n2);
		sgl_vq_write(&vu->mem, ch, sizeof(p->h), p1, n1);
		sgl_vq_write(&vu->mem, ch, sizeof(p->h) + n1, p2, n2);
		sgl_bytes_drop(&c->out, p->payload);
		c->tx_cnt += p->payload;
		pthread_cond_broadcast(&c->cond);   /* room for the writer */
	}
	if (!c)
		return 0;
	c->fwd_cnt_sent = c->fwd_cnt;
	c->need_credit = false;
	switch (p->h.op) {
	case VSOCK_OP_RESPONSE:
		c->need_response = false;
		break;
	case VSOCK_OP_RST:
		sgl_vsock_conn_drop(c);
		break;
	case VSOCK_OP_SHUTDOWN:
		c->shutdown_sent = true;
		c->close_deadline_ns = now + VSOCK_CLOSE_TIMEOUT_MS * 1000000ull;
		break;
	}
	return 0;
}

int sgl_vsock_process(struct sgl_vsock *dev, struct sgl_vu *vu)
{
	struct sgl_vq *tx = &vu->vq[VSOCK_QUEUE_TX], *rx = &vu->vq[VSOCK_QUEUE_RX];
	struct sgl_vq_chain ch;
	bool pushed = false;
	int r, budget = TX_BUDGET;
	uint64_t now = sgl_vsock_now_ns();

	while (budget-- && (r = sgl_vq_pop(tx, &vu->mem, &ch)) > 0) {
		packet(dev, vu, &ch);
		sgl_vq_push(tx, &ch, 0);
		pushed = true;
	}
	if (pushed)
		sgl_vq_notify(tx);
	if (tx->broken)
		goto broken_tx;
	if (budget < 0)
		dev->wake(dev->wake_user); /* more to take: come back */

	pushed = false;
	struct out_pkt p;
	while (sgl_vq_ready(rx) && next_packet(dev, &p, now)) {
		if ((r = sgl_vq_pop(rx, &vu->mem, &ch)) <= 0) {
			if (p.c == NULL)
				dev->nrst++; /* not sent: keep it */
			break;
		}
		if (deliver(vu, &ch, &p, now) < 0) {
			snprintf(vu->why, sizeof(vu->why), "rx ring: a %llu-byte receive buffer",
				 (unsigned long long)ch.writable);
			sgl_vq_signal_error(rx);
			return -EPROTO;
		}
		sgl_vq_push(rx, &ch, (uint32_t)(sizeof(p.h) + p.payload));
		pushed = true;
	}
	if (pushed)
		sgl_vq_notify(rx);
	if (rx->broken) {
		snprintf(vu->why, sizeof(vu->why), "rx ring: %s", rx->why);
		sgl_vq_signal_error(rx);
		return -EPROTO;
	}
	return 0;

broken_tx:
	snprintf(vu->why, sizeof(vu->why), "tx ring: %s", tx->why);
	sgl_vq_signal_error(tx);
	return -EPROTO;
}

struct sgl_vsock_conn *sgl_vsock_accept_next(struct sgl_vsock *dev)
{
	struct sgl_vsock_conn *c = dev->accept_head;

	if (!c)
		return NULL;
	dev->accept_head = c->next_accept;
	if (!dev->accept_head)
		dev->accept_tail = NULL;
	c->accepted = true;
	c->refs++;
	dev->ref(dev->ref_user);
	return c;
}

void sgl_vsock_reset(struct sgl_vsock *dev)
{
	while (dev->conns)
		sgl_vsock_conn_drop(dev->conns);
	dev->nrst = 0;
}

uint64_t sgl_vsock_next_deadline(const struct sgl_vsock *dev)
{
	uint64_t t = 0;

	for (const struct sgl_vsock_conn *c = dev->conns; c; c = c->next)
		if (c->shutdown_sent && (!t || c->close_deadline_ns < t))
			t = c->close_deadline_ns;
	return t;
}
