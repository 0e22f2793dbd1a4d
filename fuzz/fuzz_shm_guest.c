/*
 * libFuzzer target on the guest side of the shared-memory transport
 * (guest/shm.c over protocol/sgl_shm.c) with a hostile host: the file's
 * header and slot claim words come from the input, then, once the guest
 * has claimed a slot, the host's ring counters and reply bytes do, and the
 * guest reads and writes through its channel. A hostile host matters less
 * than a hostile guest, but the ring engine is the same code on both sides.
 *
 * Input (little-endian):
 *   u8    flags: bit 0 the host is remote (pid 0: heartbeats, a thread),
 *         bit 1 the host stops (host_alive 0) after the guest connected;
 *   64    struct sgl_shm_info as the host wrote it (the seeds: a valid one
 *         of 2 slots of 4 KiB rings);
 *   u32   host_alive, u64 host_generation;
 *   8 x u64  the first slots' claim words;
 *   then, after the connect: u64 reply.head, u64 cmd.tail, u64 the claim
 *   word the host leaves, and ops of 4 bytes {u8 op, u8 unused, u16 n}:
 *   read n, write n; the rest of the input is the reply ring's data.
 * Reads and writes are made only when they cannot wait.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "channel.h"
#include "fuzz.h"
#include "sgl_shm.h"
#include "shm.h"

#define RING 4096u
#define SLOTS 2u
#define MAX_SLOTS 8u
#define FILE_MAX (SGL_SHM_SLOTS_OFFSET + MAX_SLOTS * (SGL_SHM_SLOT_DATA + 2 * RING))
#define MAX_OPS 32

#define F_REMOTE 1u
#define F_STOP 2u

static int memfd = -1;
static uint8_t *mem;
static char path[64];

static void setup(void)
{
	if (mem)
		return;
	mem = fuzz_memfd_map("fuzz-shm", FILE_MAX, &memfd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct sgl_shm_header *h;
	char err[256];

	setup();
	memset(mem, 0, FILE_MAX);
	h = (struct sgl_shm_header *)mem;
	uint8_t flags = (uint8_t)fuzz_take(&in, 1);
	uint8_t *info = (uint8_t *)&h->info;
	for (unsigned i = 0; i < sizeof(h->info); i++)
		info[i] = (uint8_t)fuzz_take(&in, 1);
	atomic_store(&h->host_alive, (uint32_t)fuzz_take(&in, 4));
	atomic_store(&h->host_generation, fuzz_take(&in, 8));
	atomic_store(&h->host_pid, (flags & F_REMOTE) ? 0u : (uint32_t)getpid());
	/* Claim words where the slots would be with the input's ring size
	 * (when it is one the file can hold). */
	uint32_t ring = h->info.ring_size;
	bool geometry = sgl_shm_ring_size_ok(ring) && ring <= RING;
	uint64_t claims[MAX_SLOTS];
	for (unsigned i = 0; i < MAX_SLOTS; i++) {
		claims[i] = fuzz_take(&in, 8);
		if (geometry && sgl_shm_slot_offset(ring, i) + SGL_SHM_SLOT_DATA <= FILE_MAX)
			memcpy(mem + sgl_shm_slot_offset(ring, i), &claims[i], 8);
	}

	struct sgl_channel *ch = sgl_shm_connect(path, err, sizeof(err));
	if (!ch) {
		if (!err[0])
			fuzz_die("connect failed without a reason");
		return 0;
	}
	/* The guest checked the header: its geometry is the file's. */
	if (!geometry || h->info.file_size > FILE_MAX)
		fuzz_die("connected to a header it should have refused");
	int slot = -1;
	for (unsigned i = 0; i < h->info.slot_count && i < MAX_SLOTS; i++) {
		uint64_t w;
		memcpy(&w, mem + sgl_shm_slot_offset(ring, i), 8);
		if (w == claims[i])
			continue;
		if (slot >= 0 || SGL_SHM_CLAIM_STATE(claims[i]) != SGL_SHM_FREE ||
		    w != SGL_SHM_CLAIM(SGL_SHM_CONNECTED, SGL_SHM_CLAIM_GEN(claims[i]) + 1))
			fuzz_die("slot %u: claim 0x%llx became 0x%llx", i,
				 (unsigned long long)claims[i], (unsigned long long)w);
		slot = (int)i;
	}
	if (slot < 0)
		fuzz_die("connected without claiming a slot");

	/* The host, from here on. */
	struct sgl_shm_slot *s = (struct sgl_shm_slot *)(mem + sgl_shm_slot_offset(ring, (uint32_t)slot));
	uint8_t *reply = (uint8_t *)s + sgl_shm_reply_data(ring);
	uint64_t head = fuzz_take(&in, 8), tail = fuzz_take(&in, 8), claim = fuzz_take(&in, 8);
	atomic_store(&s->reply.head, head);
	atomic_store(&s->cmd.tail, tail);
	if (claim != 0)
		atomic_store(&s->claim, claim);
	if (flags & F_STOP)
		atomic_store(&h->host_alive, 0);
	uint8_t ops[MAX_OPS][4];
	unsigned nops = 0;
	while (nops < MAX_OPS && in.left >= 4 && in.p[0] < 2) {
		memcpy(ops[nops++], in.p, 4);
		in.p += 4;
		in.left -= 4;
	}
	memcpy(reply, in.p, in.left < ring ? in.left : ring);

	/* What the guest has read and written: its private counters. */
	uint64_t rpos = 0, wpos = 0;
	static uint8_t buf[65536];
	uint64_t mine = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, SGL_SHM_CLAIM_GEN(claims[slot]) + 1);
	bool alive = !(flags & F_STOP) && (claim == 0 || claim == mine);
	for (unsigned i = 0; i < nops; i++) {
		uint16_t n;
		memcpy(&n, ops[i] + 2, 2);
		if (ops[i][0] == 0) {
			/* A read waits while nothing is there and the host is. */
			uint64_t avail = head - rpos;
			if (alive && (!avail || !n))
				continue;
			ssize_t r = ch->ops->read(ch, buf, n);
			if (r > 0 && (avail > ring || (uint64_t)r > avail || (size_t)r > n))
				fuzz_die("read %zd bytes of %llu available (asked %u)", r,
					 (unsigned long long)avail, n);
			for (ssize_t k = 0; k < r; k++)
				if (buf[k] != reply[(rpos + (uint64_t)k) & (ring - 1)])
					fuzz_die("byte %zd of a read is not the ring's", k);
			if (r > 0)
				rpos += (uint64_t)r;
		} else {
			/* A write waits while the ring is full. */
			uint64_t used = wpos - tail;
			if (alive && used <= ring && n > ring - used)
				n = (uint16_t)(ring - used);
			memset(buf, 0x5a, n);
			int r = ch->ops->write(ch, buf, n);
			if (r == 0)
				wpos += n;
			else if (r != -EPIPE && r != -EPROTO)
				fuzz_die("write returned %d", r);
		}
	}
	ch->ops->destroy(ch);
	return 0;
}

