/*
 * sgl-host -v: for each address sgl-host listens on (-l, -p, -S), how a
 * virtual machine reaches it: the QEMU arguments, the libvirt domain XML,
 * and SGL_TRANSPORT for the guest. docs/vm.md explains each step.
 *
 * The format is read by tests/vm/run.sh, which boots guests with exactly
 * these arguments: the QEMU arguments are the lines after
 * "qemu-system-x86_64 ... \" up to the first without a trailing backslash,
 * and the guest's address is the line starting "SGL_TRANSPORT=".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgl-host.h"
#include "sglhost_transport.h"

/* Bytes per shared-memory ring, as server.c opens its listeners. */
#define RING_SIZE (1u << 20)

static const char qemu_ns[] = "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";

/* "ARG\nARG\n..." as a QEMU command line continued with backslashes. */
static void print_qemu(const char *args)
{
	printf("qemu-system-x86_64 ... \\\n");
	while (*args) {
		size_t n = strcspn(args, "\n");
		bool last = !args[n] || !args[n + 1];
		printf("  %.*s%s\n", (int)n, args, last ? "" : " \\");
		args += n + (args[n] ? 1 : 0);
	}
}

/* The same arguments for libvirt's QEMU passthrough, one value each. */
static void print_passthrough(const char *args)
{
	printf("  <qemu:commandline>   <!-- needs %s on <domain> -->\n", qemu_ns);
	while (*args) {
		size_t n = strcspn(args, "\n");
		size_t sp = strcspn(args, " ");
		if (sp < n) {
			printf("    <qemu:arg value='%.*s'/>\n", (int)sp, args);
			printf("    <qemu:arg value='%.*s'/>\n", (int)(n - sp - 1), args + sp + 1);
		} else {
			printf("    <qemu:arg value='%.*s'/>\n", (int)n, args);
		}
		args += n + (args[n] ? 1 : 0);
	}
	printf("  </qemu:commandline>\n");
}

static bool loopback_or_any(const char *host)
{
	static const char *const names[] = { "127.0.0.1", "localhost", "0.0.0.0", "[::1]",
					     "[::]", "::1", "::" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(host, names[i]))
			return true;
	return !strncmp(host, "127.", 4);
}

static void vm_tcp(const char *spec)
{
	const char *port = strrchr(spec, ':');
	char host[128];
	snprintf(host, sizeof(host), "%.*s", (int)(port - spec - 4), spec + 4);
	/* Slirp makes the host's own addresses reachable as 10.0.2.2. */
	const char *guest_host = loopback_or_any(host) ? "10.0.2.2" : host;

	printf("# QEMU user networking: the guest reaches this machine's %s as %s\n", host,
	       guest_host);
	print_qemu("-netdev user,id=sglnet\n-device virtio-net-pci,netdev=sglnet");
	printf("# libvirt, in <devices> (the default user backend, slirp, has the host at\n"
	       "# 10.0.2.2; with <backend type='passt'/> it is the guest's default gateway):\n"
	       "  <interface type='user'>\n"
	       "    <model type='virtio'/>\n"
	       "  </interface>\n"
	       "# in the guest (virtio_net; an address by DHCP, or 10.0.2.15/24 via 10.0.2.2):\n"
	       "SGL_TRANSPORT=tcp:%s%s\n", guest_host, port);
	printf("# a Windows guest (docs/windows.md): opengl32.dll beside the program or the\n"
	       "# installed ICD (sglhost-setup.exe), and\n"
	       "set SGL_TRANSPORT=tcp:%s%s\n", guest_host, port);
	if (!loopback_or_any(host) || !strcmp(host, "0.0.0.0"))
		printf("# beyond loopback sgl-host requires --token: the guest sets SGL_TOKEN\n");
}

/* Hybrid vsock (cloud-hypervisor, Firecracker): a guest connection to the
 * host's vsock port P becomes a connection to the unix socket BASE_P. */
