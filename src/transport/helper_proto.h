/*
 * What an out-of-process session (session_remote.c) tells its helper
 * process (render_helper.c) first on their socket, before the guest's
 * bytes: the host and session settings. Not on argv: the token would show
 * in /proc. Both sides are built from one source: no versioning.
 */
#ifndef SGL_TRANSPORT_HELPER_PROTO_H
#define SGL_TRANSPORT_HELPER_PROTO_H

#include <stdint.h>

#define SGL_HELPER_MAGIC 0x52484753u   /* "SGHR" */

struct sgl_helper_init {
	uint32_t magic;
	uint32_t platform;
	uint32_t host_flags;           /* sglhost_config.flags */
	int32_t egl_device_index;
	uint32_t max_surface_width, max_surface_height;
	uint32_t max_object_name;
	uint64_t max_context_memory;
	uint32_t session_flags;        /* SGLHOST_SESSION_REQUIRE_TOKEN only */
	uint32_t max_contexts, max_width, max_height;
	int32_t max_major, max_minor;
	uint8_t token[32];
	char render_node[256];         /* "" when none */
	char peer[96];
};

#endif
