#!/bin/sh
# Installs the Debian packages the build (and, with --tests, the test suite)
# needs, when they are missing. Debian 12. Needs root or sudo.
set -eu

build="meson ninja-build gcc pkg-config python3 libepoxy-dev libegl-dev libgbm-dev
       libdrm-dev khronos-api libegl-mesa0 libgl1-mesa-dri mesa-common-dev libx11-dev
       libxext-dev libglvnd-dev libgl-dev libgles-dev"
tests="libcmocka-dev clang libclang-rt-14-dev xvfb x11-utils"
run="xvfb x11-utils mesa-utils"

pkgs=$build
[ "${1:-}" = "--tests" ] && pkgs="$pkgs $tests"
[ "${1:-}" = "--run" ] && pkgs="$pkgs $run"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
