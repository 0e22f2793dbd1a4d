/* Frames in System V segments from a host on this machine (frames.c). */
#ifndef SGL_GUEST_FRAMES_H
#define SGL_GUEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

struct sgl_frame;
struct sgl_msg_frame_shared;

/* One context's view of its host segment. */
struct sgl_frame_view {
	int shmid;              /* -1: none attached */
	void *addr;
	uint64_t size;
	uint64_t nonce;
};

#define SGL_FRAME_VIEW_INIT { -1, NULL, 0, 0 }

/* Checks `m`, attaches its segment when it is a new one, and fills `out`.
 * 0, or -errno: the frame cannot be used (the caller asks for frames in
 * messages from then on). */
int sgl_frame_view_get(struct sgl_frame_view *v, const struct sgl_msg_frame_shared *m,
		       struct sgl_frame *out);
void sgl_frame_view_release(struct sgl_frame_view *v);

#endif
