#!/bin/sh
# Installs the Debian packages the build needs, when they are missing, and
# with --tests those of the test suite, with --apps those of the application
# checks (tests/apps.sh), with --run those of scripts/run.sh, with --vm those
# of the QEMU guests of tests/vm, with --conformance those of the piglit
# conformance gate (tests/piglit/gate.sh), with --windows those of the Windows guest
# (mingw-w64 for both arches, Wine with its 32-bit half: i386 multiarch is
# added first, and wine32 must be there before any Wine prefix is made, or
# the prefix is unusable once it arrives). Debian 12. Needs root or sudo.
set -eu

build="meson ninja-build gcc pkg-config python3 libepoxy-dev libegl-dev libgbm-dev
       libdrm-dev libegl-mesa0 libgl1-mesa-dri mesa-common-dev libx11-dev
       libxext-dev libglvnd-dev libgl-dev libgles-dev"
# g++: the installed headers are compiled as C++ too (tests/check_headers.sh).
tests="libcmocka-dev clang libclang-rt-14-dev xvfb x11-utils g++"
run="xvfb x11-utils mesa-utils"
# supertuxkart (with supertuxkart-data, about 630 MB): the modern GL engine
# of tests/apps.sh and bench_apps.sh (persistent maps, GL 3.3+, instancing).
# openarena (ioquake3 and its data, about 420 MB): a GL 1.x compatibility
# classic and a GLSL 3.2 core renderer in one engine, with a timedemo whose
# frames do not depend on the speed (tests/openarena.sh).
apps="xvfb mesa-utils glmark2-x11 apitrace python3 supertuxkart supertuxkart-data openarena"
# waffle-utils: wflinfo, without which piglit skips every shader test.
conformance="piglit waffle-utils xvfb python3"
# tests/vm: QEMU guests (the guest kernel itself is fetched by
# tests/vm/kernel.sh with apt-get download; the headers build guest/kmod).
vm="qemu-system-x86 busybox-static cpio kmod make linux-headers-amd64"
# guest/windows (docs/windows.md): cross compilers, and Wine to run the
# programs of tests/windows under Xvfb; nsis (makensis) builds the installer
# (guest/windows/installer/).
windows="gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 mingw-w64-tools wine wine64 wine32:i386 nsis
         xvfb x11-utils"

pkgs=$build
for opt in "$@"; do
	case $opt in
	--tests) pkgs="$pkgs $tests" ;;
	--run) pkgs="$pkgs $run" ;;
	--apps) pkgs="$pkgs $apps" ;;
	--vm) pkgs="$pkgs $vm" ;;
	--conformance) pkgs="$pkgs $conformance" ;;
	--windows) pkgs="$pkgs $windows" ;;
	*) echo "deps: unknown option $opt" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if [ -n "$missing" ] && ! command -v sudo >/dev/null; then
		echo "deps: missing$missing; run as root, or install them: apt-get install$missing" >&2
		exit 1
	fi
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if [ -z "$missing" ]; then
	# tests/vm downloads the guest kernel: apt needs its package lists.
	case " $* " in *" --vm "*)
		apt-cache show linux-image-amd64 >/dev/null 2>&1 || $sudo apt-get update -qq ;;
	esac
	exit 0
fi

echo "deps: installing$missing"
# wine32 comes from the i386 half of the archive.
case " $missing " in *":i386 "*)
	dpkg --print-foreign-architectures | grep -qx i386 || $sudo dpkg --add-architecture i386 ;;
esac
if ! { $sudo apt-get update -qq && \
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
	echo "deps: apt-get could not install$missing (its messages above);" \
		"fix the package sources or install them by hand, then run again" >&2
	exit 1
fi
