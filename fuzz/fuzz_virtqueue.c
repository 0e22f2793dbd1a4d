/*
 * libFuzzer target on the vhost-user-vsock data plane as a hostile guest
 * drives it: guest memory (regions over a memfd), split rings and vsock
 * packets in that memory, read by sgl_vsock_process() (virtqueue.c,
 * vsock.c, vsock_conn.c) exactly as the device thread does, with the
 * session side (the channel ops) in the same thread, never blocking.
 *
 * Input (little-endian):
 *   head   64 bytes, struct head below: ring sizes, flags, the two memory
 *          regions (guest physical address, size, offset in the memfd; the
 *          frontend's address is gpa + UVA_BASE), the rings' guest physical
 *          addresses, and the avail index each ring starts from;
 *   ops    head.nops entries of 8 bytes {op, a, b (u16), c (u32)}: device
 *          passes, the guest rewriting its memory between them, and the
 *          session accepting, reading, writing, closing;
 *   memory the rest: the memfd's first bytes (MEM_SIZE in all, zeros after).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "transport/vhost_user_internal.h"
#include "transport/vsock.h"

#define MEM_SIZE (64u * 1024u)
#define UVA_BASE 0x7f0000000000ull
#define GUEST_CID 3u
#define PORT 9999u
#define MAX_CHANNELS 8
#define MAX_OPS 64

struct head {
	uint8_t tx_log, rx_log;  /* ring sizes: 1 << (log % 16) */
	uint8_t flags;
	uint8_t nops;
	uint32_t region[2][3];   /* gpa, size, offset */
	uint32_t tx[3], rx[3];   /* desc, avail, used (guest physical) */
	uint16_t tx_last, rx_last;
	uint8_t pad[8];
};
_Static_assert(sizeof(struct head) == 64, "head is 64 bytes");

#define F_INDIRECT 1u      /* VIRTIO_RING_F_INDIRECT_DESC negotiated */
#define F_REGION1 2u       /* a second region */
#define F_RX_OFF 4u        /* the rx ring not enabled */
#define F_FEW_CONNS 8u     /* max_conns 1 instead of 4 */

enum {
	OP_PROCESS,      /* one device pass */
	OP_POKE32,       /* guest: u32 c at memory offset 4 * b */
	OP_POKE16,       /* guest: u16 c at memory offset 2 * b */
	OP_ACCEPT,       /* session: accept the next connection */
	OP_READ,         /* session: read up to c bytes from channel a */
	OP_WRITE,        /* session: write up to c bytes to channel a */
	OP_SHUTDOWN,     /* session: shut channel a down */
	OP_DESTROY,      /* session: close channel a */
	OP_EXPIRE,       /* time passes: every close deadline is due */
	OP_RESTART,      /* frontend: GET_VRING_BASE on ring a & 1, then base b, kick */
	OP_COUNT
};

static int memfd = -1;
static uint8_t *mem;          /* the guest's view (the memfd) */
static uint8_t buf[VSOCK_MAX_PKT_PAYLOAD + 4096];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t accept_cond = PTHREAD_COND_INITIALIZER;
static int dev_refs;

static void wake(void *user)
{
	(void)user;
}

static void ref(void *user)
{
	(void)user;
	dev_refs++;
}

static void unref(void *user)
{
	(void)user;
	if (--dev_refs < 0)
		fuzz_die("device unreferenced more than referenced");
}

/* The messages are formatted (format bugs show), then dropped. */
static void log_discard(void *user, enum sglhost_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	if (strlen(msg) >= 320)
		fuzz_die("log line longer than its buffer");
}

static void setup(void)
{
	if (mem)
		return;
	mem = fuzz_memfd_map("fuzz-guest", MEM_SIZE, &memfd);
}

/* What vhost_user_rings.c leaves after NUM, BASE, ADDR and KICK. */
static void ring_start(struct sgl_vq *q, const struct sgl_gmem *m, unsigned log,
		       const uint32_t addr[3], uint16_t last, bool indirect, bool enabled)
{
	sgl_vq_reset(q);
	q->num = 1u << (log % 16);
	q->desc_uva = addr[0] + UVA_BASE;
	q->avail_uva = addr[1] + UVA_BASE;
	q->used_uva = addr[2] + UVA_BASE;
	q->addr_set = true;
	q->last_avail = last;
	q->indirect = indirect;
	if (sgl_vq_map(q, m) < 0)
		return;
	q->started = true;
	q->poll = true;
	q->enabled = enabled;
}

