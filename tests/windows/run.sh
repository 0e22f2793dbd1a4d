#!/bin/sh
# The Windows guest under Wine, end to end: our opengl32.dll (guest/windows)
# in the WGL programs of tests/windows, against a real sgl-host, over TCP
# (Winsock) and shared memory (a file mapping of the host's ivshmem file),
# for each arch built, and our ICD driver DLL (sglicd.dll) under a loader
# doing what Microsoft's opengl32 does (run_icd). A run passes only on the
# program's own "ok" line and the host's log of that client: Wine without wine32 "runs" a 32-bit
# program with exit status 0 without running it.
#
#   sh tests/windows/run.sh SGL_HOST BUILD_WIN64 [BUILD_WIN32]
#
# A temporary Wine prefix (made before anything else uses Wine) and Xvfb,
# both removed at the end. Bounded: each program 90 s at most.
# Where this kernel cannot run i386 programs at all (no IA32 emulation),
# the 32-bit runs are reported as skipped with that reason unless
# SGL_WIN32_REQUIRED=1 makes it a failure.
set -u
host=$(realpath "$1")
b64=$2
b32=${3:-}
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/wine_env.sh"

# The programs beside our DLL: the application's directory comes first in
# the DLL search, and the override makes Wine take it over its builtin.
run_arch() {   # arch build wine
	arch=$1 build=$2 wine=$3
	bits=64; [ "$arch" = i686 ] && bits=32
	out="$dir/$arch"
	mkdir -p "$out"
	cp "$build/guest/windows/opengl32.dll" "$build/tests/windows/wgl_core.exe" \
		"$build/tests/windows/wgl_gears.exe" "$build/tests/windows/wgl_robust.exe" \
		"$build/tests/windows/wgl_latency.exe" "$out/" || {
		result 1 "$arch: programs built"; return; }
	for t in "tcp:127.0.0.1:$port" "shm:Z:\\dev\\shm\\$shm_name"; do
		tname=${t%%:*}
		for prog in wgl_core wgl_gears wgl_robust wgl_latency wgl_gears-deferred \
			wgl_latency-deferred; do
			# -deferred: SGL_FRAME_LATENCY=1, each frame shown at the
			# next swap (wgl_latency checks which frame is shown).
			latency=0; case $prog in *-deferred) latency=1 ;; esac
			log="$out/$prog-$tname.log"
			prog=${prog%-deferred}
			before=$(grep -c "$prog.exe" "$dir/host.log")
			arg=; [ $prog = wgl_gears ] && arg=120
			SGL_FRAME_LATENCY=$latency SGL_TRANSPORT=$t \
				WINEDLLOVERRIDES="opengl32=n,b;$overrides" \
				SGL_TEST_FRAME=$(winpath "${log%.log}.ppm") \
				timeout 90 "$wine" "$out/$prog.exe" $arg >"$log" 2>&1
			rc=$?
			after=$(grep -c "$prog.exe" "$dir/host.log")
			ok=0
			[ $rc -eq 0 ] && grep -q "^$prog: ok $bits-bit" "$log" && [ "$after" -gt "$before" ] || ok=1
			result $ok "$arch $tname: $prog$([ $latency = 1 ] && echo ' SGL_FRAME_LATENCY=1') (exit $rc) $(grep -o 'FPS.*\|[0-9.]* FPS\|each shown.*' "$log" | head -1)" "$log"
			grep "GL_RENDERER\|frames in\|pixels lit\|robust context:\|FAIL" "$log" |
				sed "s/^/# $arch $tname: /"
		done
	done
	# The deferred gears' last frame (shown by glFinish) is the same frame.
	cmp -s "$out/wgl_gears-tcp.ppm" "$out/wgl_gears-deferred-tcp.ppm"
	result $? "$arch: wgl_gears with SGL_FRAME_LATENCY=1 ends on the same frame as without"
	run_icd "$arch" "$build" "$wine"
	run_d3d "$arch" "$build" "$wine"
}

# Direct3D 9 and 11 through WineD3D on our opengl32 (the DirectX-games
# path): each program must read its pixels back through D3D, and sgl-host
# must have served it.
run_d3d() {   # arch build wine
	arch=$1 build=$2 wine=$3
	bits=64; [ "$arch" = i686 ] && bits=32
	out="$dir/$arch"
	for prog in d3d9_clear d3d11_clear; do
		cp "$build/tests/windows/$prog.exe" "$out/" 2>/dev/null
		log="$out/$prog.log"
		before=$(grep -c "$prog.exe" "$dir/host.log")
		SGL_TRANSPORT="tcp:127.0.0.1:$port" WINEDLLOVERRIDES="opengl32=n,b;$overrides" \
			timeout 90 "$wine" "$out/$prog.exe" >"$log" 2>&1
		rc=$?
		after=$(grep -c "$prog.exe" "$dir/host.log")
		[ $rc -eq 0 ] && grep -q "^$prog: ok $bits-bit" "$log" && [ "$after" -gt "$before" ]
		result $? "$arch: $prog: Direct3D through WineD3D on our opengl32.dll (exit $rc)" "$log"
		grep "corner\|middle\|level" "$log" | sed "s/^/# $arch $prog: /"
	done
}

