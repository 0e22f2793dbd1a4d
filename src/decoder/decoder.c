/* The decode loop and what every handler shares: errors, replies, scratch. */
#include "decoder/decoder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sgl_dec_init(struct sgl_dec *d, const struct sgl_gl_table *gl, struct sgl_mem_budget *budget,
		  const struct sgl_log *log)
{
	memset(d, 0, sizeof(*d));
	d->gl = gl;
	d->budget = budget;
	d->log = log;
	d->arrays_dirty = true;
	sgl_pixel_store_init(&d->pixel[0]);
	sgl_pixel_store_init(&d->pixel[1]);
}

static void budget_release(struct sgl_dec *d, uint64_t bytes)
{
	if (d->budget)
		d->budget->used -= bytes;
}

void sgl_dec_finish(struct sgl_dec *d)
{
	budget_release(d, d->reply_cap + d->scratch_cap);
	free(d->reply_buf);
	free(d->zombies);
	free(d->scratch);
	free(d->ext_joined);
	free(d->select_buf);
	free(d->feedback_buf);
	sgl_dec_pmap_finish(d);
	if (d->ext_names && d->ext_count)
		free(d->ext_names[0]);   /* the NUL-separated copy */
	free(d->ext_names);
	d->ext_joined = NULL;
	d->ext_names = NULL;
	d->reply_buf = d->scratch = NULL;
	d->reply_cap = d->scratch_cap = 0;
}

int sgl_dec_fail(struct sgl_dec *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->lost) {
		va_start(ap, fmt);
		vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
		va_end(ap);
		d->lost = true;
		sgl_log_warn(d->log, "context lost: %s", d->reason);
	}
	return -EPROTO;
}

int sgl_dec_short(struct sgl_dec *d, uint32_t op, uint32_t size, size_t need)
{
	return sgl_dec_fail(d, "%s: command of %u bytes, its fixed part needs %zu",
			    sgl_opcode_name(op), size, need);
}

int sgl_dec_size_mismatch(struct sgl_dec *d, uint32_t op, uint32_t size, uint64_t expect)
{
	return sgl_dec_fail(d, "%s: command size %u does not match its arguments (%llu bytes)",
			    sgl_opcode_name(op), size, (unsigned long long)expect);
}

int sgl_dec_missing(struct sgl_dec *d, uint32_t op)
{
	return sgl_dec_fail(d, "%s: the host driver does not provide it", sgl_opcode_name(op));
}

int sgl_dec_unsupported(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	(void)size;
	return sgl_dec_fail(d, "%s is not supported yet", sgl_opcode_name(d->opcode));
}

/* guest_only commands (overrides.txt): the guest library answers them
 * itself (named-buffer map pointers, the debug callback, EXT_direct_state_access
 * calls made around a temporary binding); one that travels is a broken guest. */
int sgl_dec_guest_only(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	(void)size;
	return sgl_dec_fail(d, "%s is answered by the guest library and never sent",
			    sgl_opcode_name(d->opcode));
}

void sgl_dec_gl_error(struct sgl_dec *d, GLenum error)
{
	d->errors_raised++;
	if (d->error == GL_NO_ERROR)
		d->error = error;
}

/* Moves an error GL holds into the decoder's (the first one stays, as GL
 * keeps it): a reply can then tell whether its own command raised one. */
static void take_gl_error(struct sgl_dec *d)
{
	GLenum e = d->gl->GetError ? d->gl->GetError() : GL_NO_ERROR;
	if (e != GL_NO_ERROR)
		sgl_dec_gl_error(d, e);
}

/* Grows *buf to at least `need` bytes, charging the growth to the budget. */
static int grow(struct sgl_dec *d, uint8_t **buf, uint64_t *cap, uint64_t need)
{
	if (need <= *cap)
		return 0;
	uint64_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	uint64_t extra = ncap - *cap;
	if (d->budget && (ncap > SIZE_MAX || extra > d->budget->limit - d->budget->used))
		return sgl_dec_fail(d, "%s: needs %llu bytes of host memory, over the context limit",
				    sgl_opcode_name(d->opcode), (unsigned long long)need);
	uint8_t *n = realloc(*buf, ncap);
	if (!n)
		return sgl_dec_fail(d, "%s: out of host memory", sgl_opcode_name(d->opcode));
	if (d->budget)
		d->budget->used += extra;
	*buf = n;
	*cap = ncap;
	return 0;
}