/* Invariants of the device's state after a pass. */
static void check(const struct sgl_vsock *dev)
{
	unsigned n = 0;
	for (const struct sgl_vsock_conn *c = dev->conns; c; c = c->next, n++) {
		if (!c->in_table || c->in.len > c->in.size || c->out.len > c->out.size ||
		    c->in.head >= c->in.size || c->out.head >= c->out.size)
			fuzz_die("connection of port %u inconsistent", c->guest_port);
		if (n > dev->max_conns)
			fuzz_die("more connections than max_conns");
	}
	if (n != dev->nconns)
		fuzz_die("nconns %u, but %u connections in the table", dev->nconns, n);
	if (dev->nrst > VSOCK_MAX_ORPHAN_RST)
		fuzz_die("nrst %u", dev->nrst);
	for (const struct sgl_vsock_conn *a = dev->accept_head; a; a = a->next_accept)
		if (!a->in_table || a->accepted)
			fuzz_die("accept queue holds a dropped or accepted connection");
}

/* ---- Where the device may write: the used rings, and the buffers of
 * descriptors the guest marked device-writable (in either ring's table, or
 * an indirect table one names), as the guest memory was before the pass. */

/* The checker is no code under test: no coverage from it (it would only
 * add features of its own), no ASan checks in its loops over 64 KiB. */
#ifdef __clang__
#define CHECKER __attribute__((no_sanitize("address", "coverage")))
#else
#define CHECKER
#endif

static struct vhost_user_region regions[2];   /* the ones mapped */
static unsigned nregions;
static uint8_t snapshot[MEM_SIZE];
static int32_t cover[MEM_SIZE + 1];           /* difference array over memfd offsets */

CHECKER static void allow(uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len < gpa ? UINT64_MAX : gpa + len;
	for (unsigned i = 0; i < nregions; i++) {
		const struct vhost_user_region *r = &regions[i];
		uint64_t lo = gpa > r->guest_phys_addr ? gpa : r->guest_phys_addr;
		uint64_t hi = end < r->guest_phys_addr + r->memory_size ? end :
			      r->guest_phys_addr + r->memory_size;
		if (lo >= hi)
			continue;
		cover[r->mmap_offset + (lo - r->guest_phys_addr)]++;
		cover[r->mmap_offset + (hi - r->guest_phys_addr)]--;
	}
}

/* Reads the snapshot at a guest physical address; false where unmapped. */
CHECKER static bool snap_read(uint64_t gpa, void *dst, size_t len)
{
	uint8_t *d = dst;
	while (len) {
		unsigned i = 0;
		while (i < nregions && !(gpa >= regions[i].guest_phys_addr &&
					 gpa - regions[i].guest_phys_addr < regions[i].memory_size))
			i++;
		if (i == nregions)
			return false;
		uint64_t at = gpa - regions[i].guest_phys_addr;
		size_t k = regions[i].memory_size - at < len ? (size_t)(regions[i].memory_size - at)
							       : len;
		memcpy(d, snapshot + regions[i].mmap_offset + at, k);
		d += k;
		gpa += k;
		len -= k;
	}
	return true;
}

/* Descriptors one check may read: a ring of 32768 entries each naming
 * an indirect table of as many would take seconds. Past it the pass goes
 * unchecked. */
#define CHECK_BUDGET 65536u
static uint32_t budget;

/* `n` descriptors at `gpa`; `indirect`: those of a ring of `n`, which
 * may name indirect tables of up to `n`. */
