/*
 * Host EGL display and contexts; see egl.h.
 *
 * Every platform function opens its native display, gets the EGLDisplay and
 * initialises it, unwinding in reverse order on failure, so that AUTO can try
 * one platform after another on a clean struct.
 */
/* O_CLOEXEC and strdup, should the build not ask for _GNU_SOURCE. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "egl/egl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <epoxy/gl.h>
#include <gbm.h>

/* EGL_EXT_device_drm_render_node; newer than the headers of some epoxy. */
#ifndef EGL_DRM_RENDER_NODE_FILE_EXT
#define EGL_DRM_RENDER_NODE_FILE_EXT 0x3377
#endif

struct sgl_egl {
	struct sgl_log log;
	EGLDisplay display;
	/* Only for SGLHOST_PLATFORM_RENDER_NODE; -1 / NULL otherwise. */
	int drm_fd;
	struct gbm_device *gbm;
	char *name;
	/* Contexts get robust buffer access when the display offers it: an
	 * out-of-bounds vertex fetch a guest provokes then reads zeros instead
	 * of host memory (ARB_robust_buffer_access_behavior). */
	bool robust;
};

struct gl_version {
	int major;
	int minor;
};

/*
 * EGL hands out one EGLDisplay per (platform, native display) for the whole
 * process, and eglTerminate on it kills the contexts of every user. Two hosts
 * on one platform (two surfaceless hosts, say) thus share a display, so
 * eglInitialize and eglTerminate are counted here. This table is the
 * library's only process-global state: it has to be global because the
 * EGLDisplay it tracks is. The lock is held across eglInitialize and
 * eglTerminate so that no host sees a display that is half torn down.
 */
struct display_ref {
	struct display_ref *next;
	EGLDisplay display;
	unsigned int count;
};

static pthread_mutex_t display_refs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct display_ref *display_refs;

static const char *egl_error_name(EGLint err)
{
	switch (err) {
	case EGL_SUCCESS: return "EGL_SUCCESS";
	case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
	case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
	case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
	case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
	case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
	case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
	case EGL_BAD_CURRENT_SURFACE: return "EGL_BAD_CURRENT_SURFACE";
	case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
	case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
	case EGL_BAD_NATIVE_PIXMAP: return "EGL_BAD_NATIVE_PIXMAP";
	case EGL_BAD_NATIVE_WINDOW: return "EGL_BAD_NATIVE_WINDOW";
	case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
	case EGL_BAD_SURFACE: return "EGL_BAD_SURFACE";
	case EGL_CONTEXT_LOST: return "EGL_CONTEXT_LOST";
	case EGL_BAD_DEVICE_EXT: return "EGL_BAD_DEVICE_EXT";
	default: return "unknown EGL error";
	}
}

