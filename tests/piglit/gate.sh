#!/usr/bin/env bash
# The conformance gate: the piglit tests of gate.list (drawn from piglit's
# quick profile by draw_list.py) through sgl-host over shared memory, checked
# against the expectations beside this script (docs/conformance.md):
#   native.txt              tests that do not pass on native llvmpipe (not gated)
#   expected-failures.txt   native passes known not to pass through sgl-host
# Fails (exit 1) when a test expected to pass does not; reports listed
# failures that now pass ("fixed: remove from expectations"). The last line
# is "N passed, N failed" (gated tests that passed, regressions).
#
# Usage: tests/piglit/gate.sh [options] [BUILD_DIR]    (default: build)
#   --update   rewrite expected-failures.txt from this run (with --native:
#              rewrite native.txt)
#   --native   run the list on native llvmpipe, without sgl-host, and compare
#              with native.txt
#   --strict   also fail on listed failures that now pass
#   --egl-vendor  run the egl section through the glvnd EGL vendor
#              (build/guest/egl/50_sgl.json) instead of the drop-in set
#   --out DIR  keep results there (default: a temporary folder, removed)
#   -j N       concurrent tests (default: nproc)
# Environment: GATE_TIMEOUT (s, default 600) bounds the piglit passes
# together, GATE_TEST_TIMEOUT (s, default 60) each test.
# Needs piglit, wflinfo (waffle-utils), Xvfb: scripts/deps.sh --conformance.
set -u
here=$(cd "$(dirname "$0")" && pwd)
update=; native=; strict=; out=; jobs=$(nproc); egl_vendor=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=--update ;;
	--native) native=--native ;;
	--strict) strict=--strict ;;
	--egl-vendor) egl_vendor=1 ;;
	--out) out=$2; shift ;;
	-j) jobs=$2; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "gate: unknown option $1 (--help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
build=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "gate: no build folder ${1:-build}" >&2; exit 2; }

# Without wflinfo piglit cannot ask the driver for its versions and skips
# every shader test: a gate that passes by skipping is worse than none.
for p in piglit wflinfo Xvfb python3 timeout; do
	command -v "$p" >/dev/null || {
		echo "gate: $p is missing: sh scripts/deps.sh --conformance" \
			"(Debian packages piglit, waffle-utils, xvfb)" >&2
		exit 2
	}
done
host=$build/examples/sgl-host
libgl=$build/guest/glx
json=$build/guest/egl/50_sgl.json
if [ -z "$native" ]; then
	for f in "$host" "$libgl/libGL.so.1" "$libgl/libEGL.so.1" "$libgl/libGLESv2.so.2" "$json"; do
		[ -e "$f" ] || { echo "gate: $f missing: build first (ninja -C $build)" >&2; exit 2; }
	done
fi