CHECKER static bool allow_table(uint64_t gpa, uint64_t n, bool indirect)
{
	for (uint64_t i = 0; i < n; i++) {
		struct virtq_desc d;
		if (!budget--)
			return false;
		if (!snap_read(gpa + 16 * i, &d, sizeof(d)))
			continue;
		if (d.flags & VIRTQ_DESC_F_WRITE)
			allow(d.addr, d.len);
		/* The device refuses tables longer than the ring. */
		if (!indirect || !(d.flags & VIRTQ_DESC_F_INDIRECT) || d.len / 16 > n)
			continue;
		if (!allow_table(d.addr, d.len / 16, false))
			return false;
	}
	return true;
}

CHECKER static void check_writes(const struct sgl_vu *vu)
{
	memset(cover, 0, sizeof(cover));
	budget = CHECK_BUDGET;
	for (unsigned i = 0; i < 2; i++) {
		const struct sgl_vq *q = &vu->vq[i];
		uint64_t used;
		if (!q->mapped)
			continue;
		if (sgl_gmem_uva_to_gpa(&vu->mem, q->used_uva, VIRTQ_USED_BYTES(q->num), &used))
			allow(used, VIRTQ_USED_BYTES(q->num));
		if (!allow_table(q->desc_gpa, q->num, q->indirect))
			return;
	}
	int32_t depth = 0;
	for (uint32_t o = 0; o < MEM_SIZE; o++) {
		depth += cover[o];
		if (snapshot[o] != mem[o] && depth <= 0)
			fuzz_die("the device wrote memfd offset 0x%x, outside the used rings and "
				 "every device-writable buffer", o);
	}
}

