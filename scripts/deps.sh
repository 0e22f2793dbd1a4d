#!/bin/sh
# Installs the Debian packages the build needs, when they are missing, and
# with --tests those of the test suite, with --apps those of the application
# checks (tests/apps.sh), with --run those of scripts/run.sh. Debian 12.
# Needs root or sudo.
set -eu

build="meson ninja-build gcc pkg-config python3 libepoxy-dev libegl-dev libgbm-dev
       libdrm-dev khronos-api libegl-mesa0 libgl1-mesa-dri mesa-common-dev libx11-dev
       libxext-dev libglvnd-dev libgl-dev libgles-dev"
tests="libcmocka-dev clang libclang-rt-14-dev xvfb x11-utils"
run="xvfb x11-utils mesa-utils"
apps="xvfb mesa-utils glmark2-x11 apitrace python3"

pkgs=$build
for opt in "$@"; do
	case $opt in
	--tests) pkgs="$pkgs $tests" ;;
	--run) pkgs="$pkgs $run" ;;
	--apps) pkgs="$pkgs $apps" ;;
	*) echo "deps: unknown option $opt" >&2; exit 2 ;;
	esac
done

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
