/*
 * Split-virtqueue parsing (src/transport/virtqueue.c) and guest memory
 * (guest_memory.c) against hostile guests, over memfd guest memory laid
 * out as two regions with a hole, like QEMU's:
 *
 * - good chains, direct and indirect, read and written across regions;
 * - loops, next indices out of the table, buffers outside guest memory,
 *   64-bit address + length overflow, readable after writable, heads out
 *   of range, the avail index jumping ahead, indirect tables not
 *   negotiated / nested / with NEXT / ragged / too long / bad next;
 * - the 16-bit avail and used indices wrapping;
 * - memory regions that overlap, overflow or outrun their fd.
 * Each bad ring must come back -EPROTO with a reason, never a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "transport/virtqueue.h"

#define MEM (1u << 20)
#define HOLE 0x40000u         /* region 0: [0, HOLE); region 1: [HOLE + 0x10000, MEM) */
#define R1 (HOLE + 0x10000u)
#define NUM 8u
#define DESC 0x80000u
#define AVAIL 0x81000u
#define USED 0x82000u
#define TABLE 0x83000u        /* indirect tables */
#define UVA_BASE 0x7f0000000000ull

struct fx {
	int fd;
	uint8_t *mem;
	struct sgl_gmem gm;
	struct sgl_vq q;
	uint16_t avail_idx;
};

static struct vhost_user_region reg(uint64_t gpa, uint64_t size, uint64_t off)
{
	return (struct vhost_user_region){ gpa, size, UVA_BASE + gpa, off };
}

static int setup(void **state)
{
	static struct fx f;
	char why[128];

	memset(&f, 0, sizeof(f));
	f.fd = memfd_create("vq-test", MFD_CLOEXEC);
	assert_int_equal(ftruncate(f.fd, MEM), 0);
	f.mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd, 0);
	sgl_gmem_init(&f.gm);
	struct vhost_user_region a = reg(0, HOLE, 0), b = reg(R1, MEM - R1, R1);
	assert_int_equal(sgl_gmem_add(&f.gm, &a, f.fd, why, sizeof(why)), 0);
	assert_int_equal(sgl_gmem_add(&f.gm, &b, f.fd, why, sizeof(why)), 0);
	sgl_vq_init(&f.q);
	f.q.num = NUM;
	f.q.desc_uva = UVA_BASE + DESC;
	f.q.avail_uva = UVA_BASE + AVAIL;
	f.q.used_uva = UVA_BASE + USED;
	f.q.addr_set = true;
	assert_int_equal(sgl_vq_map(&f.q, &f.gm), 0);
	f.q.started = f.q.enabled = true;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sgl_vq_reset(&f->q);
	sgl_gmem_clear(&f->gm);
	munmap(f->mem, MEM);
	close(f->fd);
	return 0;
}

static void desc(struct fx *f, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };
	memcpy(f->mem + table + 16 * i, &d, sizeof(d));
}

/* Makes head `h` available (one more entry). */
static void offer(struct fx *f, uint16_t h)
{
	memcpy(f->mem + AVAIL + 4 + 2 * (f->avail_idx % NUM), &h, 2);
	f->avail_idx++;
	memcpy(f->mem + AVAIL + 2, &f->avail_idx, 2);
}

