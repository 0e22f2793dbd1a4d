#!/bin/sh
# The Windows guest's installer (guest/windows/installer/) in a temporary
# Wine prefix: a silent install must put the 64-bit sglicd.dll into
# System32 and the 32-bit one into SysWOW64 (each the stripped DLL of its
# build), register the ICD under OpenGLDrivers in both registry views and
# write its uninstall entry; the silent uninstall must then remove every
# file, folder and key again.
#
#   sh tests/windows/installer.sh SETUP.exe BUILD_WIN64 BUILD_WIN32
#
# The installer is a 32-bit program: where this kernel cannot execute i386
# programs at all, the run is reported as skipped with that reason unless
# SGL_WIN32_REQUIRED=1 makes it a failure. Bounded: each Wine command 120 s.
set -u
setup=$(realpath "$1")
b64=$2
b32=$3
. "$(dirname "$0")/tap.sh"
if ! "$wine32" --version >/dev/null 2>/tmp/sgl-wine32.$$; then
	if grep -q "Exec format error" /tmp/sgl-wine32.$$ && [ "${SGL_WIN32_REQUIRED:-0}" != 1 ]; then
		rm -f /tmp/sgl-wine32.$$
		echo "ok - installer # SKIP this kernel cannot execute i386 programs (no IA32 emulation)"
		exit 0
	fi
	echo "not ok - Wine's 32-bit loader runs (wine32:i386 installed?)"
	rm -f /tmp/sgl-wine32.$$
	exit 1
fi
rm -f /tmp/sgl-wine32.$$
dir=$(mktemp -d /tmp/sgl-wininst.XXXXXX)
export WINEPREFIX="$dir/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
unset DISPLAY
cleanup() {
	/usr/lib/wine/wineserver64 -k 2>/dev/null
	[ "${SGL_WIN_KEEP:-0}" = 1 ] && echo "# kept $dir" || rm -rf "$dir"
}
trap cleanup EXIT INT TERM

timeout 180 "$wine64" wineboot -i >"$dir/wineboot.log" 2>&1
result $? "Wine prefix created" "$dir/wineboot.log"
c="$WINEPREFIX/drive_c"
icd='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\OpenGLDrivers\SGL'
uninst='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\sglhost'

# reg query of `key` in registry view `view` (/reg:64 or /reg:32).
query() {   # key view [value]
	timeout 120 "$wine64" reg query "$1" ${3:-} "$2" >"$dir/query.log" 2>&1
}

timeout 120 "$wine32" "$setup" /S >"$dir/install.log" 2>&1
rc=$?
/usr/lib/wine/wineserver64 -w
result $rc "silent install (exit $rc)" "$dir/install.log"

# The DLLs the installer carries are the builds' own, stripped: the same
# code (.text) as the build's DLL (stripping rewrites the header's time).
same_code() {   # arch built installed
	"$1-w64-mingw32-objcopy" -O binary --only-section=.text "$2" "$dir/want.text" &&
	"$1-w64-mingw32-objcopy" -O binary --only-section=.text "$3" "$dir/have.text" &&
	cmp -s "$dir/want.text" "$dir/have.text"
}
same_code x86_64 "$b64/guest/windows/sglicd.dll" "$c/windows/system32/sglicd.dll"
result $? "the 64-bit sglicd.dll is in System32"
same_code i686 "$b32/guest/windows/sglicd.dll" "$c/windows/syswow64/sglicd.dll"
result $? "the 32-bit sglicd.dll is in SysWOW64"
ok=0
for f in x64/opengl32.dll x86/opengl32.dll uninstall.exe; do
	[ -f "$c/Program Files/sglhost/$f" ] || ok=1
done
result $ok "opengl32.dll fronts and the uninstaller in C:\\Program Files\\sglhost"
for view in /reg:64 /reg:32; do
	query "$icd" $view && grep -q 'DLL.*REG_SZ.*sglicd' "$dir/query.log" &&
		grep -q 'Version.*REG_DWORD.*0x2' "$dir/query.log"
	result $? "the ICD is registered under OpenGLDrivers ($view): DLL sglicd, Version 2" \
		"$dir/query.log"
done
# The two views are two keys: the 32-bit one is Wow6432Node's.
query 'HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows NT\CurrentVersion\OpenGLDrivers\SGL' /reg:64
result $? "the 32-bit registration is under Wow6432Node" "$dir/query.log"
query "$uninst" /reg:64 && grep -q 'QuietUninstallString' "$dir/query.log"
result $? "the uninstall entry is written" "$dir/query.log"

timeout 120 "$wine32" 'C:\Program Files\sglhost\uninstall.exe' /S >"$dir/uninstall.log" 2>&1
rc=$?
# The uninstaller runs a copy of itself and returns at once: wait for it.
/usr/lib/wine/wineserver64 -w
result $rc "silent uninstall (exit $rc)" "$dir/uninstall.log"
ok=0
for f in windows/system32/sglicd.dll windows/syswow64/sglicd.dll "Program Files/sglhost"; do
	[ -e "$c/$f" ] && { echo "# still there: $f"; ok=1; }
done
result $ok "the uninstall removed both DLLs and C:\\Program Files\\sglhost"
ok=0
for k in "$icd /reg:64" "$icd /reg:32" "$uninst /reg:64"; do
	query "${k% *}" "${k##* }" && { echo "# still there: $k"; ok=1; }
done
result $ok "the uninstall removed both registrations and the uninstall entry"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
