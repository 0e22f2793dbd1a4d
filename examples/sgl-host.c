/*
 * sgl-host: the standalone libsglhost server.
 *
 * By default it serves guests over shared memory (/dev/shm/sgl); other
 * transports with --listen. --demo renders a built-in scene in-process
 * instead and writes a PNG. See --help and docs/sgl-host.md.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <link.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "sgl-host.h"

static enum sglhost_log_level log_level = SGLHOST_LOG_WARN;

void host_log(void *user, enum sglhost_log_level level, const char *file, int line,
	      const char *msg)
{
	static const char *const names[] = { "", "error", "warning", "info", "debug" };
	(void)user;
	fprintf(stderr, "sgl-host: %s: %s (%s:%d)\n", names[level], msg, file, line);
}

void session_log(void *user, enum sglhost_log_level level, const char *msg)
{
	static const char *const names[] = { "", "error", "warning", "info", "debug" };
	(void)user;
	if (level <= log_level)
		fprintf(stderr, "sgl-host: %s: %s\n", names[level], msg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sgl-host [OPTION]...\n"
		"Serve OpenGL to guests (applications on this machine or in virtual machines)\n"
		"through libsglhost.\n\n"
		"Transports:\n"
		"  -l, --listen=ADDR        shm, tcp:HOST:PORT, unix:PATH, vsock:CID:PORT,\n"
		"                           ivshmem:FILE[,size=S] (ivshmem-plain),\n"
		"                           ivshmem-doorbell:SOCKET[,vectors=N][,size=S] or\n"
		"                           vhost-user-vsock:SOCKET[,cid=N][,port=P] (guest CID\n"
		"                           default 3, port 3000); up to 4 times (default: shm)\n"
		"  -p, --port=PORT          same as --listen=tcp:127.0.0.1:PORT\n"
		"  -n, --network            with --port: listen on all interfaces (needs a token)\n"
		"  -S, --shm-path=PATH      shared-memory file (default: /dev/shm/sgl)\n"
		"  -c, --clients=N          shared-memory client slots (default: 16)\n"
		"  -x, --remove-stale       remove a stale shared-memory file first\n"
		"      --token=HEX          pre-shared token (64 hex digits) clients must send\n"
		"      --token-file=FILE    read the token from FILE\n"
		"Rendering:\n"
		"  -g, --gl-version=M.m     highest GL version reported to guests (default: the driver's)\n"
		"  -r, --max-resolution=WxH largest guest framebuffer (default: 16384x16384)\n"
		"  -m, --memory=MiB         host memory limit per guest context (default: 256)\n"
		"  -P, --platform=NAME      auto, render-node, device or surfaceless (default: auto)\n"
		"  -d, --render-node=PATH   render node for the render-node platform\n"
		"  -D, --device=N           EGL device index for the device platform\n"
		"  -i, --isolation=MODE     process: each client in its own process, so a\n"
		"                           driver crash loses only that client (shm, tcp,\n"
		"                           unix, vsock listeners); helper: the same for\n"
		"                           every listener, in a sglhost-render process\n"
		"                           started per client (one more copy of the bytes);\n"
		"                           thread: one process (default: process)\n"
		"      --helper=PATH        the sglhost-render program (default: installed)\n"
		"      --pool=N             process isolation: processes kept ready, their\n"
		"                           EGL display made, for the next clients (default: 4;\n"
		"                           0: one started for each client as it comes)\n"
		"Fairness (per source: a TCP address, a vsock CID, an ivshmem file; unix and\n"
		"shm clients are this machine's own, not limited):\n"
		"      --source-clients=N   clients at once per source (default: 16; 0: any)\n"
		"      --source-rate=R      new clients per second per source, in bursts of\n"
		"                           up to 2R (default: 10; 0: any); more are turned away\n"
		"Other:\n"
		"  -L, --log-level=LEVEL    error, warning, info or debug (default: warning)\n"
		"  -v, --print-vm-args      print QEMU and libvirt arguments for the transports\n"
		"      --fps-overlay        draw each client's frames per second into its frames\n"
		"      --exit-after=SECONDS stop by itself (for tests)\n"
		"      --demo               render a built-in scene to a PNG and exit\n"
		"      --output=FILE        --demo: PNG to write (default: sgl-host.png)\n"
		"      --frames=N           --demo: frames to render (default: 120)\n"
		"      --size=WxH           --demo: framebuffer size (default: 640x480)\n"
		"      --api=API            --demo: gl, core or gles (default: core)\n"
		"  -h, --help               show this help\n");
}

static int parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	return sscanf(s, "%ux%u", w, h) == 2 && *w && *h ? 0 : -1;
}

static int parse_token(const char *hex, uint8_t token[32])
{
	if (strlen(hex) < 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		token[i] = (uint8_t)v;
	}
	return 0;
}

static int read_token_file(const char *path, uint8_t token[32])
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return parse_token(buf, token);
}

static int parse_enum(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

enum { OPT_TOKEN = 256, OPT_TOKEN_FILE, OPT_EXIT_AFTER, OPT_HELPER, OPT_DEMO, OPT_OUTPUT,
       OPT_FRAMES, OPT_SIZE, OPT_API, OPT_FPS_OVERLAY, OPT_POOL, OPT_SOURCE_CLIENTS,
       OPT_SOURCE_RATE };

struct options {
	struct server_options server;
	struct demo_options demo;
	struct sglhost_config host;
	bool demo_mode, print_vm;
	bool listen_given;           /* -l or -p: -v prints those, else examples */
	char tcp_listen[64];
};

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "network", no_argument, NULL, 'n' },
		{ "shm-path", required_argument, NULL, 'S' },
		{ "clients", required_argument, NULL, 'c' },
		{ "remove-stale", no_argument, NULL, 'x' },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
		{ "gl-version", required_argument, NULL, 'g' },
		{ "max-resolution", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, 'm' },
		{ "platform", required_argument, NULL, 'P' },
		{ "render-node", required_argument, NULL, 'd' },
		{ "device", required_argument, NULL, 'D' },
		{ "isolation", required_argument, NULL, 'i' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "print-vm-args", no_argument, NULL, 'v' },
		{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
		{ "helper", required_argument, NULL, OPT_HELPER },
		{ "fps-overlay", no_argument, NULL, OPT_FPS_OVERLAY },
		{ "pool", required_argument, NULL, OPT_POOL },
		{ "source-clients", required_argument, NULL, OPT_SOURCE_CLIENTS },
		{ "source-rate", required_argument, NULL, OPT_SOURCE_RATE },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "api", required_argument, NULL, OPT_API },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const apis[] = { "gl", "core", "gles" };
	static const char *const platforms[] = { "auto", "render-node", "device", "surfaceless" };
	static const char *const levels[] = { "silent", "error", "warning", "info", "debug" };
	static const char *const isolations[] = { "process", "thread", "helper" };
	int c, v, port = 0;
	bool network = false;
	struct server_options *s = &o->server;

	s->shm_path = "/dev/shm/sgl";
	s->shm_slots = 16;
	s->log_level = SGLHOST_LOG_WARN;
	s->pool_size = 4;
	s->source_clients = 16;
	s->source_rate = 10;
	o->demo = (struct demo_options){ "sgl-host.png", 120, 640, 480, SGLHOST_API_GL_CORE };
	sglhost_config_init(&o->host);
	o->host.log = host_log;
	while ((c = getopt_long(argc, argv, "l:p:nS:c:xg:r:m:P:d:D:i:L:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (s->nlisten == 4)
				return -1;
			s->listen[s->nlisten++] = optarg;
			break;
		case 'p': port = atoi(optarg); break;
		case 'n': network = true; break;
		case 'S': s->shm_path = optarg; break;
		case 'c': s->shm_slots = (uint32_t)atoi(optarg); break;
		case 'x': s->remove_stale = true; break;
		case OPT_TOKEN:
			if (parse_token(optarg, s->token) < 0)
				return -1;
			s->has_token = true;
			break;
		case OPT_TOKEN_FILE:
			if (read_token_file(optarg, s->token) < 0)
				return -1;
			s->has_token = true;
			break;
		case 'g':
			if (sscanf(optarg, "%d.%d", &s->gl_major, &s->gl_minor) != 2)
				return -1;
			break;
		case 'r':
			if (parse_size(optarg, &s->max_width, &s->max_height) < 0)
				return -1;
			o->host.max_surface_width = s->max_width;
			o->host.max_surface_height = s->max_height;
			break;
		case 'm': o->host.max_context_memory = (uint64_t)atoll(optarg) << 20; break;
		case 'P':
			if ((v = parse_enum(optarg, platforms, 4)) < 0)
				return -1;
			o->host.platform = (enum sglhost_platform)v;
			break;
		case 'd': o->host.render_node = optarg; break;
		case 'D': o->host.egl_device_index = atoi(optarg); break;
		case 'L':
			if ((v = parse_enum(optarg, levels, 5)) < 0)
				return -1;
			s->log_level = log_level = (enum sglhost_log_level)v;
			break;
		case 'i':
			if ((v = parse_enum(optarg, isolations, 3)) < 0)
				return -1;
			s->thread_isolation = v == 1;
			s->helper_isolation = v == 2;
			break;
		case OPT_HELPER: s->helper_path = optarg; break;
		case 'v': o->print_vm = true; break;
		case OPT_EXIT_AFTER: s->exit_after = atof(optarg); break;
		case OPT_FPS_OVERLAY: o->host.flags |= SGLHOST_CONFIG_FPS_OVERLAY; break;
		case OPT_POOL: s->pool_size = (unsigned)atoi(optarg); break;
		case OPT_SOURCE_CLIENTS: s->source_clients = (unsigned)atoi(optarg); break;
		case OPT_SOURCE_RATE: s->source_rate = atof(optarg); break;
		case OPT_DEMO: o->demo_mode = true; break;
		case OPT_OUTPUT: o->demo.output = optarg; break;
		case OPT_FRAMES: o->demo.frames = atoi(optarg); break;
		case OPT_SIZE:
			if (parse_size(optarg, &o->demo.width, &o->demo.height) < 0)
				return -1;
			break;
		case OPT_API:
			if ((v = parse_enum(optarg, apis, 3)) < 0)
				return -1;
			o->demo.api = (enum sglhost_api)(v + 1);
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (port) {
		snprintf(o->tcp_listen, sizeof(o->tcp_listen), "tcp:%s:%d",
			 network ? "0.0.0.0" : "127.0.0.1", port);
		if (s->nlisten == 4)
			return -1;
		s->listen[s->nlisten++] = o->tcp_listen;
	}
	o->listen_given = s->nlisten > 0;
	if (!s->nlisten)
		s->listen[s->nlisten++] = "shm";
	o->host.log_level = s->log_level;
	return optind == argc && o->demo.frames > 0 ? 0 : -1;
}

/*
 * The host renders through the system's libEGL. With the guest's drop-in
 * folder on LD_LIBRARY_PATH (exported for the applications), libepoxy
 * would load our drop-in libEGL.so.1 instead: a guest library, which looks
 * for an sgl-host to forward to. Say so rather than fail at eglInitialize.
 */
static bool dropin_egl_loaded(void)
{
	void *h = dlopen("libEGL.so.1", RTLD_LAZY | RTLD_LOCAL);
	bool guest = h && dlsym(h, "sgl_dropin_libgl");
	if (guest) {
		struct link_map *map = NULL;
		dlinfo(h, RTLD_DI_LINKMAP, &map);
		fprintf(stderr, "sgl-host: libEGL.so.1 is libsglhost's drop-in guest library (%s): "
			"start sgl-host without its folder on LD_LIBRARY_PATH\n",
			map ? map->l_name : "libEGL.so.1");
	}
	if (h)
		dlclose(h);
	return guest;
}

int main(int argc, char **argv)
{
	/* Sessions' large buffers (a helper's input queue, frames) come and
	 * go with their clients. glibc raises its mmap threshold to the size
	 * of each mmapped block freed, after which such blocks stay in the
	 * heaps of the threads that freed them: in helper isolation the
	 * server grew 60 -> 68 MB over a 60 s soak. A fixed threshold keeps
	 * the large ones mmapped and given back (62208 -> 62360 kB), while
	 * replies of a few hundred KB, made every frame, stay in the heap: at
	 * 128 KiB each 288 KB map reply of glmark2's buffer scene was a fresh
	 * mmap and its page faults (56 FPS against 212 at 4 MiB). */
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	struct options o = { 0 };
	if (parse(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	if (o.print_vm) {
		print_vm_args(&o.server, !o.listen_given);
		return 0;
	}
	if (dropin_egl_loaded())
		return 1;
	crash_report_install();
	if (o.demo_mode)
		return demo_main(&o.demo, &o.host);
	return server_main(&o.server, &o.host);
}