static void test_good_chain(void **state)
{
	struct fx *f = *state;
	struct sgl_vq_chain c;
	char out[32] = "";

	memcpy(f->mem + 0x1000, "hello ", 6);
	memcpy(f->mem + R1 + 0x100, "world", 5);
	desc(f, DESC, 0, 0x1000, 6, VIRTQ_DESC_F_NEXT, 3);
	desc(f, DESC, 3, R1 + 0x100, 5, VIRTQ_DESC_F_NEXT, 5);
	desc(f, DESC, 5, R1 + 0x200, 64, VIRTQ_DESC_F_WRITE, 0);
	offer(f, 0);
	assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), 1);
	assert_int_equal(c.nseg, 3);
	assert_int_equal(c.readable, 11);
	assert_int_equal(c.writable, 64);
	assert_int_equal(sgl_vq_read(&f->gm, &c, 0, out, sizeof(out)), 11);
	assert_memory_equal(out, "hello world", 11);
	assert_int_equal(sgl_vq_read(&f->gm, &c, 4, out, 4), 4);
	assert_memory_equal(out, "o wo", 4);
	assert_int_equal(sgl_vq_write(&f->gm, &c, 2, "xyz", 3), 3);
	assert_memory_equal(f->mem + R1 + 0x202, "xyz", 3);
	sgl_vq_push(&f->q, &c, 5);
	uint16_t used_idx;
	struct virtq_used_elem e;
	memcpy(&used_idx, f->mem + USED + 2, 2);
	memcpy(&e, f->mem + USED + 4, sizeof(e));
	assert_int_equal(used_idx, 1);
	assert_int_equal(e.id, 0);
	assert_int_equal(e.len, 5);
	assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), 0);   /* nothing more */
}

static void test_indirect(void **state)
{
	struct fx *f = *state;
	struct sgl_vq_chain c;

	f->q.indirect = true;
	desc(f, TABLE, 0, 0x2000, 44, VIRTQ_DESC_F_NEXT, 2);
	desc(f, TABLE, 2, 0x3000, 100, VIRTQ_DESC_F_NEXT, 1);
	desc(f, TABLE, 1, 0x4000, 200, VIRTQ_DESC_F_WRITE, 0);
	desc(f, DESC, 4, TABLE, 48, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 4);
	assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), 1);
	assert_int_equal(c.head, 4);
	assert_int_equal(c.nseg, 3);
	assert_int_equal(c.readable, 144);
	assert_int_equal(c.writable, 200);
}

/* 16-bit indices wrap: last_avail 0xfffe, avail index 1, used likewise. */
static void test_wrap(void **state)
{
	struct fx *f = *state;
	struct sgl_vq_chain c;
	uint16_t start = 0xfffe;

	f->q.last_avail = start;
	f->avail_idx = start;
	memcpy(f->mem + USED + 2, &start, 2);
	assert_int_equal(sgl_vq_map(&f->q, &f->gm), 0);    /* picks up used idx */
	for (uint16_t i = 0; i < 3; i++) {
		desc(f, DESC, i, 0x1000 + 0x100 * i, 16, 0, 0);
		offer(f, i);
	}
	for (uint16_t i = 0; i < 3; i++) {
		assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), 1);
		assert_int_equal(c.head, i);
		sgl_vq_push(&f->q, &c, 0);
	}
	assert_int_equal(f->q.last_avail, 1);
	uint16_t used_idx;
	memcpy(&used_idx, f->mem + USED + 2, 2);
	assert_int_equal(used_idx, 1);
	assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), 0);
}

struct bad {
	const char *name;
	void (*build)(struct fx *f);
	const char *why;
};

