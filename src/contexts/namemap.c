#include "contexts/namemap.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MASK (SGL_NAMEMAP_PAGE_SIZE - 1)

/*
 * Reverse-hash slot states. Host values are non-zero, so key 0 marks a slot
 * without a live entry; guest names are non-zero too, so the value tells an
 * empty slot (0, stops probing) from a tombstone (non-zero, probing goes on).
 */
#define REV_TOMBSTONE UINT32_MAX

/* Smallest reverse table; a power of two, as the probe mask needs. */
#define REV_MIN_CAP 16u
/* Largest one: the capacity is a uint32_t power of two. */
#define REV_MAX_CAP (UINT32_C(1) << 31)

/* Charges `bytes` to the budget; refuses what would go past the limit. */
static int budget_charge(struct sgl_mem_budget *budget, uint64_t bytes)
{
	if (!budget)
		return 0;
	/* Written as a subtraction so that used + bytes cannot wrap. */
	if (budget->used > budget->limit || bytes > budget->limit - budget->used)
		return -ENOMEM;
	budget->used += bytes;
	return 0;
}

static void budget_uncharge(struct sgl_mem_budget *budget, uint64_t bytes)
{
	if (!budget)
		return;
	budget->used = bytes > budget->used ? 0 : budget->used - bytes;
}

/* calloc charged to the budget; the budget is checked first so that a
 * refused request never touches the allocator. */
static void *charged_calloc(struct sgl_mem_budget *budget, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	if (budget_charge(budget, (uint64_t)nmemb * size) < 0)
		return NULL;
	void *p = calloc(nmemb, size);
	if (!p)
		budget_uncharge(budget, (uint64_t)nmemb * size);
	return p;
}

static void charged_free(struct sgl_mem_budget *budget, void *p, size_t bytes)
{
	if (!p)
		return;
	free(p);
	budget_uncharge(budget, bytes);
}

void sgl_namemap_init(struct sgl_namemap *map, uint32_t max_name, struct sgl_mem_budget *budget)
{
	memset(map, 0, sizeof(*map));
	map->max_name = max_name;
	map->budget = budget;
}

/* In uint64_t: a large table would overflow a 32-bit size_t. */
static uint64_t rev_bytes(uint32_t cap)
{
	return (uint64_t)cap * (sizeof(uint64_t) + sizeof(uint32_t));
}

void sgl_namemap_finish(struct sgl_namemap *map)
{
	for (uint32_t i = 0; i < map->npages; i++)
		charged_free(map->budget, map->pages[i], SGL_NAMEMAP_PAGE_SIZE * sizeof(uint64_t));
	charged_free(map->budget, map->pages, (size_t)map->npages * sizeof(*map->pages));

	free(map->rev_keys);
	free(map->rev_vals);
	if (map->rev_cap)
		budget_uncharge(map->budget, rev_bytes(map->rev_cap));

	/* Leave an empty, reusable map behind so a second finish is harmless. */
	sgl_namemap_init(map, map->max_name, map->budget);
}

/*
 * fmix64 from MurmurHash3: host values may be pointers or sequential
 * integers, and the probe uses the low bits, so every input bit must reach
 * them.
 */
static uint32_t rev_hash(uint64_t key, uint32_t mask)
{
	key ^= key >> 33;
	key *= UINT64_C(0xff51afd7ed558ccd);
	key ^= key >> 33;
	key *= UINT64_C(0xc4ceb9fe1a85ec53);
	key ^= key >> 33;
	return (uint32_t)key & mask;
}

static bool rev_is_empty(const struct sgl_namemap *map, uint32_t i)
{
	return !map->rev_keys[i] && !map->rev_vals[i];
}

/* Slot holding `host`, or rev_cap when it is absent. */
static uint32_t rev_find(const struct sgl_namemap *map, uint64_t host)
{
	if (!map->rev_cap || !host)
		return map->rev_cap;
	uint32_t mask = map->rev_cap - 1;
	/* Terminates: the load limit keeps at least one slot empty. */
	for (uint32_t i = rev_hash(host, mask);; i = (i + 1) & mask) {
		if (map->rev_keys[i] == host)
			return i;
		if (rev_is_empty(map, i))
			return map->rev_cap;
	}
}

/* Puts a key known to be absent; reuses the first tombstone on the way. */
static void rev_put(struct sgl_namemap *map, uint64_t host, uint32_t guest)
{
	uint32_t mask = map->rev_cap - 1;
	uint32_t i = rev_hash(host, mask);
	while (map->rev_keys[i])
		i = (i + 1) & mask;
	if (!map->rev_vals[i])
		map->rev_used++; /* an empty slot, not a tombstone, gets used up */
	map->rev_keys[i] = host;
	map->rev_vals[i] = guest;
}

/*
 * Leaves a tombstone in slot i, unless the next slot is empty: then no probe
 * can need to pass through i, so it (and the tombstones just before it) can
 * become empty again. Churn on a few names then rarely forces a rebuild,
 * which would need memory from the budget.
 */
static void rev_erase(struct sgl_namemap *map, uint32_t i)
{
	uint32_t mask = map->rev_cap - 1;

	map->rev_keys[i] = 0;
	map->rev_vals[i] = REV_TOMBSTONE;
	if (!rev_is_empty(map, (i + 1) & mask))
		return;
	while (!map->rev_keys[i] && map->rev_vals[i] == REV_TOMBSTONE) {
		map->rev_vals[i] = 0;
		map->rev_used--;
		i = (i - 1) & mask;
	}
}

/* True when one more occupied slot would take the table past 70% load. */
static bool rev_full(const struct sgl_namemap *map)
{
	return (uint64_t)(map->rev_used + 1) * 10 > (uint64_t)map->rev_cap * 7;
}