void *sgl_dec_scratch(struct sgl_dec *d, uint64_t bytes)
{
	uint64_t at = sgl_pad8(d->scratch_used);
	/* At least one byte, so that a zero-length array still points into
	 * memory we own (not NULL + 0). */
	if (bytes > SGL_MAX_SEGMENT ||
	    grow(d, &d->scratch, &d->scratch_cap, at + (bytes ? bytes : 1)) < 0)
		return NULL;
	d->scratch_used = at + bytes;
	return d->scratch + at;
}

uint8_t *sgl_dec_reply_begin(struct sgl_dec *d, uint32_t op, uint64_t bytes)
{
	uint64_t total = sizeof(struct sgl_header) + sgl_pad8(bytes);
	if (!d->reply) {
		sgl_dec_fail(d, "%s: returns data but the submit has no reply sink",
			     sgl_opcode_name(op));
		return NULL;
	}
	if (total > UINT32_MAX) {
		sgl_dec_fail(d, "%s: reply of %llu bytes is too large", sgl_opcode_name(op),
			     (unsigned long long)bytes);
		return NULL;
	}
	if (grow(d, &d->reply_buf, &d->reply_cap, total) < 0)
		return NULL;
	/* Zeroed: the driver may not write all of it, and host memory must
	 * never leak to the guest. */
	memset(d->reply_buf, 0, total);
	struct sgl_header h = { op, (uint32_t)total };
	memcpy(d->reply_buf, &h, sizeof(h));
	d->reply_size = total;
	take_gl_error(d);
	d->reply_errors = d->errors_raised;
	return d->reply_buf + sizeof(h);
}

/* GL writes nothing to a command's outputs when it raises an error (GL
 * 4.6, 2.3.1: "the command generating the error is ignored"); the reply
 * says so, and the guest leaves the application's memory alone. */
int sgl_dec_reply_end(struct sgl_dec *d)
{
	uint64_t n = d->reply_size;
	d->reply_size = 0;
	take_gl_error(d);
	if (d->errors_raised != d->reply_errors) {
		uint32_t op;
		memcpy(&op, d->reply_buf, sizeof(op));
		op |= SGL_REPLY_GL_ERROR;
		memcpy(d->reply_buf, &op, sizeof(op));
	}
	return d->reply(d->reply_user, d->reply_buf, n);
}

int sgl_dec_run(struct sgl_dec *d, const uint8_t *buf, size_t len, sglhost_reply_fn reply,
		void *user)
{
	size_t off = 0;

	d->reply = reply;
	d->reply_user = user;
	while (off < len) {
		struct sgl_header h;
		if (len - off < sizeof(h))
			return sgl_dec_fail(d, "truncated command: %zu bytes left at offset %zu",
					    len - off, off);
		memcpy(&h, buf + off, sizeof(h));
		if (h.size < sizeof(h) || (h.size & 7) || h.size > len - off)
			return sgl_dec_fail(d, "command %s (opcode %u) at offset %zu: bad size %u "
					    "(%zu bytes left)", sgl_opcode_name(h.opcode), h.opcode,
					    off, h.size, len - off);
		if (h.opcode >= SGL_OP_COUNT || !sgl_dec_table[h.opcode])
			return sgl_dec_fail(d, "unknown opcode %u at offset %zu", h.opcode, off);
		d->opcode = h.opcode;
		d->scratch_used = 0;
		int r = sgl_dec_table[h.opcode](d, buf + off, h.size);
		if (r < 0)
			return r; /* a reply sink error leaves the context as it is */
		off += h.size;
		d->commands++;
		d->bytes += h.size;
	}
	return 0;
}
