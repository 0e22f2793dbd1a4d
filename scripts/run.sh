#!/bin/sh
# The main job: set up what is missing, build, start sgl-host on its
# defaults (surfaceless llvmpipe, shared memory) and run a real OpenGL
# application, glxgears, through our libGL under Xvfb: print its FPS next to
# native llvmpipe's and write its last frame to a PNG.
# SECONDS_PER_RUN (default 11) sets how long each run lasts.
# `scripts/run.sh --demo` runs the in-process demo instead (sgl-host --demo).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --run
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
if [ "${1:-}" = "--demo" ]; then
	shift
	exec ./build/examples/sgl-host --demo "$@"
fi

secs=${SECONDS_PER_RUN:-11}
out=${SGL_OUTPUT:-$PWD/glxgears.png}
tmp=$(mktemp -d)
shm=/dev/shm/sgl-run-$$
display=:$((90 + $$ % 100))
cleanup() {
	[ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null
	[ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp" "$shm"
}
trap cleanup EXIT INT TERM

Xvfb "$display" -screen 0 1024x768x24 -noreset >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
i=0
until xdpyinfo >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done

./build/examples/sgl-host --shm-path "$shm" -x >"$tmp/host.log" 2>&1 &
host_pid=$!
i=0
until grep -q "listening on" "$tmp/host.log" 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
echo "run: $(head -1 "$tmp/host.log")"

fps() {   # the last "N frames in 5.0 seconds = X FPS" of a glxgears log
	grep -o '= *[0-9.]* FPS' "$1" | tail -1 | tr -dc '0-9.'
}

echo "run: glxgears on native llvmpipe for $secs s"
timeout "$secs" glxgears -geometry 800x600 >"$tmp/native.log" 2>&1 || true
echo "run: glxgears through libsglhost (shared memory) for $secs s"
LD_LIBRARY_PATH=$PWD/build/guest/glx SGL_TRANSPORT=shm:$shm SGL_DUMP_FRAME=$out \
	timeout "$secs" glxgears -geometry 800x600 >"$tmp/sgl.log" 2>&1 || true

native=$(fps "$tmp/native.log")
ours=$(fps "$tmp/sgl.log")
if [ -z "$ours" ]; then
	echo "run: glxgears through libsglhost printed no FPS:"; cat "$tmp/sgl.log" "$tmp/host.log"
	exit 1
fi
echo "glxgears FPS: native llvmpipe ${native:-?}, through libsglhost ${ours}" \
	"($(python3 -c "print(f'{$ours/$native:.2f}x' if '$native' else '?')") of native)"
echo "run: last frame written to $out"
