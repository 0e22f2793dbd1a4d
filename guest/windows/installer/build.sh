#!/bin/sh
# Builds the Windows guest's installer (sglhost.nsi) with Debian's makensis
# from both arches' cross builds (docs/windows.md):
#
#   sh guest/windows/installer/build.sh BUILD_WIN64 BUILD_WIN32 OUT.exe
set -eu
here=$(dirname "$0")
b64=$(realpath "$1")
b32=$(realpath "$2")
out=$(realpath -m "$3")
for f in "$b64/guest/windows/sglicd.dll" "$b64/guest/windows/opengl32.dll" \
	"$b32/guest/windows/sglicd.dll" "$b32/guest/windows/opengl32.dll"; do
	[ -f "$f" ] || { echo "installer: $f is not built" >&2; exit 1; }
done
# Stripped copies (the builds keep their debug information).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/x64" "$stage/x86"
for dll in sglicd opengl32; do
	x86_64-w64-mingw32-strip -o "$stage/x64/$dll.dll" "$b64/guest/windows/$dll.dll"
	i686-w64-mingw32-strip -o "$stage/x86/$dll.dll" "$b32/guest/windows/$dll.dll"
done
command -v makensis >/dev/null || { echo "installer: no makensis (scripts/deps.sh --windows)" >&2; exit 1; }
version=$(sed -n "s/^ *version: '\([^']*\)'.*/\1/p" "$here/../../../meson.build" | head -1)
makensis -V2 -DSTAGE="$stage" -DVERSION="$version" -DOUTFILE="$out" \
	"$here/sglhost.nsi"
