#!/bin/sh
# The main job: set up what is missing, build, start sgl-host on its
# defaults (surfaceless llvmpipe, shared memory) and run a real OpenGL
# application, glxgears, through our libGL under Xvfb: print its FPS next to
# native llvmpipe's and write its last frame to a PNG.
# SECONDS_PER_RUN (default 11, at least 7) sets how long each run lasts.
# `scripts/run.sh --demo` runs the in-process demo instead (sgl-host --demo).
set -eu
cd "$(dirname "$0")/.."

# Set-up steps run quietly; when one fails its output is shown with what to
# do about it.
step() {   # what-to-do command...
	advice=$1
	shift
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		tail -n 60 "$log"
		rm -f "$log"
		echo "run: '$*' failed (output above): $advice" >&2
		exit 1
	fi
	rm -f "$log"
}
step "install the Debian packages it names (as root, or with sudo rights) and run again" \
	sh scripts/deps.sh --run
# The test suite's dependencies (cmocka) are not needed here: tests=auto.
[ -f build/build.ninja ] ||
	step "install what meson reports missing (scripts/deps.sh lists the Debian packages) and run again" \
		meson setup build
step "the build failed: see the compiler's message above; 'ninja -C build' shows it all" \
	ninja -C build
if [ "${1:-}" = "--demo" ]; then
	shift
	exec ./build/examples/sgl-host --demo "$@"
fi

secs=${SECONDS_PER_RUN:-11}
# glxgears reports its FPS every 5 s: a shorter run would report nothing.
if [ "$secs" -lt 7 ]; then
	echo "run: SECONDS_PER_RUN=$secs is too short for glxgears' FPS report (every 5 s); 7 s"
	secs=7
fi
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