static void vm_unix(const char *spec)
{
	const char *path = spec + 5;
	const char *us = strrchr(path, '_');
	char *end = NULL;
	unsigned long port = us ? strtoul(us + 1, &end, 10) : 0;

	printf("# QEMU and libvirt: none (unix sockets serve this machine's applications:\n"
	       "#   SGL_TRANSPORT=%s)\n", spec);
	if (!us || !port || *end || end == us + 1) {
		printf("# cloud-hypervisor or Firecracker guests (hybrid vsock) reach a socket\n"
		       "# named BASE_PORT: sgl-host -l unix:/run/sgl.vsock_3000, then\n"
		       "#   cloud-hypervisor ... --vsock cid=3,socket=/run/sgl.vsock\n"
		       "#   and in the guest SGL_TRANSPORT=vsock:2:3000\n");
		return;
	}
	printf("# cloud-hypervisor (hybrid vsock; Firecracker's vsock device is the same):\n"
	       "#   cloud-hypervisor ... --vsock cid=3,socket=%.*s\n"
	       "# in the guest (the vmw_vsock_virtio_transport module):\n"
	       "SGL_TRANSPORT=vsock:2:%lu\n", (int)(us - path), path, port);
}

/* The host kernel's vhost-vsock (/dev/vhost-vsock). */
static void vm_vsock(const char *spec)
{
	const char *port = strrchr(spec, ':');
	printf("# QEMU with the host kernel's vhost-vsock (modprobe vhost_vsock; guest CID 3):\n");
	print_qemu("-device vhost-vsock-pci,guest-cid=3");
	printf("# libvirt, in <devices>:\n"
	       "  <vsock model='virtio'>\n"
	       "    <cid auto='yes'/>\n"
	       "  </vsock>\n"
	       "# in the guest (the vmw_vsock_virtio_transport module):\n"
	       "SGL_TRANSPORT=vsock:2%s\n", port);
}

/* sglhost_ivshmem_qemu_args gives "# comment" lines and QEMU argument lines
 * ("-object ... \"): comments first, then the arguments as a command. */
static int ivshmem_args(const char *spec, const struct server_options *o, char *args,
			size_t size)
{
	char buf[1024];
	if (sglhost_ivshmem_qemu_args(spec, o->shm_slots, RING_SIZE, buf, sizeof(buf)) < 0) {
		printf("# %s: %s\n", spec, buf);
		return -1;
	}
	size_t len = 0;
	args[0] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#') {
			printf("%s\n", line);
			continue;
		}
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\\' || line[n - 1] == ' '))
			n--;
		len += (size_t)snprintf(args + len, size - len, "%s%.*s", len ? "\n" : "",
					(int)n, line);
		if (len >= size)
			return -1;
	}
	return 0;
}

static void vm_ivshmem(const char *spec, const struct server_options *o)
{
	char args[1024];
	const char *path = strchr(spec, ':') + 1;
	bool doorbell = !strncmp(spec, "ivshmem-doorbell:", 17);

	printf("# QEMU, %s:\n", doorbell ? "ivshmem-doorbell (sgl-host is the ivshmem server)" :
	       "ivshmem-plain (start sgl-host first: it sizes and lays out the file)");
	if (ivshmem_args(spec, o, args, sizeof(args)) < 0)
		return;
	print_qemu(args);

	const char *size = strstr(args, "size=");
	const char *vectors = strstr(args, "vectors=");
	int plen = (int)strcspn(path, ",");
	printf("# libvirt, in <devices>:\n");
	if (doorbell) {
		printf("  <shmem name='sgl'>\n"
		       "    <model type='ivshmem-doorbell'/>\n"
		       "    <server path='%.*s'/>\n"
		       "    <msi vectors='%u' ioeventfd='on'/>\n"
		       "  </shmem>\n", plen, path, vectors ? (unsigned)atoi(vectors + 8) : 1);
	} else if (!strncmp(path, "/dev/shm/", 9) && !memchr(path + 9, '/', (size_t)plen - 9)) {
		/* libvirt names the file /dev/shm/NAME itself. */
		printf("  <shmem name='%.*s'>\n"
		       "    <model type='ivshmem-plain'/>\n"
		       "    <size unit='M'>%d</size>\n"
		       "  </shmem>\n", plen - 9, path + 9, size ? atoi(size + 5) : 0);
	} else {
		printf("# (libvirt's <shmem> only maps /dev/shm/NAME; for another file:)\n");
		print_passthrough(args);
	}
	printf("# in the guest, as root or with the udev rule in docs/vm.md%s:\n"
	       "SGL_TRANSPORT=ivshmem\n", doorbell ? "; the module in\n"
	       "# guest/kmod (sgl_ivshmem.ko) gives interrupts, without it the guest polls" : "");
	printf("# a Windows guest, through the virtio-win IVSHMEM driver (not verified yet,\n"
	       "# docs/windows.md; the driver maps a device into one GL program at a time):\n"
	       "set SGL_TRANSPORT=ivshmem\n");
	/* Wine programs on this machine map the file itself (Z: is /). */
	if (!doorbell) {
		printf("# a Wine program on this machine maps the file itself:\n"
		       "set SGL_TRANSPORT=shm:Z:");
		for (int i = 0; i < plen; i++)
			putchar(path[i] == '/' ? '\\' : path[i]);
		printf("\n");
	}
}

