/* Object names, allocated by the guest: no round trip for glGen*. Freed
 * names are reused, as GL implementations do; a live bit per name keeps a
 * double delete from handing one name out twice. */
#include "encoder.h"

#include <stdlib.h>

static bool grow(uint8_t **bits, size_t old, size_t n)
{
	uint8_t *b = realloc(*bits, n);
	if (!b)
		return false;
	memset(b + old, 0, n - old);
	*bits = b;
	return true;
}

/* Sets bit `name` of the pool's `live` or `shader` map; returns it as it was. */
static bool bit_set(struct sgl_name_pool *p, uint8_t **bits, uint32_t name, bool on)
{
	size_t byte = name / 8;
	if (byte >= p->live_bytes) {
		if (!on)
			return false;
		size_t n = p->live_bytes ? p->live_bytes : 64;
		while (n <= byte)
			n *= 2;
		if (!grow(&p->live, p->live_bytes, n) || !grow(&p->shader, p->live_bytes, n))
			return false;
		p->live_bytes = n;
	}
	uint8_t bit = (uint8_t)(1u << (name % 8));
	bool was = (*bits)[byte] & bit;
	(*bits)[byte] = on ? (uint8_t)((*bits)[byte] | bit) : (uint8_t)((*bits)[byte] & ~bit);
	return was;
}

static bool live_set(struct sgl_name_pool *p, uint32_t name, bool on)
{
	return bit_set(p, &p->live, name, on);
}

GLuint sgl_enc_glCreateShader(struct sgl_enc *e, GLenum type)
{
	GLuint name = sgl_enc_raw_glCreateShader(e, type);
	if (name)
		bit_set(&e->names[SGL_OBJ_PROGRAM], &e->names[SGL_OBJ_PROGRAM].shader, name, true);
	return name;
}

bool sgl_enc_known_shader(const struct sgl_enc *e, GLuint name)
{
	const struct sgl_name_pool *p = &e->names[SGL_OBJ_PROGRAM];
	size_t byte = name / 8;
	uint8_t bit = (uint8_t)(1u << (name % 8));
	return byte < p->live_bytes && (p->live[byte] & bit) && (p->shader[byte] & bit);
}

uint32_t sgl_enc_new_name(struct sgl_enc *e, enum sgl_object_class cls)
{
	struct sgl_name_pool *p = &e->names[cls];
	uint32_t name;
	/* Skipping names the application claimed by binding them. */
	do {
		if (p->nfree)
			name = p->free[--p->nfree];
		else if (p->next == UINT32_MAX)
			return 0;
		else
			name = ++p->next;
	} while (live_set(p, name, true));
	return name;
}

/* GL 2.1 and GLES: binding a name glGen* never returned creates the
 * object; glGen* must not hand the name out afterwards. */
void sgl_enc_claim_name(struct sgl_enc *e, enum sgl_object_class cls, uint32_t name)
{
	if (name)
		live_set(&e->names[cls], name, true);
}

void sgl_enc_gen_names(struct sgl_enc *e, enum sgl_object_class cls, GLsizei n, GLuint *out)
{
	for (GLsizei i = 0; i < n; i++)
		out[i] = sgl_enc_new_name(e, cls);
}

void sgl_enc_free_name(struct sgl_enc *e, enum sgl_object_class cls, uint32_t name)
{
	struct sgl_name_pool *p = &e->names[cls];
	if (name == 0 || !live_set(p, name, false) || name > p->next)
		return;   /* names past `next` come back by counting up */
	/* A program or shader deleted while in use keeps its name on the
	 * host until GL lets it go (src/decoder/names.c): never reused. */
	if (cls == SGL_OBJ_PROGRAM)
		return;
	if (p->nfree == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		uint32_t *f = realloc(p->free, cap * sizeof(*f));
		if (!f)
			return;   /* the name is just not reused */
		p->free = f;
		p->cap = cap;
	}
	p->free[p->nfree++] = name;
}

void sgl_enc_free_names(struct sgl_enc *e, enum sgl_object_class cls, GLsizei n,
			const GLuint *names)
{
	for (GLsizei i = 0; names && i < n; i++)
		sgl_enc_free_name(e, cls, names[i]);
}