/*
 * Capacity for a rebuild: live entries plus one fill at most 35% of it, so
 * that half the load headroom is left before the next rebuild and inserts
 * stay amortised O(1) even when removals leave many tombstones behind.
 * Returns 0 when no uint32_t power of two is large enough.
 */
static uint32_t rev_rebuild_cap(uint32_t live)
{
	uint64_t need = (uint64_t)live + 1;
	uint64_t cap = REV_MIN_CAP;
	while (need * 20 > cap * 7) {
		if (cap >= REV_MAX_CAP)
			return 0;
		cap *= 2;
	}
	return (uint32_t)cap;
}

/* Makes room for one more reverse entry; rebuilds without tombstones. */
static int rev_reserve(struct sgl_namemap *map)
{
	if (map->rev_cap && !rev_full(map))
		return 0;

	uint32_t cap = rev_rebuild_cap(map->count);
	if (!cap)
		return -ENOMEM;
	if (budget_charge(map->budget, rev_bytes(cap)) < 0)
		return -ENOMEM;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		budget_uncharge(map->budget, rev_bytes(cap));
		return -ENOMEM;
	}

	struct sgl_namemap old = *map;
	map->rev_keys = keys;
	map->rev_vals = vals;
	map->rev_cap = cap;
	map->rev_used = 0;
	for (uint32_t i = 0; i < old.rev_cap; i++) {
		if (old.rev_keys[i])
			rev_put(map, old.rev_keys[i], old.rev_vals[i]);
	}

	free(old.rev_keys);
	free(old.rev_vals);
	if (old.rev_cap)
		budget_uncharge(map->budget, rev_bytes(old.rev_cap));
	return 0;
}

/* Grows `pages` so that index `page` exists, doubling to keep growth
 * amortised but never past what max_name can reach. */
static int pages_reserve(struct sgl_namemap *map, uint32_t page)
{
	if (page < map->npages)
		return 0;

	uint32_t limit = (map->max_name >> SGL_NAMEMAP_PAGE_BITS) + 1;
	uint32_t n = map->npages > limit / 2 ? limit : map->npages * 2;
	if (n <= page)
		n = page + 1;

	size_t old_bytes = (size_t)map->npages * sizeof(*map->pages);
	size_t new_bytes = (size_t)n * sizeof(*map->pages);
	if (budget_charge(map->budget, new_bytes - old_bytes) < 0)
		return -ENOMEM;
	uint64_t **pages = realloc(map->pages, new_bytes);
	if (!pages) {
		budget_uncharge(map->budget, new_bytes - old_bytes);
		return -ENOMEM;
	}
	memset(pages + map->npages, 0, new_bytes - old_bytes);
	map->pages = pages;
	map->npages = n;
	return 0;
}

/* Slot for `guest` in the forward table, allocating its page if needed. */
static uint64_t *fwd_slot(struct sgl_namemap *map, uint32_t guest)
{
	uint32_t page = guest >> SGL_NAMEMAP_PAGE_BITS;
	if (pages_reserve(map, page) < 0)
		return NULL;
	if (!map->pages[page]) {
		map->pages[page] = charged_calloc(map->budget, SGL_NAMEMAP_PAGE_SIZE,
						  sizeof(uint64_t));
		if (!map->pages[page])
			return NULL;
	}
	return &map->pages[page][guest & PAGE_MASK];
}

int sgl_namemap_insert(struct sgl_namemap *map, uint32_t guest, uint64_t host)
{
	if (!guest || guest > map->max_name || !host)
		return -EINVAL;
	/* A host value may stand for one guest name only: otherwise reverse
	 * lookups would be ambiguous. */
	if (sgl_namemap_lookup(map, guest) || rev_find(map, host) != map->rev_cap)
		return -EEXIST;

	/* Reserve everything before writing, so a failure leaves the map as it
	 * was (at most with spare capacity, which is still accounted for). */
	int ret = rev_reserve(map);
	if (ret < 0)
		return ret;
	uint64_t *slot = fwd_slot(map, guest);
	if (!slot)
		return -ENOMEM;

	*slot = host;
	rev_put(map, host, guest);
	map->count++;
	return 0;
}

uint64_t sgl_namemap_remove(struct sgl_namemap *map, uint32_t guest)
{
	uint64_t host = sgl_namemap_lookup(map, guest);
	if (!host)
		return 0;

	map->pages[guest >> SGL_NAMEMAP_PAGE_BITS][guest & PAGE_MASK] = 0;
	uint32_t i = rev_find(map, host);
	if (i != map->rev_cap)
		rev_erase(map, i);
	map->count--;
	return host;
}

uint32_t sgl_namemap_reverse(const struct sgl_namemap *map, uint64_t host)
{
	uint32_t i = rev_find(map, host);
	return i == map->rev_cap ? 0 : map->rev_vals[i];
}

void sgl_namemap_for_each(const struct sgl_namemap *map,
			  void (*fn)(void *user, uint32_t guest, uint64_t host), void *user)
{
	/* Walks the forward table rather than the hash so that the order is
	 * ascending by guest name. Fields are re-read on every step, so fn may
	 * remove the entry it is given. */
	for (uint32_t p = 0; p < map->npages; p++) {
		for (uint32_t i = 0; i < SGL_NAMEMAP_PAGE_SIZE; i++) {
			if (!map->pages[p])
				break;
			uint64_t host = map->pages[p][i];
			if (host)
				fn(user, (p << SGL_NAMEMAP_PAGE_BITS) | i, host);
		}
	}
}
