/*
 * ivshmem in the guest: find the device under /sys/bus/pci/devices, map
 * its BAR2 through sysfs `resource2` (no driver needed; the udev rule in
 * docs/ivshmem.md lets a non-root user do it), and connect a slot of the
 * host's memory there (shm.c).
 *
 * Waking: ivshmem-plain has no interrupt, so both sides poll (sgl_shm.h).
 * ivshmem-doorbell (an MSI-X capability, and a peer id in BAR0's
 * IVPosition) lets us wake the host, peer 0, by writing (0 << 16) | 0 to
 * BAR0's Doorbell register; the host wakes us through MSI-X vector 0,
 * which only a kernel driver sees: our module (guest/kmod) counts the
 * interrupts behind a char device whose poll() says when one came. Without
 * the module we poll.
 *
 * Nothing from the device is trusted: sysfs says how big the BAR is, the
 * file must be that big, the header is copied out of the mapping and
 * checked against the BAR's size before anything else is read.
 */
#include "ivshmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "shm.h"

#define SYSFS_PCI "/sys/bus/pci/devices"
#define VENDOR 0x1af4
#define DEVICE 0x1110
#define REG_IVPOSITION 2         /* BAR0, in 32-bit registers */
#define REG_DOORBELL 3
#define PCI_CAP_MSIX 0x11
#define DEV_PREFIX "sgl-ivshmem"

/* One ring's waiter with a doorbell: the interrupt device and an eventfd
 * for our own shutdown. */
struct end_wait {
	struct ivshmem *dev;
	int irq_fd;
	int self_fd;
};

struct ivshmem {
	volatile uint32_t *regs; /* BAR0, with a doorbell; else NULL */
	size_t regs_size;
	struct end_wait rxw, txw;
	struct sgl_shm_notify rx, tx;
};

#define fail sgl_shm_fail

/* ------------------------------------------------------------------------
 * Waking and waiting over the doorbell
 */

static void ring_host(void *user, _Atomic uint32_t *word)
{
	struct end_wait *w = user;
	(void)word;
	w->dev->regs[REG_DOORBELL] = (0u << 16) | 0u;   /* peer 0, vector 0 */
}

/* The module's poll() is readable once an interrupt came after our last
 * read of it: one that came after we armed is never missed. */
static void irq_wait(void *user, _Atomic uint32_t *word, uint32_t seen, int ms)
{
	struct end_wait *w = user;
	struct pollfd p[2] = { { .fd = w->irq_fd, .events = POLLIN },
			       { .fd = w->self_fd, .events = POLLIN } };
	uint64_t v;

	if (atomic_load_explicit(word, memory_order_acquire) != seen)
		return;
	if (poll(p, 2, ms) <= 0)
		return;
	if ((p[0].revents & POLLIN) && read(w->irq_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing new after all */
	}
	if ((p[1].revents & POLLIN) && read(w->self_fd, &v, sizeof(v)) < 0) {
		/* idem */
	}
}

static void self_interrupt(void *user, _Atomic uint32_t *word)
{
	struct end_wait *w = user;
	uint64_t one = 1;
	(void)word;
	if (write(w->self_fd, &one, sizeof(one)) < 0) {
		/* the counter is far from full */
	}
}

static void dev_free(void *user)
{
	struct ivshmem *d = user;

	if (d->regs)
		munmap((void *)d->regs, d->regs_size);
	struct end_wait *ends[] = { &d->rxw, &d->txw };
	for (int i = 0; i < 2; i++) {
		if (ends[i]->irq_fd >= 0)
			close(ends[i]->irq_fd);
		if (ends[i]->self_fd >= 0)
			close(ends[i]->self_fd);
	}
	free(d);
}

/* ------------------------------------------------------------------------
 * sysfs
 */

static int read_text(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return (int)n;
}

static bool is_ivshmem(const char *dir)
{
	char v[32], d[32];
	return read_text(dir, "vendor", v, sizeof(v)) > 0 &&
	       read_text(dir, "device", d, sizeof(d)) > 0 &&
	       strtoul(v, NULL, 16) == VENDOR && strtoul(d, NULL, 16) == DEVICE;
}

/* The BAR's size from sysfs `resource` (one "start end flags" line per
 * resource); 0 when it has none. */
static uint64_t bar_size(const char *dir, int bar)
{
	char buf[2048];
	if (read_text(dir, "resource", buf, sizeof(buf)) <= 0)
		return 0;
	char *line = buf;
	for (int i = 0; i < bar && line; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	unsigned long long start, end;
	if (!line || sscanf(line, "%llx %llx", &start, &end) != 2 || end <= start)
		return 0;
	return (uint64_t)(end - start) + 1;
}

/* An MSI-X capability in the config space: the doorbell variant. */
static bool has_msix(const char *dir)
{
	uint8_t cfg[256];
	char path[512];
	snprintf(path, sizeof(path), "%s/config", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, cfg, sizeof(cfg));
	close(fd);
	if (n < 0x40 || !(cfg[6] & 0x10))   /* status: capability list */
		return false;
	unsigned ptr = cfg[0x34] & ~3u;
	for (int hops = 0; hops < 48 && ptr >= 0x40 && ptr + 1 < (unsigned)n; hops++) {
		if (cfg[ptr] == PCI_CAP_MSIX)
			return true;
		ptr = cfg[ptr + 1] & ~3u;
	}
	return false;
}

static int find_device(const char *root, const char *bdf, char *dir, size_t size)
{
	if (bdf) {
		if (strchr(bdf, '/') || (size_t)snprintf(dir, size, "%s/%s", root, bdf) >= size)
			return -EINVAL;
		return is_ivshmem(dir) ? 0 : -ENODEV;
	}
	/* The first in name order: the same device every time. */
	struct dirent **names;
	int n = scandir(root, &names, NULL, alphasort);
	int r = -ENODEV;
	for (int i = 0; i < n; i++) {
		if (r < 0 && names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(dir, size, "%s/%s", root, names[i]->d_name) < size &&
		    is_ivshmem(dir))
			r = 0;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return r;
}

/* Maps resourceN whole, after checking the file is as big as sysfs says
 * the BAR is (mapping past a short file would fault later). */
static void *map_bar(const char *dir, int bar, uint64_t size, char *err, size_t err_size)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/resource%d", dir, bar);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(err, err_size, "cannot open %s: %s (see docs/ivshmem.md for the udev rule)",
		     path, strerror(errno));
		return NULL;
	}
	void *m = MAP_FAILED;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < size || size > SIZE_MAX) {
		errno = EPROTO;
		fail(err, err_size, "%s: smaller than the BAR (%" PRIu64 " bytes)", path, size);
	} else {
		m = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			fail(err, err_size, "cannot map %s: %s", path, strerror(errno));
	}
	int e = errno;
	close(fd);
	errno = e;
	return m == MAP_FAILED ? NULL : m;
}

