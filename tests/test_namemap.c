#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "contexts/namemap.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define PAGE_BYTES (SGL_NAMEMAP_PAGE_SIZE * sizeof(uint64_t))

/* Deterministic generator, so a failure reproduces. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* A bijection on uint64_t (fmix64) that maps non-zero to non-zero: distinct
 * counters give distinct, scattered host values. */
static uint64_t host_for(uint64_t n)
{
	n ^= n >> 33;
	n *= UINT64_C(0xff51afd7ed558ccd);
	n ^= n >> 33;
	n *= UINT64_C(0xc4ceb9fe1a85ec53);
	n ^= n >> 33;
	return n;
}

struct visit_log {
	uint32_t guests[64];
	uint64_t hosts[64];
	size_t n;
};

static void visit_record(void *user, uint32_t guest, uint64_t host)
{
	struct visit_log *log = user;
	assert_true(log->n < ARRAY_LEN(log->guests));
	log->guests[log->n] = guest;
	log->hosts[log->n] = host;
	log->n++;
}

static void visit_count(void *user, uint32_t guest, uint64_t host)
{
	(void)guest;
	(void)host;
	(*(size_t *)user)++;
}

enum op { INSERT, LOOKUP, REMOVE, REVERSE };

struct step {
	enum op op;
	uint32_t guest;
	uint64_t host;
	int64_t expect; /* return code, host value or guest name, per op */
};

static void run_steps(struct sgl_namemap *map, const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		int64_t got = 0;
		switch (s->op) {
		case INSERT:
			got = sgl_namemap_insert(map, s->guest, s->host);
			break;
		case LOOKUP:
			got = (int64_t)sgl_namemap_lookup(map, s->guest);
			break;
		case REMOVE:
			got = (int64_t)sgl_namemap_remove(map, s->guest);
			break;
		case REVERSE:
			got = sgl_namemap_reverse(map, s->host);
			break;
		}
		if (got != s->expect)
			fail_msg("step %zu: op %d guest %u host %llu: got %lld, want %lld", i,
				 s->op, s->guest, (unsigned long long)s->host, (long long)got,
				 (long long)s->expect);
	}
}

static void test_basic(void **state)
{
	(void)state;
	static const struct step steps[] = {
		/* Empty map. */
		{ LOOKUP, 0, 0, 0 },
		{ LOOKUP, 1, 0, 0 },
		{ LOOKUP, UINT32_MAX, 0, 0 },
		{ REVERSE, 0, 0, 0 },
		{ REVERSE, 0, 42, 0 },
		{ REMOVE, 1, 0, 0 },
		{ REMOVE, 0, 0, 0 },
		/* Rejections. */
		{ INSERT, 0, 10, -EINVAL },
		{ INSERT, 5001, 10, -EINVAL },
		{ INSERT, UINT32_MAX, 10, -EINVAL },
		{ INSERT, 1, 0, -EINVAL },
		{ REVERSE, 0, 10, 0 },
		/* Inserts, across a page boundary and at max_name. */
		{ INSERT, 1, 100, 0 },
		{ INSERT, 1023, 101, 0 },
		{ INSERT, 1024, 102, 0 },
		{ INSERT, 5000, UINT64_MAX, 0 },
		{ LOOKUP, 1, 0, 100 },
		{ LOOKUP, 1023, 0, 101 },
		{ LOOKUP, 1024, 0, 102 },
		{ LOOKUP, 5000, 0, (int64_t)UINT64_MAX },
		{ LOOKUP, 2, 0, 0 },
		{ LOOKUP, 5001, 0, 0 },
		{ REVERSE, 0, 100, 1 },
		{ REVERSE, 0, 102, 1024 },
		{ REVERSE, 0, UINT64_MAX, 5000 },
		{ REVERSE, 0, 103, 0 },
		/* Duplicates: same guest, or same host under another guest. */
		{ INSERT, 1, 100, -EEXIST },
		{ INSERT, 1, 200, -EEXIST },
		{ INSERT, 2, 100, -EEXIST },
		{ LOOKUP, 1, 0, 100 },
		{ LOOKUP, 2, 0, 0 },
		/* Remove, then reinsert with another host; the old host is gone. */
		{ REMOVE, 1, 0, 100 },
		{ REMOVE, 1, 0, 0 },
		{ LOOKUP, 1, 0, 0 },
		{ REVERSE, 0, 100, 0 },
		{ INSERT, 1, 200, 0 },
		{ LOOKUP, 1, 0, 200 },
		{ REVERSE, 0, 200, 1 },
		{ REVERSE, 0, 100, 0 },
		/* The freed host value can now go to another guest. */
		{ INSERT, 2, 100, 0 },
		{ REVERSE, 0, 100, 2 },
		{ REMOVE, 5000, 0, (int64_t)UINT64_MAX },
		{ REVERSE, 0, UINT64_MAX, 0 },
	};
	struct sgl_mem_budget budget = { .limit = UINT64_MAX };
	struct sgl_namemap with_budget, without;

	sgl_namemap_init(&with_budget, 5000, &budget);
	sgl_namemap_init(&without, 5000, NULL);
	run_steps(&with_budget, steps, ARRAY_LEN(steps));
	run_steps(&without, steps, ARRAY_LEN(steps));
	assert_int_equal(with_budget.count, 4);
	assert_int_equal(without.count, 4);
	assert_true(budget.used > 0);

	sgl_namemap_finish(&with_budget);
	sgl_namemap_finish(&without);
	assert_int_equal(budget.used, 0);
}

