/* The shared-memory file of a host on this machine, mapped (Linux). */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define fail sgl_shm_fail

int sgl_shm_map_file(struct sgl_shm_memory *m, const char *path, struct sgl_shm_header *h,
		     char *err, size_t err_size)
{
	struct stat st;
	int e = EPROTO;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(err, err_size, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	ssize_t got = pread(fd, h, sizeof(*h), 0);
	const char *why = got != (ssize_t)sizeof(*h) ? "too short" :
			  fstat(fd, &st) < 0 ? "cannot stat" :
			  sgl_shm_header_check(h, (uint64_t)st.st_size, &e);
	if (why) {
		fail(err, err_size, "%s: %s", path, why);
		close(fd);
		return -e;
	}
	m->map_size = (size_t)h->info.file_size;
	void *map = mmap(NULL, m->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (map == MAP_FAILED) {
		fail(err, err_size, "cannot map %s: %s", path, strerror(e));
		return -e;
	}
	m->map = map;
	m->name = path;
	return 0;
}

void sgl_shm_memory_unmap(const struct sgl_shm_memory *m)
{
	if (m->map)
		munmap(m->map, m->map_size);
}