static void loop(struct fx *f)
{
	desc(f, DESC, 0, 0x1000, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(f, DESC, 1, 0x1000, 8, VIRTQ_DESC_F_NEXT, 0);
	offer(f, 0);
}

static void self_loop(struct fx *f)
{
	desc(f, DESC, 2, 0x1000, 8, VIRTQ_DESC_F_NEXT, 2);
	offer(f, 2);
}

static void next_out(struct fx *f)
{
	desc(f, DESC, 0, 0x1000, 8, VIRTQ_DESC_F_NEXT, NUM);
	offer(f, 0);
}

static void in_hole(struct fx *f)
{
	desc(f, DESC, 0, HOLE + 8, 8, 0, 0);
	offer(f, 0);
}

static void across_hole(struct fx *f)
{
	desc(f, DESC, 0, HOLE - 8, 16, 0, 0);
	offer(f, 0);
}

static void past_end(struct fx *f)
{
	desc(f, DESC, 0, MEM - 8, 9, 0, 0);
	offer(f, 0);
}

static void len_overflow(struct fx *f)
{
	desc(f, DESC, 0, 0xfffffffffffffff0ull, 0x20, 0, 0);
	offer(f, 0);
}

static void huge_len(struct fx *f)
{
	desc(f, DESC, 0, 0x1000, 0xffffffffu, 0, 0);
	offer(f, 0);
}

static void order(struct fx *f)
{
	desc(f, DESC, 0, 0x1000, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(f, DESC, 1, 0x2000, 8, 0, 0);
	offer(f, 0);
}

static void head_out(struct fx *f)
{
	offer(f, NUM);
}

static void avail_jump(struct fx *f)
{
	uint16_t idx = NUM + 1;
	memcpy(f->mem + AVAIL + 2, &idx, 2);
}

static void avail_back(struct fx *f)
{
	uint16_t idx = 0xffff;   /* "65535 pending": behind us, really */
	memcpy(f->mem + AVAIL + 2, &idx, 2);
}

static void indirect_off(struct fx *f)
{
	f->q.indirect = false;
	desc(f, DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_nested(struct fx *f)
{
	desc(f, TABLE, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(f, DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_next(struct fx *f)
{
	desc(f, TABLE, 0, 0x1000, 8, 0, 0);
	desc(f, DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	offer(f, 0);
}

static void indirect_ragged(struct fx *f)
{
	desc(f, DESC, 0, TABLE, 20, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_long(struct fx *f)
{
	desc(f, DESC, 0, TABLE, 16 * (NUM + 1), VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_loop(struct fx *f)
{
	desc(f, TABLE, 0, 0x1000, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(f, TABLE, 1, 0x1000, 8, VIRTQ_DESC_F_NEXT, 0);
	desc(f, DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_bad_next(struct fx *f)
{
	desc(f, TABLE, 0, 0x1000, 8, VIRTQ_DESC_F_NEXT, 2);
	desc(f, DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_outside(struct fx *f)
{
	desc(f, DESC, 0, HOLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void indirect_mid_chain(struct fx *f)
{
	desc(f, TABLE, 0, 0x1000, 8, 0, 0);
	desc(f, DESC, 0, 0x1000, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(f, DESC, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static const struct bad bads[] = {
	{ "loop", loop, "a loop?" },
	{ "self loop", self_loop, "a loop?" },
	{ "next out of table", next_out, "next index 8 of 8" },
	{ "buffer in the hole", in_hole, "outside guest memory" },
	{ "buffer across the hole", across_hole, "outside guest memory" },
	{ "buffer past the end", past_end, "outside guest memory" },
	{ "address + length overflow", len_overflow, "outside guest memory" },
	{ "4 GiB length", huge_len, "outside guest memory" },
	{ "readable after writable", order, "readable buffer after a writable one" },
	{ "head out of range", head_out, "names descriptor 8 of 8" },
	{ "avail index jump", avail_jump, "ahead of" },
	{ "avail index behind", avail_back, "ahead of" },
	{ "indirect not negotiated", indirect_off, "not negotiated" },
	{ "nested indirect", indirect_nested, "nested indirect" },
	{ "indirect with next", indirect_next, "indirect descriptor with NEXT" },
	{ "ragged indirect table", indirect_ragged, "indirect table of 20 bytes" },
	{ "indirect table too long", indirect_long, "indirect table of 144 bytes" },
	{ "loop in indirect table", indirect_loop, "a loop?" },
	{ "indirect next out of table", indirect_bad_next, "indirect next index 2" },
	{ "indirect table outside memory", indirect_outside, "indirect table outside" },
	{ "indirect inside a chain", indirect_mid_chain, "indirect descriptor inside a chain" },
};

static void test_hostile(void **state)
{
	struct sgl_vq_chain c;

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		teardown(state);
		setup(state);
		struct fx *f = *state;
		f->q.indirect = true;
		bads[i].build(f);
		int r = sgl_vq_pop(&f->q, &f->gm, &c);
		if (r != -EPROTO || !strstr(f->q.why, bads[i].why))
			fail_msg("%s: %d \"%s\", want \"%s\"", bads[i].name, r, f->q.why, bads[i].why);
		assert_true(f->q.broken);
		/* Broken stays broken. */
		assert_int_equal(sgl_vq_pop(&f->q, &f->gm, &c), -EPROTO);
	}
}

/* Ring addresses must be in guest memory and aligned. */
static void test_map(void **state)
{
	struct fx *f = *state;

	f->q.desc_uva = UVA_BASE + HOLE - 16;    /* runs into the hole */
	assert_int_equal(sgl_vq_map(&f->q, &f->gm), -EFAULT);
	f->q.desc_uva = UVA_BASE + DESC + 8;     /* misaligned */
	assert_int_equal(sgl_vq_map(&f->q, &f->gm), -EFAULT);
	f->q.desc_uva = UVA_BASE + DESC;
	f->q.used_uva = MEM - 8 + UVA_BASE;
	assert_int_equal(sgl_vq_map(&f->q, &f->gm), -EFAULT);
	assert_false(sgl_vq_ready(&f->q));
}

static void test_regions(void **state)
{
	struct fx *f = *state;
	struct sgl_gmem m;
	char why[128];
	uint8_t buf[32];

	sgl_gmem_init(&m);
	struct vhost_user_region a = reg(0x1000, 0x1000, 0x1000), b = reg(0x2000, 0x1000, 0x5000);
	assert_int_equal(sgl_gmem_add(&m, &a, f->fd, why, sizeof(why)), 0);
	assert_int_equal(sgl_gmem_add(&m, &b, f->fd, why, sizeof(why)), 0);
	/* Adjacent in guest memory, apart in the file: a read spans both. */
	memset(f->mem + 0x1ff0, 'a', 16);
	memset(f->mem + 0x5000, 'b', 16);
	assert_int_equal(sgl_gmem_read(&m, 0x1ff0, buf, 32), 0);
	assert_int_equal(buf[15], 'a');
	assert_int_equal(buf[16], 'b');
	assert_null(sgl_gmem_ptr(&m, 0x1ff0, 32));   /* not one region */
	assert_int_equal(sgl_gmem_read(&m, 0x2ff0, buf, 32), -EFAULT);
	uint64_t gpa;
	assert_true(sgl_gmem_uva_to_gpa(&m, UVA_BASE + 0x2010, 16, &gpa));
	assert_int_equal(gpa, 0x2010);
	assert_false(sgl_gmem_uva_to_gpa(&m, UVA_BASE + 0x1ff0, 32, &gpa));

	struct vhost_user_region overlap = reg(0x2800, 0x1000, 0);
	assert_int_equal(sgl_gmem_add(&m, &overlap, f->fd, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "overlaps"));
	struct vhost_user_region wrap = { 0xfffffffffffff000ull, 0x2000, 0x100000, 0 };
	assert_int_equal(sgl_gmem_add(&m, &wrap, f->fd, why, sizeof(why)), -EINVAL);
	struct vhost_user_region uva_wrap = { 0x100000, 0x1000, 0xfffffffffffffff0ull, 0 };
	assert_int_equal(sgl_gmem_add(&m, &uva_wrap, f->fd, why, sizeof(why)), -EINVAL);
	struct vhost_user_region off_wrap = { 0x100000, 0x1000, 0x300000, 0xfffffffffffff000ull };
	assert_int_equal(sgl_gmem_add(&m, &off_wrap, f->fd, why, sizeof(why)), -EINVAL);
	struct vhost_user_region empty = { 0x100000, 0, 0x300000, 0 };
	assert_int_equal(sgl_gmem_add(&m, &empty, f->fd, why, sizeof(why)), -EINVAL);
	struct vhost_user_region longer = { 0x100000, MEM, 0x300000, 0x1000 };
	assert_int_equal(sgl_gmem_add(&m, &longer, f->fd, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bytes long"));
	assert_int_equal(sgl_gmem_remove(&m, &a), 0);
	assert_int_equal(sgl_gmem_remove(&m, &a), -ENOENT);
	assert_int_equal(sgl_gmem_read(&m, 0x1ff0, buf, 1), -EFAULT);
	sgl_gmem_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