/* Whole-word match in a space-separated extension list. */
static bool ext_in_list(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (list && *list) {
		const char *end = strchr(list, ' ');
		size_t n = end ? (size_t)(end - list) : strlen(list);

		if (n == len && strncmp(list, name, len) == 0)
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

static bool has_client_ext(const char *name)
{
	return ext_in_list(eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS), name);
}

static bool has_display_ext(EGLDisplay display, const char *name)
{
	return ext_in_list(eglQueryString(display, EGL_EXTENSIONS), name);
}

static char *format_name(const char *fmt, const char *arg1, const char *arg2)
{
	int len = snprintf(NULL, 0, fmt, arg1, arg2);
	char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;

	if (s)
		snprintf(s, (size_t)len + 1, fmt, arg1, arg2);
	return s;
}

static struct display_ref *display_ref_find(EGLDisplay display)
{
	for (struct display_ref *r = display_refs; r; r = r->next) {
		if (r->display == display)
			return r;
	}
	return NULL;
}

/* Initialises egl->display unless another sgl_egl already did. */
static int display_ref(struct sgl_egl *egl)
{
	struct display_ref *ref;
	EGLint egl_err = EGL_SUCCESS;
	int err = 0;

	pthread_mutex_lock(&display_refs_lock);
	ref = display_ref_find(egl->display);
	if (ref) {
		ref->count++;
		goto out;
	}
	ref = calloc(1, sizeof(*ref));
	if (!ref) {
		err = -ENOMEM;
		goto out;
	}
	if (!eglInitialize(egl->display, NULL, NULL)) {
		egl_err = eglGetError();
		free(ref);
		err = -ENODEV;
		goto out;
	}
	ref->display = egl->display;
	ref->count = 1;
	ref->next = display_refs;
	display_refs = ref;
out:
	pthread_mutex_unlock(&display_refs_lock);
	if (egl_err != EGL_SUCCESS)
		sgl_log_error(&egl->log, "eglInitialize failed on %s: %s", egl->name,
			      egl_error_name(egl_err));
	return err;
}

static void display_unref(struct sgl_egl *egl)
{
	struct display_ref **link;

	pthread_mutex_lock(&display_refs_lock);
	for (link = &display_refs; *link; link = &(*link)->next) {
		struct display_ref *ref = *link;

		if (ref->display != egl->display)
			continue;
		if (--ref->count > 0)
			break;
		/* A context still current here would keep the driver alive. */
		if (eglGetCurrentDisplay() == egl->display)
			eglMakeCurrent(egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE,
				       EGL_NO_CONTEXT);
		eglTerminate(egl->display);
		*link = ref->next;
		free(ref);
		break;
	}
	pthread_mutex_unlock(&display_refs_lock);
}

/* Contexts are configless and surfaceless, with explicit versions. */
static int check_display(struct sgl_egl *egl)
{
	static const char *const required[] = {
		"EGL_KHR_surfaceless_context",
		"EGL_KHR_create_context",
	};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!has_display_ext(egl->display, required[i])) {
			sgl_log_error(&egl->log, "%s lacks %s", egl->name, required[i]);
			return -ENODEV;
		}
	}
	if (!has_display_ext(egl->display, "EGL_KHR_no_config_context") &&
	    !has_display_ext(egl->display, "EGL_MESA_configless_context")) {
		sgl_log_error(&egl->log, "%s lacks EGL_KHR_no_config_context", egl->name);
		return -ENODEV;
	}
	egl->robust = has_display_ext(egl->display, "EGL_EXT_create_context_robustness");
	if (!egl->robust)
		sgl_log_warn(&egl->log, "%s lacks EGL_EXT_create_context_robustness: "
			     "contexts have no robust buffer access", egl->name);
	return 0;
}

static int init_display(struct sgl_egl *egl)
{
	int err = display_ref(egl);

	if (err)
		return err;
	err = check_display(egl);
	if (err) {
		display_unref(egl);
		return err;
	}
	sgl_log_info(&egl->log, "EGL %s (%s) on %s", eglQueryString(egl->display, EGL_VERSION),
		     eglQueryString(egl->display, EGL_VENDOR), egl->name);
	return 0;
}

/*
 * With EGL_KHR_display_reference the display is counted by EGL itself and,
 * because the attribute list is part of its key, is not the one an embedder
 * gets without it: our eglTerminate then cannot end the embedder's contexts.
 */
static const EGLint *display_attribs(void)
{
	static const EGLint tracked[] = { EGL_TRACK_REFERENCES_KHR, EGL_TRUE, EGL_NONE };

	return has_client_ext("EGL_KHR_display_reference") ? tracked : NULL;
}

static EGLDisplay get_display(struct sgl_egl *egl, EGLenum platform, void *native)
{
	EGLDisplay display = eglGetPlatformDisplayEXT(platform, native, display_attribs());

	if (display == EGL_NO_DISPLAY)
		sgl_log_error(&egl->log, "eglGetPlatformDisplayEXT failed for %s: %s", egl->name,
			      egl_error_name(eglGetError()));
	return display;
}

/* The lowest-numbered node, so that "first" does not depend on readdir. */
static bool find_render_node(char *path, size_t size)
{
	DIR *dir = opendir("/dev/dri");
	struct dirent *ent;
	int best = -1;

	if (!dir)
		return false;
	while ((ent = readdir(dir))) {
		int minor;
		char tail;

		if (sscanf(ent->d_name, "renderD%d%c", &minor, &tail) != 1 || minor < 0)
			continue;
		if (best < 0 || minor < best)
			best = minor;
	}
	closedir(dir);
	if (best < 0)
		return false;
	snprintf(path, size, "/dev/dri/renderD%d", best);
	return true;
}

