#!/bin/sh
# End to end in real virtual machines: QEMU (TCG) boots a Debian kernel with
# a busybox initramfs, and tests/guest_program renders through the guest
# library inside the guest, over each VM transport, to sgl-host on this
# machine; the program checks the frames and a glReadPixels that come back.
# The QEMU arguments and the guest's SGL_TRANSPORT are the ones
# `sgl-host -v` prints for the same --listen address, so the snippets users
# copy are the ones tested here.
#
# Usage: tests/vm/run.sh [BUILD_DIR]   (default: build)
# Needs qemu-system-x86, busybox-static, cpio and apt (scripts/deps.sh --vm);
# the guest kernel is fetched into BUILD_DIR/vm-cache (tests/vm/kernel.sh).
# Prints one line per scenario and "N passed, N failed, N skipped"; exit 0
# when none failed, 1 when one did, 77 when no guest can run here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd) || exit 1
host=$build/examples/sgl-host
prog=$build/tests/guest_program
cache=$build/vm-cache
qemu=${QEMU:-qemu-system-x86_64}
export EGL_PLATFORM=${EGL_PLATFORM:-surfaceless}

skip_all() {
	echo "vm: skipped: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
}
[ -x "$host" ] && [ -x "$prog" ] || skip_all "build $host and $prog first"
command -v "$qemu" >/dev/null || skip_all "no $qemu (scripts/deps.sh --vm)"
# KVM hangs guests on this kind of machine (nested): always TCG.
"$qemu" -accel help 2>/dev/null | grep -qx tcg || skip_all "$qemu has no TCG"
command -v cpio >/dev/null || skip_all "no cpio (scripts/deps.sh --vm)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/sgl-vm.XXXXXX")
# Shared memory in memory, not on a disk.
shm=$dir
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/sgl-vm.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

since() {   # start -> seconds since, one decimal
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}
t0=$(date +%s.%N)
kv=$(sh "$here/kernel.sh" "$cache") || skip_all "no guest kernel (tests/vm/kernel.sh)"
kernel=$cache/kroot/boot/vmlinuz-$kv

