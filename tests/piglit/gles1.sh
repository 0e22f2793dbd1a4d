#!/usr/bin/env bash
# piglit's GLES 1 tests (the 8 of its quick profile that make ES 1 contexts;
# gate.list leaves GLES 1 out) through sgl-host over shared memory with the
# drop-in set (--egl-vendor: glvnd's libEGL and libGLESv1_CM with our EGL
# vendor), or natively (--native), on waffle's x11_egl platform (--glx: glx,
# GLX_EXT_create_context_es_profile) under Xvfb. Prints each test's status
# and the counts (docs/conformance.md).
# Usage: tests/piglit/gles1.sh [--native] [--glx] [--egl-vendor] [BUILD_DIR]
# Needs piglit and Xvfb (scripts/deps.sh --conformance).
set -u
here=$(cd "$(dirname "$0")" && pwd)
native=
platform=x11_egl
vendor=
while [ $# -gt 0 ]; do
	case $1 in
	--native) native=1 ;;
	--glx) platform=glx ;;
	--egl-vendor) vendor=1 ;;
	-*) echo "gles1: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
build=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "gles1: no build folder ${1:-build}" >&2; exit 2; }
for p in piglit Xvfb python3 timeout; do
	command -v "$p" >/dev/null || { echo "gles1: $p is missing: sh scripts/deps.sh --conformance" >&2; exit 2; }
done
out=$(mktemp -d /tmp/sgl-gles1.XXXXXX)
shm=/dev/shm/sgl-gles1-$$
xvfb_pid=
host_pid=
. "$here/../xvfb.sh"
trap 'stop_pids "$host_pid" "$xvfb_pid"; rm -rf "$out" "$shm"' EXIT
trap 'exit 130' INT TERM

cat >"$out/list" <<'EOF'
spec@oes_point_sprite@arb_point_sprite-checkerboard_gles1
spec@oes_packed_depth_stencil@depth_stencil texture gles1
spec@oes_matrix_get@all queries
spec@oes_fixed_point@attribute-arrays
spec@oes_draw_texture@oes_draw_texture
spec@oes_compressed_etc1_rgb8_texture@basic
spec@oes_compressed_paletted_texture@basic api
spec@egl_khr_create_context@valid debug flag gles1
EOF
start_xvfb 300 "$out/xvfb.log" || { echo "gles1: Xvfb did not start" >&2; exit 2; }
unset EGL_PLATFORM
env=()
if [ -z "$native" ]; then
	"$build/examples/sgl-host" --listen shm --shm-path "$shm" -x -L warning --exit-after 600 \
		>"$out/host.log" 2>&1 &
	host_pid=$!
	i=0
	while [ ! -e "$shm" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$shm" ] || { echo "gles1: sgl-host did not start:" >&2; cat "$out/host.log" >&2; exit 2; }
	if [ -n "$vendor" ]; then
		env=(SGL_TRANSPORT="shm:$shm" __EGL_VENDOR_LIBRARY_FILENAMES="$build/guest/egl/50_sgl.json")
	else
		env=(SGL_TRANSPORT="shm:$shm" LD_LIBRARY_PATH="$build/guest/glx")
	fi
fi
timeout -k 10 300 env "${env[@]}" piglit run quick --test-list "$out/list" -p "$platform" -j 2 \
	--timeout 60 -l dummy -o -n gles1 "$out/res" >"$out/run.log" 2>&1 ||
	{ echo "gles1: piglit failed:" >&2; tail -5 "$out/run.log" >&2; exit 1; }
python3 - "$out/res" "${native:+native}" "$platform${vendor:+ (glvnd EGL vendor)}" <<'PY'
import bz2, collections, glob, gzip, json, sys
path = glob.glob(sys.argv[1] + '/results.json*')[0]
opener = bz2.open if path.endswith('bz2') else gzip.open if path.endswith('gz') else open
tests = json.load(opener(path, 'rt'))['tests']
counts = collections.Counter()
for name, t in sorted(tests.items()):
    counts[t['result']] += 1
    print(f"{t['result']}\t{name}")
where = 'natively' if sys.argv[2] else 'through sgl-host'
print(f"{len(tests)} GLES 1 tests {where} on {sys.argv[3]}: " +
      ', '.join(f'{n} {r}' for r, n in sorted(counts.items())))
PY
