#!/bin/sh
# The embedding example (examples/embed/vmm.c) as a hypervisor author
# builds it: the project installed into a scratch prefix, the example
# compiled out of tree with a plain `cc $(pkg-config --cflags --libs
# sglhost)`, then the real guest library's GL program (tests/guest_program,
# which checks its own frames) run through both of the VMM's devices: its
# byte stream (a session it feeds) and its shared memory in the ivshmem
# layout (the library's region listener). The VMM's own view of the last
# frame (PRESENT event, read_pixels) is checked too.
# Usage: embed.sh SOURCE_DIR BUILD_DIR GUEST_PROGRAM
set -u
src=$1
build=$2
prog=$3
dir=$(mktemp -d)
vmm_pid=
cleanup() {
	[ -n "$vmm_pid" ] && kill "$vmm_pid" 2>/dev/null && wait "$vmm_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$0")/tap.sh"

# 1. Install, and build the example out of tree against what was installed.
meson install -C "$build" --no-rebuild --quiet --destdir "$dir/inst" >"$dir/install.log" 2>&1
result $? "meson install --destdir" "$dir/install.log"
pc=$(find "$dir/inst" -name sglhost.pc | head -n 1)
libdir=$(dirname "$(find "$dir/inst" -name 'libsglhost.so.0' | head -n 1)")
rc=1
if [ -n "$pc" ]; then
	export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dir/inst"
	# shellcheck disable=SC2046
	# A sanitized build's library wants its runtime first: the same flags.
	san=
	ldd "$(find "$dir/inst" -name 'libsglhost.so.0' | head -n 1)" 2>/dev/null |
		grep -q libasan && san=-fsanitize=address,undefined
	${CC:-cc} -Wall -Wextra -Werror $san -o "$dir/embed-vmm" "$src/examples/embed/vmm.c" \
		$(pkg-config --cflags --libs sglhost) -pthread >"$dir/cc.log" 2>&1
	rc=$?
	unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
fi
result $rc "cc \$(pkg-config --cflags --libs sglhost) examples/embed/vmm.c" "$dir/cc.log"
[ $rc -eq 0 ] || { echo "$passed passed, $failed failed"; exit 1; }
# It links the installed library, not the build tree's.
LD_LIBRARY_PATH="$libdir" ldd "$dir/embed-vmm" | grep -q "$dir/inst.*libsglhost.so.0"
result $? "embed-vmm links the installed libsglhost.so.0" /dev/null

wait_for_line() {   # file text
	i=0
	until grep -q "$2" "$1" 2>/dev/null || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done
}
start_vmm() {   # extra arguments before DIR
	rm -rf "$dir/vm" "$dir/vmm.log"
	mkdir -p "$dir/vm"
	LD_LIBRARY_PATH="$libdir" "$dir/embed-vmm" "$@" "$dir/vm" 60 "$dir/frame.ppm" \
		>"$dir/vmm.log" 2>&1 &
	vmm_pid=$!
	wait_for_line "$dir/vmm.log" "ready"
}
stop_vmm() {   # name
	kill "$vmm_pid"
	wait "$vmm_pid"
	rc=$?
	vmm_pid=
	grep -q "frames presented" "$dir/vmm.log"
	result $? "$1: embed-vmm stops cleanly on SIGTERM (exit $rc)" "$dir/vmm.log"
}

