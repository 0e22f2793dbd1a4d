/*
 * A listener on shared memory the embedder owns (sglhost_transport.h,
 * sglhost_shm_region_listen): the BAR2 backing of an ivshmem device its
 * VMM emulates. The memory stays the embedder's (never unmapped here); the
 * guests' doorbell comes in through sglhost_shm_region_doorbell(), the
 * host's wakes go out through the embedder's interrupt hook.
 */
#include "transport/region_listener.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "transport/shm_region.h"

#define fail sgl_shm_fail

/* Without doorbells the accept looks this often (ms). */
#define POLL_ACCEPT_MS 10

struct region_listener {
	struct sgl_listener base;
	/* Lives as long as the listener or any of its channels. */
	struct sgl_shm_region region;
	struct sgl_shm_notify notify;
	void (*interrupt)(void *user);
	void *interrupt_user;
	_Atomic bool shut;
};

static struct region_listener *from_region(struct sgl_shm_region *r)
{
	return (struct region_listener *)((char *)r - offsetof(struct region_listener, region));
}

static void release(struct sgl_shm_region *r)
{
	free(from_region(r));
}

static void wake_guest(void *user, _Atomic uint32_t *word)
{
	struct region_listener *l = user;
	(void)word;
	l->interrupt(l->interrupt_user);
}

static struct sgl_channel *listener_accept(struct sgl_listener *base, int *err)
{
	struct region_listener *l = (struct region_listener *)base;
	return sgl_shm_region_accept_wait(&l->region, &l->shut, POLL_ACCEPT_MS, err);
}

static void listener_shutdown(struct sgl_listener *base)
{
	struct region_listener *l = (struct region_listener *)base;
	sgl_shm_region_shutdown_accept(&l->region, &l->shut);
}

static void listener_destroy(struct sgl_listener *base)
{
	struct region_listener *l = (struct region_listener *)base;
	sgl_shm_region_stop(&l->region);
	sgl_shm_region_unref(&l->region);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
};

struct sgl_listener *sgl_region_listen(const struct sglhost_shm_region_config *cfg, char *err,
				       size_t err_size)
{
	uint32_t slots = cfg->slots, ring = cfg->ring_size ? cfg->ring_size : 1u << 20;
	uint64_t size = cfg->size;
	if (!cfg->memory || ((uintptr_t)cfg->memory & 4095) || !size) {
		fail(err, err_size, "shm region: no memory, or not 4096-aligned");
		errno = EINVAL;
		return NULL;
	}
	/* The embedder's BAR: a power of two, or any size that holds one slot. */
	bool pow2 = (size & (size - 1)) == 0;
	if (sgl_shm_geometry(&slots, &ring, &size, pow2, err, err_size) < 0 || size > cfg->size) {
		if (size > cfg->size)
			fail(err, err_size, "shm region: %llu bytes hold no slot of %u bytes",
			     (unsigned long long)cfg->size, ring);
		errno = EINVAL;
		return NULL;
	}
	struct region_listener *l = calloc(1, sizeof(*l));
	if (!l || sgl_shm_region_init(&l->region, cfg->memory, (size_t)cfg->size, slots, ring)) {
		free(l);
		fail(err, err_size, "shm region: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	l->region.release = release;
	l->region.remote = cfg->remote;
	if (cfg->heartbeat_ms)
		l->region.heartbeat_ms = cfg->heartbeat_ms;
	if (cfg->interrupt_guest) {
		l->interrupt = cfg->interrupt_guest;
		l->interrupt_user = cfg->interrupt_user;
		l->notify = (struct sgl_shm_notify){
			.wake = wake_guest, .wait = sgl_shm_futex_notify.wait,
			.interrupt = sgl_shm_futex_notify.interrupt, .user = l,
		};
		l->region.notify = &l->notify;
	} else if (cfg->remote) {
		l->region.notify = &sgl_shm_poll_notify;
	}
	snprintf(l->region.name, sizeof(l->region.name), "%s", cfg->name ? cfg->name : "region");
	snprintf(l->base.desc, sizeof(l->base.desc), "shm region %s (%llu KiB, %u slots)",
		 l->region.name, (unsigned long long)(cfg->size >> 10), slots);
	l->base.ops = &listener_ops;
	l->base.forkable = false;
	sgl_shm_region_start(&l->region, cfg->remote ? 0 : (uint32_t)getpid());
	return &l->base;
}

bool sgl_region_listener(const struct sgl_listener *l)
{
	return l && l->ops == &listener_ops;
}

void sgl_region_doorbell(struct sgl_listener *base)
{
	struct region_listener *l = (struct region_listener *)base;
	sgl_shm_region_wake_host(&l->region);
	sgl_shm_kick(&l->region.hdr->doorbell);
}

void sgl_region_reset(struct sgl_listener *base)
{
	struct region_listener *l = (struct region_listener *)base;
	atomic_store_explicit(&l->region.gone, true, memory_order_seq_cst);
	sgl_region_doorbell(base);
}

void sgl_region_pause(struct sgl_listener *base, bool paused)
{
	struct region_listener *l = (struct region_listener *)base;
	atomic_store_explicit(&l->region.paused, paused, memory_order_relaxed);
}
