#!/bin/sh
# The persistent-map pattern of engines (persistent_maps: hundreds of
# buffers mapped persistent and coherent, written and drawn from every
# frame) natively and through sgl-host over shared memory, in the same run
# under one Xvfb. Prints both frame rates and the ratio.
# Usage: bench_persistent.sh PERSISTENT_MAPS SGL_HOST LIBGL_DIR
# Environment: SGL_BENCH_PMAPS (300 buffers), SGL_BENCH_PMAPS_SECS (5).
# Exit: 0 when both figures were measured with the right pixels, else 1.
set -u
prog=$1
host=$2
libgl_dir=$3
nbuf=${SGL_BENCH_PMAPS:-300}
secs=${SGL_BENCH_PMAPS_SECS:-5}
command -v Xvfb >/dev/null || { echo "bench_persistent: skipped: no Xvfb (xvfb)"; exit 0; }
dir=$(mktemp -d)
shm=/dev/shm/sgl-bench-pmaps-$$
xvfb_pid=
host_pid=
# start_xvfb, stop_pids: the tests' own Xvfb helpers.
. "$(cd "$(dirname "$0")/.." && pwd)/tests/xvfb.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_xvfb 200 "$dir/xvfb.log" || { echo "bench_persistent: Xvfb did not start"; exit 1; }
"$host" -l shm --shm-path "$shm" -x >"$dir/host.log" 2>&1 &
host_pid=$!
i=0
until grep -q "listening on" "$dir/host.log" 2>/dev/null || [ $i -ge 200 ]; do
	sleep 0.1; i=$((i + 1))
done
status=0
native=$("$prog" "$nbuf" "$secs") || status=1
ours=$(LD_LIBRARY_PATH=$libgl_dir SGL_TRANSPORT=shm:$shm "$prog" "$nbuf" "$secs") || status=1
echo "native:   ${native:-FAILED}"
echo "sgl-host: ${ours:-FAILED}"
a=$(echo "$native" | sed -n 's/.* fps=\([0-9.]*\).*/\1/p')
b=$(echo "$ours" | sed -n 's/.* fps=\([0-9.]*\).*/\1/p')
if [ -n "$a" ] && [ -n "$b" ]; then
	awk -v a="$a" -v b="$b" 'BEGIN { printf "persistent maps: sgl-host / native %.2fx\n", b / a }'
else
	status=1
	sed 's/^/  host: /' "$dir/host.log" | tail -5
fi
exit $status