/* The top of the uint32_t range: page index and page count must not wrap. */
static void test_max_name(void **state)
{
	(void)state;
	static const struct step steps[] = {
		{ INSERT, UINT32_MAX, 7, 0 },
		{ INSERT, UINT32_MAX - 1, 8, 0 },
		{ INSERT, UINT32_MAX - SGL_NAMEMAP_PAGE_SIZE, 9, 0 },
		{ INSERT, 1, 10, 0 },
		{ INSERT, UINT32_MAX, 11, -EEXIST },
		{ LOOKUP, UINT32_MAX, 0, 7 },
		{ LOOKUP, UINT32_MAX - 1, 0, 8 },
		{ LOOKUP, UINT32_MAX - SGL_NAMEMAP_PAGE_SIZE, 0, 9 },
		{ LOOKUP, UINT32_MAX - 2, 0, 0 },
		{ LOOKUP, 1, 0, 10 },
		{ REVERSE, 0, 7, UINT32_MAX },
		{ REVERSE, 0, 8, UINT32_MAX - 1 },
	};
	struct sgl_mem_budget budget = { .limit = UINT64_MAX };
	struct sgl_namemap map;

	sgl_namemap_init(&map, UINT32_MAX, &budget);
	run_steps(&map, steps, ARRAY_LEN(steps));
	assert_int_equal(map.npages, (UINT32_MAX >> SGL_NAMEMAP_PAGE_BITS) + 1);

	struct visit_log log = { 0 };
	sgl_namemap_for_each(&map, visit_record, &log);
	assert_int_equal(log.n, 4);

	assert_int_equal(sgl_namemap_remove(&map, UINT32_MAX), 7);
	assert_int_equal(sgl_namemap_lookup(&map, UINT32_MAX), 0);
	assert_int_equal(sgl_namemap_reverse(&map, 7), 0);
	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);

	/* One below: the last name of the last page is out of range. */
	sgl_namemap_init(&map, UINT32_MAX - 1, &budget);
	assert_int_equal(sgl_namemap_insert(&map, UINT32_MAX, 1), -EINVAL);
	assert_int_equal(sgl_namemap_insert(&map, UINT32_MAX - 1, 1), 0);
	assert_int_equal(sgl_namemap_lookup(&map, UINT32_MAX), 0);
	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);

	/* max_name 0 accepts nothing. */
	sgl_namemap_init(&map, 0, &budget);
	assert_int_equal(sgl_namemap_insert(&map, 1, 1), -EINVAL);
	assert_int_equal(sgl_namemap_insert(&map, 0, 1), -EINVAL);
	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);
}

/* White-box: the slot accounting that keeps probes short and finite. */
static void check_hash(const struct sgl_namemap *map)
{
	uint32_t occupied = 0, live = 0;
	for (uint32_t i = 0; i < map->rev_cap; i++) {
		occupied += map->rev_keys[i] || map->rev_vals[i];
		live += map->rev_keys[i] != 0;
	}
	assert_int_equal(occupied, map->rev_used);
	assert_int_equal(live, map->count);
	assert_true((uint64_t)map->rev_used * 10 <= (uint64_t)map->rev_cap * 7);
}

/* Every guest in [1, n) with a reference value must map both ways; nothing
 * else may be mapped. */
static void check_against(const struct sgl_namemap *map, const uint64_t *ref, uint32_t n)
{
	check_hash(map);
	uint32_t live = 0;
	for (uint32_t g = 0; g < n; g++) {
		assert_int_equal(sgl_namemap_lookup(map, g), ref[g]);
		if (ref[g]) {
			assert_int_equal(sgl_namemap_reverse(map, ref[g]), g);
			live++;
		}
	}
	assert_int_equal(map->count, live);

	size_t visited = 0;
	sgl_namemap_for_each(map, visit_count, &visited);
	assert_int_equal(visited, live);
}

struct budget_case {
	const char *what;
	uint64_t limit;
	uint64_t preused;  /* charged by someone else sharing the budget */
	uint32_t max_name;
	uint32_t stride;   /* distance between inserted guest names */
};

