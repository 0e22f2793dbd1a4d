/*
 * glArrayElement with client arrays: GL reads element i of every enabled
 * array as the matching immediate-mode call would give it, inside
 * glBegin/glEnd or a display list, where the host can stream nothing into
 * buffers. The guest reads the client arrays and makes those calls itself
 * (GLX's indirect rendering does the same), the vertex last since it
 * emits the vertex; restart index: glPrimitiveRestartNV, as Mesa does.
 * Arrays in buffers are the host's: an element whose vertex comes from a
 * buffer goes to the host's glArrayElement after the client attributes
 * (which then reads the client arrays from what the host last streamed:
 * mixing both in one glArrayElement is not supported).
 */
#include "encoder.h"

#include <math.h>

#define FIXED_BASE SGL_GENERIC_ARRAYS
#define TEXCOORD_BASE (SGL_GENERIC_ARRAYS + SGL_FIXED_ARRAYS)

static float half_to_float(uint16_t h)
{
	int e = (h >> 10) & 31, m = h & 1023;
	float v = e == 0 ? (float)m / (1 << 24) :
		  e == 31 ? (m ? NAN : INFINITY) :
		  (float)(m | 1024) * (e >= 25 ? (float)(1 << (e - 25)) : 1.0f / (float)(1 << (25 - e)));
	return h & 0x8000 ? -v : v;
}

/* Component k of element i as a float (normalized: GL's conversion of
 * integer colors and normals) or as an integer (`iv`). */
static int element(const struct sgl_array_state *a, GLint i, float f[4], int32_t iv[4])
{
	int n = a->size == GL_BGRA ? 4 : a->size, tb;
	bool norm = a->flags & 1;
	switch (a->type) {
	case GL_BYTE: case GL_UNSIGNED_BYTE: tb = 1; break;
	case GL_SHORT: case GL_UNSIGNED_SHORT: case GL_HALF_FLOAT: tb = 2; break;
	case GL_INT: case GL_UNSIGNED_INT: case GL_FLOAT: tb = 4; break;
	case GL_DOUBLE: tb = 8; break;
	default: return 0;   /* packed formats: not read here */
	}
	if (n < 1 || n > 4)
		return 0;
	uint64_t step = a->stride ? (uint64_t)a->stride : (uint64_t)tb * n;
	const uint8_t *p = (const uint8_t *)a->pointer + (uint64_t)i * step;
	for (int k = 0; k < n; k++) {
		const uint8_t *q = p + k * tb;
		double v = 0;
		int8_t b; uint8_t ub; int16_t s; uint16_t us; int32_t si; uint32_t ui; float fl; double d;
		switch (a->type) {
		case GL_BYTE: memcpy(&b, q, 1); v = norm ? (2.0 * b + 1) / 255 : b; iv[k] = b; break;
		case GL_UNSIGNED_BYTE: memcpy(&ub, q, 1); v = norm ? ub / 255.0 : ub; iv[k] = ub; break;
		case GL_SHORT: memcpy(&s, q, 2); v = norm ? (2.0 * s + 1) / 65535 : s; iv[k] = s; break;
		case GL_UNSIGNED_SHORT: memcpy(&us, q, 2); v = norm ? us / 65535.0 : us; iv[k] = us; break;
		case GL_HALF_FLOAT: memcpy(&us, q, 2); v = half_to_float(us); iv[k] = (int32_t)v; break;
		case GL_INT: memcpy(&si, q, 4); v = norm ? (2.0 * si + 1) / 4294967295.0 : si; iv[k] = si; break;
		case GL_UNSIGNED_INT: memcpy(&ui, q, 4); v = norm ? ui / 4294967295.0 : ui; iv[k] = (int32_t)ui; break;
		case GL_FLOAT: memcpy(&fl, q, 4); v = fl; iv[k] = (int32_t)fl; break;
		case GL_DOUBLE: memcpy(&d, q, 8); v = d; iv[k] = (int32_t)d; break;
		}
		f[k] = (float)v;
	}
	if (a->size == GL_BGRA) {
		float t = f[0];
		f[0] = f[2];
		f[2] = t;
	}
	return n;
}

/* One attribute of slot `slot` from its client array. */
static void emit(struct sgl_enc *e, int slot, GLint i)
{
	const struct sgl_array_state *a = &e->arrays[slot];
	float f[4] = { 0, 0, 0, 1 };
	int32_t iv[4] = { 0, 0, 0, 1 };
	if (!element(a, i, f, iv))
		return;
	if (slot < FIXED_BASE) {
		if (a->flags & 2)
			sgl_enc_glVertexAttribI4iv(e, (GLuint)slot, iv);
		else
			sgl_enc_glVertexAttrib4f(e, (GLuint)slot, f[0], f[1], f[2], f[3]);
		return;
	}
	if (slot >= TEXCOORD_BASE) {
		sgl_enc_glMultiTexCoord4f(e, GL_TEXTURE0 + (GLenum)(slot - TEXCOORD_BASE), f[0], f[1],
					  f[2], f[3]);
		return;
	}
	switch (slot - FIXED_BASE) {
	case 0: sgl_enc_glVertex4f(e, f[0], f[1], f[2], f[3]); break;
	case 1: sgl_enc_glNormal3f(e, f[0], f[1], f[2]); break;
	case 2: sgl_enc_glColor4f(e, f[0], f[1], f[2], f[3]); break;
	case 3: sgl_enc_glSecondaryColor3f(e, f[0], f[1], f[2]); break;
	case 4: sgl_enc_glFogCoordf(e, f[0]); break;
	case 5: sgl_enc_glEdgeFlag(e, iv[0] != 0); break;
	case 6: sgl_enc_glIndexf(e, f[0]); break;
	default: break;   /* GLES 1's point sizes: no glArrayElement there */
	}
}

void sgl_enc_glArrayElement(struct sgl_enc *e, GLint i)
{
	if (!sgl_enc_any_client_array(e) || i < 0) {
		sgl_enc_raw_glArrayElement(e, i);
		return;
	}
	uint32_t restart;
	if (sgl_enc_restart_index(e, GL_UNSIGNED_BYTE, &restart) && (uint32_t)i == restart) {
		sgl_enc_glPrimitiveRestartNV(e);
		return;
	}
	/* Generic attribute 0 and the vertex array emit the vertex: last. */
	const int vertex[2] = { 0, FIXED_BASE };
	for (int s = SGL_ARRAY_SLOTS - 1; s >= 0; s--)
		if (s != vertex[0] && s != vertex[1] && (e->client_mask >> s & 1))
			emit(e, s, i);
	for (int k = 0; k < 2; k++) {
		const struct sgl_array_state *a = &e->arrays[vertex[k]];
		if (!a->enabled)
			continue;
		if (a->client)
			emit(e, vertex[k], i);
		else
			sgl_enc_raw_glArrayElement(e, i);
		return;
	}
}
