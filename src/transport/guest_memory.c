/* Guest memory regions shared by the vhost-user frontend (guest_memory.h). */
#include "transport/guest_memory.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void sgl_gmem_init(struct sgl_gmem *m)
{
	memset(m, 0, sizeof(*m));
}

void sgl_gmem_clear(struct sgl_gmem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		munmap(m->r[i].map, m->r[i].map_size);
	sgl_gmem_init(m);
}

/* [a, a + alen) and [b, b + blen) overlap; both known not to wrap. */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int sgl_gmem_add(struct sgl_gmem *m, const struct vhost_user_region *d, int fd,
		 char *why, size_t why_size)
{
	uint64_t gpa = d->guest_phys_addr, size = d->memory_size, uva = d->userspace_addr;
	uint64_t off = d->mmap_offset;
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;

	if (m->n == SGL_GMEM_MAX_REGIONS) {
		snprintf(why, why_size, "more than %d memory regions", SGL_GMEM_MAX_REGIONS);
		return -ENOSPC;
	}
	/* Each end must be representable: no range may wrap past 2^64. */
	if (!size || gpa + size < gpa || uva + size < uva || off + size < off ||
	    off + size > (uint64_t)SIZE_MAX - (uint64_t)page) {
		snprintf(why, why_size, "bad memory region gpa 0x%llx size 0x%llx offset 0x%llx",
			 (unsigned long long)gpa, (unsigned long long)size, (unsigned long long)off);
		return -EINVAL;
	}
	for (unsigned i = 0; i < m->n; i++) {
		if (overlaps(gpa, size, m->r[i].gpa, m->r[i].size) ||
		    overlaps(uva, size, m->r[i].uva, m->r[i].size)) {
			snprintf(why, why_size, "memory region gpa 0x%llx size 0x%llx overlaps another",
				 (unsigned long long)gpa, (unsigned long long)size);
			return -EINVAL;
		}
	}
	/* A regular file (or memfd) shorter than the region would fault when
	 * touched; refuse it now. (One truncated later still can: the
	 * frontend is trusted that far, see docs/vhost-user.md.) */
	if (fstat(fd, &st) < 0 || (S_ISREG(st.st_mode) && (uint64_t)st.st_size < off + size)) {
		snprintf(why, why_size, "memory region fd is not %llu bytes long",
			 (unsigned long long)(off + size));
		return -EINVAL;
	}
	uint64_t start = off & ~(uint64_t)(page - 1);
	size_t len = (size_t)(off + size - start);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd,
		       (off_t)start);
	if (p == MAP_FAILED) {
		int e = errno;
		snprintf(why, why_size, "mmap of a %zu-byte memory region: %s", len, strerror(e));
		return -e;
	}
	m->r[m->n++] = (struct sgl_gmem_region){
		.gpa = gpa, .size = size, .uva = uva,
		.host = (uint8_t *)p + (off - start), .map = p, .map_size = len,
	};
	return 0;
}

int sgl_gmem_remove(struct sgl_gmem *m, const struct vhost_user_region *d)
{
	for (unsigned i = 0; i < m->n; i++) {
		if (m->r[i].gpa != d->guest_phys_addr || m->r[i].size != d->memory_size)
			continue;
		munmap(m->r[i].map, m->r[i].map_size);
		m->r[i] = m->r[--m->n];
		return 0;
	}
	return -ENOENT;
}

/* The region holding `gpa`, and how many bytes of it are left from there. */
static const struct sgl_gmem_region *find(const struct sgl_gmem *m, uint64_t gpa, uint64_t *left)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct sgl_gmem_region *r = &m->r[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			*left = r->size - (gpa - r->gpa);
			return r;
		}
	}
	return NULL;
}

/* Walks [gpa, gpa + len) region by region; `fn` NULL only checks. */
static int walk(const struct sgl_gmem *m, uint64_t gpa, uint64_t len,
		void (*fn)(uint8_t *guest, uint8_t *ours, size_t n), uint8_t *ours)
{
	if (gpa + len < gpa)
		return -EFAULT;
	while (len) {
		uint64_t left;
		const struct sgl_gmem_region *r = find(m, gpa, &left);
		if (!r)
			return -EFAULT;
		uint64_t n = left < len ? left : len;
		/* `ours` is NULL when only checking: no arithmetic on it. */
		if (fn) {
			fn(r->host + (gpa - r->gpa), ours, (size_t)n);
			ours += n;
		}
		gpa += n;
		len -= n;
	}
	return 0;
}

static void copy_out(uint8_t *guest, uint8_t *ours, size_t n)
{
	memcpy(ours, guest, n);
}

static void copy_in(uint8_t *guest, uint8_t *ours, size_t n)
{
	memcpy(guest, ours, n);
}

bool sgl_gmem_valid(const struct sgl_gmem *m, uint64_t gpa, uint64_t len)
{
	return walk(m, gpa, len, NULL, NULL) == 0;
}

int sgl_gmem_read(const struct sgl_gmem *m, uint64_t gpa, void *dst, size_t len)
{
	/* Check first: a range that ends outside writes nothing. */
	if (!sgl_gmem_valid(m, gpa, len))
		return -EFAULT;
	return walk(m, gpa, len, copy_out, dst);
}

int sgl_gmem_write(const struct sgl_gmem *m, uint64_t gpa, const void *src, size_t len)
{
	if (!sgl_gmem_valid(m, gpa, len))
		return -EFAULT;
	return walk(m, gpa, len, copy_in, (uint8_t *)src);
}

void *sgl_gmem_ptr(const struct sgl_gmem *m, uint64_t gpa, uint64_t len)
{
	uint64_t left;
	const struct sgl_gmem_region *r = find(m, gpa, &left);
	return r && len <= left ? r->host + (gpa - r->gpa) : NULL;
}

bool sgl_gmem_uva_to_gpa(const struct sgl_gmem *m, uint64_t uva, uint64_t len, uint64_t *gpa)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct sgl_gmem_region *r = &m->r[i];
		if (uva >= r->uva && uva - r->uva < r->size && len <= r->size - (uva - r->uva)) {
			*gpa = r->gpa + (uva - r->uva);
			return true;
		}
	}
	return false;
}