/* Fills the map until the budget refuses, then checks that the refusal
 * changed nothing and that the map still works within what it holds. */
static void run_budget_case(const struct budget_case *c)
{
	struct sgl_mem_budget budget = { .used = c->preused, .limit = c->limit };
	struct sgl_namemap map;
	uint32_t n = c->max_name + 1;
	uint64_t *ref = calloc(n, sizeof(*ref));
	assert_non_null(ref);

	sgl_namemap_init(&map, c->max_name, &budget);
	uint32_t g = 1;
	int ret = 0;
	for (; g < n; g += c->stride) {
		ret = sgl_namemap_insert(&map, g, host_for(g));
		if (ret < 0)
			break;
		ref[g] = host_for(g);
		assert_true(budget.used <= c->limit);
	}
	if (ret != -ENOMEM)
		fail_msg("%s: budget never ran out (ret %d)", c->what, ret);
	assert_true(budget.used <= c->limit || c->preused > c->limit);
	assert_int_equal(sgl_namemap_lookup(&map, g), 0);
	assert_int_equal(sgl_namemap_reverse(&map, host_for(g)), 0);
	check_against(&map, ref, n);

	/* Remove and reinsert under a new host. The pages are held already, but
	 * tombstones may call for a hash rebuild the budget cannot pay for: any
	 * refusal must again leave the name unmapped and the rest intact. */
	for (uint32_t h = 1; h < g; h += c->stride) {
		assert_int_equal(sgl_namemap_remove(&map, h), ref[h]);
		ref[h] = 0;
		ret = sgl_namemap_insert(&map, h, host_for(h) ^ 1);
		assert_true(ret == 0 || ret == -ENOMEM);
		if (!ret)
			ref[h] = host_for(h) ^ 1;
		assert_true(budget.used <= c->limit || c->preused > c->limit);
	}
	check_against(&map, ref, n);

	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, c->preused);
	free(ref);
}

static void test_budget(void **state)
{
	(void)state;
	static const struct budget_case cases[] = {
		{ "nothing", 0, 0, 100000, 1 },
		{ "one byte", 1, 0, 100000, 1 },
		{ "already over", 100, 200, 100000, 1 },
		{ "shared, nearly spent", UINT64_MAX, UINT64_MAX - 64, 100000, 1 },
		{ "dense, small", 4 * PAGE_BYTES, 0, 100000, 1 },
		{ "dense, large", 64 * PAGE_BYTES, 0, 1 << 20, 1 },
		{ "one per page", 64 * PAGE_BYTES, 0, 1 << 20, SGL_NAMEMAP_PAGE_SIZE },
		{ "sparse", 16 * PAGE_BYTES, 0, 1 << 20, 3 * SGL_NAMEMAP_PAGE_SIZE + 7 },
		{ "shared", 40 * PAGE_BYTES, 10 * PAGE_BYTES, 1 << 20, 97 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		run_budget_case(&cases[i]);
}

/* The pointer array for max_name UINT32_MAX is the single largest request:
 * refusing it must leave the map empty and the budget untouched. */
static void test_budget_top_name(void **state)
{
	(void)state;
	struct sgl_mem_budget budget = { .limit = 1 << 20 };
	struct sgl_namemap map;

	sgl_namemap_init(&map, UINT32_MAX, &budget);
	assert_int_equal(sgl_namemap_insert(&map, 1, 1), 0);
	uint64_t used = budget.used;
	assert_int_equal(sgl_namemap_insert(&map, UINT32_MAX, 2), -ENOMEM);
	assert_true(budget.used <= budget.limit);
	assert_int_equal(sgl_namemap_lookup(&map, UINT32_MAX), 0);
	assert_int_equal(sgl_namemap_reverse(&map, 2), 0);
	assert_int_equal(sgl_namemap_lookup(&map, 1), 1);
	assert_int_equal(sgl_namemap_reverse(&map, 1), 1);
	assert_int_equal(map.count, 1);

	/* Nothing was half-done: the next name on page 0 still fits. */
	assert_int_equal(sgl_namemap_insert(&map, 2, 2), 0);
	assert_true(budget.used >= used);
	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);
}

/* Random inserts and removes (including invalid and duplicate ones) checked
 * step by step against a plain array. */
static void test_random(void **state)
{
	(void)state;
	const uint32_t max_name = 1 << 18;
	const uint32_t n = max_name + 1;
	uint64_t *ref = calloc(n, sizeof(*ref));
	assert_non_null(ref);
	struct sgl_mem_budget budget = { .limit = 64 << 20 };
	struct sgl_namemap map;
	uint64_t rng = 0x9e3779b97f4a7c15;
	uint64_t next_host = 1;

	sgl_namemap_init(&map, max_name, &budget);
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rng_next(&rng);
		/* Occasionally step outside [1, max_name] to hit the rejections. */
		uint32_t g = (uint32_t)(r >> 32) % (max_name + 2);
		switch (r % 10) {
		case 0: case 1: case 2: {
			uint64_t got = sgl_namemap_remove(&map, g);
			assert_int_equal(got, g < n ? ref[g] : 0);
			if (got) {
				assert_int_equal(sgl_namemap_reverse(&map, got), 0);
				ref[g] = 0;
			}
			break;
		}
		case 3: {
			/* Re-use a live host under another name: must be refused. */
			uint32_t owner = (uint32_t)(rng_next(&rng) % n);
			if (!ref[owner] || owner == g || g == 0 || g > max_name)
				break;
			assert_int_equal(sgl_namemap_insert(&map, g, ref[owner]), -EEXIST);
			break;
		}
		default: {
			uint64_t host = host_for(next_host++);
			int want = g == 0 || g > max_name ? -EINVAL : ref[g] ? -EEXIST : 0;
			assert_int_equal(sgl_namemap_insert(&map, g, host), want);
			if (!want)
				ref[g] = host;
			break;
		}
		}
	}
	check_against(&map, ref, n);
	assert_true(map.count > 10000);
	assert_true(budget.used <= budget.limit);

	/* Hosts handed out and since removed must not reverse-map. */
	for (uint64_t h = 1; h < next_host; h++) {
		uint32_t g = sgl_namemap_reverse(&map, host_for(h));
		if (g)
			assert_int_equal(ref[g], host_for(h));
	}

	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);
	free(ref);
}

