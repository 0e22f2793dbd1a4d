/* System V segments for frames (frames.h). */
#include "transport/frames.h"

#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/random.h>
#include <sys/shm.h>

#include "sgl_session.h"

void sgl_frame_seg_release(struct sgl_frame_seg *seg)
{
	if (seg->addr)
		shmdt(seg->addr);
	*seg = (struct sgl_frame_seg)SGL_FRAME_SEG_INIT;
}

int sgl_frame_seg_ensure(struct sgl_frame_seg *seg, size_t bytes)
{
	if (seg->addr && seg->size - SGL_FRAME_SEG_PIXELS >= bytes)
		return 0;
	if (bytes > SIZE_MAX - 2 * (size_t)SGL_FRAME_SEG_PIXELS)
		return -EOVERFLOW;
	size_t size = (SGL_FRAME_SEG_PIXELS + bytes + 4095) & ~(size_t)4095;
	sgl_frame_seg_release(seg);

	/* Owner-only: the guest runs as the same user or falls back to frames
	 * in messages. */
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (id < 0)
		return -errno;
	void *addr = shmat(id, NULL, 0);
	int err = addr == (void *)-1 ? -errno : 0;
	/* Marked for removal at once: it goes when the last side detaches, even
	 * if both crash (Linux still lets the guest and X attach it by id). */
	shmctl(id, IPC_RMID, NULL);
	if (err)
		return err;

	struct sgl_frame_segment head = { SGL_FRAME_SEGMENT_MAGIC, 0 };
	if (getrandom(&head.nonce, sizeof(head.nonce), 0) != sizeof(head.nonce))
		head.nonce = (uint64_t)(uintptr_t)addr ^ ((uint64_t)id << 32) ^ 0x9e3779b97f4a7c15ull;
	memcpy(addr, &head, sizeof(head));
	*seg = (struct sgl_frame_seg){ id, addr, size, head.nonce };
	return 0;
}
