#!/bin/sh
# The Windows guest under Wine (docs/windows.md), in one Wine prefix:
#   - wgl_gears (GL 1.1 display lists, 300x300) through our opengl32.dll over
#     TCP (Winsock) and over shm (a file mapping of sgl-host's ivshmem file),
#     next to the same program on Wine's builtin opengl32 (llvmpipe through
#     GLX) in the same run; target >= 0.9x of the builtin;
#   - wgl_roundtrip: glGetError round trips through our DLL over both.
#
#   sh bench/bench_windows.sh SGL_HOST BUILD_WIN64
#
# SGL_BENCH_WIN_FRAMES (default 600): gears frames per run. Exit 0 when
# every program ran (whatever the figures), else 1.
set -u
host=$(realpath "$1")
b64=$(realpath "$2")
here=$(dirname "$0")
. "$here/../tests/windows/tap.sh"
. "$here/../tests/windows/wine_env.sh"
frames=${SGL_BENCH_WIN_FRAMES:-600}
out="$dir/x86_64"
mkdir -p "$out"
for f in opengl32.dll; do cp "$b64/guest/windows/$f" "$out/"; done
for p in wgl_gears wgl_roundtrip; do cp "$b64/tests/windows/$p.exe" "$out/"; done

# run LOG OVERRIDES TRANSPORT PROGRAM ARG: the program's output in
# $out/LOG.log; fails unless the program said ok.
run() {
	run_log=$out/$1.log run_dlls=$2 run_transport=$3
	SGL_TRANSPORT=$run_transport WINEDLLOVERRIDES="$run_dlls$overrides" \
		timeout 300 "$wine64" "$out/$4.exe" "$5" 2>&1 | tr -d '\r' >"$run_log"
	grep -q "^$4: ok 64-bit" "$run_log"
}

gears_fps() {
	sed -n 's/.* = \([0-9.]*\) FPS$/\1/p' "$out/$1.log"
}

echo "wgl_gears, $frames frames, 300x300 (target: >= 0.9x Wine's builtin opengl32)"
run builtin "" "" wgl_gears "$frames"
result $? "builtin opengl32: $(gears_fps builtin) FPS" "$out/builtin.log"
base=$(gears_fps builtin)
for t in "tcp:127.0.0.1:$port" "shm:Z:\\dev\\shm\\$shm_name"; do
	name=${t%%:*}
	run "gears-$name" "opengl32=n,b;" "$t" wgl_gears "$frames"
	rc=$?
	fps=$(gears_fps "gears-$name")
	ratio=$(awk -v a="${fps:-0}" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
	verdict=$(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 0.9) ? "PASS" : "BELOW TARGET" }')
	result $rc "ours over $name: $fps FPS, ${ratio}x the builtin ($verdict)" "$out/gears-$name.log"
done

echo "wgl_roundtrip: glGetError round trips through our opengl32.dll"
for t in "tcp:127.0.0.1:$port" "shm:Z:\\dev\\shm\\$shm_name"; do
	name=${t%%:*}
	run "rt-$name" "opengl32=n,b;" "$t" wgl_roundtrip 2000
	result $? "over $name: $(sed -n 's/^wgl_roundtrip: \(.*round trips.*\)$/\1/p' "$out/rt-$name.log")" \
		"$out/rt-$name.log"
done
echo "$passed ran, $failed failed"
[ "$failed" -eq 0 ]