# The ivshmem guest module, built against the guest kernel's headers in the
# build dir (kbuild writes next to the sources).
kmod=""
kmod_why="no guest/kmod in this tree"
if [ -f "$here/../../guest/kmod/Makefile" ]; then
	kdir=/usr/src/linux-headers-$kv
	kmod_why="no $kdir (scripts/deps.sh --vm)"
	if [ -d "$kdir" ]; then
		rm -rf "$cache/kmod"
		cp -r "$here/../../guest/kmod" "$cache/kmod"
		if make -s -C "$cache/kmod" KDIR="$kdir" >"$dir/kmod.log" 2>&1 &&
			ls "$cache/kmod"/*.ko >/dev/null 2>&1; then
			kmod=$(ls "$cache/kmod"/*.ko)
		else
			kmod_why="guest/kmod did not build: $(tail -n 3 "$dir/kmod.log" | tr '\n' ' ')"
		fi
	fi
fi

sh "$here/initramfs.sh" "$dir/initramfs.gz" "$cache/kroot" "$kv" "$prog" $kmod ||
	skip_all "no initramfs (busybox-static, cpio)"
t1=$(date +%s.%N)
echo "# guest kernel $kv, $($qemu --version | head -n 1), setup $(since "$t0") s"

passed=0
failed=0
skipped=0
port=$((20000 + $$ % 20000))

# sgl-host -v for one address: the QEMU arguments (the lines after
# "qemu-system-x86_64 ... \") and the guest's SGL_TRANSPORT.
vm_args() {   # listen-address
	"$host" -v -l "$1" | awk '
		/^qemu-system-x86_64 \.\.\. \\$/ { on = 1; next }
		on { line = $0; more = sub(/ *\\$/, "", line); printf "%s ", line; if (!more) on = 0 }'
}
vm_transport() {   # listen-address
	"$host" -v -l "$1" | sed -n 's/^SGL_TRANSPORT=//p' | head -n 1
}

fail() {   # name reason
	echo "not ok - $1: $2"
	for f in "$dir/$1".*; do
		[ -f "$f" ] && sed "s|^|# $(basename "$f"): |" "$f" | tail -n 40
	done
	failed=$((failed + 1))
}

stop_host() {
	kill "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
}

# One guest: sgl-host listening on LISTEN, QEMU with what sgl-host -v
# prints for it, the guest set up with GUEST (kernel command line words).
scenario() {   # name listen guest-words
	name=$1
	listen=$2
	guest=$3
	log=$dir/$name.host
	: >"$log"
	timeout 100 "$host" -l "$listen" -S "$dir/shm" --exit-after 90 -L info >"$log" 2>&1 &
	hpid=$!
	pids="$pids $hpid"
	i=0
	until grep -q "listening on" "$log" || ! kill -0 "$hpid" 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q "listening on" "$log"; then
		stop_host
		if grep -q "unknown address" "$log"; then
			echo "skip - $name: sgl-host has no such transport yet ($listen)"
			skipped=$((skipped + 1))
			return
		fi
		fail "$name" "sgl-host did not start"
		return
	fi
	args=$(vm_args "$listen")
	transport=$(vm_transport "$listen")
	if [ -z "$args" ] || [ -z "$transport" ]; then
		stop_host
		fail "$name" "sgl-host -v printed no QEMU arguments for $listen"
		return
	fi

	# -m only where the snippet does not size the RAM itself.
	mem="-m 256"
	case $args in *memory-backend=*) mem="" ;; esac
	start=$(date +%s.%N)
	# shellcheck disable=SC2086 # the arguments are words
	timeout 60 "$qemu" -accel tcg $mem -nodefaults -no-user-config -display none \
		-no-reboot -serial "file:$dir/$name.serial" \
		-kernel "$kernel" -initrd "$dir/initramfs.gz" \
		-append "console=ttyS0 panic=-1 quiet sglvm.name=$name sglvm.transport=$transport $guest" \
		$args </dev/null >"$dir/$name.qemu" 2>&1 &
	qpid=$!
	pids="$pids $qpid"
	wait "$qpid"
	qrc=$?
	wall=$(since "$start")
	stop_host

	result=$(sed -n "s/.*SGLVM-RESULT $name rc=\([0-9]*\).*/\1/p" "$dir/$name.serial" 2>/dev/null)
	if [ "$result" = 0 ]; then
		uptime=$(sed -n "s/.*SGLVM-RESULT $name rc=0 uptime=\([0-9.]*\).*/\1/p" \
			"$dir/$name.serial")
		irqs=$(sed -n 's/.*SGLVM: \([0-9]*\) sgl_ivshmem interrupts.*/, \1 interrupts/p' \
			"$dir/$name.serial")
		echo "ok - $name: guest_program over $transport ($wall s; guest uptime" \
			"$uptime s$irqs)"
		passed=$((passed + 1))
	elif [ -z "$result" ]; then
		fail "$name" "no result from the guest (qemu exit $qrc after $wall s)"
	else
		fail "$name" "guest_program exit $result"
	fi
	rm -f "$dir/$name".*
}

scenario tcp "tcp:127.0.0.1:$port" "sglvm.net=1 sglvm.modules=virtio_pci,virtio_net"
scenario ivshmem-plain "ivshmem:$shm/ivshmem" ""
if [ -n "$kmod" ]; then
	scenario ivshmem-doorbell-kmod "ivshmem-doorbell:$dir/ivshmem.sock" "sglvm.kmod=1"
else
	echo "skip - ivshmem-doorbell-kmod: $kmod_why"
	skipped=$((skipped + 1))
fi
scenario ivshmem-doorbell-poll "ivshmem-doorbell:$dir/ivshmem.sock" ""
scenario vhost-user-vsock "vhost-user-vsock:$dir/vsock.sock,port=$port" \
	"sglvm.modules=virtio_pci,vmw_vsock_virtio_transport"

echo "# total $(since "$t0") s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
