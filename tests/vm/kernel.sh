#!/bin/sh
# Puts a Debian guest kernel into CACHE (a folder under the build dir) and
# prints its version. The version is the one the installed
# linux-headers-amd64 points at (scripts/deps.sh --vm installs it, for the
# guest kernel module), else the one linux-image-amd64 points at. The
# package is fetched with apt-get download and unpacked with dpkg-deb -x:
# nothing is installed on this machine and no install hook runs. Only the
# kernel and the modules the guest loads (with what they depend on) are kept:
#   CACHE/kroot/boot/vmlinuz-VERSION, CACHE/kroot/lib/modules/VERSION/
# Usage: kernel.sh CACHE   (exit 77: no kernel can be had)
set -eu
cache=$1
mkdir -p "$cache"

version_of() {   # metapackage -> kernel version it depends on
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-[a-z]*-\([0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

kv=""
if dpkg-query -W -f='${Status}' linux-headers-amd64 2>/dev/null | grep -q "ok installed"; then
	kv=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
fi
[ -n "$kv" ] || kv=$(version_of linux-image-amd64)
if [ -z "$kv" ]; then
	# No apt at all, or no package lists: take a kernel fetched before.
	kv=$(ls "$cache/kroot/boot" 2>/dev/null | sed -n 's/^vmlinuz-//p' | head -n 1)
fi
if [ -z "$kv" ]; then
	echo "kernel.sh: no linux-image-amd64 in the package lists (apt-get update?)" >&2
	exit 77
fi

# virtio-net for user networking, the vsock transport for vhost-user-vsock.
modules="kernel/drivers/virtio/virtio_pci.ko kernel/drivers/net/virtio_net.ko
	kernel/net/vmw_vsock/vmw_vsock_virtio_transport.ko"

keep() {   # unpacked-package root -> kernel and the modules above
	mkdir -p "$2/boot" "$2/lib/modules/$kv"
	cp "$1/boot/vmlinuz-$kv" "$2/boot/"
	dep=$1/lib/modules/$kv/modules.dep
	all=$modules
	for m in $modules; do
		all="$all $(sed -n "s|^$m: *||p" "$dep")"
	done
	for m in $(echo $all | tr ' ' '\n' | sort -u); do
		mkdir -p "$2/lib/modules/$kv/$(dirname "$m")"
		cp "$1/lib/modules/$kv/$m" "$2/lib/modules/$kv/$m"
	done
	cp "$1/lib/modules/$kv/modules.order" "$1/lib/modules/$kv/modules.builtin" \
		"$1/lib/modules/$kv/modules.builtin.modinfo" \
		"$2/lib/modules/$kv/"
}

root=$cache/kroot
if [ ! -f "$root/boot/vmlinuz-$kv" ] || [ ! -f "$root/lib/modules/$kv/modules.dep" ]; then
	rm -rf "$root" "$cache/pkg"
	mkdir -p "$cache/pkg"
	if ! (cd "$cache/pkg" && apt-get download "linux-image-$kv" >download.log 2>&1); then
		# The archive moved on from the installed headers' version:
		# take the current kernel (guest/kmod is then skipped).
		kv2=$(version_of linux-image-amd64)
		if [ -z "$kv2" ] || [ "$kv2" = "$kv" ] ||
			! (cd "$cache/pkg" && apt-get download "linux-image-$kv2" >>download.log 2>&1); then
			sed 's/^/kernel.sh: /' "$cache/pkg/download.log" >&2
			echo "kernel.sh: cannot download linux-image-$kv" >&2
			exit 77
		fi
		kv=$kv2
	fi
	dpkg-deb -x "$cache/pkg"/linux-image-"$kv"_*.deb "$cache/pkg/x"
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$cache/pkg/x" "$kv"
	keep "$cache/pkg/x" "$root"
	rm -rf "$cache/pkg"
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$root" "$kv"
fi
echo "$kv"