/* Whether a channel call would block (the session thread would wait). */
static bool read_blocks(const struct sgl_vsock_conn *c)
{
	return !c->shut && !c->in.len && !c->reset && !c->peer_no_send;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct head h;
	struct sgl_vu vu;
	struct sgl_vsock_conn *ch[MAX_CHANNELS];
	unsigned nch = 0;
	bool dropped = false;
	char why[128];

	nregions = 0;
	setup();
	memset(&h, 0, sizeof(h));
	memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
	size_t at = size < sizeof(h) ? size : sizeof(h);
	unsigned nops = h.nops % (MAX_OPS + 1);
	const uint8_t *ops = data + at;
	if (nops * 8 > size - at)
		nops = (unsigned)((size - at) / 8);
	at += nops * 8;
	memset(mem, 0, MEM_SIZE);
	memcpy(mem, data + at, size - at < MEM_SIZE ? size - at : MEM_SIZE);

	/* The memory table, as SET_MEM_TABLE would bring it. */
	sgl_vu_init(&vu, 1ull << VIRTIO_RING_F_INDIRECT_DESC, 3, NULL, 0);
	for (unsigned i = 0; i < ((h.flags & F_REGION1) ? 2u : 1u); i++) {
		uint32_t off = h.region[i][2] % MEM_SIZE;
		struct vhost_user_region r = {
			.guest_phys_addr = h.region[i][0],
			.memory_size = h.region[i][1] % (MEM_SIZE - off + 1),
			.userspace_addr = h.region[i][0] + UVA_BASE,
			.mmap_offset = off,
		};
		if (sgl_gmem_add(&vu.mem, &r, memfd, why, sizeof(why)) == 0)
			regions[nregions++] = r;
	}
	bool indirect = h.flags & F_INDIRECT;
	ring_start(&vu.vq[VSOCK_QUEUE_TX], &vu.mem, h.tx_log, h.tx, h.tx_last, indirect, true);
	ring_start(&vu.vq[VSOCK_QUEUE_RX], &vu.mem, h.rx_log, h.rx, h.rx_last, indirect,
		   !(h.flags & F_RX_OFF));

	struct sgl_vsock dev = {
		.lock = &lock, .guest_cid = GUEST_CID, .port = PORT,
		.max_conns = (h.flags & F_FEW_CONNS) ? 1 : 4,
		.accept_cond = &accept_cond,
		.wake = wake, .log = log_discard,
		.ref = ref, .unref = unref,
	};

	for (unsigned i = 0; i < nops; i++) {
		const uint8_t *o = ops + 8 * i;
		uint8_t op = o[0] % OP_COUNT, a = o[1];
		uint16_t b = (uint16_t)(o[2] | o[3] << 8);
		uint32_t c = (uint32_t)o[4] | (uint32_t)o[5] << 8 | (uint32_t)o[6] << 16 |
			     (uint32_t)o[7] << 24;
		struct sgl_vsock_conn *cn = nch ? ch[a % nch] : NULL;
		uint32_t n;

		switch (op) {
		case OP_PROCESS:
			if (dropped)
				break;
			memcpy(snapshot, mem, MEM_SIZE);
			pthread_mutex_lock(&lock);
			int pr = sgl_vsock_process(&dev, &vu);
			if (memcmp(snapshot, mem, MEM_SIZE))
				check_writes(&vu);
			if (pr < 0) {
				if (!vu.why[0])
					fuzz_die("process failed without a reason");
				/* drop_frontend: the rings and the connections go. */
				sgl_vu_reset_rings(&vu);
				sgl_vsock_reset(&dev);
				dropped = true;
			}
			check(&dev);
			pthread_mutex_unlock(&lock);
			break;
		case OP_POKE32:
			memcpy(mem + (4u * b) % MEM_SIZE, &c, 4);
			break;
		case OP_POKE16:
			memcpy(mem + (2u * b) % MEM_SIZE, &c, 2);
			break;
		case OP_ACCEPT:
			if (nch == MAX_CHANNELS)
				break;
			pthread_mutex_lock(&lock);
			cn = sgl_vsock_accept_next(&dev);
			pthread_mutex_unlock(&lock);
			if (cn)
				ch[nch++] = cn;
			break;
		case OP_READ:
			if (!cn || read_blocks(cn))
				break;
			n = c % sizeof(buf);
			if (cn->base.ops->read(&cn->base, buf, n ? n : 1) < 0 && !cn->shut)
				fuzz_die("read failed on a channel not shut down");
			break;
		case OP_WRITE:
			if (!cn)
				break;
			n = c % sizeof(buf);
			/* Without room the session waits for the device: only
			 * what fits, unless the write fails at once. */
			if (!(cn->shut || cn->reset || cn->peer_no_recv) &&
			    n > cn->out.size - cn->out.len)
				n = cn->out.size - cn->out.len;
			memset(buf, a, n);
			cn->base.ops->write(&cn->base, buf, n);
			break;
		case OP_SHUTDOWN:
			if (cn)
				cn->base.ops->shutdown(&cn->base);
			break;
		case OP_DESTROY:
			if (!cn)
				break;
			cn->base.ops->destroy(&cn->base);
			nch--;
			ch[a % (nch + 1)] = ch[nch];
			break;
		case OP_EXPIRE:
			for (struct sgl_vsock_conn *x = dev.conns; x; x = x->next)
				if (x->shutdown_sent)
					x->close_deadline_ns = 0;
			break;
		case OP_RESTART: {
			if (dropped)
				break;
			struct sgl_vq *q = &vu.vq[a & 1];
			q->started = q->enabled = false;
			q->last_avail = b;
			if (q->num && q->addr_set && sgl_vq_map(q, &vu.mem) == 0)
				q->started = q->enabled = true;
			break;
		}
		}
	}

	/* The sessions end, the frontend leaves. */
	while (nch) {
		struct sgl_vsock_conn *cn = ch[--nch];
		cn->base.ops->destroy(&cn->base);
	}
	pthread_mutex_lock(&lock);
	sgl_vsock_reset(&dev);
	pthread_mutex_unlock(&lock);
	if (dev_refs)
		fuzz_die("%d channel references on the device left", dev_refs);
	sgl_vu_reset_rings(&vu);
	sgl_gmem_clear(&vu.mem);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Seeds: a guest like Linux's driver, written into the memory image. */

#define Q 16u
#define TX_DESC 0x1000u
#define TX_AVAIL 0x1200u
#define TX_USED 0x1300u
#define RX_DESC 0x2000u
#define RX_AVAIL 0x2200u
#define RX_USED 0x2300u
#define TX_BUFS 0x3000u
#define RX_GPA 0x100000u     /* region 1: the second half of the memfd */

struct seed {
	struct head h;
	uint8_t ops[MAX_OPS][8];
	uint8_t mem[MEM_SIZE];
	unsigned nops;
	uint16_t tx_avail, rx_avail, tx_desc;
};

static void put16(uint8_t *m, uint32_t off, uint16_t v)
{
	memcpy(m + off, &v, 2);
}

/* Guest physical address to memfd offset, for the seed's two regions. */
static uint32_t off_of(uint64_t gpa)
{
	return gpa >= RX_GPA ? (uint32_t)(gpa - RX_GPA + MEM_SIZE / 2) : (uint32_t)gpa;
}

static void desc(struct seed *s, uint32_t table, uint16_t i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };
	memcpy(s->mem + off_of(table) + 16u * i, &d, sizeof(d));
}

