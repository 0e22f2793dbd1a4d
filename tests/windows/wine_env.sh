# Sourced after tap.sh by the scripts that run Windows programs against a
# real sgl-host (run.sh, bench/bench_windows.sh), with $host set: a
# temporary directory $dir with a 64-bit Wine prefix (made before anything
# else uses Wine), Xvfb on a display of its own, and sgl-host listening on
# tcp:127.0.0.1:$port and ivshmem:/dev/shm/$shm_name; all of it removed at
# exit; sgl-host ends by itself after SGL_WIN_HOST_SECONDS (600).
# $overrides: the DLL overrides every program runs with; winpath:
# a path of this machine as Wine programs see it.
dir=$(mktemp -d /tmp/sgl-win.XXXXXX)
export WINEPREFIX="$dir/prefix" WINEDEBUG=-all WINEARCH=win64
xvfb_pid= host_pid=
shm_name=sgl-win-$$
cleanup() {
	[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
	/usr/lib/wine/wineserver64 -k 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "/dev/shm/$shm_name"
	# SGL_WIN_KEEP=1: the logs and frames stay (the prefix goes).
	if [ "${SGL_WIN_KEEP:-0}" = 1 ]; then
		rm -rf "$dir/prefix"; echo "# kept $dir"
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT INT TERM

# Xvfb on a display of our own; -noreset: Wine's last client leaving must
# not reset the server under the next one.
n=$((90 + $$ % 100))
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1024x768x24 -noreset -nolisten tcp >"$dir/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$n"
i=0
until [ -e "/tmp/.X11-unix/X$n" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done

# The prefix, 64-bit (with wine32 installed first, a WOW64 one). A crash
# must end the program, not wait in winedbg; without a window manager
# winex11 waits 2 s at every DestroyWindow unless windows are unmanaged.
overrides="mscoree,mshtml=;winedbg.exe=d"
WINEDLLOVERRIDES=$overrides timeout 180 "$wine64" wineboot -i >"$dir/wineboot.log" 2>&1
result $? "Wine prefix created" "$dir/wineboot.log"
WINEDLLOVERRIDES=$overrides timeout 60 "$wine64" reg add 'HKCU\Software\Wine\X11 Driver' \
	/v Managed /d N /f /reg:64 >>"$dir/wineboot.log" 2>&1
# Kept up between the programs (each start would otherwise pay for it).
/usr/lib/wine/wineserver64 -p 2>/dev/null

port=$((30000 + $$ % 20000))
"$host" --listen "tcp:127.0.0.1:$port" --listen "ivshmem:/dev/shm/$shm_name,size=16M" \
	--exit-after "${SGL_WIN_HOST_SECONDS:-600}" -L info >"$dir/host.log" 2>&1 &
host_pid=$!
i=0
until [ "$(grep -c 'listening on' "$dir/host.log" 2>/dev/null)" -ge 2 ] || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q "listening on ivshmem" "$dir/host.log"
result $? "sgl-host listens on tcp and ivshmem" "$dir/host.log"

# A path of this machine as Wine programs see it.
winpath() {
	printf 'Z:%s' "$1" | tr / '\\'
}