/* Insert/remove churn on a handful of names leaves only tombstones behind;
 * rebuilds must clean them up rather than grow the hash without bound. */
static void test_tombstone_churn(void **state)
{
	(void)state;
	struct sgl_mem_budget budget = { .limit = UINT64_MAX };
	struct sgl_namemap map;
	uint64_t host = 1;

	sgl_namemap_init(&map, 1000, &budget);
	for (int round = 0; round < 200000; round++) {
		uint32_t g = (uint32_t)(round % 8) + 1;
		if (sgl_namemap_lookup(&map, g))
			sgl_namemap_remove(&map, g);
		assert_int_equal(sgl_namemap_insert(&map, g, host_for(host++)), 0);
	}
	assert_int_equal(map.count, 8);
	assert_true(map.rev_cap <= 64);
	check_hash(&map);
	for (uint32_t g = 1; g <= 8; g++)
		assert_int_equal(sgl_namemap_reverse(&map, sgl_namemap_lookup(&map, g)), g);

	sgl_namemap_finish(&map);
	assert_int_equal(budget.used, 0);
}

static void test_for_each(void **state)
{
	(void)state;
	static const uint32_t names[] = { 1, 2, 3, 1023, 1024, 1025, 4096, 9999, 10000 };
	static const uint32_t removed[] = { 2, 1024, 9999 };
	struct sgl_namemap map;

	sgl_namemap_init(&map, 10000, NULL);

	struct visit_log log = { 0 };
	sgl_namemap_for_each(&map, visit_record, &log);
	assert_int_equal(log.n, 0);

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		assert_int_equal(sgl_namemap_insert(&map, names[i], host_for(names[i])), 0);
	for (size_t i = 0; i < ARRAY_LEN(removed); i++)
		assert_int_equal(sgl_namemap_remove(&map, removed[i]), host_for(removed[i]));

	sgl_namemap_for_each(&map, visit_record, &log);
	assert_int_equal(log.n, ARRAY_LEN(names) - ARRAY_LEN(removed));

	/* Each live name exactly once, with its own host; no removed one. */
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		bool live = true;
		for (size_t j = 0; j < ARRAY_LEN(removed); j++)
			live &= names[i] != removed[j];
		size_t seen = 0;
		for (size_t k = 0; k < log.n; k++) {
			if (log.guests[k] != names[i])
				continue;
			assert_int_equal(log.hosts[k], host_for(names[i]));
			seen++;
		}
		assert_int_equal(seen, live ? 1 : 0);
	}
	sgl_namemap_finish(&map);

	/* A finished map is empty and can be used again; finishing twice is
	 * harmless. */
	log.n = 0;
	sgl_namemap_for_each(&map, visit_record, &log);
	assert_int_equal(log.n, 0);
	assert_int_equal(sgl_namemap_insert(&map, 5, 6), 0);
	assert_int_equal(sgl_namemap_lookup(&map, 5), 6);
	sgl_namemap_finish(&map);
	sgl_namemap_finish(&map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_max_name),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_budget_top_name),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_tombstone_churn),
		cmocka_unit_test(test_for_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