# The ICD route: our sglicd.dll in the prefix's system directory of its
# arch, registered under OpenGLDrivers in that arch's registry view as an
# installer does, driven by icd_loader.exe (what Microsoft's opengl32 does;
# Wine's never loads an ICD). Then the registration is removed again.
run_icd() {   # arch build wine
	arch=$1 build=$2 wine=$3
	bits=64 sys=system32 view=/reg:64
	[ "$arch" = i686 ] && bits=32 sys=syswow64 view=/reg:32
	key='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\OpenGLDrivers\SGL'
	out="$dir/$arch"
	cp "$build/guest/windows/sglicd.dll" "$WINEPREFIX/drive_c/windows/$sys/" &&
	cp "$build/tests/windows/icd_loader.exe" "$out/" &&
	WINEDLLOVERRIDES=$overrides timeout 60 "$wine64" reg add "$key" /v DLL /d sglicd \
		/f $view >"$out/icd-reg.log" 2>&1
	result $? "$arch: sglicd.dll in $sys, registered under OpenGLDrivers ($view)" "$out/icd-reg.log"
	for t in "tcp:127.0.0.1:$port" "shm:Z:\\dev\\shm\\$shm_name"; do
		tname=${t%%:*}
		log="$out/icd_loader-$tname.log"
		before=$(grep -c "icd_loader.exe" "$dir/host.log")
		SGL_TRANSPORT=$t WINEDLLOVERRIDES=$overrides timeout 90 "$wine" "$out/icd_loader.exe" \
			>"$log" 2>&1
		rc=$?
		after=$(grep -c "icd_loader.exe" "$dir/host.log")
		ok=0
		[ $rc -eq 0 ] && grep -q "^icd_loader: ok $bits-bit" "$log" && [ "$after" -gt "$before" ] ||
			ok=1
		result $ok "$arch $tname: icd_loader drives sglicd.dll through the Drv* entry points (exit $rc)" \
			"$log"
		grep "OpenGLDrivers\|GL_VERSION" "$log" | sed "s/^/# $arch $tname: /"
	done
	WINEDLLOVERRIDES=$overrides timeout 60 "$wine64" reg delete "$key" /f $view >>"$out/icd-reg.log" 2>&1
	rm -f "$WINEPREFIX/drive_c/windows/$sys/sglicd.dll"
}

# What applications and gdi32 link against, checked in the files (the i686
# DLL included, which not every kernel can run): every name of the
# generated .def exported undecorated (no _glClear@4).
exports() {   # arch build
	dll="$2/guest/windows/opengl32.dll"
	def="$2/protocol/sgl_opengl32.def"
	"$1-w64-mingw32-objdump" -p "$dll" >"$dir/exports-$1.txt" 2>&1 &&
	awk '/^\t/ { print $1 }' "$def" | sort >"$dir/want-$1.txt" &&
	sed -n 's/^\s*\[ *[0-9]*\] \([A-Za-z0-9_@]*\)$/\1/p' "$dir/exports-$1.txt" | sort \
		>"$dir/have-$1.txt" &&
	cmp -s "$dir/want-$1.txt" "$dir/have-$1.txt"
	result $? "$1: opengl32.dll exports the $(wc -l <"$dir/want-$1.txt") names of sgl_opengl32.def, undecorated" \
		"$dir/have-$1.txt"
}
# The ICD exports the Drv* functions Microsoft's opengl32 looks up, by
# their plain names on both arches, and nothing else.
icd_exports() {   # arch build
	"$1-w64-mingw32-objdump" -p "$2/guest/windows/sglicd.dll" |
		sed -n 's/^\s*\[ *[0-9]*\] \([A-Za-z0-9_@]*\)$/\1/p' >"$dir/icd-have-$1.txt"
	drv="CopyContext CreateContext CreateLayerContext DeleteContext DescribeLayerPlane
		DescribePixelFormat GetLayerPaletteEntries GetProcAddress RealizeLayerPalette
		ReleaseContext SetCallbackProcs SetContext SetLayerPaletteEntries SetPixelFormat
		ShareLists SwapBuffers SwapLayerBuffers ValidateVersion"
	printf 'Drv%s\n' $drv | cmp -s - "$dir/icd-have-$1.txt"
	result $? "$1: sglicd.dll exports the 18 Drv* functions, undecorated, and nothing else" \
		"$dir/icd-have-$1.txt"
}
exports x86_64 "$b64"
icd_exports x86_64 "$b64"
if [ -n "$b32" ]; then
	exports i686 "$b32"
	icd_exports i686 "$b32"
fi

run_arch x86_64 "$b64" "$wine64"

