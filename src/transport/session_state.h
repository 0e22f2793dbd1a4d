/*
 * Inside a session (session.c handles messages, session_feed.c takes the
 * bytes in and runs its life): the state they share.
 */
#ifndef SGL_TRANSPORT_SESSION_STATE_H
#define SGL_TRANSPORT_SESSION_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgl_session.h"
#include "sglhost_session.h"
#include "transport/frames.h"
#include "transport/session_remote.h"

#define DEFAULT_MAX_CONTEXTS 64

struct client_context {
	uint32_t id;
	struct sglhost_context *ctx;
	bool lost_reported;
	/* Frames for a guest on this machine: seg[0], or both in turn for a
	 * guest that shows a frame during the next swap. */
	struct sgl_frame_seg seg[2];
	unsigned next_seg;
};

struct sglhost_session {
	struct sglhost_session_config cfg;
	struct sgl_remote *remote;  /* out of process: all goes there */
	char peer[96];
	struct client_context *contexts;
	uint32_t ncontexts, max_contexts;
	struct sgl_msg_header h;  /* the message being read */
	size_t have;             /* bytes of its header, then of its payload */
	bool in_payload, welcomed;
	int ended;               /* 0, or the error the session ended with */
	uint8_t *msg;            /* the message being handled (8-byte aligned) */
	size_t msg_cap;
	uint8_t *frame;          /* pixels of the last present */
	size_t frame_cap;
	bool want_frame;
	bool frame_sysv;         /* the guest can take it in a SysV segment */
	bool frame_two_segs;     /* ... and shows it while the next swap runs */
	int send_error;
	char bye[256];           /* the BYE sent, for the ENDED event */
	char name[64];
};

void sgl_hsession_logf(struct sglhost_session *s, enum sglhost_log_level level, const char *fmt,
		       ...)
	__attribute__((format(printf, 3, 4)));
void sgl_hsession_event(struct sglhost_session *s, enum sglhost_session_event_type type,
			uint32_t id, struct sglhost_context *ctx, uint32_t w, uint32_t h,
			const char *text);
int sgl_hsession_send_text(struct sglhost_session *s, uint32_t kind, uint32_t context,
			  const char *text);
/* HELLO, then every other message: 0 or the -errno that ends the session. */
int sgl_hsession_hello(struct sglhost_session *s, const struct sgl_msg_header *h,
		      const uint8_t *p);
int sgl_hsession_handle(struct sglhost_session *s, const struct sgl_msg_header *h,
		       const uint8_t *p);
void sgl_hsession_destroy_context(struct sglhost_session *s, uint32_t id);

#endif
