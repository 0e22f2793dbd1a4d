/*
 * ivshmem.h on Windows: the BAR2 of an ivshmem device, mapped into this
 * process by the virtio-win IVSHMEM driver, then the same slot code as
 * every shared-memory guest (shm.c). NOT VERIFIED: no Windows VM with the
 * driver was available; under Wine there is no such device, and only the
 * "no device" answer is tested (docs/windows.md).
 *
 * The driver's interface (its Public.h, read for the facts only): the
 * device interface GUID below; IOCTL_IVSHMEM_REQUEST_SIZE (UINT64 out),
 * IOCTL_IVSHMEM_REQUEST_MMAP (a 1-byte cache mode in, IVSHMEM_MMAP out:
 * 32 bytes in a 64-bit process, 24 in a 32-bit one, which the driver
 * expects of those), IOCTL_IVSHMEM_RELEASE_MMAP,
 * IOCTL_IVSHMEM_REQUEST_PEERID, IOCTL_IVSHMEM_RING_DOORBELL (peer, vector)
 * and IOCTL_IVSHMEM_REGISTER_EVENT (vector, event handle, single shot).
 *
 * The stock driver maps a device into one process at a time (others get
 * STATUS_DEVICE_ALREADY_ATTACHED): one GL process per ivshmem device. The
 * mapping is asked for cached, as the ring's atomics assume write-back
 * memory. With a doorbell device (MSI-X vectors and a peer id) we ring
 * the host (peer 0, vector 0) and sleep on events the driver sets on our
 * vector 0; otherwise, or when the driver refuses events, both sides poll.
 *
 * SGL_TRANSPORT=ivshmem takes the first device, ivshmem:N the Nth (from 0).
 */
#include "ivshmem.h"

#include <windows.h>

#include <errno.h>
#include <setupapi.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <winioctl.h>

#include "shm.h"

static const GUID ivshmem_interface = {
	0xdf576976, 0x569d, 0x4672, { 0x95, 0xa0, 0xf5, 0x7e, 0x4e, 0xa0, 0xb2, 0x10 } };

#define IOCTL(n) CTL_CODE(FILE_DEVICE_UNKNOWN, (n), METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_PEERID IOCTL(0x800)
#define IOCTL_SIZE IOCTL(0x801)
#define IOCTL_MMAP IOCTL(0x802)
#define IOCTL_RELEASE_MMAP IOCTL(0x803)
#define IOCTL_RING_DOORBELL IOCTL(0x804)
#define IOCTL_REGISTER_EVENT IOCTL(0x805)
#define CACHE_CACHED 1

struct ivshmem_mmap {
	uint16_t peer;
	uint64_t size;
	void *ptr;
	uint16_t vectors;
};

/* What the driver checks the output length against (IVSHMEM_MMAP, or
 * IVSHMEM_MMAP32 from a 32-bit process). */
_Static_assert(sizeof(struct ivshmem_mmap) == (sizeof(void *) == 8 ? 32 : 24),
	       "IVSHMEM_MMAP's layout");

struct ivshmem_ring {
	uint16_t peer, vector;
};

struct ivshmem_event {
	uint16_t vector;
	HANDLE event;
	BOOLEAN single_shot;
};

/* One ring's waiter: an event the driver sets on each interrupt. */
struct end_wait {
	struct ivshmem *dev;
	HANDLE event;
};

struct ivshmem {
	HANDLE handle;
	bool mapped;
	struct end_wait rxw, txw;
	struct sgl_shm_notify rx, tx;
};

#define fail sgl_shm_fail

static bool ioctl(HANDLE h, DWORD code, const void *in, DWORD in_size, void *out, DWORD out_size)
{
	DWORD got = 0;
	return DeviceIoControl(h, code, (void *)in, in_size, out, out_size, &got, NULL) &&
	       got == out_size;
}

static void ring_host(void *user, _Atomic uint32_t *word)
{
	struct end_wait *w = user;
	struct ivshmem_ring r = { 0, 0 };   /* peer 0 (the host), vector 0 */
	(void)word;
	ioctl(w->dev->handle, IOCTL_RING_DOORBELL, &r, sizeof(r), NULL, 0);
}

static void event_wait(void *user, _Atomic uint32_t *word, uint32_t seen, int ms)
{
	struct end_wait *w = user;
	if (atomic_load_explicit(word, memory_order_acquire) != seen)
		return;
	WaitForSingleObject(w->event, ms < 0 ? INFINITE : (DWORD)ms);
}

static void self_interrupt(void *user, _Atomic uint32_t *word)
{
	struct end_wait *w = user;
	(void)word;
	SetEvent(w->event);
}

/* Closing the handle also releases its mapping and events. */
static void dev_free(void *user)
{
	struct ivshmem *d = user;
	if (d->mapped)
		ioctl(d->handle, IOCTL_RELEASE_MMAP, NULL, 0, NULL, 0);
	if (d->handle != INVALID_HANDLE_VALUE)
		CloseHandle(d->handle);
	if (d->rxw.event)
		CloseHandle(d->rxw.event);
	if (d->txw.event)
		CloseHandle(d->txw.event);
	free(d);
}

