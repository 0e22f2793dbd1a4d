/*
 * The session protocol: what a guest and sgl-host say to each other over
 * any transport (stream socket, shared-memory rings). docs/session.md.
 *
 * Every message is a header and a payload. Transports move whole messages;
 * the stream transport prefixes nothing more (`size` is the frame length).
 * Little-endian, 8-byte aligned.
 */
#ifndef SGL_SESSION_H
#define SGL_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SGL_SESSION_MAGIC 0x314c4753u   /* "SGL1" */
/* 3: HELLO carries the wire id (docs/session.md). */
#define SGL_SESSION_VERSION 3
/* Largest message either side accepts: room for a 64 MiB upload (a 4096x4096
 * RGBA texture) and its command. */
#define SGL_SESSION_MAX_MESSAGE (256u << 20)

enum sgl_msg_kind {
	/* guest -> host */
	SGL_MSG_HELLO = 1,           /* struct sgl_msg_hello */
	SGL_MSG_CREATE_CONTEXT = 2,  /* struct sgl_msg_create_context */
	SGL_MSG_DESTROY_CONTEXT = 3, /* no payload */
	SGL_MSG_COMMANDS = 4,        /* protocol commands (sgl_wire.h) for `context` */
	/* host -> guest */
	SGL_MSG_WELCOME = 64,        /* struct sgl_msg_welcome */
	SGL_MSG_CONTEXT_CREATED = 65,/* struct sgl_msg_context_created */
	SGL_MSG_REPLY = 66,          /* one command reply (sgl_wire.h) */
	SGL_MSG_FRAME = 67,          /* struct sgl_msg_frame + pixels, after a swap */
	SGL_MSG_LOST = 68,           /* the context is lost: a NUL-terminated reason */
	SGL_MSG_BYE = 69,            /* the host refuses or ends the session: reason */
};

struct sgl_msg_header {
	uint32_t size;        /* header + payload, a multiple of 8 */
	uint32_t kind;        /* enum sgl_msg_kind */
	uint32_t context;     /* guest-chosen context id; 0 when none */
	uint32_t flags;       /* SGL_MSG_F_* */
};

/* COMMANDS: the batch ends with a command that replies; wait for it. */
#define SGL_MSG_F_WANTS_REPLY 1u
/* COMMANDS: send the frame back after the swap in this batch. */
#define SGL_MSG_F_WANTS_FRAME 2u
/* COMMANDS with WANTS_FRAME: the guest runs on the host's machine and can
 * attach a System V shared-memory segment; the host may send the pixels
 * there instead of in the message (FRAME with SGL_MSG_F_FRAME_SHARED). */
#define SGL_MSG_F_FRAME_SYSV 4u
/* FRAME: the payload is struct sgl_msg_frame_shared; the pixels are in the
 * segment, not in the message. */
#define SGL_MSG_F_FRAME_SHARED 8u
/* COMMANDS with FRAME_SYSV: the guest shows this frame while the host
 * handles its next swap (a deferred present): the host puts consecutive
 * frames in two segments in turn, so the segment a frame is in is written
 * again only at the swap after next. */
#define SGL_MSG_F_FRAME_TWO_SEGMENTS 16u

/* A whole message (header, `a`, `b`, zeros to a multiple of 8) packed into
 * `out` so that it goes to the channel in one write: one segment on a
 * socket, one publish (and at most one wake-up) on a ring, instead of a
 * header that wakes the peer before its payload is there. Its size, or 0
 * when it needs more than `cap` bytes (the caller writes it in pieces). */
static inline size_t sgl_msg_pack(uint8_t *out, size_t cap, uint32_t kind, uint32_t context,
				  uint32_t flags, const void *a, size_t alen, const void *b,
				  size_t blen)
{
	size_t len = sizeof(struct sgl_msg_header) + alen + blen;
	size_t padded = (len + 7) & ~(size_t)7;
	if (alen > cap || blen > cap || padded > cap)
		return 0;
	struct sgl_msg_header h = { (uint32_t)padded, kind, context, flags };
	memcpy(out, &h, sizeof(h));
	if (alen)
		memcpy(out + sizeof(h), a, alen);
	if (blen)
		memcpy(out + sizeof(h) + alen, b, blen);
	memset(out + len, 0, padded - len);
	return padded;
}

/* magic and version stay first in every version: a host reads them to
 * refuse a HELLO of another layout. */
struct sgl_msg_hello {
	uint32_t magic;       /* SGL_SESSION_MAGIC */
	uint32_t version;     /* SGL_SESSION_VERSION */
	uint8_t token[32];    /* pre-shared token, zeros when none */
	char name[64];        /* program name, for logs */
	/* The guest's wire id, SGL_WIRE_ID_BYTES of the generated
	 * sgl_protocol.h: the host refuses one that is not its own. */
	uint8_t wire[32];
};
_Static_assert(sizeof(struct sgl_msg_hello) == 136, "layout");
_Static_assert(__builtin_offsetof(struct sgl_msg_hello, wire) == 104, "layout");

/* The BYE text of a refused wire id starts with this. */
#define SGL_WIRE_MISMATCH "protocol mismatch"

struct sgl_msg_welcome {
	uint32_t version;
	uint32_t max_width;
	uint32_t max_height;
	uint32_t pad_;
};

/* The same bits as SGLHOST_CONTEXT_NO_* of sglhost.h. */
#define SGL_CONTEXT_NO_DEPTH   (1u << 0)
#define SGL_CONTEXT_NO_STENCIL (1u << 1)
#define SGL_CONTEXT_ROBUST_ACCESS (1u << 2) /* must have robust buffer access */
#define SGL_CONTEXT_LOSE_ON_RESET (1u << 3) /* GL_LOSE_CONTEXT_ON_RESET */

struct sgl_msg_create_context {
	uint32_t api;         /* enum sglhost_api */
	int32_t major, minor; /* 0, 0: the highest */
	uint32_t share;       /* context id to share objects with, 0: none */
	uint32_t width, height;
	uint32_t flags;       /* SGL_CONTEXT_*: framebuffer config, robustness */
	uint32_t pad_;
};

struct sgl_msg_context_created {
	int32_t status;       /* 0 or -errno */
	int32_t major, minor;
	uint32_t pad_;
};

struct sgl_msg_frame {
	uint32_t width, height;
	uint32_t stride;      /* bytes per row of the pixels that follow, top row first */
	uint32_t format;      /* enum sglhost_pixel_format */
};

/*
 * A frame left in a System V segment the host created for one context
 * (readable by the host's user only). The segment starts with struct
 * sgl_frame_segment; the pixels are at `offset`. The host writes them
 * only while handling that context's next swap (the swap after next with
 * SGL_MSG_F_FRAME_TWO_SEGMENTS), so they stay put until the guest sends
 * one. The guest checks `nonce` in the segment before
 * trusting it is the host's (another IPC namespace has other segments).
 */
struct sgl_msg_frame_shared {
	struct sgl_msg_frame frame;
	int32_t shmid;
	uint32_t offset;      /* of the first pixel row, a multiple of 4096 */
	uint64_t size;        /* of the segment */
	uint64_t nonce;
};

#define SGL_FRAME_SEGMENT_MAGIC 0x46524d53474c5347ull   /* "GSLGSMRF" */

struct sgl_frame_segment {
	uint64_t magic;
	uint64_t nonce;
};

#endif
