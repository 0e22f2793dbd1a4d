/*
 * Buffer maps. The host never leaves a buffer mapped on behalf of a guest:
 * a read map is served by mapping, copying into the reply and unmapping at
 * once; the bytes the guest wrote arrive with its glUnmapBuffer and are
 * stored with glBufferSubData. A guest pointer never reaches GL.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

static int read_range(struct sgl_dec *d, uint32_t op, GLenum target, int64_t offset,
		      int64_t length)
{
	bool bad = offset < 0 || length < 0 || length > SGL_MAX_SEGMENT;
	uint8_t *r = sgl_dec_reply_begin(d, op, bad ? 0 : (uint64_t)length);
	if (!r)
		return -EPROTO;
	if (bad) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
	} else if (length > 0) {
		void *m = d->gl->MapBufferRange(target, (GLintptr)offset, (GLsizeiptr)length,
						GL_MAP_READ_BIT);
		if (m) {
			memcpy(r, m, (size_t)length);
			d->gl->UnmapBuffer(target);
		}
	}
	return sgl_dec_reply_end(d);
}

int sgl_hand_sglBufferReadRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglBufferReadRange c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_sglBufferReadRange, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	return read_range(d, SGL_OP_sglBufferReadRange, c.target, c.offset, c.size);
}

int sgl_hand_glMapBufferRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glMapBufferRange c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glMapBufferRange, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->MapBufferRange)
		return sgl_dec_missing(d, SGL_OP_glMapBufferRange);
	if (c.access & GL_MAP_READ_BIT)
		return read_range(d, SGL_OP_glMapBufferRange, c.target, c.offset, c.length);
	return 0;
}

int sgl_hand_glMapBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	(void)size;
	return sgl_dec_fail(d, "glMapBuffer: guests send it as glMapBufferRange");
}

int sgl_hand_glUnmapBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	if (size < sizeof(c))
		return sgl_dec_short(d, SGL_OP_glUnmapBuffer, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	uint64_t data = c.has_data && c.length > 0 ? (uint64_t)c.length : 0;
	if (c.length > SGL_MAX_SEGMENT || sizeof(c) + sgl_pad8(data) != size)
		return sgl_dec_size_mismatch(d, SGL_OP_glUnmapBuffer, size, sizeof(c) + sgl_pad8(data));
	if (c.has_data && (c.offset < 0 || c.length < 0)) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	if (data)
		d->gl->BufferSubData(c.target, (GLintptr)c.offset, (GLsizeiptr)data, p + sizeof(c));
	return 0;
}

int sgl_hand_glFlushMappedBufferRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	(void)size;
	return sgl_dec_fail(d, "glFlushMappedBufferRange: guests send the range as data");
}
