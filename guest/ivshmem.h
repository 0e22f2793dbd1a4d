/*
 * The guest's end of the shared-memory transport inside a VM: the host's
 * memory is the BAR2 of an ivshmem PCI device (1af4:1110), mapped through
 * sysfs (docs/ivshmem.md).
 */
#ifndef SGL_GUEST_IVSHMEM_H
#define SGL_GUEST_IVSHMEM_H

#include <stddef.h>

struct sgl_channel;

/* Connects through the ivshmem device `bdf` ("0000:00:04.0"; NULL: the
 * first 1af4:1110 device). $SGL_IVSHMEM_SYSFS replaces
 * /sys/bus/pci/devices (tests), $SGL_IVSHMEM_DEV names the interrupt
 * device instead of the one the guest module registered. NULL and a
 * message when there is no such device or no host serves it. */
struct sgl_channel *sgl_ivshmem_connect(const char *bdf, char *err, size_t err_size);

#endif
