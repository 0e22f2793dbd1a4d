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
passed=0
failed=0
result() {   # status name log
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2"
		[ -f "$3" ] && sed 's/^/# /' "$3"
		failed=$((failed + 1))
	fi
}

# 1. Install, and build the example out of tree against what was installed.
meson install -C "$build" --no-rebuild --quiet --destdir "$dir/inst" >"$dir/install.log" 2>&1
result $? "meson install --destdir" "$dir/install.log"
pc=$(find "$dir/inst" -name sglhost.pc | head -n 1)
libdir=$(dirname "$(find "$dir/inst" -name 'libsglhost.so.0' | head -n 1)")
rc=1
if [ -n "$pc" ]; then
	export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dir/inst"
	# shellcheck disable=SC2046
	${CC:-cc} -Wall -Wextra -Werror -o "$dir/embed-vmm" "$src/examples/embed/vmm.c" \
		$(pkg-config --cflags --libs sglhost) -pthread >"$dir/cc.log" 2>&1
	rc=$?
	unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
fi
result $rc "cc \$(pkg-config --cflags --libs sglhost) examples/embed/vmm.c" "$dir/cc.log"
[ $rc -eq 0 ] || { echo "$passed passed, $failed failed"; exit 1; }
# It links the installed library, not the build tree's.
LD_LIBRARY_PATH="$libdir" ldd "$dir/embed-vmm" | grep -q "$dir/inst.*libsglhost.so.0"
result $? "embed-vmm links the installed libsglhost.so.0" /dev/null

# 2. The VMM runs; guests come through both devices.
mkdir -p "$dir/vm"
LD_LIBRARY_PATH="$libdir" "$dir/embed-vmm" "$dir/vm" 60 "$dir/frame.ppm" >"$dir/vmm.log" 2>&1 &
vmm_pid=$!
i=0
while ! grep -q "ready" "$dir/vmm.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
for t in "unix:$dir/vm/stream" "shm:$dir/vm/ivshmem"; do
	rm -f "$dir/frame.ppm"
	SGL_TRANSPORT=$t timeout 60 "$prog" >"$dir/prog.log" 2>&1
	result $? "$t: guest_program through embed-vmm" "$dir/prog.log"
	# guest_program's last frame: green at (W/4, H/2) of 96x64, seen by
	# the VMM in its PRESENT event. P6 header "P6\n96 64\n255\n" (13 bytes).
	px=$(od -An -tx1 -j $((13 + (32 * 96 + 24) * 3)) -N3 "$dir/frame.ppm" 2>/dev/null |
		tr -d ' \n')
	head -c 13 "$dir/frame.ppm" 2>/dev/null | grep -q "96 64" && [ "$px" = "00ff00" ]
	result $? "$t: the VMM's own copy of the frame is 96x64, green at (24, 32) (got $px)" \
		"$dir/vmm.log"
done
kill "$vmm_pid"
wait "$vmm_pid"
rc=$?
vmm_pid=
grep -q "frames shown" "$dir/vmm.log"
result $? "embed-vmm stops cleanly on SIGTERM (exit $rc)" "$dir/vmm.log"
! grep -q "context .* lost\|session ended: Protocol" "$dir/vmm.log"
result $? "no context lost, no protocol error" "$dir/vmm.log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