static int open_render_node(struct sgl_egl *egl, const char *path)
{
	char found[64];
	int err;

	if (!has_client_ext("EGL_KHR_platform_gbm") && !has_client_ext("EGL_MESA_platform_gbm")) {
		sgl_log_error(&egl->log, "EGL lacks EGL_KHR_platform_gbm");
		return -ENODEV;
	}
	if (!path) {
		if (!find_render_node(found, sizeof(found))) {
			sgl_log_error(&egl->log, "no render node in /dev/dri");
			return -ENODEV;
		}
		path = found;
	}
	egl->name = format_name("render-node %s", path, NULL);
	if (!egl->name)
		return -ENOMEM;
	egl->drm_fd = open(path, O_RDWR | O_CLOEXEC);
	if (egl->drm_fd < 0) {
		err = errno == ENOENT ? -ENODEV : -errno;
		sgl_log_error(&egl->log, "cannot open %s: %s", path, strerror(errno));
		goto err_name;
	}
	egl->gbm = gbm_create_device(egl->drm_fd);
	if (!egl->gbm) {
		sgl_log_error(&egl->log, "gbm_create_device failed on %s", path);
		err = -ENODEV;
		goto err_fd;
	}
	egl->display = get_display(egl, EGL_PLATFORM_GBM_KHR, egl->gbm);
	if (egl->display == EGL_NO_DISPLAY) {
		err = -ENODEV;
		goto err_gbm;
	}
	err = init_display(egl);
	if (err)
		goto err_display;
	return 0;

err_display:
	egl->display = EGL_NO_DISPLAY;
err_gbm:
	gbm_device_destroy(egl->gbm);
	egl->gbm = NULL;
err_fd:
	close(egl->drm_fd);
	egl->drm_fd = -1;
err_name:
	free(egl->name);
	egl->name = NULL;
	return err;
}

/* Fills a malloc'ed array of every EGL device. */
static int query_devices(struct sgl_egl *egl, EGLDeviceEXT **devices, EGLint *count)
{
	if (!has_client_ext("EGL_EXT_platform_device") ||
	    (!has_client_ext("EGL_EXT_device_enumeration") &&
	     !has_client_ext("EGL_EXT_device_base"))) {
		sgl_log_debug(&egl->log, "EGL lacks EGL_EXT_platform_device");
		return -ENODEV;
	}
	if (!eglQueryDevicesEXT(0, NULL, count) || *count <= 0) {
		sgl_log_debug(&egl->log, "no EGL device");
		return -ENODEV;
	}
	*devices = calloc((size_t)*count, sizeof(**devices));
	if (!*devices)
		return -ENOMEM;
	if (!eglQueryDevicesEXT(*count, *devices, count)) {
		free(*devices);
		return -ENODEV;
	}
	return 0;
}

static const char *device_render_node(EGLDeviceEXT device)
{
	const char *exts = eglQueryDeviceStringEXT(device, EGL_EXTENSIONS);

	if (!ext_in_list(exts, "EGL_EXT_device_drm_render_node"))
		return NULL;
	/* NULL for Mesa's software device, which has the extension too. */
	return eglQueryDeviceStringEXT(device, EGL_DRM_RENDER_NODE_FILE_EXT);
}

static int first_render_device(const EGLDeviceEXT *devices, EGLint count)
{
	for (EGLint i = 0; i < count; i++) {
		if (device_render_node(devices[i]))
			return i;
	}
	return -1;
}

static char *device_name(EGLDeviceEXT device, int index)
{
	const char *node = device_render_node(device);
	char num[16];

	snprintf(num, sizeof(num), "%d", index);
	if (!node && ext_in_list(eglQueryDeviceStringEXT(device, EGL_EXTENSIONS),
				 "EGL_MESA_device_software"))
		node = "software";
	if (!node)
		return format_name("device %s", num, NULL);
	return format_name("device %s (%s)", num, node);
}

