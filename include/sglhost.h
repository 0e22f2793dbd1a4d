/*
 * libsglhost: OpenGL acceleration for virtual machines by API forwarding.
 *
 * This is the core public header. It declares a host (one EGL display and
 * its limits), contexts (one guest GL context each, with its window-system
 * framebuffer) and the entry point that runs a guest command buffer.
 * Serving guests over the session protocol builds on it:
 * sglhost_session.h, sglhost_transport.h and sglhost_server.h
 * (docs/embedding.md).
 *
 * Conventions, for every function below:
 * - Functions returning int return 0 on success or a negative errno value.
 * - Constructors return NULL on failure and set errno; the reason is also
 *   passed to the log handler.
 * - Destructors accept NULL and do nothing then.
 * - The library never prints and never aborts because of guest input. A
 *   malformed command marks only its context lost; the host and every other
 *   context carry on.
 * - There is no process-global state: any number of hosts may live in one
 *   process.
 *
 * Threads: a host may be used from several threads. Context creation and
 * destruction are serialised inside the host. One context must be driven by
 * one thread at a time (submit, read_pixels, resize, destroy), and contexts of
 * one share group must be driven by one thread at a time as a group, because
 * they share object-name maps. Different share groups may run concurrently
 * on different threads. A context's host EGL context is made current on the
 * calling thread by the calls that need it and is left current afterwards.
 */
#ifndef SGLHOST_H
#define SGLHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SGLHOST_EXPORT __attribute__((visibility("default")))
#else
#define SGLHOST_EXPORT
#endif

/* Version of this header's structs. */
#define SGLHOST_CONFIG_VERSION 1
#define SGLHOST_CONTEXT_CONFIG_VERSION 1

struct sglhost;
struct sglhost_context;

enum sglhost_log_level {
	SGLHOST_LOG_SILENT = 0,
	SGLHOST_LOG_ERROR = 1,
	SGLHOST_LOG_WARN = 2,
	SGLHOST_LOG_INFO = 3,
	SGLHOST_LOG_DEBUG = 4,
};

/*
 * Log handler. Called on the thread that caused the message, with a
 * NUL-terminated message without a trailing newline. `file` and `line` name
 * the library source that logged. The handler must not call back into the
 * library. Messages above the configured level are not produced at all.
 */
typedef void (*sglhost_log_fn)(void *user, enum sglhost_log_level level,
			       const char *file, int line, const char *msg);

enum sglhost_platform {
	/* An explicit render node if one is named, else the first EGL
	 * device with a DRM render node, else Mesa surfaceless. */
	SGLHOST_PLATFORM_AUTO = 0,
	/* GBM on `render_node` (or the first /dev/dri/renderD* if NULL). */
	SGLHOST_PLATFORM_RENDER_NODE = 1,
	/* EGL_EXT_platform_device, device number `egl_device_index`. */
	SGLHOST_PLATFORM_DEVICE = 2,
	/* EGL_MESA_platform_surfaceless (llvmpipe when there is no GPU). */
	SGLHOST_PLATFORM_SURFACELESS = 3,
};

/*
 * Host configuration. Initialise with sglhost_config_init(), then change
 * fields. `version` must be SGLHOST_CONFIG_VERSION (or an older version
 * this library knows); `flags` is 0 or SGLHOST_CONFIG_FPS_OVERLAY. Strings are copied by
 * sglhost_create(); the struct may be freed afterwards.
 */
/* sglhost_config.flags: each context's presents per second drawn at the
 * top-left of the frames sglhost_context_read_pixels returns after a swap
 * (sgl-host --fps-overlay). */
#define SGLHOST_CONFIG_FPS_OVERLAY (1u << 0)

struct sglhost_config {
	uint32_t version;
	uint32_t flags;
	enum sglhost_platform platform;
	/* Render node path for SGLHOST_PLATFORM_RENDER_NODE / AUTO, or NULL. */
	const char *render_node;
	/* EGL device index for SGLHOST_PLATFORM_DEVICE; -1 for the first one
	 * that has a render node. */
	int32_t egl_device_index;
	/* Log handler and the most verbose level passed to it. */
	sglhost_log_fn log;
	void *log_user;
	enum sglhost_log_level log_level;
	/* Largest window-system framebuffer a guest may ask for. 0: 16384. */
	uint32_t max_surface_width;
	uint32_t max_surface_height;
	/* Most bytes of host memory one context may hold for guest data:
	 * replies, scratch, client arrays, object-name maps. 0: 256 MiB. */
	uint64_t max_context_memory;
	/* Highest object name a guest may choose in any namespace.
	 * 0: 1 << 22. */
	uint32_t max_object_name;
};

