/*
 * A guest context: its host EGL context, its object-name maps (its own for
 * container objects, its share group's for the rest), its window-system
 * framebuffer and its decoder.
 */
#ifndef SGL_CONTEXTS_CONTEXT_H
#define SGL_CONTEXTS_CONTEXT_H

#include <pthread.h>

#include "decoder/decoder.h"
#include "sgl_overlay.h"
#include "egl/egl.h"

struct sglhost {
	struct sgl_log log;
	struct sgl_egl *egl;
	struct sgl_gl_table gl;
	uint32_t max_width, max_height;
	uint64_t max_context_memory;
	uint32_t max_object_name;
	bool fps_overlay;                   /* SGLHOST_CONFIG_FPS_OVERLAY */
	pthread_mutex_t lock;
	struct sglhost_context *contexts;   /* list, under lock */
};

/* Objects shared by every context of a share group. */
struct sgl_share_group {
	unsigned refs;
	struct sgl_namemap maps[SGL_OBJ_COUNT];   /* only shared classes used */
	struct sgl_mem_budget budget;
};

/* The guest's window-system framebuffer: draw into `fbo` (back buffer);
 * a swap exchanges the color buffers of `fbo` and `front_fbo` (which only
 * reads the frame, never flipped). */
struct sgl_surface {
	GLuint fbo;
	GLuint front_fbo;
	GLuint back_color;      /* textures when color_tex, else renderbuffers */
	GLuint front_color;
	GLuint depth_rb;
	uint32_t width, height;
	bool swapped;
	bool pack_invert;       /* GL_MESA_pack_invert: reads come top-down */
	bool flip_y;            /* fbo draws as a window: rows stored top-down */
	GLenum depth_format;    /* of depth_rb; 0: none */
	bool color_tex;         /* color buffers are BGRA-stored textures */
	struct sgl_fps_meter fps;   /* swaps per second, for the FPS overlay */
};

struct sglhost_context {
	struct sglhost *host;
	struct sglhost_context *next;
	EGLContext egl;
	enum sglhost_api api;
	int major, minor;
	struct sgl_share_group *share;
	struct sgl_namemap own[SGL_OBJ_COUNT];    /* only per-context classes used */
	struct sgl_mem_budget budget;
	struct sgl_dec dec;
	struct sgl_surface surface;
	sglhost_present_fn present;
	void *present_user;
	uint8_t *align_buf;     /* submit copies misaligned buffers here */
	size_t align_cap;
	uint8_t *read_buf;      /* framebuffer readbacks land here first */
	size_t read_cap;
};

/* Whether objects of `cls` belong to the share group (else to the context). */
bool sgl_object_class_shared(enum sgl_object_class cls);

struct sglhost_context *sgl_context_create(struct sglhost *host,
					   const struct sglhost_context_config *cfg);
void sgl_context_destroy(struct sglhost_context *ctx);

int sgl_surface_init(struct sglhost_context *ctx, uint32_t width, uint32_t height,
		     uint32_t flags);
/* Whether the current context's driver lists extension `name`. */
bool sgl_context_has_extension(struct sglhost_context *ctx, const char *name);
void sgl_surface_finish(struct sglhost_context *ctx);
int sgl_surface_resize(struct sglhost_context *ctx, uint32_t width, uint32_t height);
/* Present: back becomes front, then the present callback runs. */
void sgl_surface_swap(struct sglhost_context *ctx);
int sgl_surface_read(struct sglhost_context *ctx, enum sglhost_pixel_format format, void *dst,
		     size_t stride);

#endif
