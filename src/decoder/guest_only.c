/*
 * Commands the guest answers itself: named-buffer map pointers (guest/buffers.c),
 * glInterleavedArrays (guest/interleaved.c: the array calls GL defines it as),
 * the debug callback (guest/debug.c) and the EXT_direct_state_access calls
 * made around a temporary binding (guest/ext_dsa.c). They never travel; one
 * that does is a protocol error.
 */
#include "sgl_decoder_hooks.h"

#define GUEST_ONLY(name) \
	int sgl_hand_##name(struct sgl_dec *d, const uint8_t *p, uint32_t size) \
	{ \
		return sgl_dec_unsupported(d, p, size); \
	}

GUEST_ONLY(glGetNamedBufferPointerv)
GUEST_ONLY(glDebugMessageCallback)
GUEST_ONLY(glGetTextureImageEXT)
GUEST_ONLY(glGetMultiTexImageEXT)
GUEST_ONLY(glGetCompressedTextureImageEXT)
GUEST_ONLY(glGetCompressedMultiTexImageEXT)
GUEST_ONLY(glGetNamedProgramStringEXT)
GUEST_ONLY(glMultiTexCoordPointerEXT)
GUEST_ONLY(glGetPointerIndexedvEXT)
GUEST_ONLY(glGetPointeri_vEXT)
GUEST_ONLY(glGetVertexArrayPointervEXT)
GUEST_ONLY(glGetVertexArrayPointeri_vEXT)
GUEST_ONLY(glGetNamedBufferPointervEXT)
GUEST_ONLY(glInterleavedArrays)
