# shellcheck shell=sh
# Sourced by bench/bench_vm.sh: a fake sysfs PCI device for the guest
# library's ivshmem transport (guest/ivshmem.c), the shell twin of
# tests/test_ivshmem.c's fake_device(). The guest reads it through
# $SGL_IVSHMEM_SYSFS (docs/ivshmem.md), which replaces /sys/bus/pci/devices.
#
# fake_ivshmem SYSDIR BDF BAR2 [POS]: SYSDIR/BDF/ with vendor, device,
# resource (BAR0 256 bytes, BAR2 of its size), config (256 bytes; with an
# MSI-X capability when POS is given: the doorbell variant), resource0
# (IVPosition = POS, Doorbell = 0xffffffff) and resource2 a link to BAR2
# (a file, or /proc/PID/fd/N of a memfd).
fake_ivshmem() {
	_d=$1/$2
	mkdir -p "$_d"
	printf '0x1af4\n' >"$_d/vendor"
	printf '0x1110\n' >"$_d/device"
	_size=$(stat -L -c %s "$3")
	printf '0x00000000fea00000 0x00000000fea000ff 0x0000000000040200\n' >"$_d/resource"
	printf '0x0000000000000000 0x0000000000000000 0x0000000000000000\n' >>"$_d/resource"
	printf '0x0000000400000000 0x%016x 0x000000000014220c\n' \
		$((0x400000000 + _size - 1)) >>"$_d/resource"
	# 256 bytes of config space; the capability list only for a doorbell.
	head -c 256 /dev/zero >"$_d/config"
	head -c 256 /dev/zero >"$_d/resource0"
	if [ $# -ge 4 ]; then
		# status bit 4 (capabilities) at 6, the list at 0x34 -> 0x40: MSI-X.
		printf '\020' | dd of="$_d/config" bs=1 seek=6 conv=notrunc 2>/dev/null
		printf '\100' | dd of="$_d/config" bs=1 seek=52 conv=notrunc 2>/dev/null
		printf '\021' | dd of="$_d/config" bs=1 seek=64 conv=notrunc 2>/dev/null
		# IVPosition (offset 8, little-endian) and Doorbell 0xffffffff (12).
		_p=$4
		printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((_p & 255)) $((_p >> 8 & 255)) 0 0)" |
			dd of="$_d/resource0" bs=1 seek=8 conv=notrunc 2>/dev/null
		printf '\377\377\377\377' | dd of="$_d/resource0" bs=1 seek=12 conv=notrunc 2>/dev/null
	fi
	rm -f "$_d/resource2"
	ln -s "$3" "$_d/resource2"
}
