/*
 * Object names: the guest chooses them, the host maps them. Unknown names at
 * a use site are a GL error (the command does not run); zero or duplicate
 * names where the guest creates objects mean a broken or hostile guest and
 * lose the context.
 */
#include "decoder/decoder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *class_name(enum sgl_object_class cls)
{
	static const char *const names[SGL_OBJ_COUNT] = {
		[SGL_OBJ_BUFFER] = "buffer", [SGL_OBJ_TEXTURE] = "texture",
		[SGL_OBJ_RENDERBUFFER] = "renderbuffer", [SGL_OBJ_FRAMEBUFFER] = "framebuffer",
		[SGL_OBJ_VERTEX_ARRAY] = "vertex array", [SGL_OBJ_PROGRAM] = "program",
		[SGL_OBJ_QUERY] = "query", [SGL_OBJ_SAMPLER] = "sampler",
		[SGL_OBJ_TRANSFORM_FEEDBACK] = "transform feedback",
		[SGL_OBJ_PROGRAM_PIPELINE] = "program pipeline",
		[SGL_OBJ_DISPLAY_LIST] = "display list", [SGL_OBJ_SYNC] = "sync",
		[SGL_OBJ_FRAGMENT_SHADER_ATI] = "ATI fragment shader",
		[SGL_OBJ_PROGRAM_ARB] = "ARB program",
	};
	return cls < SGL_OBJ_COUNT && names[cls] ? names[cls] : "object";
}

static uint32_t load_u32(const uint8_t *p, uint32_t i)
{
	uint32_t v;
	memcpy(&v, p + 4 * (size_t)i, sizeof(v));
	return v;
}

uint64_t sgl_dec_lookup(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest)
{
	if (guest == 0)
		return cls == SGL_OBJ_FRAMEBUFFER ? d->default_fbo : 0;
	return sgl_namemap_lookup(d->maps[cls], guest);
}

int sgl_dec_map_slow(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest, GLuint *host)
{
	uint64_t h = sgl_dec_lookup(d, cls, guest);
	if (!h && guest) {
		sgl_log_debug(d->log, "%s: unknown %s name %u", sgl_opcode_name(d->opcode),
			      class_name(cls), guest);
		/* GL: a name that is neither a program nor a shader is
		 * GL_INVALID_VALUE; other unknown objects are mostly
		 * GL_INVALID_OPERATION. */
		sgl_dec_gl_error(d, cls == SGL_OBJ_PROGRAM ? GL_INVALID_VALUE : GL_INVALID_OPERATION);
		return 1;
	}
	*host = (GLuint)h;
	return 0;
}

int sgl_dec_map_sync(struct sgl_dec *d, uint64_t guest, GLsync *host)
{
	uint64_t h = guest <= UINT32_MAX ? sgl_dec_lookup(d, SGL_OBJ_SYNC, (uint32_t)guest) : 0;
	if (!h && guest == 0 && d->opcode == SGL_OP_glDeleteSync)
		return 1;   /* glDeleteSync(0) is silently ignored */
	if (!h) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 1;
	}
	*host = (GLsync)(uintptr_t)h;
	return 0;
}

int sgl_dec_map_array(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
		      uint32_t n, GLuint *out)
{
	for (uint32_t i = 0; i < n; i++) {
		int r = sgl_dec_map(d, cls, load_u32(in, i), &out[i]);
		if (r)
			return r;
	}
	return 0;
}

int sgl_dec_map_array_del(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			  uint32_t n, GLuint *out)
{
	/* glDelete* ignores names that are not objects: so do we. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g = load_u32(in, i);
		out[i] = g ? (GLuint)sgl_namemap_lookup(d->maps[cls], g) : 0;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* All checks happen before GL or the maps are touched, so a rejected
 * command leaves nothing half done in a share group. */
int sgl_dec_check_new_names(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			    uint32_t n, GLuint *out)
{
	uint32_t *sorted = sgl_dec_scratch(d, (uint64_t)n * 4);
	if (n && !sorted)
		return -EPROTO;
	memcpy(sorted, in, (size_t)n * 4);
	qsort(sorted, n, 4, cmp_u32);
	for (uint32_t i = 1; i < n; i++)
		if (sorted[i] == sorted[i - 1])
			return sgl_dec_fail(d, "%s: %s name %u appears twice",
					    sgl_opcode_name(d->opcode), class_name(cls), sorted[i]);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g = load_u32(in, i);
		if (g == 0 || g > d->maps[cls]->max_name)
			return sgl_dec_fail(d, "%s: invalid new %s name %u", sgl_opcode_name(d->opcode),
					    class_name(cls), g);
		if (sgl_namemap_lookup(d->maps[cls], g))
			return sgl_dec_fail(d, "%s: %s name %u is already in use",
					    sgl_opcode_name(d->opcode), class_name(cls), g);
		out[i] = 0;
	}
	return 0;
}