# The same programs on Wine's builtin opengl32 (llvmpipe through GLX): the
# frames we presented must match its within frame_compare.py's tolerance.
# (64-bit only: the builtin's 32-bit half needs i386 Mesa, not installed.)
for prog in wgl_core wgl_gears; do
	out="$dir/x86_64"
	arg=; [ $prog = wgl_gears ] && arg=120
	WINEDLLOVERRIDES=$overrides SGL_TEST_FRAME=$(winpath "$out/$prog-builtin.ppm") \
		timeout 90 "$wine64" "$out/$prog.exe" $arg >"$out/$prog-builtin.log" 2>&1
	# A blank frame on both sides would match too: ours must show at
	# least 4 colours (wgl_core's quadrants, the gears' shading).
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read().split(b"\n", 3)[3]
sys.exit(len({d[i:i + 3] for i in range(0, len(d), 3)}) < 4)' "$out/$prog-tcp.ppm" &&
	python3 "$(dirname "$0")/../frame_compare.py" "$out/$prog-builtin.ppm" "$out/$prog-tcp.ppm" \
		>"$out/$prog-compare.log" 2>&1
	result $? "x86_64: $prog frame matches Wine's builtin opengl32: $(tail -1 "$out/$prog-compare.log")" \
		"$out/$prog-builtin.log"
done
# What the environment changes in a guest (shared guest code, also in the
# Linux guests' tests): reported versions, swap interval pacing, and the FPS
# overlay in the presented frame (white text top-left; the gears' corner is
# black without it).
out="$dir/x86_64"
log="$out/wgl_gears-env.log"
SGL_TRANSPORT="tcp:127.0.0.1:$port" WINEDLLOVERRIDES="opengl32=n,b;$overrides" \
	SGL_FPS_OVERLAY=1 GL_VERSION_OVERRIDE=2.1 GLSL_VERSION_OVERRIDE=120 \
	SGL_TEST_FRAME=$(winpath "$out/wgl_gears-overlay.ppm") \
	timeout 90 "$wine64" "$out/wgl_gears.exe" 30 1 >"$log.crlf" 2>&1
rc=$?
tr -d '\r' <"$log.crlf" >"$log"
grep -q "^wgl_gears: ok 64-bit" "$log" && grep -q "^wgl_gears: GL_VERSION=2\.1 .* GLSL=1\.20$" "$log"
result $? "x86_64: GL_VERSION_OVERRIDE=2.1 GLSL_VERSION_OVERRIDE=120 reported (exit $rc): $(grep -o 'GL_VERSION=.*' "$log")" "$log"
fps=$(sed -n 's/.* = \([0-9.]*\) FPS$/\1/p' "$log")
awk -v f="${fps:-0}" 'BEGIN { exit !(f > 20 && f < 66) }'
result $? "x86_64: wglSwapIntervalEXT(1) paces presents to 60 Hz: $fps FPS" "$log"
# White pixels in the top-left 60x14 of the frame: the overlay's digits.
white() {
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read().split(b"\n", 3)
w = int(d[1].split()[0]); p = d[3]
print(sum(p[3 * (y * w + x):3 * (y * w + x) + 3] == b"\xff\xff\xff" for y in range(14) for x in range(60)))' "$1"
}
with=$(white "$out/wgl_gears-overlay.ppm") without=$(white "$out/wgl_gears-tcp.ppm")
[ "${with:-0}" -ge 20 ] && [ "${without:-1}" -eq 0 ]
result $? "x86_64: SGL_FPS_OVERLAY=1 draws the rate into the presented frame ($with white pixels top-left, $without without)" "$log"

# SGL_TRANSPORT=ivshmem goes through the virtio-win IVSHMEM driver's
# device interface, which Wine has not: the answer must say so (the
# mapping itself is only possible in a VM; docs/windows.md).
log="$out/ivshmem.log"
SGL_TRANSPORT=ivshmem WINEDLLOVERRIDES="opengl32=n,b;$overrides" \
	timeout 90 "$wine64" "$out/wgl_core.exe" >"$log" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "no ivshmem device 0 (the virtio-win IVSHMEM driver's)" "$log"
result $? "x86_64: SGL_TRANSPORT=ivshmem without the IVSHMEM driver: refused with its reason (exit $rc)" "$log"

if [ -n "$b32" ]; then
	# Can this kernel run an i386 program at all?
	if "$wine32" --version >"$dir/wine32.log" 2>&1; then
		run_arch i686 "$b32" "$wine32"
	elif grep -q "Exec format error" "$dir/wine32.log" && [ "${SGL_WIN32_REQUIRED:-0}" != 1 ]; then
		skipped=$((skipped + 1))
		echo "ok - i686 # SKIP this kernel cannot execute i386 programs (no IA32 emulation)"
	else
		result 1 "i686: Wine's 32-bit loader runs (wine32:i386 installed?)" "$dir/wine32.log"
	fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