/* Fills `cfg` with the defaults of this library version. */
SGLHOST_EXPORT void sglhost_config_init(struct sglhost_config *cfg);

/*
 * Creates a host: opens the EGL display chosen by `cfg->platform`.
 * Returns NULL and sets errno on failure (EINVAL: bad config; ENODEV: no
 * usable EGL display). The host owns its display until sglhost_destroy().
 */
SGLHOST_EXPORT struct sglhost *sglhost_create(const struct sglhost_config *cfg);

/*
 * Destroys a host. All its contexts must have been destroyed first; any
 * left are destroyed here. NULL is a no-op.
 */
SGLHOST_EXPORT void sglhost_destroy(struct sglhost *host);

/* A short description of the display in use, e.g. "surfaceless" or
 * "render-node /dev/dri/renderD128". Valid for the host's lifetime. */
SGLHOST_EXPORT const char *sglhost_platform_name(const struct sglhost *host);

enum sglhost_api {
	SGLHOST_API_GL_COMPAT = 1,
	SGLHOST_API_GL_CORE = 2,
	SGLHOST_API_GLES = 3,
};

/*
 * Called when the guest swaps buffers on a context (the SwapBuffers command
 * of the protocol). `width` and `height` are the framebuffer size. The
 * callback runs on the thread inside sglhost_context_submit(), with the
 * context current; it may call sglhost_context_read_pixels() on `ctx` and
 * nothing else of the library.
 */
typedef void (*sglhost_present_fn)(void *user, struct sglhost_context *ctx,
				   uint32_t width, uint32_t height);

/*
 * Window-system framebuffer of a context (sglhost_context_config.flags).
 * By default it has an RGBA8 color buffer (double-buffered), depth 24 and
 * stencil 8. A guest whose configuration has no stencil (or no depth) says
 * so: its depth clears then need not preserve a stencil buffer it never
 * asked for (on llvmpipe a masked depth clear costs glxgears ~20% of its
 * frame rate), and GL_STENCIL_BITS / GL_DEPTH_BITS answer 0 as on the
 * guest's own driver.
 */
#define SGLHOST_CONTEXT_NO_DEPTH   (1u << 0)
#define SGLHOST_CONTEXT_NO_STENCIL (1u << 1)
/*
 * Robustness (GL_ARB_robustness): every context gets robust buffer access
 * when the driver offers it (EGL_EXT_create_context_robustness). With
 * SGLHOST_CONTEXT_ROBUST_ACCESS the context must have it: creation fails
 * (ENOTSUP) where the driver lacks it. SGLHOST_CONTEXT_LOSE_ON_RESET asks
 * for the GL_LOSE_CONTEXT_ON_RESET notification strategy instead of
 * GL_NO_RESET_NOTIFICATION (a share context must have the same one).
 */
#define SGLHOST_CONTEXT_ROBUST_ACCESS (1u << 2)
#define SGLHOST_CONTEXT_LOSE_ON_RESET (1u << 3)
#define SGLHOST_CONTEXT_FLAGS_ALL                                                          \
	(SGLHOST_CONTEXT_NO_DEPTH | SGLHOST_CONTEXT_NO_STENCIL | SGLHOST_CONTEXT_ROBUST_ACCESS | \
	 SGLHOST_CONTEXT_LOSE_ON_RESET)

/*
 * Context configuration. `version` must be SGLHOST_CONTEXT_CONFIG_VERSION;
 * `flags` is 0 or a combination of SGLHOST_CONTEXT_*. `major`/`minor`
 * 0/0 ask for the highest version the driver gives for `api`. `share`, if not NULL, is a context of the same
 * host and api whose share group (textures, buffers, programs, ...) the new
 * context joins. `width`/`height` size the window-system framebuffer and
 * must be within the host limits (1x1 at least).
 */
