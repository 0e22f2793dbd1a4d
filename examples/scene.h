/* The built-in scene of sgl-host: a spinning textured cube, encoded with
 * the guest encoder. */
#ifndef SGL_EXAMPLE_SCENE_H
#define SGL_EXAMPLE_SCENE_H

#include <stdbool.h>

#include "encoder.h"

struct scene {
	GLuint program, vao, vbo, texture;
	GLint mvp;
	int width, height;
};

/* Returns false (with a message in `err`) if the shaders do not build. */
bool scene_init(struct scene *s, struct sgl_enc *e, bool gles, int width, int height,
		char *err, size_t err_size);
void scene_draw(struct scene *s, struct sgl_enc *e, float seconds);

#endif
