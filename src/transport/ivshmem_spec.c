/*
 * The ivshmem listen addresses, parsed once for the listener and for the
 * QEMU arguments that go with it (sgl-host -l and -v):
 *
 *   ivshmem:PATH[,size=S]                          ivshmem-plain, file PATH
 *   ivshmem-doorbell:SOCKET[,vectors=N][,size=S]   the ivshmem server
 *
 * S in bytes or with a K, M or G suffix, a power of two.
 */
#include "transport/listener.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/shm_region.h"

struct ivshmem_spec {
	bool doorbell;
	char path[256];
	uint64_t size;
	uint32_t vectors;
};

static int parse_size(const char *s, uint64_t *size)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (errno || end == s || *end || v > (UINT64_MAX >> shift))
		return -1;
	*size = (uint64_t)v << shift;
	return 0;
}

static int parse(const char *spec, struct ivshmem_spec *out, char *err, size_t err_size)
{
	*out = (struct ivshmem_spec){ .vectors = 1 };
	const char *rest;
	if (!strncmp(spec, "ivshmem:", 8)) {
		rest = spec + 8;
	} else if (!strncmp(spec, "ivshmem-doorbell:", 17)) {
		rest = spec + 17;
		out->doorbell = true;
	} else {
		sgl_shm_fail(err, err_size, "%s: not an ivshmem address", spec);
		return -EINVAL;
	}
	size_t n = strcspn(rest, ",");
	if (!n || n >= sizeof(out->path)) {
		sgl_shm_fail(err, err_size, "%s: bad path", spec);
		return -EINVAL;
	}
	memcpy(out->path, rest, n);
	out->path[n] = '\0';
	for (rest += n; *rest == ','; ) {
		rest++;
		n = strcspn(rest, ",");
		char opt[64];
		if (n >= sizeof(opt))
			goto bad;
		memcpy(opt, rest, n);
		opt[n] = '\0';
		rest += n;
		if (!strncmp(opt, "size=", 5) && parse_size(opt + 5, &out->size) == 0)
			continue;
		char *end;
		unsigned long v;
		if (out->doorbell && !strncmp(opt, "vectors=", 8) &&
		    (v = strtoul(opt + 8, &end, 10)) >= 1 && v <= 64 && !*end) {
			out->vectors = (uint32_t)v;
			continue;
		}
		goto bad;
	}
	return 0;
bad:
	sgl_shm_fail(err, err_size, "%s: bad option (size=BYTES%s)", spec,
		     out->doorbell ? ", vectors=1..64" : "");
	return -EINVAL;
}

bool sgl_ivshmem_spec(const char *spec)
{
	return !strncmp(spec, "ivshmem:", 8) || !strncmp(spec, "ivshmem-doorbell:", 17);
}

struct sgl_listener *sgl_ivshmem_listen(const char *spec, uint32_t slots, uint32_t ring_size,
					char *err, size_t err_size)
{
	struct ivshmem_spec s;
	if (parse(spec, &s, err, err_size) < 0)
		return NULL;
	if (s.doorbell) {
		struct sgl_ivshmem_server_config c = {
			.path = s.path, .slots = slots, .ring_size = ring_size,
			.size = s.size, .vectors = s.vectors,
		};
		return sgl_ivshmem_server_listen(&c, err, err_size);
	}
	struct sgl_shm_config c = {
		.path = s.path, .slots = slots, .ring_size = ring_size,
		.ivshmem = true, .size = s.size,
	};
	return sgl_shm_listen(&c, err, err_size);
}

int sgl_ivshmem_qemu_args(const char *spec, uint32_t slots, uint32_t ring_size, char *buf,
			  size_t buf_size)
{
	struct ivshmem_spec s;
	if (parse(spec, &s, buf, buf_size) < 0 ||
	    sgl_shm_geometry(&slots, &ring_size, &s.size, true, buf, buf_size) < 0)
		return -EINVAL;
	char size[32];
	if (s.size % (1u << 20) == 0)
		snprintf(size, sizeof(size), "%" PRIu64 "M", s.size >> 20);
	else
		snprintf(size, sizeof(size), "%" PRIu64, s.size);
	if (s.doorbell)
		snprintf(buf, buf_size,
			 "# BAR2 of %s per VM, %u clients; the guest maps BAR2 (docs/ivshmem.md)\n"
			 "-chardev socket,id=sglivs,path=%s \\\n"
			 "-device ivshmem-doorbell,chardev=sglivs,vectors=%u\n",
			 size, slots, s.path, s.vectors);
	else
		snprintf(buf, buf_size,
			 "# BAR2 of %s, %u clients; the guest maps BAR2 (docs/ivshmem.md)\n"
			 "-object memory-backend-file,id=sglmem,share=on,mem-path=%s,size=%s \\\n"
			 "-device ivshmem-plain,memdev=sglmem\n",
			 size, slots, s.path, size);
	return 0;
}
