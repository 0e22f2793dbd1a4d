#!/bin/sh
# The VM transports without a VM (bench/README.md): the same unmodified
# guest programs as bench.sh (bench_transport, and with the drop-in libGL
# glxgears and glmark2) through sgl-host over
#   shm        /dev/shm, the reference;
#   ivplain    ivshmem-plain: `-l ivshmem:FILE`, the guest maps FILE as BAR2
#              of a fake sysfs PCI device (bench/vm_sysfs.sh,
#              $SGL_IVSHMEM_SYSFS), both sides poll;
#   ivdoor     ivshmem-doorbell: `-l ivshmem-doorbell:SOCKET`, bench/vm_doorbell
#              plays QEMU (the server protocol, BAR0's Doorbell register
#              forwarded to the host's eventfd); the guest has no interrupt
#              device and polls for replies, as without the guest module.
# Each figure is printed with its ratio to shm from the same run, and the
# issue's target (>= 0.9x shm).
# Usage: bench_vm.sh SGL_HOST BENCH_TRANSPORT [LIBGL_DIR [VM_DOORBELL]]
# Environment: SGL_BENCH_VM_PATHS (default "shm ivplain ivdoor"),
#   SGL_BENCH_VM_ROUNDS (bench_transport rounds over the paths, default 3:
#   the table shows each figure's median),
#   SGL_BENCH_TRANSPORT_ARGS (bench_transport options), SGL_BENCH_APPS=0
#   (no glxgears/glmark2), SGL_BENCH_GEARS_SECS, SGL_BENCH_GLMARK_SECS.
# Exit: 0 when every benchmark ran (whatever the figures), else 1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
host=$1
transport=$2
libgl_dir=${3:-}
doorbell=${4:-}
status=0
dir=$(mktemp -d)
shm=$dir/shm
[ -d /dev/shm ] && shm=/dev/shm/sgl-bench-vm-$$
host_pid= fake_pid= xvfb_pid=
. "$here/vm_sysfs.sh"
. "$root/tests/xvfb.sh"
cleanup() {
	stop_pids "$fake_pid" "$host_pid" "$xvfb_pid"
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bdf=0000:00:04.0

# up PATH: sgl-host (and for ivdoor the fake QEMU) for PATH; sets client.
up() {
	log=$dir/host-$1.log
	case $1 in
	shm) listen=shm; client=shm:$shm ;;
	ivplain) listen=ivshmem:$dir/bar2; client=ivshmem ;;
	ivdoor) listen=ivshmem-doorbell:$dir/ivs.sock; client=ivshmem ;;
	esac
	"$host" --listen "$listen" --shm-path "$shm" -x --exit-after 1800 >"$log" 2>&1 &
	host_pid=$!
	i=0
	until grep -q "listening on" "$log" 2>/dev/null || [ $i -ge 300 ]; do
		kill -0 "$host_pid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	grep -q "listening on" "$log" || { echo "$1: sgl-host did not start:"; cat "$log"; return 1; }
	rm -rf "$dir/sys"
	export SGL_IVSHMEM_SYSFS="$dir/sys"
	case $1 in
	ivplain) fake_ivshmem "$dir/sys" "$bdf" "$dir/bar2" ;;
	ivdoor)
		# vm_doorbell prints "BAR2_PATH PEER_ID" once connected, then
		# forwards BAR0's Doorbell until killed.
		rm -f "$dir/fake.out"
		"$doorbell" "$dir/ivs.sock" "$dir/sys/$bdf/resource0" >"$dir/fake.out" 2>&1 &
		fake_pid=$!
		i=0
		until [ -s "$dir/fake.out" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
		read -r bar pos <"$dir/fake.out" || { echo "ivdoor: no fake QEMU"; return 1; }
		case $bar in
		/proc/*) ;;
		*) echo "ivdoor: fake QEMU failed: $bar $pos"; return 1 ;;
		esac
		fake_ivshmem "$dir/sys" "$bdf" "$bar" "$pos" ;;
	esac
	return 0
}
down() {
	stop_pids "$fake_pid" "$host_pid"
	[ -n "$fake_pid" ] && sed -n 's/^vm_doorbell: /  fake QEMU: /p' "$dir/fake.out"
	fake_pid= host_pid=
	grep -v "listening on\|served [0-9]* client\|QEMU" "$log" | sed 's/^/  host: /'
}

paths=${SGL_BENCH_VM_PATHS:-shm ivplain ivdoor}
if [ -z "$doorbell" ] || [ ! -x "$doorbell" ]; then
	echo "bench_vm: ivdoor skipped: no bench/vm_doorbell built"
	paths=$(echo "$paths" | sed 's/ivdoor//')
fi
echo "bench_vm: paths: $paths (vhost-user-vsock: not yet driven, see bench/README.md)"

# fig FILE: "p50 GBs-buffer GBs-texture ms/frame" from bench_transport's output.
fig() {
	awk '/round trip|glGetError/ && /p50/ { for (i = 1; i <= NF; i++) if ($i == "p50" && !rt) rt = $(i + 1) }
	     /GB\/s/ { for (i = 1; i <= NF; i++) if ($i == "median") { up[n++] = $(i + 1); break } }
	     /ms\/frame/ { for (i = 1; i <= NF; i++) if ($i == "median") pr = $(i + 1) }
	     END { printf "%s %s %s %s\n", (rt ? rt : "-"), (n ? up[0] : "-"), ((n > 1) ? up[1] : "-"), (pr ? pr : "-") }' "$1"
}
# ---- bench_transport on each path, the paths interleaved ROUNDS times ----
rounds=${SGL_BENCH_VM_ROUNDS:-3}
r=1
while [ $r -le "$rounds" ]; do
	for p in $paths; do
		up "$p" || { status=1; down; continue; }
		# shellcheck disable=SC2086
		SGL_TRANSPORT=$client "$transport" -N ${SGL_BENCH_TRANSPORT_ARGS:-} \
			>"$dir/bt-$p.out" 2>&1 || status=1
		sed "s/^/$p #$r: /" "$dir/bt-$p.out" | grep -v "^$p #$r: *$"
		down
		fig "$dir/bt-$p.out" >>"$dir/fig-$p"
	done
	r=$((r + 1))
done

# verdict KIND OURS SHM: ratio (higher is better; KIND "time": lower is)
verdict() {
	awk -v k="$1" -v o="$2" -v s="$3" 'BEGIN {
		if (o == "-" || s == "-" || o + 0 <= 0 || s + 0 <= 0) { print "n/a"; exit }
		r = (k == "time") ? s / o : o / s
		printf "%.2fx %s", r, ((r >= 0.9) ? "ok" : "BELOW 0.9x") }'
}

# median FILE: each column's median over the rounds ("-" left out).
median() {
	for c in 1 2 3 4; do
		cut -d' ' -f$c "$1" | grep -v '^-$' | sort -g |
			awk '{ v[NR] = $1 } END { printf "%s ", NR ? v[int((NR + 1) / 2)] : "-" }'
	done
	echo
}

if [ -f "$dir/fig-shm" ]; then
	set -- $(median "$dir/fig-shm")
	s_rt=$1 s_buf=$2 s_tex=$3 s_pr=$4
	printf '\nmedians of %s rounds\n%-8s %-22s %-22s %-22s %-22s\n' "$rounds" path \
		"round trip p50 us" "buffer GB/s" "texture GB/s" "present ms/frame"
	for p in $paths; do
		[ -f "$dir/fig-$p" ] || continue
		set -- $(median "$dir/fig-$p")
		printf '%-8s %-22s %-22s %-22s %-22s\n' "$p" \
			"$1 ($(verdict time "$1" "$s_rt"))" "$2 ($(verdict rate "$2" "$s_buf"))" \
			"$3 ($(verdict rate "$3" "$s_tex"))" "$4 ($(verdict time "$4" "$s_pr"))"
	done
fi

# ---- glxgears and glmark2 on each path ----
if [ "${SGL_BENCH_APPS:-1}" = 0 ]; then
	echo "bench_vm: applications skipped (SGL_BENCH_APPS=0)"
	exit $status
fi
if [ -z "$libgl_dir" ] || [ ! -e "$libgl_dir/libGL.so.1" ]; then
	echo "bench_vm: applications skipped: the drop-in libGL was not built"
	exit $status
fi
for prog in glxgears glmark2 Xvfb; do
	command -v $prog >/dev/null 2>&1 ||
		{ echo "bench_vm: applications skipped: no $prog (bench_apps.sh installs it)"; exit $status; }
done
start_xvfb 140 "$dir/xvfb.log" || { echo "bench_vm: Xvfb did not start"; exit 1; }
for p in $paths; do
	up "$p" || { status=1; down; continue; }
	env LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$client" sh "$here/gears.sh" \
		-t "${SGL_BENCH_GEARS_SECS:-11}" "$dir/gears-$p" >"$dir/gears-$p.out" 2>&1 || status=1
	env LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$client" sh "$here/glmark.sh" \
		-d "${SGL_BENCH_GLMARK_SECS:-3}" "$dir/glmark-$p" >"$dir/glmark-$p.out" 2>&1 || status=1
	down
done
val() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1" 2>/dev/null | tail -1; }
s_g=$(val "$dir/gears-shm.out" median_fps)
s_m=$(val "$dir/glmark-shm.out" score)
printf '\n%-8s %-26s %-26s\n' path "glxgears FPS" "glmark2 score"
for p in $paths; do
	g=$(val "$dir/gears-$p.out" median_fps) m=$(val "$dir/glmark-$p.out" score)
	printf '%-8s %-26s %-26s\n' "$p" "${g:--} ($(verdict rate "${g:--}" "${s_g:--}"))" \
		"${m:--} ($(verdict rate "${m:--}" "${s_m:--}"))"
done
exit $status
