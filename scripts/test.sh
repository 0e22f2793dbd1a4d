#!/bin/sh
# Every test: set up what is missing, build, run the suite, the Windows guest
# under Wine (tests/windows) and the end to end test in QEMU guests
# (tests/vm); then the suite again under AddressSanitizer
# + UndefinedBehaviorSanitizer, real applications, the piglit conformance
# gate (tests/piglit/gate.sh, docs/conformance.md), and a bounded libFuzzer
# run on the submit entry point (FUZZ_SECONDS, default 60).
set -eu
cd "$(dirname "$0")/.."
# One install of everything: wine32 must be there before any Wine prefix.
sh scripts/deps.sh --tests --apps --vm --conformance --windows
export EGL_PLATFORM=surfaceless

echo "== build and test"
# The suite needs cmocka: tests=enabled makes meson stop, saying so, when it
# is missing (a build dir scripts/run.sh configured may have left the tests out).
reconf=
[ -f build/build.ninja ] && reconf=--reconfigure
log=$(mktemp)
meson setup $reconf build -Dtests=enabled >"$log" 2>&1 || {
	tail -n 30 "$log"
	echo "test: meson setup failed (above): install what it names (scripts/deps.sh --tests)" >&2
	exit 1
}
rm -f "$log"
ninja -C build >/dev/null
meson test -C build --print-errorlogs

# The Windows guest (guest/windows), cross-built for both arches, under
# Wine against this build's sgl-host (tests/windows/run.sh; docs/windows.md).
echo "== Windows guest under Wine (tests/windows)"
for arch in x86_64 i686; do
	[ -f "build-win-$arch/build.ninja" ] || meson setup "build-win-$arch" \
		--cross-file "meson/cross/$arch-w64-mingw32.txt" >/dev/null
	ninja -C "build-win-$arch" >/dev/null
done
timeout 900 sh tests/windows/run.sh build/examples/sgl-host build-win-x86_64 build-win-i686
# The installer (makensis), silently installed and uninstalled in a
# temporary Wine prefix (tests/windows/installer.sh).
sh guest/windows/installer/build.sh build-win-x86_64 build-win-i686 build-win-x86_64/sglhost-setup.exe
timeout 600 sh tests/windows/installer.sh build-win-x86_64/sglhost-setup.exe build-win-x86_64 build-win-i686

# Real guests: QEMU (TCG) boots a Debian kernel and the GL program renders
# through each VM transport (tcp, ivshmem plain and doorbell, vhost-user-vsock).
# 77: no guest can run on this machine.
echo "== end to end in QEMU guests (tests/vm)"
rc=0
sh tests/vm/run.sh build || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"

echo "== build and test with -Db_sanitize=address,undefined"
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined \
	-Db_lundef=false -Dtests=enabled >/dev/null
ninja -C build-asan >/dev/null
# Mesa's own allocations at exit are not ours to chase.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs

echo "== real applications through sgl-host (tests/apps.sh)"
sh tests/apps.sh build/examples/sgl-host build/guest/glx

# piglit's tests through sgl-host against the checked-in expectations; fails
# when a test expected to pass does not. GATE_TIMEOUT (600 s) bounds its piglit runs.
echo "== piglit conformance gate through sgl-host (tests/piglit/gate.sh)"
bash tests/piglit/gate.sh build

if [ -x scripts/fuzz.sh ] || [ -f scripts/fuzz.sh ]; then
	echo "== fuzz the decoder and the transports for ${FUZZ_SECONDS:-90} s"
	sh scripts/fuzz.sh
fi
echo "== all tests passed"
