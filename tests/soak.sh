#!/bin/sh
# Soak (issue 14, item 7): CLIENTS clients at once through one sgl-host for
# SECONDS in each isolation mode named, over shm and a unix socket in turn.
# Each client slot runs short programs one after another until the time is
# up, so clients also come and go:
#   - tests/guest_program (it checks every frame that comes back, and a
#     glReadPixels), two slots in four;
#   - glxgears 200x150 until a whole frame of its is shown (up to 60 s:
#     it can take long when 32 clients share two cores), then SIGTERM,
#     one slot in four;
#   - a glmark2 scene of bench/glmark_scenes.txt for 2 s (the next scene
#     each run), one slot in four;
# glxgears' and glmark2's last frame is written by the guest library
# (SGL_DUMP_FRAME) and must be a whole picture of the window's size
# (tests/png_check.py). Nothing lost: every run must end well with its last
# frame right, and the host must log no lost context, no broken session and
# no process that died. Server memory flat: the host's VmRSS (the server
# process; in process isolation the processes serving clients come and go
# and their sum is printed beside it) sampled every 2 s; the median of the
# last quarter of the run must stay within 10% of the highest level of the
# first half (what malloc's arenas and the driver reach early is no leak;
# a leak keeps climbing past it). Then the host must still serve guest_program.
# Usage: soak.sh SGL_HOST GUEST_PROGRAM LIBGL_DIR SECONDS CLIENTS MODE...
#   (MODE: process, thread or helper; SOAK_HELPER: the sglhost-render of
#   helper mode, else the installed one). Needs Xvfb, glxgears, glmark2: exits 77
#   (skip) when one is missing. TAP-like output, "N passed, N failed".
set -u
host=$(readlink -f "$1")
prog=$(readlink -f "$2")
libgl_dir=$(readlink -f "$3")
secs=$4
clients=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
for p in Xvfb glxgears glmark2 python3; do
	command -v "$p" >/dev/null || { echo "soak: $p is missing (scripts/deps.sh --apps)"; exit 77; }
done
dir=$(mktemp -d)
shms=
xvfb_pid=
host_pid=
. "$here/xvfb.sh"
. "$here/tap.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	# shellcheck disable=SC2086
	rm -rf "$dir" $shms
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_xvfb 400 "$dir/xvfb.log" || { echo "soak: Xvfb did not start"; exit 1; }
grep -v '^#' "$here/../bench/glmark_scenes.txt" | grep . >"$dir/scenes"
nscenes=$(wc -l <"$dir/scenes")

# slot I END TRANSPORT: runs programs until END (seconds since the epoch),
# one line per run in $dir/slot-I: "ok WHAT" or "FAIL WHAT".
slot() {
	i=$1 end=$2 spec=$3 run=0
	out=$dir/slot-$1
	while [ "$(date +%s)" -lt "$end" ]; do
		run=$((run + 1))
		log=$dir/run-$i.log
		png=$dir/frame-$i.png
		rm -f "$png"
		case $((i % 4)) in
		0|1)
			what="guest_program"
			GUEST_PROGRAM_COUNT=30 SGL_TRANSPORT=$spec timeout 60 "$prog" >"$log" 2>&1
			;;
		2)
			what="glxgears"
			LD_LIBRARY_PATH=$libgl_dir SGL_TRANSPORT=$spec SGL_DUMP_FRAME=$png \
				glxgears -geometry 200x150 >"$log" 2>&1 &
			g=$!
			# A whole frame of the window's size (the file is
			# rewritten every second: checked until one is whole).
			t=0
			shown=0
			while [ $t -lt 120 ] && kill -0 $g 2>/dev/null; do
				if python3 "$here/png_check.py" "$png" 200 150 >"$log.png" 2>&1; then
					shown=1
					break
				fi
				sleep 0.5; t=$((t + 1))
			done
			# SIGTERM: a background job of a script ignores SIGINT.
			kill -TERM $g 2>/dev/null
			wait $g
			rc=$?
			cat "$log.png" >>"$log"
			# Still running until our SIGTERM (143), with a frame.
			[ $rc -eq 143 ] && [ $shown -eq 1 ]
			;;
		3)
			scene=$(sed -n "$(((i / 4 + run) % nscenes + 1))p" "$dir/scenes")
			what="glmark2 $scene"
			LD_LIBRARY_PATH=$libgl_dir SGL_TRANSPORT=$spec SGL_DUMP_FRAME=$png \
				timeout 60 glmark2 -s 200x150 -b "$scene:duration=2" >"$log" 2>&1 &&
				grep -q "FPS:" "$log" &&
				python3 "$here/png_check.py" "$png" 200 150 >>"$log" 2>&1
			;;
		esac
		if [ $? -eq 0 ]; then
			echo "ok $what" >>"$out"
		else
			echo "FAIL $what" >>"$out"
			sed 's/^/#   /' "$log" | tail -5 >>"$dir/failures"
		fi
	done
}

