/*
 * One shared memory laid out as protocol/sgl_shm.h, and the host's side of
 * its client slots: accepting a connected slot as a channel, the sessions'
 * rings, freeing the slots of guests that died. Whoever owns the memory (a
 * /dev/shm file, an ivshmem-plain file, one memfd per VM of the doorbell
 * server) says how the host sleeps and wakes guests (the notify) and how it
 * tells that a guest died (its pid, or its heartbeat).
 *
 * A region is reference-counted: its owner holds one reference, every
 * channel one more, and release() runs when the last one goes.
 */
#ifndef SGL_TRANSPORT_SHM_REGION_H
#define SGL_TRANSPORT_SHM_REGION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgl_shm.h"
#include "transport/channel.h"

struct slot_watch;

struct sgl_shm_region {
	_Atomic unsigned refs;
	uint8_t *map;            /* the whole memory, `map_size` bytes */
	size_t map_size;
	struct sgl_shm_header *hdr;
	uint32_t slots, ring_size;
	struct slot_watch *watch;
	/* How the host sleeps and wakes this memory's guests. */
	const struct sgl_shm_notify *notify;
	/* Guests live in another kernel: host_pid is 0, both sides beat
	 * hearts, and a guest whose heartbeat stood still `heartbeat_ms` is
	 * gone (pids mean nothing). */
	bool remote;
	uint32_t heartbeat_ms;
	/* Set by the owner when the memory's guests are all gone at once (the
	 * VM disconnected): every session ends. */
	_Atomic bool gone;
	/* Set by the owner while the VM is paused: heartbeats that stand
	 * still mean nothing (remote regions). */
	_Atomic bool paused;
	uint64_t next_sweep;     /* the sweeping thread's */
	char name[48];           /* for logs: "shm", "ivshmem vm 3" */
	/* Frees the memory and whatever the owner keeps beside it. */
	void (*release)(struct sgl_shm_region *r);
};

/* Serves `map` (freed by release()); the memory must be zero where the
 * slots are. 0, or -ENOMEM. The caller sets notify, remote, name and
 * release before start. */
int sgl_shm_region_init(struct sgl_shm_region *r, void *map, size_t map_size, uint32_t slots,
			uint32_t ring_size);
/* Writes the header, then host_alive (last, release): guests may connect. */
void sgl_shm_region_start(struct sgl_shm_region *r, uint32_t host_pid);
/* host_alive = 0, and wakes every guest so that it sees it. */
void sgl_shm_region_stop(struct sgl_shm_region *r);
void sgl_shm_region_ref(struct sgl_shm_region *r);
void sgl_shm_region_unref(struct sgl_shm_region *r);

/* A connected slot no channel holds, as a new channel (never blocks);
 * NULL with *err 0 when there is none, or -ENOMEM. */
struct sgl_channel *sgl_shm_region_accept(struct sgl_shm_region *r, int *err);
/* sglhost_listener_redeem of a region's channel: `t` is what its ticket
 * op wrote, in the process that accepted it (before this one was forked
 * from it: the same mapping, at the same address). NULL and errno. */
struct sgl_channel *sgl_shm_region_redeem(struct sgl_shm_region *r, const void *t, size_t size);
/*
 * Blocks until a guest connects a slot, sweeping meanwhile; `ms` bounds each
 * sleep (guests in a VM cannot wake it). The doorbell is read before the
 * scan: a guest marks its slot CONNECTED, then bumps the doorbell, so either
 * the scan sees the slot or the futex word differs when we wait. NULL with
 * *err -ECANCELED once *shut is set (sgl_shm_region_shutdown_accept sets it
 * and wakes the wait).
 */
struct sgl_channel *sgl_shm_region_accept_wait(struct sgl_shm_region *r, _Atomic bool *shut,
					       int ms, int *err);
void sgl_shm_region_shutdown_accept(struct sgl_shm_region *r, _Atomic bool *shut);
/* Every SGL_SHM_WAIT_MS or so, from one thread at a time: bumps the host's
 * heartbeat and frees slots whose guests died. Does nothing when called
 * sooner. */
void sgl_shm_region_sweep(struct sgl_shm_region *r);
/* A guest rang (doorbell): wakes the host's sessions asleep on its slots
 * (and the ring words they sleep on), so that they look again. */
void sgl_shm_region_wake_host(struct sgl_shm_region *r);

/* Settles a memory's geometry: *slots (0: SGL_SHM_DEFAULT_SLOTS) rings of
 * *ring (0: SGL_SHM_DEFAULT_RING) bytes in *size bytes. !pow2: *size is the
 * layout's. pow2 (an ivshmem BAR): *size 0 becomes the smallest power of
 * two that holds them; a given *size must be a power of two, and holds
 * fewer slots when it is too small for all. 0, or -EINVAL and a message. */
int sgl_shm_geometry(uint32_t *slots, uint32_t *ring, uint64_t *size, bool pow2, char *err,
		     size_t err_size);

#endif
