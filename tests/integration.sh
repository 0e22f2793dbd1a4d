#!/bin/sh
# Runs tests/guest_program through sgl-host over every local transport and
# checks what it renders. Usage: integration.sh SGL_HOST GUEST_PROGRAM
# Prints "N passed, N failed".
set -u
host=$1
prog=$2
dir=$(mktemp -d)
passed=0
failed=0
trap 'rm -rf "$dir"' EXIT

run() {   # name listen-spec client-spec
	log="$dir/host-$1.log"
	"$host" --listen "$2" --shm-path "$dir/shm" -x --exit-after 30 -L info \
		>"$log" 2>&1 &
	pid=$!
	# Wait for the listener (at most 10 s).
	i=0
	until grep -q "listening on" "$log" 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if SGL_TRANSPORT="$3" timeout 60 "$prog"; then
		echo "ok - $1"
		passed=$((passed + 1))
	else
		echo "not ok - $1"; sed 's/^/# /' "$log"
		failed=$((failed + 1))
	fi
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}

run shm "shm" "shm:$dir/shm"
run unix "unix:$dir/sock" "unix:$dir/sock"
port=$((20000 + $$ % 20000))
run tcp "tcp:127.0.0.1:$port" "tcp:127.0.0.1:$port"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
