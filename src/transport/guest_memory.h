/*
 * Guest memory as the vhost-user frontend shares it: regions, each an fd the
 * back-end maps, known by guest physical address (descriptor buffers) and by
 * the frontend's own virtual address (ring addresses, SET_VRING_ADDR).
 *
 * Every lookup is overflow-safe and needs the whole range mapped; a range
 * may span regions that are adjacent in guest physical space. Guest memory
 * changes under us at any time: callers copy out, then validate.
 */
#ifndef SGL_TRANSPORT_GUEST_MEMORY_H
#define SGL_TRANSPORT_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/vhost_user_proto.h"

/* GET_MAX_MEM_SLOTS answer; SET_MEM_TABLE brings at most 8. */
#define SGL_GMEM_MAX_REGIONS 32

struct sgl_gmem_region {
	uint64_t gpa, size, uva;
	uint8_t *host;        /* the region's first byte in our mapping */
	void *map;            /* what munmap takes */
	size_t map_size;
};

struct sgl_gmem {
	struct sgl_gmem_region r[SGL_GMEM_MAX_REGIONS];
	unsigned n;
};

void sgl_gmem_init(struct sgl_gmem *m);
/* Unmaps every region. */
void sgl_gmem_clear(struct sgl_gmem *m);

/* Maps region `d` of `fd` (the fd stays the caller's). 0, or -errno with
 * a reason in `why`: empty, overflowing, overlapping, too many, mmap. */
int sgl_gmem_add(struct sgl_gmem *m, const struct vhost_user_region *d, int fd,
		 char *why, size_t why_size);
/* Unmaps the region with this address and size; -ENOENT if none. */
int sgl_gmem_remove(struct sgl_gmem *m, const struct vhost_user_region *d);

/* True when [gpa, gpa + len) is all mapped. */
bool sgl_gmem_valid(const struct sgl_gmem *m, uint64_t gpa, uint64_t len);
/* Copies between guest memory and ours; 0, or -EFAULT (nothing partial
 * is promised). */
int sgl_gmem_read(const struct sgl_gmem *m, uint64_t gpa, void *dst, size_t len);
int sgl_gmem_write(const struct sgl_gmem *m, uint64_t gpa, const void *src, size_t len);
/* Our pointer to [gpa, gpa + len) when it lies in one region, else NULL:
 * for the rings' fields (read with atomics, never trusted twice). */
void *sgl_gmem_ptr(const struct sgl_gmem *m, uint64_t gpa, uint64_t len);
/* The guest physical address of the frontend's [uva, uva + len), which
 * must lie in one region; false if it does not. */
bool sgl_gmem_uva_to_gpa(const struct sgl_gmem *m, uint64_t uva, uint64_t len, uint64_t *gpa);

#endif