/* `index` -1 picks the first device with a render node. */
static int open_device(struct sgl_egl *egl, int index)
{
	EGLDeviceEXT *devices;
	EGLint count;
	int err = query_devices(egl, &devices, &count);

	if (err) {
		sgl_log_error(&egl->log, "no EGL device can be enumerated");
		return err;
	}
	if (index < 0)
		index = first_render_device(devices, count);
	if (index < 0 || index >= count) {
		if (index < 0)
			sgl_log_error(&egl->log, "no EGL device with a render node");
		else
			sgl_log_error(&egl->log, "no EGL device %d (%d found)", index, (int)count);
		err = -ENODEV;
		goto out;
	}
	egl->name = device_name(devices[index], index);
	if (!egl->name) {
		err = -ENOMEM;
		goto out;
	}
	egl->display = get_display(egl, EGL_PLATFORM_DEVICE_EXT, devices[index]);
	if (egl->display == EGL_NO_DISPLAY) {
		err = -ENODEV;
		goto err_name;
	}
	err = init_display(egl);
	if (err)
		goto err_display;
	goto out;

err_display:
	egl->display = EGL_NO_DISPLAY;
err_name:
	free(egl->name);
	egl->name = NULL;
out:
	free(devices);
	return err;
}

static int open_surfaceless(struct sgl_egl *egl)
{
	int err;

	if (!has_client_ext("EGL_MESA_platform_surfaceless")) {
		sgl_log_error(&egl->log, "EGL lacks EGL_MESA_platform_surfaceless");
		return -ENODEV;
	}
	egl->name = strdup("surfaceless");
	if (!egl->name)
		return -ENOMEM;
	egl->display = get_display(egl, EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY);
	if (egl->display == EGL_NO_DISPLAY) {
		err = -ENODEV;
		goto err_name;
	}
	err = init_display(egl);
	if (err)
		goto err_display;
	return 0;

err_display:
	egl->display = EGL_NO_DISPLAY;
err_name:
	free(egl->name);
	egl->name = NULL;
	return err;
}

/* Whether some EGL device has a render node; quiet, AUTO falls back. */
static bool have_render_device(struct sgl_egl *egl)
{
	EGLDeviceEXT *devices;
	EGLint count;
	bool found;

	if (query_devices(egl, &devices, &count))
		return false;
	found = first_render_device(devices, count) >= 0;
	free(devices);
	return found;
}

static int open_auto(struct sgl_egl *egl, const struct sglhost_config *cfg)
{
	/* A named node is an explicit choice: no silent fallback. */
	if (cfg->render_node)
		return open_render_node(egl, cfg->render_node);
	if (have_render_device(egl)) {
		if (open_device(egl, -1) == 0)
			return 0;
		sgl_log_warn(&egl->log, "EGL device unusable, falling back to surfaceless");
	}
	return open_surfaceless(egl);
}

static int open_platform(struct sgl_egl *egl, const struct sglhost_config *cfg)
{
	if (!has_client_ext("EGL_EXT_platform_base")) {
		sgl_log_error(&egl->log, "EGL lacks EGL_EXT_platform_base");
		return -ENODEV;
	}
	switch (cfg->platform) {
	case SGLHOST_PLATFORM_AUTO:
		return open_auto(egl, cfg);
	case SGLHOST_PLATFORM_RENDER_NODE:
		return open_render_node(egl, cfg->render_node);
	case SGLHOST_PLATFORM_DEVICE:
		if (cfg->egl_device_index < -1)
			break;
		return open_device(egl, cfg->egl_device_index);
	case SGLHOST_PLATFORM_SURFACELESS:
		return open_surfaceless(egl);
	}
	sgl_log_error(&egl->log, "invalid platform %d (device index %d)", (int)cfg->platform,
		      (int)cfg->egl_device_index);
	return -EINVAL;
}

struct sgl_egl *sgl_egl_create(const struct sglhost_config *cfg, const struct sgl_log *log)
{
	struct sgl_egl *egl;
	int err;

	if (!cfg) {
		errno = EINVAL;
		return NULL;
	}
	egl = calloc(1, sizeof(*egl));
	if (!egl) {
		errno = ENOMEM;
		return NULL;
	}
	if (log)
		egl->log = *log;
	egl->display = EGL_NO_DISPLAY;
	egl->drm_fd = -1;
	err = open_platform(egl, cfg);
	if (err) {
		free(egl);
		/* Set last: logging may clobber errno. */
		errno = -err;
		return NULL;
	}
	return egl;
}