static void op(struct seed *s, uint8_t kind, uint8_t a, uint16_t b, uint32_t c)
{
	uint8_t *o = s->ops[s->nops++];
	o[0] = kind;
	o[1] = a;
	memcpy(o + 2, &b, 2);
	memcpy(o + 4, &c, 4);
}

static void seed_init(struct seed *s, bool indirect)
{
	memset(s, 0, sizeof(*s));
	s->h.tx_log = s->h.rx_log = 4;   /* 16 */
	s->h.flags = F_REGION1 | (indirect ? F_INDIRECT : 0);
	s->h.region[0][0] = 0;
	s->h.region[0][1] = MEM_SIZE / 2;
	s->h.region[1][0] = RX_GPA;
	s->h.region[1][1] = MEM_SIZE / 2;
	s->h.region[1][2] = MEM_SIZE / 2;
	s->h.tx[0] = TX_DESC, s->h.tx[1] = TX_AVAIL, s->h.tx[2] = TX_USED;
	s->h.rx[0] = RX_DESC, s->h.rx[1] = RX_AVAIL, s->h.rx[2] = RX_USED;
	/* Receive buffers: one writable descriptor of 4 KiB each. */
	for (uint16_t i = 0; i < Q; i++) {
		desc(s, RX_DESC, i, RX_GPA + 0x1000u * (i % 4), 0x1000, VIRTQ_DESC_F_WRITE, 0);
		put16(s->mem, RX_AVAIL + 4 + 2 * i, i);
	}
	s->rx_avail = Q;
	put16(s->mem, RX_AVAIL + 2, s->rx_avail);
}

/* A packet on the tx ring: header and payload in two descriptors (Linux),
 * or through an indirect table. */
static void tx(struct seed *s, uint16_t op_, uint32_t flags, const char *payload, bool indirect)
{
	uint32_t len = payload ? (uint32_t)strlen(payload) : 0;
	uint16_t i = s->tx_desc;
	uint32_t at = TX_BUFS + 0x100u * i;
	struct vsock_hdr h = {
		.src_cid = GUEST_CID, .dst_cid = VSOCK_CID_HOST, .src_port = 1024,
		.dst_port = PORT, .len = len, .type = VSOCK_TYPE_STREAM, .op = op_,
		.flags = flags, .buf_alloc = 256 * 1024, .fwd_cnt = 0,
	};
	memcpy(s->mem + at, &h, sizeof(h));
	if (len)
		memcpy(s->mem + at + 64, payload, len);
	if (indirect) {
		/* The table after the buffers, two entries. */
		uint32_t table = at + 0xc0;
		desc(s, table, 0, at, sizeof(h), len ? VIRTQ_DESC_F_NEXT : 0, 1);
		desc(s, table, 1, at + 64, len, 0, 0);
		desc(s, TX_DESC, i, table, len ? 32 : 16, VIRTQ_DESC_F_INDIRECT, 0);
		s->tx_desc = (uint16_t)((i + 1) % Q);
	} else if (len) {
		desc(s, TX_DESC, i, at, sizeof(h), VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % Q));
		desc(s, TX_DESC, (uint16_t)((i + 1) % Q), at + 64, len, 0, 0);
		s->tx_desc = (uint16_t)((i + 2) % Q);
	} else {
		desc(s, TX_DESC, i, at, sizeof(h), 0, 0);
		s->tx_desc = (uint16_t)((i + 1) % Q);
	}
	put16(s->mem, TX_AVAIL + 4 + 2 * (s->tx_avail % Q), i);
	s->tx_avail++;
	put16(s->mem, TX_AVAIL + 2, s->tx_avail);
}