/* ---------------------------------------------------------------------- */

void fuzz_seeds(fuzz_emit_fn fn, void *user)
{
	static uint8_t b[512];
	struct sgl_shm_info info = {
		.magic = SGL_SHM_MAGIC, .version = SGL_SHM_VERSION, .slot_count = SLOTS,
		.ring_size = RING, .slots_offset = SGL_SHM_SLOTS_OFFSET,
		.slot_stride = sgl_shm_slot_stride(RING),
		.file_size = sgl_shm_file_size(SLOTS, RING),
	};
	static const char *names[] = { "local-talk", "remote-stopped", "lying-counters" };

	for (unsigned v = 0; v < 3; v++) {
		size_t n = 0;
		uint32_t alive = 1;
		uint64_t gen = 77, claim0 = SGL_SHM_CLAIM(SGL_SHM_CONNECTED, 5), claim1 = 0;
		uint64_t head = v == 2 ? 10000 : 300, tail = v == 2 ? 1u << 20 : 0, left = 0;
		b[n++] = v == 1 ? F_REMOTE | F_STOP : 0;
		memcpy(b + n, &info, sizeof(info)), n += sizeof(info);
		memcpy(b + n, &alive, 4), n += 4;
		memcpy(b + n, &gen, 8), n += 8;
		memcpy(b + n, &claim0, 8), n += 8;
		memcpy(b + n, &claim1, 8), n += 8;
		memset(b + n, 0, 6 * 8), n += 6 * 8;
		memcpy(b + n, &head, 8), n += 8;
		memcpy(b + n, &tail, 8), n += 8;
		memcpy(b + n, &left, 8), n += 8;
		static const uint8_t ops[][4] = { { 0, 0, 100, 0 }, { 1, 0, 200, 0 },
						  { 0, 0, 0, 1 }, { 1, 0, 0, 16 } };
		memcpy(b + n, ops, sizeof(ops)), n += sizeof(ops);
		for (unsigned i = 0; i < 200; i++)
			b[n++] = (uint8_t)(2 + i);   /* never an op byte */
		fn(user, names[v], b, n);
	}
}
