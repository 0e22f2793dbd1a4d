/*
 * The guest side of a session with sgl-host (protocol/sgl_session.h): one
 * connection per process, shared by every context of the process.
 */
#ifndef SGL_GUEST_SESSION_H
#define SGL_GUEST_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encoder.h"
#include "frames.h"

struct sgl_session;

/* A frame the host sent back after a swap: BGRA8888, top row first. */
struct sgl_frame {
	uint32_t width, height, stride;
	const uint8_t *pixels;   /* valid until the next call on the session */
	/* A SysV segment on this machine holding `pixels` at `shm_offset`
	 * (MIT-SHM can show it as it is); -1 when the pixels are ours. */
	int shmid;
	uint32_t shm_offset;
};

/*
 * Connects to `transport` ("shm", "shm:PATH", "tcp:HOST:PORT",
 * "unix:PATH", "vsock:CID:PORT"; NULL: $SGL_TRANSPORT, else "shm") and says
 * hello (token from $SGL_TOKEN: 64 hex digits). NULL and a message in
 * `err` on failure.
 */
struct sgl_session *sgl_session_open(const char *transport, const char *name, char *err,
				     size_t err_size);
void sgl_session_close(struct sgl_session *s);

/* Creates context `id` on the host (`flags`: SGL_CONTEXT_NO_*); 0 or
 * -errno. Fills the version. */
int sgl_session_create_context(struct sgl_session *s, uint32_t id, uint32_t api, int major,
			       int minor, uint32_t share, uint32_t width, uint32_t height,
			       uint32_t flags, int *got_major, int *got_minor);
void sgl_session_destroy_context(struct sgl_session *s, uint32_t id);
uint32_t sgl_session_new_context_id(struct sgl_session *s);

/* The encoder transport of context `id` (see sgl_transport_ops). */
struct sgl_session_link {
	struct sgl_session *session;
	uint32_t context;
	bool lost;
	char reason[256];
	/* Frames in a host segment: one, or two in turn while swaps defer
	 * (SGL_MSG_F_FRAME_TWO_SEGMENTS); last_view: the one used last. */
	struct sgl_frame_view frames[2];
	unsigned last_view;
	bool no_shared_frames;          /* they failed once: frames in messages */
	/* A deferred swap's frame still to come, and how to show it. */
	bool frame_pending;
	void (*pending_present)(void *user, const struct sgl_frame *frame);
	void *pending_user;
};

/* Lets go of what the link holds (before the context is destroyed). */
void sgl_session_link_finish(struct sgl_session_link *l);
extern const struct sgl_transport_ops sgl_session_transport;

/* Shows a frame; called with the session locked, so the pixels (which live
 * in the session's receive buffer) cannot change under it. */
typedef void (*sgl_present_fn)(void *user, const struct sgl_frame *frame);

/* Sends what `e` has batched with a swap in it, waits for the frame and
 * hands it to `present` (not called for an empty frame). 0, or -errno (the
 * context is lost, or the session broke).
 * With `may_defer` and SGL_FRAME_LATENCY=1 (one context of the session at
 * a time) it returns without waiting: the frame is shown at this context's
 * next swap, round trip (glFinish, glReadPixels, ...) or
 * sgl_session_show_frame, so the host reads frame N back and renders frame
 * N+1 while the guest shows frame N and draws the next. Frames from a host
 * on this machine then come in two segments in turn. `user` must stay
 * valid until then. */
int sgl_session_swap(struct sgl_enc *e, sgl_present_fn present, void *user, bool may_defer);
/* Shows the frame a deferred swap left in flight, if any; 0 or -errno. */
int sgl_session_show_frame(struct sgl_session_link *l);
/* A deferred frame that would be shown through `user` (a window going
 * away) is taken in when it comes but not shown. */
void sgl_session_forget_present(struct sgl_session *s, const void *user);

#endif