/* ------------------------------------------------------------------------
 * The doorbell
 */

/* The interrupt device our module registered for this PCI device: its
 * name is under the device's misc/ directory in sysfs. */
static int open_irq(const char *dir)
{
	const char *forced = getenv("SGL_IVSHMEM_DEV");
	char path[512];
	if (forced && *forced)
		return open(forced, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/misc", dir);
	DIR *d = opendir(path);
	struct dirent *e;
	int fd = -1;
	while (d && fd < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, DEV_PREFIX, strlen(DEV_PREFIX)) || strchr(e->d_name, '/'))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (d)
		closedir(d);
	return fd;
}

static int end_init(struct ivshmem *d, struct end_wait *w, struct sgl_shm_notify *n,
		    const char *dir)
{
	*w = (struct end_wait){ .dev = d, .irq_fd = -1, .self_fd = -1 };
	*n = (struct sgl_shm_notify){ .wake = ring_host, .user = w };
	w->irq_fd = open_irq(dir);
	if (w->irq_fd < 0)
		return 0;   /* no module: poll */
	w->self_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->self_fd < 0)
		return -errno;
	n->wait = irq_wait;
	n->interrupt = self_interrupt;
	return 0;
}

/* With a doorbell (MSI-X, and IVPosition a peer id), BAR0 is mapped to
 * ring it; otherwise d->regs stays NULL and both sides poll. */
static int doorbell_init(struct ivshmem *d, const char *dir, char *err, size_t err_size)
{
	uint64_t size = bar_size(dir, 0);
	if (!has_msix(dir) || size < 16)
		return 0;
	volatile uint32_t *regs = map_bar(dir, 0, size, err, err_size);
	if (!regs)
		return -errno;
	uint32_t pos = regs[REG_IVPOSITION];
	if (pos == 0 || pos > 0xffff) {
		munmap((void *)regs, (size_t)size);
		return 0;
	}
	d->regs = regs;
	d->regs_size = (size_t)size;
	int r = end_init(d, &d->rxw, &d->rx, dir);
	if (r == 0)
		r = end_init(d, &d->txw, &d->tx, dir);
	return r;
}

struct sgl_channel *sgl_ivshmem_connect(const char *bdf, char *err, size_t err_size)
{
	const char *root = getenv("SGL_IVSHMEM_SYSFS");
	char dir[256];
	struct sgl_shm_header h;
	int e;

	if (!root || !*root)
		root = SYSFS_PCI;
	if (find_device(root, bdf, dir, sizeof(dir)) < 0) {
		errno = ENODEV;
		fail(err, err_size, "no ivshmem device (1af4:1110) %s%sunder %s", bdf ? bdf : "",
		     bdf ? " " : "", root);
		return NULL;
	}
	struct ivshmem *d = calloc(1, sizeof(*d));
	if (!d) {
		fail(err, err_size, "ivshmem: out of memory");
		return NULL;
	}
	d->rxw.irq_fd = d->rxw.self_fd = d->txw.irq_fd = d->txw.self_fd = -1;
	struct sgl_shm_memory m = { .release = dev_free, .user = d, .name = dir };
	m.map_size = (size_t)bar_size(dir, 2);
	if (m.map_size < sizeof(h)) {
		errno = EPROTO;
		fail(err, err_size, "%s: BAR2 is missing or smaller than a header", dir);
		goto err_free;
	}
	m.map = map_bar(dir, 2, m.map_size, err, err_size);
	if (!m.map)
		goto err_free;
	/* A private copy, checked whole before anything else is read. */
	memcpy(&h, m.map, sizeof(h));
	const char *why = sgl_shm_header_check(&h, m.map_size, &e);
	if (why) {
		errno = e;
		fail(err, err_size, "%s: BAR2: %s", dir, why);
		goto err_unmap;
	}
	if (doorbell_init(d, dir, err, err_size) < 0)
		goto err_unmap;
	if (d->regs) {
		m.rx = &d->rx;
		m.tx = &d->tx;
	}
	struct sgl_channel *ch = sgl_shm_attach(&m, &h, err, err_size);
	if (ch)
		return ch;
err_unmap:
	e = errno;
	munmap(m.map, m.map_size);
	errno = e;
err_free:
	e = errno;
	dev_free(d);
	errno = e;
	return NULL;
}
