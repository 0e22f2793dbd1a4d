/*
 * Frames the host left in a System V segment (SGL_MSG_F_FRAME_SHARED):
 * attached read-only once per segment and checked before use. The segment
 * id, offset and size come from the host; the nonce written in the segment
 * proves it is the host's segment and not another one with the same id
 * (another IPC namespace).
 */
#include "session.h"

#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "sgl_session.h"

void sgl_frame_view_release(struct sgl_frame_view *v)
{
	if (v->addr)
		shmdt(v->addr);
	*v = (struct sgl_frame_view)SGL_FRAME_VIEW_INIT;
}

static int attach(struct sgl_frame_view *v, const struct sgl_msg_frame_shared *m)
{
	struct shmid_ds ds;
	sgl_frame_view_release(v);
	if (shmctl(m->shmid, IPC_STAT, &ds) < 0)
		return -errno;
	if (ds.shm_segsz < m->size)
		return -EPROTO;
	void *addr = shmat(m->shmid, NULL, SHM_RDONLY);
	if (addr == (void *)-1)
		return -errno;
	struct sgl_frame_segment head;
	memcpy(&head, addr, sizeof(head));
	if (head.magic != SGL_FRAME_SEGMENT_MAGIC || head.nonce != m->nonce) {
		shmdt(addr);
		return -EPROTO;
	}
	*v = (struct sgl_frame_view){ m->shmid, addr, m->size, m->nonce };
	return 0;
}

int sgl_frame_view_get(struct sgl_frame_view *v, const struct sgl_msg_frame_shared *m,
		       struct sgl_frame *out)
{
	const struct sgl_msg_frame *f = &m->frame;
	uint64_t bytes = (uint64_t)f->stride * f->height;
	if (f->stride < (uint64_t)f->width * 4 || m->offset < sizeof(struct sgl_frame_segment) ||
	    m->size < m->offset || bytes > m->size - m->offset)
		return -EPROTO;
	if (v->shmid != m->shmid || v->size != m->size || v->nonce != m->nonce) {
		int r = attach(v, m);
		if (r)
			return r;
	}
	*out = (struct sgl_frame){ f->width, f->height, f->stride,
				   (const uint8_t *)v->addr + m->offset, m->shmid, m->offset };
	return 0;
}
