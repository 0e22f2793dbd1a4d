/*
 * Frames handed to a guest on the same machine through a System V
 * shared-memory segment (protocol/sgl_session.h, SGL_MSG_F_FRAME_SHARED):
 * the host reads the pixels straight into it, the guest shows them from
 * there (MIT-SHM takes the same segment), and no frame crosses the channel.
 */
#ifndef SGL_TRANSPORT_FRAMES_H
#define SGL_TRANSPORT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

struct sgl_frame_seg {
	int shmid;              /* -1: none yet */
	uint8_t *addr;
	size_t size;
	uint64_t nonce;
};

#define SGL_FRAME_SEG_INIT { -1, NULL, 0, 0 }

/* Offset of the pixels in the segment (after struct sgl_frame_segment). */
#define SGL_FRAME_SEG_PIXELS 4096u

/* Makes the segment hold at least `bytes` of pixels: a new one when it is
 * too small. 0 or -errno (no SysV IPC, over the system's limits). */
int sgl_frame_seg_ensure(struct sgl_frame_seg *seg, size_t bytes);

/* Detaches; the segment goes when the guest has detached too. */
void sgl_frame_seg_release(struct sgl_frame_seg *seg);

#endif