struct sglhost_context_config {
	uint32_t version;
	uint32_t flags;
	enum sglhost_api api;
	int32_t major;
	int32_t minor;
	struct sglhost_context *share;
	uint32_t width;
	uint32_t height;
	sglhost_present_fn present;
	void *present_user;
};

/* Fills `cfg` with defaults: GL compat, highest version, 640x480. */
SGLHOST_EXPORT void sglhost_context_config_init(struct sglhost_context_config *cfg);

/*
 * Creates a guest context with its framebuffer. Returns NULL and sets
 * errno on failure (EINVAL, ENOMEM, ENOTSUP: the driver lacks the API or
 * version). The context belongs to `host` and must be destroyed before it.
 */
SGLHOST_EXPORT struct sglhost_context *
sglhost_context_create(struct sglhost *host, const struct sglhost_context_config *cfg);

/* Destroys a context and the host objects only it referenced. NULL is a
 * no-op. A share group lives while any of its contexts does. */
SGLHOST_EXPORT void sglhost_context_destroy(struct sglhost_context *ctx);

/*
 * Reply sink. Called during sglhost_context_submit() with the bytes of one
 * reply (a protocol reply header and its payload), in command order. The
 * bytes are valid only during the call. A negative return aborts the
 * submit with that value; the context is not marked lost.
 */
typedef int (*sglhost_reply_fn)(void *user, const void *data, size_t size);

/*
 * Decodes and runs the guest commands in `buf` (`size` bytes, a whole number
 * of commands) on `ctx`. The caller must copy guest memory into `buf`
 * before calling: the buffer must not change during the call. `reply` may
 * be NULL only if no command in `buf` produces a reply.
 *
 * Returns 0 when every command ran; -EPROTO when a command was malformed:
 * that command did not run, the context is now lost (see
 * sglhost_context_get_status()) and the commands after it were dropped;
 * -EPIPE when the context was already lost; -EINVAL on NULL arguments;
 * or the negative value the reply sink returned.
 */
SGLHOST_EXPORT int sglhost_context_submit(struct sglhost_context *ctx, const void *buf,
					  size_t size, sglhost_reply_fn reply, void *user);

enum sglhost_pixel_format {
	/* Bytes R, G, B, A in memory. */
	SGLHOST_PIXEL_RGBA8888 = 1,
	/* Bytes B, G, R, A in memory (X11 ZPixmap on little-endian). */
	SGLHOST_PIXEL_BGRA8888 = 2,
};

/*
 * Reads the context's window-system framebuffer (its front buffer: the
 * image at the last swap, or the back buffer if the guest never swapped)
 * into `dst`, top row first, `stride` bytes between rows. `width` and
 * `height` must equal the framebuffer size (sglhost_context_get_size()).
 * Returns 0, -EINVAL (bad arguments or size), or -EPIPE if the context is
 * lost.
 */
SGLHOST_EXPORT int sglhost_context_read_pixels(struct sglhost_context *ctx,
					       enum sglhost_pixel_format format, void *dst,
					       size_t stride, uint32_t width, uint32_t height);

/* Current framebuffer size of `ctx`. */
SGLHOST_EXPORT int sglhost_context_get_size(const struct sglhost_context *ctx, uint32_t *width,
					    uint32_t *height);

/*
 * Resizes the window-system framebuffer, as the guest's ResizeSurface
 * command does. Contents become undefined. Returns 0 or -EINVAL when the
 * size is outside the host limits.
 */
SGLHOST_EXPORT int sglhost_context_resize(struct sglhost_context *ctx, uint32_t width,
					  uint32_t height);

#define SGLHOST_STATUS_VERSION 1

/* The state of a context; `version` must be SGLHOST_STATUS_VERSION. */
struct sglhost_context_status {
	uint32_t version;
	bool lost;
	/* Why the context was lost, NUL-terminated; empty when not lost. */
	char reason[256];
	/* Commands run and bytes decoded so far. */
	uint64_t commands;
	uint64_t bytes;
	/* The GL version of the host context. */
	int32_t major;
	int32_t minor;
};

/* Fills `status`. Returns 0 or -EINVAL (NULL, unknown version). */
SGLHOST_EXPORT int sglhost_context_get_status(const struct sglhost_context *ctx,
					      struct sglhost_context_status *status);

#ifdef __cplusplus
}
#endif

#endif