void sgl_egl_destroy(struct sgl_egl *egl)
{
	if (!egl)
		return;
	display_unref(egl);
	/* After eglTerminate: the display may still use the GBM device. */
	if (egl->gbm)
		gbm_device_destroy(egl->gbm);
	if (egl->drm_fd >= 0)
		close(egl->drm_fd);
	free(egl->name);
	free(egl);
}

const char *sgl_egl_platform_name(const struct sgl_egl *egl)
{
	return egl->name;
}

EGLDisplay sgl_egl_display(const struct sgl_egl *egl)
{
	return egl->display;
}

static const char *api_name(enum sglhost_api api)
{
	switch (api) {
	case SGLHOST_API_GL_COMPAT: return "GL compat";
	case SGLHOST_API_GL_CORE: return "GL core";
	case SGLHOST_API_GLES: return "GLES";
	}
	return "unknown API";
}

/* Highest first: EGL gives a context of at least the version asked for. */
static bool api_versions(enum sglhost_api api, const struct gl_version **list, size_t *count)
{
	static const struct gl_version core[] = {
		{ 4, 6 }, { 4, 5 }, { 4, 4 }, { 4, 3 }, { 4, 2 },
		{ 4, 1 }, { 4, 0 }, { 3, 3 }, { 3, 2 },
	};
	static const struct gl_version compat[] = {
		{ 4, 6 }, { 4, 5 }, { 4, 4 }, { 4, 3 }, { 4, 2 }, { 4, 1 },
		{ 4, 0 }, { 3, 3 }, { 3, 2 }, { 3, 1 }, { 3, 0 }, { 2, 1 },
	};
	static const struct gl_version gles[] = {
		{ 3, 2 }, { 3, 1 }, { 3, 0 }, { 2, 0 },
	};

	switch (api) {
	case SGLHOST_API_GL_CORE:
		*list = core;
		*count = sizeof(core) / sizeof(core[0]);
		return true;
	case SGLHOST_API_GL_COMPAT:
		*list = compat;
		*count = sizeof(compat) / sizeof(compat[0]);
		return true;
	case SGLHOST_API_GLES:
		*list = gles;
		*count = sizeof(gles) / sizeof(gles[0]);
		return true;
	}
	return false;
}

static bool version_valid(enum sglhost_api api, int major, int minor)
{
	if (major < 0 || minor < 0 || (major == 0 && minor != 0))
		return false;
	if (major == 0)
		return true;
	/* There is no core profile before 3.2; EGL would give compat. */
	if (api == SGLHOST_API_GL_CORE && (major < 3 || (major == 3 && minor < 2)))
		return false;
	/* GLES 1.0 and 1.1 (the common profile: ES-CM); no ES 1.2. */
	if (api == SGLHOST_API_GLES && major == 1 && minor > 1)
		return false;
	return true;
}

static EGLContext try_create(struct sgl_egl *egl, enum sglhost_api api, struct gl_version v,
			     uint32_t flags, EGLContext share)
{
	EGLint attribs[11];
	int n = 0;

	attribs[n++] = EGL_CONTEXT_MAJOR_VERSION_KHR;
	attribs[n++] = v.major;
	attribs[n++] = EGL_CONTEXT_MINOR_VERSION_KHR;
	attribs[n++] = v.minor;
	/* Profiles exist from 3.2; below it the mask is ignored at best. */
	if (api != SGLHOST_API_GLES && (v.major > 3 || (v.major == 3 && v.minor >= 2))) {
		attribs[n++] = EGL_CONTEXT_OPENGL_PROFILE_MASK_KHR;
		attribs[n++] = api == SGLHOST_API_GL_CORE
				       ? EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT_KHR
				       : EGL_CONTEXT_OPENGL_COMPATIBILITY_PROFILE_BIT_KHR;
	}
	if (egl->robust) {
		attribs[n++] = EGL_CONTEXT_OPENGL_ROBUST_ACCESS_EXT;
		attribs[n++] = EGL_TRUE;
	}
	/* The EXT token is for GLES only (Mesa: EGL_BAD_ATTRIBUTE for GL);
	 * desktop GL takes EGL_KHR_create_context's. */
	if (flags & SGLHOST_CONTEXT_LOSE_ON_RESET) {
		attribs[n++] = api == SGLHOST_API_GLES
				       ? EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT
				       : EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_KHR;
		attribs[n++] = EGL_LOSE_CONTEXT_ON_RESET_EXT;
	}
	attribs[n] = EGL_NONE;
	return eglCreateContext(egl->display, EGL_NO_CONFIG_KHR, share, attribs);
}

