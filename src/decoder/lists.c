/*
 * Display lists come in ranges: glGenLists(range) returns the first of
 * `range` consecutive names. The guest picks its own range; every guest name
 * maps to the matching host name of the host's range.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* Above this a range would mostly be a way to burn host memory. */
#define MAX_LIST_RANGE (1 << 16)

int sgl_hand_glGenLists(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGenLists c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glGenLists, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (c.range <= 0) {
		/* GL: 0 gives 0 and no error. */
		if (c.range < 0)
			sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	if (c.range > MAX_LIST_RANGE || c.first == 0 ||
	    (uint64_t)c.first + (uint64_t)c.range - 1 > UINT32_MAX)
		return sgl_dec_fail(d, "glGenLists: bad guest range %u+%d", c.first, c.range);
	if (!d->gl->GenLists)
		return sgl_dec_missing(d, SGL_OP_glGenLists);
	/* Every name is checked before the driver is asked: a rejected range
	 * leaves the share group as it was. */
	const struct sgl_namemap *map = d->maps[SGL_OBJ_DISPLAY_LIST];
	if ((uint64_t)c.first + (uint64_t)c.range - 1 > map->max_name)
		return sgl_dec_fail(d, "glGenLists: range %u+%d passes the name limit %u", c.first,
				    c.range, map->max_name);
	for (int32_t i = 0; i < c.range; i++)
		if (sgl_namemap_lookup(map, c.first + (uint32_t)i))
			return sgl_dec_fail(d, "glGenLists: display list name %u is already in use",
					    c.first + (uint32_t)i);
	GLuint base = d->gl->GenLists(c.range);
	if (!base)
		return 0;
	for (int32_t i = 0; i < c.range; i++) {
		uint8_t g[4];
		uint32_t name = c.first + (uint32_t)i;
		GLuint h = base + (GLuint)i;
		memcpy(g, &name, 4);
		int r = sgl_dec_insert_names(d, SGL_OBJ_DISPLAY_LIST, g, 1, &h);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "glNewList ... list is the name of a display list to create or replace":
 * any unused name is fine, not only those from glGenLists. */
int sgl_pre_glNewList(struct sgl_dec *d, GLuint *list, GLenum *mode)
{
	(void)mode;
	if (*list == 0)
		return 0;   /* GL raises GL_INVALID_VALUE */
	GLuint h = (GLuint)sgl_dec_lookup(d, SGL_OBJ_DISPLAY_LIST, *list);
	if (!h) {
		uint8_t g[4];
		if (*list > d->maps[SGL_OBJ_DISPLAY_LIST]->max_name) {
			sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
			return 1;
		}
		h = d->gl->GenLists(1);
		if (!h)
			return 1;   /* inside glNewList: GL raised GL_INVALID_OPERATION */
		memcpy(g, list, 4);
		int r = sgl_dec_insert_names(d, SGL_OBJ_DISPLAY_LIST, g, 1, &h);
		if (r < 0)
			return r;
	}
	*list = h;
	return 0;
}

/* Guest names to host names; "if list is not a display list, CallList has
 * no effect" (no error). */
int sgl_pre_glCallList(struct sgl_dec *d, GLuint *list)
{
	*list = (GLuint)sgl_dec_lookup(d, SGL_OBJ_DISPLAY_LIST, *list);
	return *list ? 0 : 1;
}

int sgl_hand_glDeleteLists(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glDeleteLists c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glDeleteLists, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (c.range < 0) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	int32_t n = c.range > MAX_LIST_RANGE ? MAX_LIST_RANGE : c.range;
	for (int32_t i = 0; i < n; i++) {
		uint64_t g = (uint64_t)c.list + (uint64_t)i;
		if (g > UINT32_MAX)
			break;
		GLuint h = (GLuint)sgl_dec_lookup(d, SGL_OBJ_DISPLAY_LIST, (uint32_t)g);
		if (h) {
			d->gl->DeleteLists(h, 1);
			sgl_dec_unmap(d, SGL_OBJ_DISPLAY_LIST, g);
		}
	}
	return 0;
}

/* The guest sends absolute names (list base already added): unknown ones
 * are skipped, as GL skips names that are not lists. */
int sgl_hand_glCallLists(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glCallLists c;
	if (size < sizeof(c))
		return sgl_dec_short(d, SGL_OP_glCallLists, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	uint64_t n = c.n < 0 ? 0 : (uint64_t)c.n;
	if (sizeof(c) + sgl_pad8(n * 4) != size)
		return sgl_dec_size_mismatch(d, SGL_OP_glCallLists, size, sizeof(c) + sgl_pad8(n * 4));
	if (c.n < 0) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	GLuint *h = sgl_dec_scratch(d, n * 4);
	if (n && !h)
		return -EPROTO;
	sgl_dec_map_array_del(d, SGL_OBJ_DISPLAY_LIST, p + sizeof(c), (uint32_t)n, h);
	GLint base = 0;
	d->gl->GetIntegerv(GL_LIST_BASE, &base);
	if (base)
		d->gl->ListBase(0);
	d->gl->CallLists(c.n, GL_UNSIGNED_INT, h);
	if (base)
		d->gl->ListBase((GLuint)base);
	return 0;
}