static void vm_vhost_user_vsock(const char *spec)
{
	char path[256], err[256], args[512];
	uint64_t cid;
	uint32_t port;
	if (sglhost_vhost_vsock_parse(spec, path, sizeof(path), &cid, &port, err, sizeof(err)) < 0) {
		printf("# %s\n", err);
		return;
	}

	printf("# QEMU, vhost-user-vsock (sgl-host is the device; guest CID %" PRIu64 "). The\n"
	       "# guest's RAM must be shared: size= is the RAM, instead of -m.\n", cid);
	snprintf(args, sizeof(args),
		 "-object memory-backend-memfd,id=sglram,size=1G,share=on\n"
		 "-machine memory-backend=sglram\n"
		 "-chardev socket,id=sglvu,path=%s\n"
		 "-device vhost-user-vsock-pci,chardev=sglvu", path);
	print_qemu(args);
	/* libvirt's <vsock> is the kernel's vhost-vsock only: shared memory
	 * through <memoryBacking>, the device through QEMU passthrough. */
	printf("# libvirt: <vsock> has no vhost-user backend; shared memory in <domain>:\n"
	       "  <memoryBacking>\n"
	       "    <source type='memfd'/>\n"
	       "    <access mode='shared'/>\n"
	       "  </memoryBacking>\n"
	       "# and the device:\n");
	snprintf(args, sizeof(args), "-chardev socket,id=sglvu,path=%s\n"
		 "-device vhost-user-vsock-pci,chardev=sglvu", path);
	print_passthrough(args);
	printf("# crosvm: --vhost-user vsock,socket=%s\n"
	       "# in the guest (the vmw_vsock_virtio_transport module):\n"
	       "SGL_TRANSPORT=vsock:2:%" PRIu32 "\n", path, port);
}

static void vm_shm(const struct server_options *o)
{
	printf("# shared memory in a file is for this machine's applications only:\n"
	       "#   SGL_TRANSPORT=shm:%s\n"
	       "# virtual machines: sgl-host -l ivshmem:/dev/shm/sgl-ivshmem (or another -l)\n",
	       o->shm_path);
}

static void print_one(const char *spec, const struct server_options *o)
{
	if (!spec)
		return;
	/* The last colon, past the transport's own (tcp:HOST:PORT). */
	const char *last = strrchr(spec, ':');
	printf("# ---- sgl-host -l %s\n", spec);
	if (!strcmp(spec, "shm"))
		vm_shm(o);
	else if (!strncmp(spec, "tcp:", 4) && last > spec + 3)
		vm_tcp(spec);
	else if (!strncmp(spec, "unix:", 5))
		vm_unix(spec);
	else if (!strncmp(spec, "vsock:", 6) && last > spec + 5)
		vm_vsock(spec);
	else if (sglhost_ivshmem_spec(spec))
		vm_ivshmem(spec, o);
	else if (!strncmp(spec, "vhost-user-vsock:", 17))
		vm_vhost_user_vsock(spec);
	else
		printf("# %s: not an address sgl-host knows\n", spec);
	printf("\n");
}

void print_vm_args(const struct server_options *o, bool examples)
{
	static const char *const all[] = {
		"tcp:127.0.0.1:3000", "ivshmem:/dev/shm/sgl-ivshmem",
		"ivshmem-doorbell:/tmp/sgl-ivshmem.sock", "vhost-user-vsock:/tmp/sgl-vsock.sock",
		"shm",
	};
	if (examples) {
		printf("# sgl-host -v with no -l: every transport, on example addresses\n\n");
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			print_one(all[i], o);
		return;
	}
	for (int i = 0; i < o->nlisten; i++)
		print_one(o->listen[i], o);
}