# 2. In process: guests come through both devices, the VMM sees the frames.
start_vmm
for t in "unix:$dir/vm/stream" "shm:$dir/vm/ivshmem"; do
	rm -f "$dir/frame.ppm"
	SGL_TRANSPORT=$t timeout 60 "$prog" >"$dir/prog.log" 2>&1
	result $? "$t: guest_program through embed-vmm" "$dir/prog.log"
	# guest_program's last frame: green at (W/4, H/2) of 96x64, seen by
	# the VMM in its PRESENT event. P6 header "P6\n96 64\n255\n" (13 bytes).
	# The region's events reach the VMM's loop after the guest got its
	# frame: wait for the whole file (18445 bytes).
	i=0
	while [ "$(stat -c %s "$dir/frame.ppm" 2>/dev/null)" != 18445 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	px=$(od -An -tx1 -j $((13 + (32 * 96 + 24) * 3)) -N3 "$dir/frame.ppm" 2>/dev/null |
		tr -d ' \n')
	head -c 13 "$dir/frame.ppm" 2>/dev/null | grep -q "96 64" && [ "$px" = "00ff00" ]
	result $? "$t: the VMM's own copy of the frame is 96x64, green at (24, 32) (got $px)" \
		"$dir/vmm.log"
done
# A guest reset of the shared-memory device (SIGUSR1 to embed-vmm): the
# guest in the middle of its frames loses its session, the next one that
# comes (the rebooted guest) is served on the zeroed region.
GUEST_PROGRAM_PAUSE=4 SGL_TRANSPORT="shm:$dir/vm/ivshmem" timeout 60 "$prog" >"$dir/reset.log" 2>&1 &
g=$!
wait_for_line "$dir/reset.log" " over "
kill -USR1 "$vmm_pid"
wait "$g"
sg=$?
wait_for_line "$dir/vmm.log" "region served anew"
ok=1
[ "$sg" -ne 0 ] && grep -q "region served anew" "$dir/vmm.log" || ok=0
SGL_TRANSPORT="shm:$dir/vm/ivshmem" timeout 60 "$prog" >>"$dir/reset.log" 2>&1 || ok=0
[ $ok -eq 1 ]
result $? "shm: a guest reset ends the running guest's session (exit $sg); the next guest is served" \
	"$dir/reset.log"
stop_vmm "in process"
! grep -q "context .* lost\|session ended: Protocol" "$dir/vmm.log"
result $? "in process: no context lost, no protocol error" "$dir/vmm.log"

# 3. Out of process (the installed sglhost-render): the same guests, then a
# helper killed with SIGSEGV under one guest while the VMM and the next
# guest carry on.
# Where pkg-config says the helper is, under the scratch prefix.
helper="$dir/inst$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --variable=helper sglhost)"
[ -x "$helper" ]
result $? "pkg-config --variable=helper sglhost names the installed sglhost-render" /dev/null
# A signal, or an exit status where a sanitizer reports the crash.
crashed="the helper process \(died (signal 11\|failed (exit status\)"
start_vmm -o "$helper"
for t in "unix:$dir/vm/stream" "shm:$dir/vm/ivshmem"; do
	SGL_TRANSPORT=$t timeout 60 "$prog" >"$dir/prog.log" 2>&1
	result $? "$t: guest_program through embed-vmm -o (GL in a helper process)" "$dir/prog.log"
done
for t in "unix:$dir/vm/stream" "shm:$dir/vm/ivshmem"; do
	pgrep -P "$vmm_pid" | sort >"$dir/children-before"
	died=$(grep -c "$crashed" "$dir/vmm.log")
	GUEST_PROGRAM_PAUSE=4 SGL_TRANSPORT=$t timeout 60 "$prog" >"$dir/iso.log" 2>&1 &
	g=$!
	wait_for_line "$dir/iso.log" " over "
	victim=$(pgrep -P "$vmm_pid" | sort | comm -13 "$dir/children-before" - | head -n 1)
	[ -n "$victim" ] && kill -SEGV "$victim"
	wait "$g"
	sg=$?
	ok=1
	[ -n "$victim" ] && [ "$sg" -ne 0 ] && kill -0 "$vmm_pid" || ok=0
	i=0
	while [ "$(grep -c "$crashed" "$dir/vmm.log")" -le "$died" ] &&
		[ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(grep -c "$crashed" "$dir/vmm.log")" -gt "$died" ] || ok=0
	SGL_TRANSPORT=$t timeout 60 "$prog" >>"$dir/iso.log" 2>&1 || ok=0
	[ $ok -eq 1 ]
	result $? "$t: a helper killed by SIGSEGV (pid $victim) loses its guest (exit $sg) only" \
		"$dir/iso.log"
done
stop_vmm "out of process"
n=$(sed -n 's/.*: \([0-9]*\) frames presented.*/\1/p' "$dir/vmm.log")
[ "${n:-0}" -ge 4 ]
result $? "out of process: the VMM was told of the frames (PRESENT events: $n)" "$dir/vmm.log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
