/*
 * Texture readbacks whose size depends on the texture level: the host asks
 * GL for the level's size and sizes the reply itself. The guest asks the
 * same questions before it sends the command, so both agree unless the
 * texture changed in between; the guest checks the reply size anyway.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* Cube maps answer level queries per face. */
static GLenum query_target(GLenum target)
{
	return target == GL_TEXTURE_CUBE_MAP ? GL_TEXTURE_CUBE_MAP_POSITIVE_X : target;
}

static int64_t level_bytes(struct sgl_dec *d, GLenum target, GLint level, GLenum format,
			   GLenum type)
{
	GLint w = 0, h = 0, depth = 0;
	GLenum q = query_target(target);
	d->gl->GetTexLevelParameteriv(q, level, GL_TEXTURE_WIDTH, &w);
	d->gl->GetTexLevelParameteriv(q, level, GL_TEXTURE_HEIGHT, &h);
	d->gl->GetTexLevelParameteriv(q, level, GL_TEXTURE_DEPTH, &depth);
	if (target == GL_TEXTURE_CUBE_MAP)
		depth = 6;
	return sgl_image_bytes(format, type, w, h, depth);
}

int sgl_hand_glGetTexImage(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetTexImage c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glGetTexImage, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetTexImage)
		return sgl_dec_missing(d, SGL_OP_glGetTexImage);
	if (c.offmask & 1) {
		if (sgl_dec_check_binding(d, GL_PIXEL_PACK_BUFFER_BINDING) == 0)
			d->gl->GetTexImage(c.target, c.level, c.format, c.type,
					   (void *)(uintptr_t)c.offset);
		return 0;
	}
	int64_t n = c.level < 0 ? -1 : level_bytes(d, c.target, c.level, c.format, c.type);
	uint8_t *r = sgl_dec_reply_begin(d, SGL_OP_glGetTexImage, n < 0 ? 0 : (uint64_t)n);
	if (!r)
		return -EPROTO;
	if (n < 0) {
		sgl_dec_gl_error(d, c.level < 0 ? GL_INVALID_VALUE : GL_INVALID_ENUM);
	} else if (n > 0) {
		sgl_dec_pixels_tight(d, true);
		d->gl->GetTexImage(c.target, c.level, c.format, c.type, r);
		sgl_dec_pixels_restore(d, true);
	}
	return sgl_dec_reply_end(d);
}

int sgl_hand_glGetCompressedTexImage(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetCompressedTexImage c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glGetCompressedTexImage, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetCompressedTexImage)
		return sgl_dec_missing(d, SGL_OP_glGetCompressedTexImage);
	if (c.offmask & 1) {
		if (sgl_dec_check_binding(d, GL_PIXEL_PACK_BUFFER_BINDING) == 0)
			d->gl->GetCompressedTexImage(c.target, c.level, (void *)(uintptr_t)c.offset);
		return 0;
	}
	GLint n = 0, compressed = 0;
	GLenum q = query_target(c.target);
	if (c.level >= 0) {
		d->gl->GetTexLevelParameteriv(q, c.level, GL_TEXTURE_COMPRESSED, &compressed);
		if (compressed)
			d->gl->GetTexLevelParameteriv(q, c.level,
						      GL_TEXTURE_COMPRESSED_IMAGE_SIZE, &n);
	}
	if (c.target == GL_TEXTURE_CUBE_MAP)
		n = n > INT32_MAX / 6 ? 0 : n * 6;
	uint8_t *r = sgl_dec_reply_begin(d, SGL_OP_glGetCompressedTexImage,
					 n > 0 ? (uint64_t)n : 0);
	if (!r)
		return -EPROTO;
	if (n > 0)
		d->gl->GetCompressedTexImage(c.target, c.level, r);
	else
		sgl_dec_gl_error(d, c.level < 0 ? GL_INVALID_VALUE : GL_INVALID_OPERATION);
	return sgl_dec_reply_end(d);
}

void sgl_dec_judged(struct sgl_dec *d, uint32_t ours)
{
	GLenum err = d->gl->GetError();
	sgl_dec_gl_error(d, err != GL_NO_ERROR ? err : ours);
}