rss() {   # kB of the pid
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

children_rss() {   # kB of the host's children together
	total=0
	for c in $(cat "/proc/$host_pid/task/"*/children 2>/dev/null); do
		r=$(rss "$c")
		total=$((total + ${r:-0}))
	done
	echo $total
}

# median of the numbers in lines FROM..TO of a file
median() {
	sed -n "$2,$3p" "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for mode in "$@"; do
	rm -f "$dir"/slot-* "$dir/failures" "$dir/rss"
	# A file and a socket of its own per mode: nothing of the last host's
	# (its processes may still be ending) is met by this one.
	shm=/dev/shm/sgl-soak-$$-$mode
	shms="$shms $shm"
	env -u LD_LIBRARY_PATH "$host" -l shm -l "unix:$dir/sock-$mode" -S "$shm" -c $((clients + 4)) -x \
		--isolation="$mode" ${SOAK_HELPER:+--helper="$SOAK_HELPER"} --exit-after $((secs + 300)) \
		-L info >"$dir/host.log" 2>&1 &
	host_pid=$!
	i=0
	until [ "$(grep -c "listening on" "$dir/host.log" 2>/dev/null)" -ge 2 ] || [ $i -ge 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if ! kill -0 "$host_pid" 2>/dev/null; then
		result 1 "$mode: sgl-host started" "$dir/host.log"
		host_pid=
		continue
	fi
	end=$(($(date +%s) + secs))
	k=0
	pids=
	while [ $k -lt "$clients" ]; do
		if [ $((k % 2)) -eq 0 ]; then spec=shm:$shm; else spec=unix:$dir/sock-$mode; fi
		slot $k $end "$spec" &
		pids="$pids $!"
		k=$((k + 1))
	done
	while [ "$(date +%s)" -lt "$end" ]; do
		echo "$(rss $host_pid) $(children_rss)" >>"$dir/rss"
		sleep 2
	done
	for p in $pids; do wait "$p"; done
	runs=$(cat "$dir"/slot-* | wc -l)
	bad=$(cat "$dir"/slot-* | grep -c "^FAIL")
	summary=$(cat "$dir"/slot-* | awk '{ $1 = ""; sub(/^ /, ""); sub(/ .*/, ""); n[$0]++ }
		END { for (w in n) printf "%s %d, ", w, n[w] }')
	echo "# $mode: $runs runs by $clients clients in $secs s: ${summary%, }"
	[ "$bad" -eq 0 ]
	result $? "$mode: every run ended well with its last frame right ($bad of $runs failed)" \
		"$dir/failures"
	ok=0
	# (Out of process, every session the server ends is "closed by the host".)
	grep -v "session ended: closed by the host" "$dir/host.log" |
		grep -q "context lost\|session ended\|the process serving it" && ok=1
	kill -0 "$host_pid" 2>/dev/null || ok=1
	result $ok "$mode: the host runs and lost no client (no lost context or dead process)" \
		"$dir/host.log"
	cut -d' ' -f1 "$dir/rss" >"$dir/rss.host"
	cut -d' ' -f2 "$dir/rss" >"$dir/rss.children"
	n=$(wc -l <"$dir/rss")
	q=$((n / 4))
	[ $q -ge 1 ] || q=1
	warm=$(sed -n "2,$((2 * q))p" "$dir/rss.host" | sort -n | tail -n 1)
	last=$(median "$dir/rss.host" $((n - q + 1)) "$n")
	echo "# $mode: host VmRSS at most $warm kB in the first half, median $last kB in the last quarter" \
		"(children together: $(median "$dir/rss.children" $((q + 1)) $((2 * q))) ->" \
		"$(median "$dir/rss.children" $((n - q + 1)) "$n") kB; $n samples)"
	[ "$last" -le $((warm + warm / 10)) ]
	result $? "$mode: server memory flat (VmRSS within 10%: $warm -> $last kB)" "$dir/rss"
	SGL_TRANSPORT=unix:$dir/sock-$mode timeout 60 "$prog" >"$dir/after.log" 2>&1
	result $? "$mode: guest_program served after the soak" "$dir/after.log"
	stop_pids "$host_pid"
	host_pid=
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
