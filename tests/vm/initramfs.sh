#!/bin/sh
# Builds the test guest's initramfs: static busybox, tests/vm/init, the
# kernel modules kernel.sh kept, the GL program with the shared libraries
# ldd names (at the same paths as here), and optional guest modules (.ko).
# Usage: initramfs.sh OUT.cpio.gz KROOT VERSION PROGRAM [MODULE.ko]...
set -eu
out=$1
kroot=$2
kv=$3
prog=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
[ -x "$busybox" ] && "$busybox" --list >/dev/null 2>&1 || {
	echo "initramfs.sh: no $busybox (busybox-static)" >&2
	exit 77
}
ldd "$busybox" >/dev/null 2>&1 && {
	echo "initramfs.sh: $busybox is not static (busybox-static)" >&2
	exit 77
}

root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/lib/sgl" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
# Not the busybox applet itself: a link busybox -> busybox loops (ELOOP).
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp -r "$kroot/lib/modules/$kv" "$root/lib/modules/"

cp "$prog" "$root/bin/guest_program"
# The loader and libraries, where the program looks for them.
for lib in $(ldd "$prog" | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) .*|\1|p'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
for ko in "$@"; do
	cp "$ko" "$root/lib/sgl/"
done

(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out"
rm -rf "$root"
