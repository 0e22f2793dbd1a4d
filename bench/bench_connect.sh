#!/bin/sh
# New clients and connection floods against sgl-host in process isolation
# (issue 14, item 4), "before" (--pool=0 and no shares per source: a fork
# and an EGL display per client, everyone admitted) next to "after" (the
# defaults: a warm pool, shares per source), in one run:
#   1. connect to first reply (bench_connect: median, p99) over unix, tcp
#      and shm, new clients 250 ms apart;
#   2. a well-behaved client's glGetError round trip (bench_transport, p99)
#      over tcp from 127.0.0.1, alone, then while another source
#      (127.0.0.2) opens 100 connections per second, each held 1 s.
# Usage: bench_connect.sh SGL_HOST BENCH_CONNECT BENCH_TRANSPORT
# Environment: SGL_BENCH_CONNECT_N (sessions per figure, default 40),
#   SGL_BENCH_CONNECT_CALLS (round trips, default 50000).
set -u
host=$1
connect=$2
transport=$3
n=${SGL_BENCH_CONNECT_N:-40}
calls=${SGL_BENCH_CONNECT_CALLS:-50000}
dir=$(mktemp -d)
shm=/dev/shm/sgl-bench-connect-$$
port=$((20000 + $$ % 20000))
host_pid=
status=0
cleanup() {
	[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME OPTION...: sgl-host on unix, tcp and shm, until its pool is
# warm (a second: the pool starts its processes one at a time).
start() {
	name=$1
	shift
	rm -f "$dir/sock"
	env -u LD_LIBRARY_PATH "$host" -l "unix:$dir/sock" -l "tcp:127.0.0.1:$port" -l shm \
		-S "$shm" -x --exit-after 900 "$@" >"$dir/host-$name.log" 2>&1 &
	host_pid=$!
	i=0
	until [ "$(grep -c "listening on" "$dir/host-$name.log")" -ge 3 ] || [ $i -ge 200 ]; do
		kill -0 "$host_pid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	grep -q "listening on" "$dir/host-$name.log" || {
		echo "$name: sgl-host did not start:"; sed 's/^/  host: /' "$dir/host-$name.log"
		status=1; return 1; }
	sleep 2
}

stop() {
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null
	host_pid=
	grep -v "listening on\|served [0-9]* client" "$dir/host-$1.log" | tail -5 | sed 's/^/  host: /'
}

# roundtrip LABEL: the p99 line of bench_transport over tcp.
roundtrip() {
	SGL_TRANSPORT="tcp:127.0.0.1:$port" "$transport" -n "$calls" roundtrip >"$dir/rt" 2>&1 ||
		status=1
	sed -n "s|^tcp   round trip glGetError *|tcp   round trip, $1: |p" "$dir/rt"
	grep -q "round trip" "$dir/rt" || sed 's/^/  /' "$dir/rt"
}

for mode in before after; do
	if [ $mode = before ]; then
		set -- --pool=0 --source-clients=0 --source-rate=0
	else
		set --
	fi
	echo "-- $mode: sgl-host --isolation=process $*"
	start $mode "$@" || continue
	for t in unix tcp shm; do
		case $t in
		unix) addr=unix:$dir/sock ;;
		tcp) addr=tcp:127.0.0.1:$port ;;
		shm) addr=shm:$shm ;;
		esac
		SGL_TRANSPORT=$addr "$connect" -n "$n" || status=1
	done
	roundtrip "alone"
	SGL_TRANSPORT="tcp:127.0.0.1:$port" "$connect" -F 100 -d 30 -B 127.0.0.2 >"$dir/flood" 2>&1 &
	flood=$!
	sleep 1
	roundtrip "another source opening 100 connections/s"
	kill "$flood" 2>/dev/null
	wait "$flood" 2>/dev/null
	cat "$dir/flood"
	stop $mode
done
exit $status
