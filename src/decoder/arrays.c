/*
 * Client-side vertex arrays: the guest cannot hand us a pointer, so their
 * data is streamed into a host buffer and bound by offset.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

static int type_bytes(GLenum type)
{
	switch (type) {
	case GL_BYTE: case GL_UNSIGNED_BYTE: return 1;
	case GL_SHORT: case GL_UNSIGNED_SHORT: case GL_HALF_FLOAT: return 2;
	case GL_INT: case GL_UNSIGNED_INT: case GL_FLOAT: case GL_FIXED:
	case GL_INT_2_10_10_10_REV: case GL_UNSIGNED_INT_2_10_10_10_REV:
	case GL_UNSIGNED_INT_10F_11F_11F_REV: return 4;
	case GL_DOUBLE: return 8;
	default: return 0;
	}
}

static int64_t element_bytes(GLint size, GLenum type)
{
	int t = type_bytes(type);
	bool packed = type == GL_INT_2_10_10_10_REV || type == GL_UNSIGNED_INT_2_10_10_10_REV ||
		      type == GL_UNSIGNED_INT_10F_11F_11F_REV;
	if (size == GL_BGRA)
		size = 4;
	if (!t || size < 1 || size > 4)
		return -1;
	return packed ? t : (int64_t)t * size;
}

/* The stream buffer of a client array: generic attributes 0..31, then the
 * fixed-function arrays and the texture units. -1: no such array. */
static int stream_slot(uint32_t array)
{
	if (array < 32)
		return (int)array;
	if (array >= SGL_ARRAY_VERTEX && array <= SGL_ARRAY_POINT_SIZE)
		return 32 + (int)(array - SGL_ARRAY_VERTEX);
	return -1;
}

/* Copies `bytes` into the array's stream buffer so that element `first`
 * lands on the data; returns the offset that element 0 then has, or -1. */
static int64_t stream(struct sgl_dec *d, struct sgl_stream *s, const uint8_t *data,
		      uint64_t bytes, uint64_t first_off)
{
	const struct sgl_gl_table *gl = d->gl;
	uint64_t at = sgl_pad8(s->used);
	if (at < first_off)
		at = sgl_pad8(first_off);
	if (!s->buffer)
		gl->GenBuffers(1, &s->buffer);
	gl->BindBuffer(GL_ARRAY_BUFFER, s->buffer);
	if (at + bytes > s->size) {
		/* Orphan and start over: the driver keeps the old storage alive
		 * for draws already queued. Only this array's data was there. */
		uint64_t n = s->size ? s->size : (64u << 10);
		at = sgl_pad8(first_off);
		while (n < at + bytes)
			n *= 2;
		uint64_t extra = n > s->size ? n - s->size : 0;
		if (d->budget && extra > d->budget->limit - d->budget->used)
			return -1;
		if (d->budget)
			d->budget->used += extra;
		/* GLES 1 has no GL_STREAM_DRAW. */
		gl->BufferData(GL_ARRAY_BUFFER, (GLsizeiptr)n, NULL,
			       d->gles && d->major < 2 ? GL_DYNAMIC_DRAW : GL_STREAM_DRAW);
		s->size = n > s->size ? n : s->size;
	}
	gl->BufferSubData(GL_ARRAY_BUFFER, (GLintptr)at, (GLsizeiptr)bytes, data);
	s->used = at + bytes;
	return (int64_t)(at - first_off);
}

static void set_pointer(struct sgl_dec *d, const struct sgl_cmd_sglClientArrayData *c,
			const void *off)
{
	const struct sgl_gl_table *gl = d->gl;
	GLenum type = c->type;

	switch (c->array) {
	case SGL_ARRAY_VERTEX: gl->VertexPointer(c->size, type, 0, off); return;
	case SGL_ARRAY_NORMAL: gl->NormalPointer(type, 0, off); return;
	case SGL_ARRAY_COLOR: gl->ColorPointer(c->size, type, 0, off); return;
	case SGL_ARRAY_SECONDARY_COLOR: gl->SecondaryColorPointer(c->size, type, 0, off); return;
	case SGL_ARRAY_FOG_COORD: gl->FogCoordPointer(type, 0, off); return;
	case SGL_ARRAY_EDGE_FLAG: gl->EdgeFlagPointer(0, off); return;
	case SGL_ARRAY_INDEX: gl->IndexPointer(type, 0, off); return;
	case SGL_ARRAY_POINT_SIZE: gl->PointSizePointerOES(type, 0, off); return;
	default: break;
	}
	if (c->array >= SGL_ARRAY_TEXCOORD && c->array < SGL_ARRAY_TEXCOORD + 32) {
		GLint old = GL_TEXTURE0;
		gl->GetIntegerv(GL_CLIENT_ACTIVE_TEXTURE, &old);
		gl->ClientActiveTexture(GL_TEXTURE0 + (c->array - SGL_ARRAY_TEXCOORD));
		gl->TexCoordPointer(c->size, type, 0, off);
		gl->ClientActiveTexture((GLenum)old);
	} else if (c->normalized & 2) {
		gl->VertexAttribIPointer(c->array, c->size, type, 0, off);
	} else {
		gl->VertexAttribPointer(c->array, c->size, type, c->normalized & 1, 0, off);
	}
}

