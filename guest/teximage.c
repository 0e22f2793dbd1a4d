/* Texture readbacks sized by the texture level (see src/decoder/teximage.c). */
#include "encoder.h"

#include <stdlib.h>

static GLenum face_target(GLenum target)
{
	return target == GL_TEXTURE_CUBE_MAP ? GL_TEXTURE_CUBE_MAP_POSITIVE_X : target;
}

/* Textures whose images are 3D ones to pack: SKIP_IMAGES and IMAGE_HEIGHT
 * apply, at any depth (the whole cube map counts its faces as images). */
static bool has_images(GLenum target)
{
	return target == GL_TEXTURE_3D || target == GL_TEXTURE_2D_ARRAY ||
	       target == GL_TEXTURE_CUBE_MAP_ARRAY || target == GL_TEXTURE_CUBE_MAP;
}

void sgl_enc_glGetTexImage(struct sgl_enc *e, GLenum target, GLint level, GLenum format,
			   GLenum type, void *pixels)
{
	bool off = sgl_enc_buffer_bound(e, GL_PIXEL_PACK_BUFFER_BINDING);
	GLint w = 0, h = 0, d = 0;
	if (!off) {
		GLenum q = face_target(target);
		sgl_enc_glGetTexLevelParameteriv(e, q, level, GL_TEXTURE_WIDTH, &w);
		sgl_enc_glGetTexLevelParameteriv(e, q, level, GL_TEXTURE_HEIGHT, &h);
		sgl_enc_glGetTexLevelParameteriv(e, q, level, GL_TEXTURE_DEPTH, &d);
		if (target == GL_TEXTURE_CUBE_MAP)
			d = 6;
	}
	struct sgl_cmd_glGetTexImage *c = (struct sgl_cmd_glGetTexImage *)sgl_enc_begin(
		e, SGL_OP_glGetTexImage, sizeof(*c));
	if (!c)
		return;
	*c = (struct sgl_cmd_glGetTexImage){ c->hdr, off ? (uint64_t)(uintptr_t)pixels : 0,
					     target, level, format, type, off, 0 };
	if (off)
		return;
	int64_t n = sgl_image_bytes(format, type, w, h, d);
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, SGL_OP_glGetTexImage, &got);
	/* The level may have changed since the guest asked: use the reply
	 * only if it covers what the application's memory was sized for. */
	if (r && !e->reply_error && n > 0 && got >= (uint64_t)n && pixels)
		sgl_enc_image_out(e, pixels, r, format, type, w, h, d, has_images(target));
}

void sgl_enc_glGetCompressedTexImage(struct sgl_enc *e, GLenum target, GLint level, void *img)
{
	bool off = sgl_enc_buffer_bound(e, GL_PIXEL_PACK_BUFFER_BINDING);
	GLint want = 0;
	if (!off) {
		sgl_enc_glGetTexLevelParameteriv(e, face_target(target), level,
						 GL_TEXTURE_COMPRESSED_IMAGE_SIZE, &want);
		if (target == GL_TEXTURE_CUBE_MAP)
			want = want > INT32_MAX / 6 ? 0 : want * 6;
	}
	struct sgl_cmd_glGetCompressedTexImage *c =
		(struct sgl_cmd_glGetCompressedTexImage *)sgl_enc_begin(
			e, SGL_OP_glGetCompressedTexImage, sizeof(*c));
	if (!c)
		return;
	*c = (struct sgl_cmd_glGetCompressedTexImage){
		c->hdr, off ? (uint64_t)(uintptr_t)img : 0, target, level, off, 0
	};
	if (off)
		return;
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, SGL_OP_glGetCompressedTexImage, &got);
	/* The application sized `img` from GL_TEXTURE_COMPRESSED_IMAGE_SIZE:
	 * never write more than that (the reply is padded to 8 bytes). */
	if (r && !e->reply_error && img && want > 0)
		memcpy(img, r, got < (size_t)want ? got : (size_t)want);
}
