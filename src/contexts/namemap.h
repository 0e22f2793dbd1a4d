/*
 * Guest -> host object-name map of one namespace (textures of a share group,
 * framebuffers of a context, ...). The guest allocates names itself; the
 * host records which host name each one stands for.
 *
 * Guest names are small and dense in practice (the guest library hands them
 * out from 1 upwards), so the forward map is a two-level table indexed by the
 * guest name: O(1) lookups with no hashing on the decode path. The reverse
 * map (host -> guest, for queries that return names) is an open-addressing
 * hash. Memory is charged to a counter the caller provides and bounded by
 * its limit.
 */
#ifndef SGL_CONTEXTS_NAMEMAP_H
#define SGL_CONTEXTS_NAMEMAP_H

#include <stdbool.h>
#include <stdint.h>

/* A budget shared by the maps and buffers of one context. */
struct sgl_mem_budget {
	uint64_t used;
	uint64_t limit;
};

#define SGL_NAMEMAP_PAGE_BITS 10
#define SGL_NAMEMAP_PAGE_SIZE (1u << SGL_NAMEMAP_PAGE_BITS)

struct sgl_namemap {
	uint64_t **pages;    /* pages[guest >> PAGE_BITS][guest & mask]: host value, 0 = none */
	uint32_t npages;     /* length of `pages` */
	uint32_t max_name;   /* highest guest name accepted */
	uint32_t count;      /* live entries */
	uint64_t *rev_keys;  /* reverse hash: host value -> guest name */
	uint32_t *rev_vals;
	uint32_t rev_cap;    /* power of two, 0 when empty */
	uint32_t rev_used;   /* occupied slots, tombstones included */
	struct sgl_mem_budget *budget;
};

void sgl_namemap_init(struct sgl_namemap *map, uint32_t max_name, struct sgl_mem_budget *budget);
void sgl_namemap_finish(struct sgl_namemap *map);

/* Host value of `guest`, or 0 when the name is not mapped (or is 0). */
static inline uint64_t sgl_namemap_lookup(const struct sgl_namemap *map, uint32_t guest)
{
	uint32_t page = guest >> SGL_NAMEMAP_PAGE_BITS;
	if (page >= map->npages || !map->pages[page])
		return 0;
	return map->pages[page][guest & (SGL_NAMEMAP_PAGE_SIZE - 1)];
}

/* Records guest -> host. host must be non-zero. Returns 0, -EINVAL (guest
 * is 0 or above max_name, or host is 0), -EEXIST (guest already mapped) or
 * -ENOMEM (allocation failed or the budget is exhausted). */
int sgl_namemap_insert(struct sgl_namemap *map, uint32_t guest, uint64_t host);

/* Removes `guest`; returns its host value, or 0 if it was not mapped. */
uint64_t sgl_namemap_remove(struct sgl_namemap *map, uint32_t guest);

/* Guest name for a host value, or 0 when none maps to it. */
uint32_t sgl_namemap_reverse(const struct sgl_namemap *map, uint64_t host);

/* Calls fn for every live entry (order unspecified). */
void sgl_namemap_for_each(const struct sgl_namemap *map,
			  void (*fn)(void *user, uint32_t guest, uint64_t host), void *user);

#endif