/* "4.5 (Core Profile) Mesa ...", "OpenGL ES 3.2 Mesa ..." or GLES 1's
 * "OpenGL ES-CM 1.1 Mesa ..." (and ES-CL, the common-lite profile). */
static bool parse_gl_version(const char *s, int *major, int *minor)
{
	static const char es_prefix[] = "OpenGL ES ";
	static const char es1_prefix[] = "OpenGL ES-C";   /* then M or L, a space */
	const size_t es1 = sizeof(es1_prefix) - 1;

	if (strncmp(s, es_prefix, sizeof(es_prefix) - 1) == 0)
		s += sizeof(es_prefix) - 1;
	else if (strncmp(s, es1_prefix, es1) == 0 && s[es1] && s[es1 + 1] == ' ')
		s += es1 + 2;
	return sscanf(s, "%d.%d", major, minor) == 2;
}

/* Needs the context current. GL_MAJOR_VERSION exists from GL/GLES 3.0. */
static bool read_gl_version(int *major, int *minor)
{
	/* Through EGL, never through a libGL found on the library path: in a
	 * guest's environment that could be our own guest libGL. */
	PFNGLGETSTRINGPROC get_string = (PFNGLGETSTRINGPROC)eglGetProcAddress("glGetString");
	PFNGLGETINTEGERVPROC get_integer =
		(PFNGLGETINTEGERVPROC)eglGetProcAddress("glGetIntegerv");
	if (!get_string || !get_integer)
		return false;
	const char *s = (const char *)get_string(GL_VERSION);
	GLint maj = 0, min = 0;

	if (!s || !parse_gl_version(s, major, minor))
		return false;
	if (*major < 3)
		return true;
	get_integer(GL_MAJOR_VERSION, &maj);
	get_integer(GL_MINOR_VERSION, &min);
	if (maj >= 3) {
		*major = maj;
		*minor = min;
	}
	return true;
}

