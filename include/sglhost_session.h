/*
 * libsglhost sessions: the session protocol (docs/session.md) spoken with
 * one guest over bytes the embedder moves itself, for a device model the
 * hypervisor already has (its own vsock, virtio-serial, a socket, a ring in
 * a BAR). docs/embedding.md tells the whole story.
 *
 * A session is fed what the guest sent, in order, in pieces of any size;
 * it answers through the send callback (HELLO/WELCOME, context creation,
 * replies, frames, lost contexts) and tells the embedder what happened
 * through the event callback. It runs the guest's GL work on the thread
 * that feeds it, inside sglhost_session_feed() / sglhost_session_commit().
 *
 * Conventions of sglhost.h hold: 0 or -errno; constructors return NULL and
 * set errno; destructors accept NULL; nothing is printed and nothing aborts
 * because of guest input. A guest that breaks the session protocol ends its
 * session (the guest is told why with BYE); a malformed GL command loses
 * only its context.
 *
 * Threads: one session is driven by one thread at a time (feed, commit,
 * destroy). Sessions of one host may run on different threads at once.
 * Callbacks run on the feeding thread, inside the call that fed.
 *
 * Out of process (SGLHOST_SESSION_OUT_OF_PROCESS): the session's GL work
 * runs in a helper process the library starts (sglhost-render, installed in
 * libexecdir), with an EGL display of its own, so that a crash in the GL
 * driver, which a guest's commands can still reach however well they are
 * checked, never takes the embedder's process down: the embedder sees the
 * session end (ENDED, -ECONNABORTED, "the helper process died ...") and
 * closes its transport, which tells the guest. The helper's answers arrive
 * asynchronously: poll sglhost_session_get_fd() for reading (and for
 * writing while sglhost_session_pending() is not 0) and call
 * sglhost_session_dispatch(), which calls the send callback and passes
 * queued guest bytes on (feed does both too, as far as it can at once).
 * Feed never waits for the helper, so a helper stuck in the GL driver
 * cannot block the embedder: what it has not taken is queued, and past
 * 64 MiB feed and get_buffer say -EAGAIN (stop reading from the guest
 * until dispatch drained the queue). PRESENT events then carry no context
 * (the pixels are in the helper); CONNECTED carries no name.
 *
 * Migration: a session's state (guest contexts, their GL objects) lives in
 * the host's GL driver and cannot be saved. sglhost_session_save() says so
 * (-ENOTSUP): a VMM refuses migration while a session exists, as QEMU does
 * for virgl.
 */
#ifndef SGLHOST_SESSION_H
#define SGLHOST_SESSION_H

#include "sglhost.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGLHOST_SESSION_CONFIG_VERSION 1
#define SGLHOST_SESSION_EVENT_VERSION 1

struct sglhost_session;

/*
 * Where the session's bytes for the guest go. Called with whole messages or
 * parts of them, in order; the bytes are valid only during the call. It
 * must take all of them (queue them if the transport is busy) and return 0;
 * a negative return ends the session with that error.
 */
typedef int (*sglhost_session_send_fn)(void *user, const void *data, size_t size);

enum sglhost_session_event_type {
	/* HELLO accepted; `text` is the guest program's name. */
	SGLHOST_SESSION_EVENT_CONNECTED = 1,
	/* The guest swapped buffers on `context` (`context_id`), `width` x
	 * `height`: the callback may call sglhost_context_read_pixels() on
	 * `context` (it runs inside submit with the context current) to show
	 * the frame on the VMM's own display. */
	SGLHOST_SESSION_EVENT_PRESENT = 2,
	/* A context was lost; `text` says why. The session carries on. */
	SGLHOST_SESSION_EVENT_CONTEXT_LOST = 3,
	/* The session ended: `error` is the -errno it ended with (-EPROTO: the
	 * guest broke the protocol; -EACCES: wrong token; the send callback's
	 * error), `text` why. Its contexts are gone; every later feed returns
	 * -EPIPE. Only destroy is left to do. */
	SGLHOST_SESSION_EVENT_ENDED = 4,
};

struct sglhost_session_event {
	uint32_t version;                 /* SGLHOST_SESSION_EVENT_VERSION */
	enum sglhost_session_event_type type;
	uint32_t context_id;              /* the guest's id; 0 when none */
	struct sglhost_context *context;  /* PRESENT only, else NULL */
	uint32_t width, height;           /* PRESENT */
	int error;                        /* ENDED */
	const char *text;                 /* NUL-terminated, valid during the call */
	const char *peer;                 /* the session's peer (config), for logs */
	/* PRESENT given by a server with SGLHOST_SERVER_COPY_FRAMES
	 * (sglhost_server.h): the frame, RGBA8888, top row first, `stride`
	 * bytes a row, valid during the call. NULL otherwise. */
	const void *pixels;
	size_t stride;
};

/* Called on the feeding thread. It must not feed or destroy its session. */
typedef void (*sglhost_session_event_fn)(void *user, const struct sglhost_session_event *ev);

/* Session log lines (guests arriving, leaving, breaking rules), without a
 * trailing newline. The library's own messages go to the host's handler. */
typedef void (*sglhost_session_log_fn)(void *user, enum sglhost_log_level level, const char *msg);

/* The guest must present `token` in HELLO (set it for transports that reach
 * beyond this machine's users). */
