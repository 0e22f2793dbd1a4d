/*
 * ivshmem.h on Windows: the BAR2 of an ivshmem device comes from the
 * virtio-win IVSHMEM driver (IOCTL_IVSHMEM_REQUEST_MMAP), which is not
 * written yet (docs/windows.md). Until then a Windows guest reaches the
 * host by TCP, or, under Wine, by "shm:" on the host's ivshmem file.
 */
#include "ivshmem.h"

#include <errno.h>

#include "sgl_shm.h"

struct sgl_channel *sgl_ivshmem_connect(const char *bdf, char *err, size_t err_size)
{
	(void)bdf;
	errno = ENOSYS;
	sgl_shm_fail(err, err_size,
		     "ivshmem: the virtio-win IVSHMEM driver path is not implemented yet "
		     "(use tcp:HOST:PORT; docs/windows.md)");
	return NULL;
}