static void emit(fuzz_emit_fn fn, void *user, const char *name, struct seed *s)
{
	static uint8_t out[sizeof(struct head) + sizeof(s->ops) + MEM_SIZE];
	/* Trailing zeros of the memory image need not be sent. */
	size_t memlen = MEM_SIZE;
	while (memlen && !s->mem[memlen - 1])
		memlen--;
	s->h.nops = (uint8_t)s->nops;
	memcpy(out, &s->h, sizeof(s->h));
	memcpy(out + sizeof(s->h), s->ops, 8u * s->nops);
	memcpy(out + sizeof(s->h) + 8u * s->nops, s->mem, memlen);
	fn(user, name, out, sizeof(s->h) + 8u * s->nops + memlen);
}

void fuzz_seeds(fuzz_emit_fn fn, void *user)
{
	static struct seed s;

	/* Connect, talk both ways, close from the guest. */
	seed_init(&s, false);
	tx(&s, VSOCK_OP_REQUEST, 0, NULL, false);
	tx(&s, VSOCK_OP_RW, 0, "hello from the guest", false);
	tx(&s, VSOCK_OP_CREDIT_REQUEST, 0, NULL, false);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_ACCEPT, 0, 0, 0);
	op(&s, OP_READ, 0, 0, 100);
	op(&s, OP_WRITE, 'x', 0, 5000);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_READ, 0, 0, 100);
	op(&s, OP_DESTROY, 0, 0, 0);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_EXPIRE, 0, 0, 0);
	op(&s, OP_PROCESS, 0, 0, 0);
	emit(fn, user, "connect-rw-close", &s);

	/* The guest shuts down both ways; the host answers RST. */
	seed_init(&s, false);
	tx(&s, VSOCK_OP_REQUEST, 0, NULL, false);
	tx(&s, VSOCK_OP_RW, 0, "bytes before the end", false);
	tx(&s, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND, NULL, false);
	op(&s, OP_ACCEPT, 0, 0, 0);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_ACCEPT, 0, 0, 0);
	op(&s, OP_WRITE, 'y', 0, 100);
	op(&s, OP_READ, 0, 0, 1000);
	op(&s, OP_READ, 0, 0, 1000);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_SHUTDOWN, 0, 0, 0);
	emit(fn, user, "shutdown", &s);

	/* Indirect descriptors (negotiated), a credit update, an RST. */
	seed_init(&s, true);
	tx(&s, VSOCK_OP_REQUEST, 0, NULL, true);
	tx(&s, VSOCK_OP_RW, 0, "through an indirect table", true);
	tx(&s, VSOCK_OP_CREDIT_UPDATE, 0, NULL, true);
	tx(&s, VSOCK_OP_RST, 0, NULL, false);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_ACCEPT, 0, 0, 0);
	op(&s, OP_READ, 0, 0, 64);
	op(&s, OP_WRITE, 'z', 0, 70000);
	op(&s, OP_PROCESS, 0, 0, 0);
	emit(fn, user, "indirect-rst", &s);

	/* Packets to another port and CID: orphan RSTs; then the guest
	 * posts more tx (pokes the avail index) and the ring restarts. */
	seed_init(&s, false);
	tx(&s, VSOCK_OP_REQUEST, 0, NULL, false);
	{
		struct vsock_hdr h;
		memcpy(&h, s.mem + TX_BUFS, sizeof(h));
		h.dst_port = PORT + 1;
		memcpy(s.mem + TX_BUFS, &h, sizeof(h));
	}
	tx(&s, VSOCK_OP_REQUEST, 0, NULL, false);
	tx(&s, VSOCK_OP_RW, 0, "0123456789abcdef0123456789abcdef", false);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_POKE16, 0, TX_AVAIL / 2 + 1, 4);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_RESTART, 1, 0, 0);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_ACCEPT, 0, 0, 0);
	op(&s, OP_WRITE, 'w', 0, 300000);
	op(&s, OP_PROCESS, 0, 0, 0);
	op(&s, OP_PROCESS, 0, 0, 0);
	emit(fn, user, "orphans-restart", &s);
}