#define SGLHOST_SESSION_REQUIRE_TOKEN (1u << 0)
/* Run the GL work in a helper process (see above); `host` must be NULL
 * and `host_config` set. */
#define SGLHOST_SESSION_OUT_OF_PROCESS (1u << 1)
#define SGLHOST_SESSION_FLAGS_ALL \
	(SGLHOST_SESSION_REQUIRE_TOKEN | SGLHOST_SESSION_OUT_OF_PROCESS)

/*
 * Session configuration. Initialise with sglhost_session_config_init().
 * Copied by sglhost_session_create(); `host` must outlive the session.
 */
struct sglhost_session_config {
	uint32_t version;                 /* SGLHOST_SESSION_CONFIG_VERSION */
	uint32_t flags;                   /* SGLHOST_SESSION_* */
	struct sglhost *host;
	/* With SGLHOST_SESSION_REQUIRE_TOKEN; all zeros (no token) matches
	 * no guest. */
	uint8_t token[32];
	uint32_t max_contexts;            /* contexts the guest may hold; 0: 64 */
	/* Framebuffer limits told to the guest in WELCOME (the host's own
	 * limits still apply); 0: none told. */
	uint32_t max_width, max_height;
	/* Highest desktop GL version a context gets; 0/0: the driver's. */
	int32_t max_major, max_minor;
	/* For logs: who the guest is ("vm 3 vsock"); copied. May be NULL. */
	const char *peer;
	sglhost_session_send_fn send;     /* required */
	void *send_user;
	sglhost_session_event_fn event;   /* may be NULL */
	void *event_user;
	sglhost_session_log_fn log;       /* may be NULL */
	void *log_user;
	/* SGLHOST_SESSION_OUT_OF_PROCESS: the helper makes its host from this
	 * (its log handler and user are not used: the helper has no way to
	 * reach them); and the helper program (NULL: the installed one). */
	const struct sglhost_config *host_config;
	const char *helper_path;
};

SGLHOST_EXPORT void sglhost_session_config_init(struct sglhost_session_config *cfg);

/* A session waiting for the guest's HELLO. NULL and errno (EINVAL: bad
 * config; ENOMEM). Nothing is sent before the guest speaks. */
SGLHOST_EXPORT struct sglhost_session *
sglhost_session_create(const struct sglhost_session_config *cfg);

/*
 * Ends the session if it has not ended (no BYE is sent: the embedder closes
 * its transport; the ENDED event comes, -ECONNRESET "closed by the host")
 * and destroys every context the guest created (out of process: the helper
 * leaves, or is killed 100 ms later). NULL is a no-op. Not from inside the
 * session's own callbacks.
 */
SGLHOST_EXPORT void sglhost_session_destroy(struct sglhost_session *s);

/*
 * Feeds `size` bytes the guest sent. Whole messages are handled before this
 * returns (GL work included), partial ones are kept. Returns 0; -EPIPE when
 * the session had already ended; or the error the session ends with now
 * (see SGLHOST_SESSION_EVENT_ENDED). Out of process: the bytes are passed
 * on or queued, and -EAGAIN (nothing taken) while 64 MiB wait.
 */
SGLHOST_EXPORT int sglhost_session_feed(struct sglhost_session *s, const void *data, size_t size);

/*
 * Zero-copy feeding: *buf and *size are where the next bytes the guest sent
 * go and at most how many (never past the end of the message being read);
 * copy or read() into it, then say how many with sglhost_session_commit().
 * Returns 0, -EPIPE (ended), or out of process -EAGAIN (see feed).
 */
SGLHOST_EXPORT int sglhost_session_get_buffer(struct sglhost_session *s, void **buf,
					      size_t *size);
/* `n` bytes were written at the buffer: returns as sglhost_session_feed()
 * does; -EINVAL when `n` is larger than the buffer given. */
SGLHOST_EXPORT int sglhost_session_commit(struct sglhost_session *s, size_t n);

/*
 * Out of process: the descriptor to poll for reading (owned by the
 * session), or -1 for an in-process session and once the session ended.
 */
SGLHOST_EXPORT int sglhost_session_get_fd(const struct sglhost_session *s);
/* Out of process: bytes of the guest's that the helper has yet to take
 * (poll the fd for writing while not 0); else 0. Check it after every
 * feed or commit: one that found the socket full leaves bytes queued, and
 * an event loop still polling for reading only would wait for answers to
 * bytes the helper never got (another thread polling: wake it). */
SGLHOST_EXPORT size_t sglhost_session_pending(const struct sglhost_session *s);

/*
 * Out of process: passes what the helper has sent so far to the send
 * callback and gives the events it carries, and passes queued guest bytes
 * on, without blocking. Returns 0, or the error the session ended with
 * (-ECONNABORTED: the helper died). In process there is nothing to do: 0,
 * or the error the session ended with.
 */
SGLHOST_EXPORT int sglhost_session_dispatch(struct sglhost_session *s);

/* true once the session ended (the ENDED event was given). */
SGLHOST_EXPORT bool sglhost_session_ended(const struct sglhost_session *s);

/*
 * Migration: would write the session's state to `buf`. Always -ENOTSUP in
 * this version (GL state cannot be read back from the driver): refuse
 * migration while sessions exist, or end them first (the guest sees its
 * contexts lost).
 */
SGLHOST_EXPORT int sglhost_session_save(const struct sglhost_session *s, void *buf, size_t *size);

#ifdef __cplusplus
}
#endif

#endif