keep=$out
out=${out:-$(mktemp -d /tmp/sgl-gate.XXXXXX)}
mkdir -p "$out" && out=$(cd "$out" && pwd)
shm=/dev/shm/sgl-gate-$$
xvfb_pid=
host_pid=
. "$here/../xvfb.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	rm -f "$shm"
	[ -n "$keep" ] || rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The list's egl section runs on waffle's x11_egl platform (piglit never runs
# those tests on glx), everything else on glx.
awk '/^# *category:/ { egl = ($3 == "egl") } !/^#/ && NF { print > (egl ? e : g) }' \
	e="$out/egl.list" g="$out/glx.list" "$here/gate.list"
rm -rf "$out/glx" "$out/egl"

start_xvfb 300 "$out/xvfb.log" || { echo "gate: Xvfb did not start (see $out/xvfb.log)" >&2; exit 2; }

# scripts/test.sh sets EGL_PLATFORM=surfaceless for its own tests; piglit's
# EGL tests take the X11 display from eglGetDisplay's default.
unset EGL_PLATFORM
limit=${GATE_TIMEOUT:-600}
if [ -z "$native" ]; then
	"$host" --listen shm --shm-path "$shm" -x -L warning --exit-after $((limit + 120)) \
		>"$out/host.log" 2>&1 &
	host_pid=$!
	i=0
	while [ ! -e "$shm" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$shm" ] || { echo "gate: sgl-host did not start:" >&2; cat "$out/host.log" >&2; exit 2; }
	export SGL_TRANSPORT=shm:$shm
fi

run_pass() {   # name platform list [env...]
	local name=$1 platform=$2 list=$3 rc left
	shift 3
	[ -s "$list" ] || return 0
	left=$((deadline - $(date +%s)))
	[ $left -ge 30 ] || left=30
	echo "gate: $name: $(wc -l <"$list") tests on $platform, -j $jobs"
	timeout -k 10 "$left" env "$@" piglit run quick --test-list "$list" -p "$platform" \
		-j "$jobs" --timeout "${GATE_TEST_TIMEOUT:-60}" -l dummy -o -n "gate-$name" \
		"$out/$name" >"$out/$name.log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "gate: $name: stopped after ${left}s (GATE_TIMEOUT=$limit for all passes); unfinished tests count as missing"
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && { echo "gate: $name: piglit exited $rc:"; tail -5 "$out/$name.log"; }
	return 0
}

# piglit skips shader tests by the versions wflinfo reports; check that
# wflinfo gets them through the same libraries first.
probe() {   # env...
	local api
	for api in "gl --profile compat" "gl --profile core" gles2 gles3; do
		# shellcheck disable=SC2086 # the api words
		env "$@" timeout 60 wflinfo --platform glx --api $api >"$out/wflinfo.log" 2>&1 || {
			echo "gate: wflinfo --platform glx --api $api failed (piglit would skip its shader tests):" >&2
			tail -5 "$out/wflinfo.log" >&2
			exit 1
		}
	done
}

start=$(date +%s)
deadline=$((start + limit))
if [ -n "$native" ]; then
	probe
	run_pass glx glx "$out/glx.list"
	run_pass egl x11_egl "$out/egl.list"
else
	# The drop-in set (docs/guest.md): our libGL.so.1 and the libEGL,
	# libGLESv2... beside it that resolve to it (piglit's programs link
	# libGL.so.1 and libEGL.so.1; waffle dlopens libGLESv2.so.2).
	dropin=LD_LIBRARY_PATH="$libgl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	probe "$dropin"
	run_pass glx glx "$out/glx.list" "$dropin"
	if [ -n "$egl_vendor" ]; then
		# glvnd's libEGL with our vendor library alone.
		run_pass egl x11_egl "$out/egl.list" __EGL_VENDOR_LIBRARY_FILENAMES="$json"
	else
		run_pass egl x11_egl "$out/egl.list" "$dropin"
	fi
fi
echo "gate: piglit took $(($(date +%s) - start)) s ($(uptime | sed 's/.*load/load/'))"

also=()
if [ -n "$host_pid" ]; then
	if ! kill -0 "$host_pid" 2>/dev/null; then
		echo "gate: sgl-host died during the run:"; tail -20 "$out/host.log"
		also=(--also-failed "sgl-host died during the run")
	fi
	died=$(grep -c "process serving it died" "$out/host.log")
	[ "$died" -eq 0 ] || { echo "gate: $died client processes of sgl-host died:"; grep "process serving it died" "$out/host.log" | head -10; }
fi
[ -n "$keep" ] && echo "gate: results in $out"
[ -z "$update" ] || echo "gate: updating the expectations; review the diff (git diff tests/piglit) before committing"
python3 "$here/gate_check.py" $update $native $strict "${also[@]}" \
	--hint "gate: after checking each change, accept this run as the expectations: $0 --update${native:+ --native} $build" \
	"$here/gate.list" "$here/native.txt" "$here/expected-failures.txt" "$out/glx" "$out/egl"
