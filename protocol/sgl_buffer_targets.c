/*
 * GL's buffer binding points, one table for the guest encoder and the host
 * decoder: the guest tracks what is bound to each (to tell a buffer offset
 * from client memory, and to unbind on delete), the host asks GL which
 * buffer a map or a flush reached.  GL 4.6 table 6.1 plus
 * ARB_indirect_parameters' GL_PARAMETER_BUFFER.
 */
#include "sgl_sizes.h"
#include "sgl_gl_types.h"

static const uint32_t targets[SGL_BUFFER_TARGETS][2] = {
	[SGL_BUFFER_ARRAY] = { GL_ARRAY_BUFFER, GL_ARRAY_BUFFER_BINDING },
	[SGL_BUFFER_ELEMENT_ARRAY] = { GL_ELEMENT_ARRAY_BUFFER, GL_ELEMENT_ARRAY_BUFFER_BINDING },
	[SGL_BUFFER_PIXEL_PACK] = { GL_PIXEL_PACK_BUFFER, GL_PIXEL_PACK_BUFFER_BINDING },
	[SGL_BUFFER_PIXEL_UNPACK] = { GL_PIXEL_UNPACK_BUFFER, GL_PIXEL_UNPACK_BUFFER_BINDING },
	[SGL_BUFFER_DRAW_INDIRECT] = { GL_DRAW_INDIRECT_BUFFER, GL_DRAW_INDIRECT_BUFFER_BINDING },
	{ GL_COPY_READ_BUFFER, GL_COPY_READ_BUFFER_BINDING },
	{ GL_COPY_WRITE_BUFFER, GL_COPY_WRITE_BUFFER_BINDING },
	{ GL_UNIFORM_BUFFER, GL_UNIFORM_BUFFER_BINDING },
	{ GL_TEXTURE_BUFFER, GL_TEXTURE_BUFFER_BINDING },
	{ GL_TRANSFORM_FEEDBACK_BUFFER, GL_TRANSFORM_FEEDBACK_BUFFER_BINDING },
	{ GL_SHADER_STORAGE_BUFFER, GL_SHADER_STORAGE_BUFFER_BINDING },
	{ GL_ATOMIC_COUNTER_BUFFER, GL_ATOMIC_COUNTER_BUFFER_BINDING },
	{ GL_DISPATCH_INDIRECT_BUFFER, GL_DISPATCH_INDIRECT_BUFFER_BINDING },
	{ GL_QUERY_BUFFER, GL_QUERY_BUFFER_BINDING },
	{ GL_PARAMETER_BUFFER, GL_PARAMETER_BUFFER_BINDING },
};

int sgl_buffer_target_index(uint32_t target_or_binding)
{
	for (int i = 0; i < SGL_BUFFER_TARGETS; i++)
		if (targets[i][0] == target_or_binding || targets[i][1] == target_or_binding)
			return i;
	return -1;
}

uint32_t sgl_buffer_binding_pname(uint32_t target)
{
	for (int i = 0; i < SGL_BUFFER_TARGETS; i++)
		if (targets[i][0] == target)
			return targets[i][1];
	return 0;
}