static int insert(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest, uint64_t host)
{
	int r = sgl_namemap_insert(d->maps[cls], guest, host);
	if (r == -EEXIST)
		return sgl_dec_fail(d, "%s: %s name %u is already in use", sgl_opcode_name(d->opcode),
				    class_name(cls), guest);
	if (r == -EINVAL)
		return sgl_dec_fail(d, "%s: invalid new %s name %u", sgl_opcode_name(d->opcode),
				    class_name(cls), guest);
	if (r < 0)
		return sgl_dec_fail(d, "%s: no memory left for %s names", sgl_opcode_name(d->opcode),
				    class_name(cls));
	return 0;
}

int sgl_dec_insert_names(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			 uint32_t n, const GLuint *host)
{
	for (uint32_t i = 0; i < n; i++) {
		/* A driver that failed to create (GL error) leaves 0: no mapping. */
		if (!host[i])
			continue;
		int r = insert(d, cls, load_u32(in, i), host[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool shader_object_alive(struct sgl_dec *d, GLuint host)
{
	return (d->gl->IsProgram && d->gl->IsProgram(host)) ||
	       (d->gl->IsShader && d->gl->IsShader(host));
}

/* Zombies GL has let go of lose their names now, before GL can hand their
 * host names to new objects. */
static void sweep_zombies(struct sgl_dec *d)
{
	size_t kept = 0;
	for (size_t i = 0; i < d->nzombies; i++) {
		uint32_t g = d->zombies[i];
		uint64_t h = sgl_namemap_lookup(d->maps[SGL_OBJ_PROGRAM], g);
		if (h && shader_object_alive(d, (GLuint)h))
			d->zombies[kept++] = g;
		else
			sgl_namemap_remove(d->maps[SGL_OBJ_PROGRAM], g);
	}
	d->nzombies = kept;
}

int sgl_dec_created(struct sgl_dec *d, enum sgl_object_class cls, uint32_t guest, uint64_t host)
{
	if (cls == SGL_OBJ_PROGRAM && d->nzombies)
		sweep_zombies(d);
	if (guest == 0)
		return sgl_dec_fail(d, "%s: invalid new %s name 0", sgl_opcode_name(d->opcode),
				    class_name(cls));
	return host ? insert(d, cls, guest, host) : 0;
}

void sgl_dec_unmap_array(struct sgl_dec *d, enum sgl_object_class cls, const uint8_t *in,
			 uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		sgl_namemap_remove(d->maps[cls], load_u32(in, i));
}

/* A program in use, or a shader attached to a program, outlives
 * glDelete* (flagged for deletion): its name stays mapped, and GL answers
 * for it (GL_DELETE_STATUS), until GL deletes it. The guest never reuses
 * program names, so the name cannot be claimed again meanwhile. */
static void keep_zombie(struct sgl_dec *d, uint32_t guest)
{
	if (d->nzombies == d->zombies_cap) {
		size_t cap = d->zombies_cap ? d->zombies_cap * 2 : 8;
		uint32_t *z = realloc(d->zombies, cap * sizeof(*z));
		if (!z) {
			sgl_namemap_remove(d->maps[SGL_OBJ_PROGRAM], guest);
			return;
		}
		d->zombies = z;
		d->zombies_cap = cap;
	}
	d->zombies[d->nzombies++] = guest;
}

void sgl_dec_unmap(struct sgl_dec *d, enum sgl_object_class cls, uint64_t guest)
{
	if (!guest || guest > UINT32_MAX)
		return;
	if (cls == SGL_OBJ_PROGRAM) {
		uint64_t h = sgl_namemap_lookup(d->maps[cls], (uint32_t)guest);
		if (h && shader_object_alive(d, (GLuint)h)) {
			for (size_t i = 0; i < d->nzombies; i++)
				if (d->zombies[i] == guest)
					return;
			keep_zombie(d, (uint32_t)guest);
			return;
		}
	}
	sgl_namemap_remove(d->maps[cls], (uint32_t)guest);
}

GLuint sgl_dec_reverse(struct sgl_dec *d, enum sgl_object_class cls, GLuint host)
{
	if (host == 0 || (cls == SGL_OBJ_FRAMEBUFFER && host == d->default_fbo))
		return 0;
	return sgl_namemap_reverse(d->maps[cls], host);
}

void sgl_dec_reverse_array(struct sgl_dec *d, enum sgl_object_class cls, GLuint *names,
			   uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		names[i] = sgl_dec_reverse(d, cls, names[i]);
}