/* The `index`th device of the driver's interface, opened; or
 * INVALID_HANDLE_VALUE. */
static HANDLE open_device(DWORD index)
{
	HANDLE h = INVALID_HANDLE_VALUE;
	HDEVINFO set = SetupDiGetClassDevsA(&ivshmem_interface, NULL, NULL,
					    DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
	if (set == INVALID_HANDLE_VALUE)
		return h;
	SP_DEVICE_INTERFACE_DATA ifd = { .cbSize = sizeof(ifd) };
	DWORD need = 0;
	if (SetupDiEnumDeviceInterfaces(set, NULL, &ivshmem_interface, index, &ifd)) {
		SetupDiGetDeviceInterfaceDetailA(set, &ifd, NULL, 0, &need, NULL);
		SP_DEVICE_INTERFACE_DETAIL_DATA_A *detail = need ? malloc(need) : NULL;
		if (detail) {
			detail->cbSize = sizeof(*detail);
			if (SetupDiGetDeviceInterfaceDetailA(set, &ifd, detail, need, NULL, NULL))
				h = CreateFileA(detail->DevicePath, GENERIC_READ | GENERIC_WRITE, 0,
						NULL, OPEN_EXISTING, 0, NULL);
			free(detail);
		}
	}
	SetupDiDestroyDeviceInfoList(set);
	return h;
}

/* Events on vector 0 for both rings, when the device has a doorbell and
 * the driver takes them; else both sides poll (notify left NULL). */
static void doorbell_init(struct ivshmem *d, const struct ivshmem_mmap *map,
			  struct sgl_shm_memory *m)
{
	uint16_t peer = 0;
	if (!map->vectors || !ioctl(d->handle, IOCTL_PEERID, NULL, 0, &peer, sizeof(peer)) ||
	    peer == 0)
		return;
	struct end_wait *ends[] = { &d->rxw, &d->txw };
	for (int i = 0; i < 2; i++) {
		ends[i]->dev = d;
		ends[i]->event = CreateEventA(NULL, FALSE, FALSE, NULL);
		struct ivshmem_event ev = { 0, ends[i]->event, FALSE };
		if (!ends[i]->event ||
		    !ioctl(d->handle, IOCTL_REGISTER_EVENT, &ev, sizeof(ev), NULL, 0))
			return;
	}
	d->rx = (struct sgl_shm_notify){ .wake = ring_host, .wait = event_wait,
					 .interrupt = self_interrupt, .user = &d->rxw };
	d->tx = (struct sgl_shm_notify){ .wake = ring_host, .wait = event_wait,
					 .interrupt = self_interrupt, .user = &d->txw };
	m->rx = &d->rx;
	m->tx = &d->tx;
}

struct sgl_channel *sgl_ivshmem_connect(const char *which, char *err, size_t err_size)
{
	char *end;
	unsigned long index = which ? strtoul(which, &end, 10) : 0;
	struct sgl_shm_header h;
	int e;
	if (which && (*end || !*which)) {
		errno = EINVAL;
		fail(err, err_size, "ivshmem:%s: on Windows a device is named by its index (0, 1, ...)",
		     which);
		return NULL;
	}
	struct ivshmem *d = calloc(1, sizeof(*d));
	if (!d) {
		fail(err, err_size, "ivshmem: out of memory");
		return NULL;
	}
	d->handle = open_device((DWORD)index);
	if (d->handle == INVALID_HANDLE_VALUE) {
		errno = ENODEV;
		fail(err, err_size, "no ivshmem device %lu (the virtio-win IVSHMEM driver's)", index);
		goto err_free;
	}
	uint64_t size = 0;
	uint8_t cache = CACHE_CACHED;
	struct ivshmem_mmap map = { 0 };
	if (!ioctl(d->handle, IOCTL_SIZE, NULL, 0, &size, sizeof(size)) || size < sizeof(h) ||
	    size > SIZE_MAX) {
		errno = EPROTO;
		fail(err, err_size, "ivshmem %lu: no usable BAR2 size", index);
		goto err_free;
	}
	if (!ioctl(d->handle, IOCTL_MMAP, &cache, 1, &map, sizeof(map)) || !map.ptr ||
	    map.size != size) {
		errno = EBUSY;
		fail(err, err_size,
		     "ivshmem %lu: the driver would not map it (Windows error %lu; it maps a "
		     "device into one process at a time)",
		     index, (unsigned long)GetLastError());
		goto err_free;
	}
	d->mapped = true;
	/* A private copy, checked whole before anything else is read. */
	struct sgl_shm_memory m = { .map = map.ptr, .map_size = (size_t)size,
				    .release = dev_free, .user = d, .name = "ivshmem" };
	memcpy(&h, m.map, sizeof(h));
	const char *why = sgl_shm_header_check(&h, m.map_size, &e);
	if (why) {
		errno = e;
		fail(err, err_size, "ivshmem %lu: BAR2: %s", index, why);
		goto err_free;
	}
	doorbell_init(d, &map, &m);
	struct sgl_channel *ch = sgl_shm_attach(&m, &h, err, err_size);
	if (ch)
		return ch;
err_free:
	e = errno;
	dev_free(d);
	errno = e;
	return NULL;
}