/* The fixed-function arrays a context has: GL's (compatibility), or the
 * four of GLES 1 and its point sizes; GLES 2 and later have none. */
static bool fixed_exists(const struct sgl_dec *d, uint32_t array)
{
	bool es1 = array == SGL_ARRAY_VERTEX || array == SGL_ARRAY_NORMAL ||
		   array == SGL_ARRAY_COLOR || array == SGL_ARRAY_POINT_SIZE ||
		   (array >= SGL_ARRAY_TEXCOORD && array < SGL_ARRAY_TEXCOORD + 32);
	if (d->gles)
		return d->major == 1 && es1;
	return array != SGL_ARRAY_POINT_SIZE;
}

int sgl_hand_sglClientArrayData(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglClientArrayData c;
	if (size < sizeof(c))
		return sgl_dec_short(d, SGL_OP_sglClientArrayData, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (sizeof(c) + sgl_pad8(c.bytes) != size)
		return sgl_dec_size_mismatch(d, SGL_OP_sglClientArrayData, size,
					     sizeof(c) + sgl_pad8(c.bytes));
	int64_t elem = element_bytes(c.size, c.type);
	bool fixed = c.array >= SGL_ARRAY_VERTEX;
	int slot = stream_slot(c.array);
	bool edge = c.array == SGL_ARRAY_EDGE_FLAG;
	if (elem < 0 || c.first < 0 || c.count < 0 || (fixed && !fixed_exists(d, c.array)) ||
	    slot < 0 ||
	    (edge && (c.size != 1 || c.type != GL_UNSIGNED_BYTE))) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	if ((uint64_t)elem * (uint64_t)c.count != c.bytes)
		return sgl_dec_fail(d, "sglClientArrayData: %u bytes for %d elements of %lld bytes",
				    c.bytes, c.count, (long long)elem);
	GLint old = 0;
	d->gl->GetIntegerv(GL_ARRAY_BUFFER_BINDING, &old);
	int64_t base = stream(d, &d->streams[slot], p + sizeof(c), c.bytes,
			      (uint64_t)elem * (uint64_t)c.first);
	if (base >= 0)
		set_pointer(d, &c, (const void *)(uintptr_t)base);
	else
		sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
	d->gl->BindBuffer(GL_ARRAY_BUFFER, (GLuint)old);
	return 0;
}

/* ---- Draw-time guard: no enabled array without a buffer. ---- */

#define NULL_BUFFER_SIZE 4096

static void bind_null_buffer(struct sgl_dec *d)
{
	const struct sgl_gl_table *gl = d->gl;
	if (!d->null_buffer) {
		static const uint8_t zeros[NULL_BUFFER_SIZE];
		gl->GenBuffers(1, &d->null_buffer);
		gl->BindBuffer(GL_ARRAY_BUFFER, d->null_buffer);
		gl->BufferData(GL_ARRAY_BUFFER, sizeof(zeros), zeros, GL_STATIC_DRAW);
	} else {
		gl->BindBuffer(GL_ARRAY_BUFFER, d->null_buffer);
	}
}

struct fixed_array {
	GLenum array, binding;
};

/* The fixed-function arrays of GLES 1.1 (GL_OES_point_size_array too). */
static const struct fixed_array es1_arrays[] = {
	{ GL_VERTEX_ARRAY, GL_VERTEX_ARRAY_BUFFER_BINDING },
	{ GL_NORMAL_ARRAY, GL_NORMAL_ARRAY_BUFFER_BINDING },
	{ GL_COLOR_ARRAY, GL_COLOR_ARRAY_BUFFER_BINDING },
	{ GL_POINT_SIZE_ARRAY_OES, GL_POINT_SIZE_ARRAY_BUFFER_BINDING_OES },
};

/* The fixed-function arrays of the compatibility profile. */
static const struct fixed_array fixed_arrays[] = {
	{ GL_VERTEX_ARRAY, GL_VERTEX_ARRAY_BUFFER_BINDING },
	{ GL_NORMAL_ARRAY, GL_NORMAL_ARRAY_BUFFER_BINDING },
	{ GL_COLOR_ARRAY, GL_COLOR_ARRAY_BUFFER_BINDING },
	{ GL_SECONDARY_COLOR_ARRAY, GL_SECONDARY_COLOR_ARRAY_BUFFER_BINDING },
	{ GL_FOG_COORD_ARRAY, GL_FOG_COORD_ARRAY_BUFFER_BINDING },
	{ GL_EDGE_FLAG_ARRAY, GL_EDGE_FLAG_ARRAY_BUFFER_BINDING },
	{ GL_INDEX_ARRAY, GL_INDEX_ARRAY_BUFFER_BINDING },
};

static void point_fixed_at_null(struct sgl_dec *d, GLenum array)
{
	const struct sgl_gl_table *gl = d->gl;
	switch (array) {
	case GL_VERTEX_ARRAY: gl->VertexPointer(4, GL_FLOAT, 0, NULL); break;
	case GL_NORMAL_ARRAY: gl->NormalPointer(GL_FLOAT, 0, NULL); break;
	case GL_COLOR_ARRAY: gl->ColorPointer(4, GL_FLOAT, 0, NULL); break;
	case GL_SECONDARY_COLOR_ARRAY: gl->SecondaryColorPointer(3, GL_FLOAT, 0, NULL); break;
	case GL_FOG_COORD_ARRAY: gl->FogCoordPointer(GL_FLOAT, 0, NULL); break;
	case GL_EDGE_FLAG_ARRAY: gl->EdgeFlagPointer(0, NULL); break;
	case GL_INDEX_ARRAY: gl->IndexPointer(GL_FLOAT, 0, NULL); break;
	case GL_TEXTURE_COORD_ARRAY: gl->TexCoordPointer(4, GL_FLOAT, 0, NULL); break;
	case GL_POINT_SIZE_ARRAY_OES: gl->PointSizePointerOES(GL_FLOAT, 0, NULL); break;
	default: break;
	}
}

/* Fixed-function arrays (compatibility profile, GLES 1) and texture
 * coords per client texture unit (`units_pname` counts the units). Returns
 * how many were re-pointed. */
static int guard_fixed(struct sgl_dec *d, const struct fixed_array *arrays, size_t n,
		       GLenum units_pname)
{
	const struct sgl_gl_table *gl = d->gl;
	int fixed = 0;
	GLint b = 0, units = 0, active = GL_TEXTURE0;

	for (size_t i = 0; i < n; i++) {
		if (!gl->IsEnabled(arrays[i].array))
			continue;
		gl->GetIntegerv(arrays[i].binding, &b);
		if (!b) {
			bind_null_buffer(d);
			point_fixed_at_null(d, arrays[i].array);
			fixed++;
		}
	}
	gl->GetIntegerv(units_pname, &units);
	gl->GetIntegerv(GL_CLIENT_ACTIVE_TEXTURE, &active);
	for (GLint u = 0; u < units && u < 32; u++) {
		gl->ClientActiveTexture(GL_TEXTURE0 + (GLenum)u);
		if (!gl->IsEnabled(GL_TEXTURE_COORD_ARRAY))
			continue;
		gl->GetIntegerv(GL_TEXTURE_COORD_ARRAY_BUFFER_BINDING, &b);
		if (!b) {
			bind_null_buffer(d);
			point_fixed_at_null(d, GL_TEXTURE_COORD_ARRAY);
			fixed++;
		}
	}
	gl->ClientActiveTexture((GLenum)active);
	return fixed;
}

void sgl_dec_guard_arrays_slow(struct sgl_dec *d)
{
	const struct sgl_gl_table *gl = d->gl;
	/* glGetVertexAttribiv may write 4 values (GL_CURRENT_VERTEX_ATTRIB
	 * does; gl.xml sizes the array 4): give it room for them. */
	GLint old = 0, en[4] = { 0 }, b[4] = { 0 };
	int fixed = 0;

	d->arrays_dirty = false;
	if (d->gles && d->major < 2) {
		/* GLES 1 has no generic attributes. */
		gl->GetIntegerv(GL_ARRAY_BUFFER_BINDING, &old);
		fixed = guard_fixed(d, es1_arrays, sizeof(es1_arrays) / sizeof(es1_arrays[0]),
				    GL_MAX_TEXTURE_UNITS);
		goto out;
	}
	if (!d->max_attribs) {
		gl->GetIntegerv(GL_MAX_VERTEX_ATTRIBS, &d->max_attribs);
		if (d->max_attribs > 64)
			d->max_attribs = 64;
	}
	gl->GetIntegerv(GL_ARRAY_BUFFER_BINDING, &old);
	for (GLint i = 0; i < d->max_attribs; i++) {
		gl->GetVertexAttribiv((GLuint)i, GL_VERTEX_ATTRIB_ARRAY_ENABLED, en);
		if (!en[0])
			continue;
		gl->GetVertexAttribiv((GLuint)i, GL_VERTEX_ATTRIB_ARRAY_BUFFER_BINDING, b);
		if (b[0])
			continue;
		bind_null_buffer(d);
		gl->VertexAttribPointer((GLuint)i, 4, GL_FLOAT, GL_FALSE, 0, NULL);
		fixed++;
	}
	if (d->ctx_compat)
		fixed += guard_fixed(d, fixed_arrays, sizeof(fixed_arrays) / sizeof(fixed_arrays[0]),
				     GL_MAX_TEXTURE_COORDS);
out:
	if (fixed) {
		gl->BindBuffer(GL_ARRAY_BUFFER, (GLuint)old);
		sgl_log_debug(d->log, "%s: %d enabled vertex arrays had no buffer; "
			      "they now read zeros", sgl_opcode_name(d->opcode), fixed);
	}
}