/* Makes `ctx` current just long enough to ask, then restores the thread. */
static bool query_version(struct sgl_egl *egl, EGLContext ctx, int *major, int *minor)
{
	EGLDisplay prev_display = eglGetCurrentDisplay();
	EGLContext prev_ctx = eglGetCurrentContext();
	EGLSurface prev_draw = eglGetCurrentSurface(EGL_DRAW);
	EGLSurface prev_read = eglGetCurrentSurface(EGL_READ);
	bool ok;

	if (!eglMakeCurrent(egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
		sgl_log_error(&egl->log, "eglMakeCurrent failed on a new context: %s",
			      egl_error_name(eglGetError()));
		return false;
	}
	ok = read_gl_version(major, minor);
	if (!ok)
		sgl_log_error(&egl->log, "cannot read GL_VERSION of a new context");
	if (prev_ctx == EGL_NO_CONTEXT)
		eglMakeCurrent(egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	else if (!eglMakeCurrent(prev_display, prev_draw, prev_read, prev_ctx))
		sgl_log_warn(&egl->log, "cannot restore the previous context: %s",
			     egl_error_name(eglGetError()));
	return ok;
}

/* The errors drivers give for a version they lack. */
static bool version_refused(EGLint err)
{
	return err == EGL_BAD_MATCH || err == EGL_BAD_CONFIG || err == EGL_BAD_ATTRIBUTE;
}

/* Tries each version in turn; the bound API is per-thread, so bind here. */
static EGLContext create_first(struct sgl_egl *egl, enum sglhost_api api,
			       const struct gl_version *list, size_t count, uint32_t flags,
			       EGLContext share)
{
	EGLenum prev_api = eglQueryAPI();
	EGLContext ctx = EGL_NO_CONTEXT;
	EGLint err = EGL_SUCCESS;

	if (!eglBindAPI(api == SGLHOST_API_GLES ? EGL_OPENGL_ES_API : EGL_OPENGL_API)) {
		sgl_log_error(&egl->log, "%s: eglBindAPI failed: %s", api_name(api),
			      egl_error_name(eglGetError()));
		return EGL_NO_CONTEXT;
	}
	for (size_t i = 0; i < count; i++) {
		ctx = try_create(egl, api, list[i], flags, share);
		if (ctx != EGL_NO_CONTEXT)
			break;
		err = eglGetError();
		sgl_log_debug(&egl->log, "%s %d.%d: %s", api_name(api), list[i].major,
			      list[i].minor, egl_error_name(err));
		/* Anything but "not this version" (a bad share context, no
		 * memory) fails every version alike. */
		if (!version_refused(err))
			break;
	}
	/* Leave the thread's API as the embedder had it. */
	if (prev_api != EGL_NONE)
		eglBindAPI(prev_api);
	if (ctx == EGL_NO_CONTEXT)
		sgl_log_error(&egl->log, "cannot create a %s context (%s %d.%d%s): %s",
			      api_name(api), count == 1 ? "version" : "tried",
			      list[0].major, list[0].minor, count == 1 ? "" : " and below",
			      egl_error_name(err));
	return ctx;
}

EGLContext sgl_egl_context_create(struct sgl_egl *egl, enum sglhost_api api, int major, int minor,
				  uint32_t flags, EGLContext share, int *got_major, int *got_minor)
{
	const struct gl_version *list;
	struct gl_version requested = { major, minor };
	size_t count;
	EGLContext ctx;
	int maj, min;

	if (!api_versions(api, &list, &count) || !version_valid(api, major, minor)) {
		sgl_log_error(&egl->log, "invalid context request: %s %d.%d", api_name(api), major,
			      minor);
		errno = EINVAL;
		return EGL_NO_CONTEXT;
	}
	/* Robustness asked for explicitly needs the driver's extension. */
	if ((flags & (SGLHOST_CONTEXT_ROBUST_ACCESS | SGLHOST_CONTEXT_LOSE_ON_RESET)) &&
	    !egl->robust) {
		sgl_log_error(&egl->log, "a robust context was asked for; %s lacks "
			      "EGL_EXT_create_context_robustness", egl->name);
		errno = ENOTSUP;
		return EGL_NO_CONTEXT;
	}
	if (major > 0) {
		list = &requested;
		count = 1;
	}
	ctx = create_first(egl, api, list, count, flags, share);
	if (ctx == EGL_NO_CONTEXT) {
		errno = ENOTSUP;
		return EGL_NO_CONTEXT;
	}
	if (!query_version(egl, ctx, &maj, &min)) {
		eglDestroyContext(egl->display, ctx);
		errno = ENOTSUP;
		return EGL_NO_CONTEXT;
	}
	sgl_log_debug(&egl->log, "created %s %d.%d context on %s", api_name(api), maj, min,
		      egl->name);
	if (got_major)
		*got_major = maj;
	if (got_minor)
		*got_minor = min;
	return ctx;
}

void sgl_egl_context_destroy(struct sgl_egl *egl, EGLContext ctx)
{
	if (ctx == EGL_NO_CONTEXT)
		return;
	/* EGL defers destroying a current context until it is released. */
	if (eglGetCurrentContext() == ctx)
		eglMakeCurrent(egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	if (!eglDestroyContext(egl->display, ctx))
		sgl_log_warn(&egl->log, "eglDestroyContext failed: %s",
			     egl_error_name(eglGetError()));
}

bool sgl_egl_make_current(struct sgl_egl *egl, EGLContext ctx)
{
	EGLDisplay display = egl->display;

	if (eglGetCurrentContext() == ctx &&
	    (ctx == EGL_NO_CONTEXT || eglGetCurrentDisplay() == display))
		return true;
	/* Releasing: whatever is current, on whichever display. */
	if (ctx == EGL_NO_CONTEXT)
		display = eglGetCurrentDisplay();
	if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
		sgl_log_error(&egl->log, "eglMakeCurrent failed: %s",
			      egl_error_name(eglGetError()));
		return false;
	}
	return true;
}

void *sgl_egl_get_proc(const struct sgl_egl *egl, const char *name)
{
	(void)egl;
	return (void *)eglGetProcAddress(name);
}
