/*
 * Texture readbacks sized by the application's bufSize (glGetTextureImage,
 * glGetTextureSubImage, glGetCompressedTextureImage,
 * glGetCompressedTextureSubImage). GL writes into that buffer under the
 * pack state, skipping what the state says to skip: the guest sends its
 * buffer as it is, GL writes into a copy in the reply, and the guest gets
 * every byte back, the untouched ones unchanged.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* The handler of the glGet(Compressed)Texture(Sub)Image family (overrides.txt:
 * custom readback); `op` says which. */
int sgl_hand_readback(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_texture_readback c;
	if (size < sizeof(c))
		return sgl_dec_short(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	uint64_t n = !c.has_offset && c.bufSize > 0 ? (uint64_t)c.bufSize : 0;
	if (sizeof(c) + sgl_pad8(n) != size)
		return sgl_dec_size_mismatch(d, op, size, sizeof(c) + sgl_pad8(n));
	bool have = op == SGL_OP_glGetTextureImage ? d->gl->GetTextureImage != NULL :
		    op == SGL_OP_glGetTextureSubImage ? d->gl->GetTextureSubImage != NULL :
		    op == SGL_OP_glGetCompressedTextureImage ?
		    d->gl->GetCompressedTextureImage != NULL :
		    d->gl->GetCompressedTextureSubImage != NULL;
	if (!have)
		return sgl_dec_missing(d, op);
	uint8_t *r = NULL;
	if (!c.has_offset) {
		r = sgl_dec_reply_begin(d, op, n);
		if (!r)
			return -EPROTO;
		memcpy(r, p + sizeof(c), n);
	}
	GLuint tex;
	void *pixels = r;
	int rc = sgl_dec_map(d, SGL_OBJ_TEXTURE, c.texture, &tex);
	if (rc == 0 && c.has_offset) {
		rc = sgl_dec_check_binding(d, GL_PIXEL_PACK_BUFFER_BINDING);
		pixels = (void *)(uintptr_t)c.offset;
	}
	if (rc == 0 && c.bufSize < 0) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		rc = 1;
	}
	if (rc == 0) {
		switch (op) {
		case SGL_OP_glGetTextureImage:
			d->gl->GetTextureImage(tex, c.level, c.format, c.type, c.bufSize, pixels);
			break;
		case SGL_OP_glGetTextureSubImage:
			d->gl->GetTextureSubImage(tex, c.level, c.xoffset, c.yoffset, c.zoffset,
						  c.width, c.height, c.depth, c.format, c.type,
						  c.bufSize, pixels);
			break;
		case SGL_OP_glGetCompressedTextureImage:
			d->gl->GetCompressedTextureImage(tex, c.level, c.bufSize, pixels);
			break;
		default:
			d->gl->GetCompressedTextureSubImage(tex, c.level, c.xoffset, c.yoffset,
							    c.zoffset, c.width, c.height, c.depth,
							    c.bufSize, pixels);
			break;
		}
	}
	if (rc < 0)
		return rc;
	return r ? sgl_dec_reply_end(d) : 0;
}
