#!/usr/bin/env bash
# Regenerate the golden device tree of QEMU's virt board that fdt_virt_test.c compares
# avf-sim's tree against. Needs qemu-system-aarch64 and dtc (Debian qemu-system-arm,
# device-tree-compiler). The kernel is any 4-byte file (QEMU loads a file that is
# neither ELF nor Image raw, at RAM + 512 KiB); the initrd is 100 bytes. The test
# builds avf-sim's tree with the same parameters:
#   -smp 2 -m 256M -append "console=ttyAMA0 earlycon" -initrd (100 bytes)
# qemu-virt-smp2.dtb is the blob repacked by dtc (QEMU's own blob is padded to 1 MiB);
# qemu-virt-smp2.dts is the same tree as text, for people.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '\x00\x00\x00\x14' >"$tmp/kernel"
head -c 100 /dev/zero | tr '\0' 'i' >"$tmp/initrd"
qemu-system-aarch64 -M "virt,gic-version=3,dumpdtb=$tmp/virt.dtb" -cpu cortex-a72 \
  -smp 2 -m 256M -nographic -net none -kernel "$tmp/kernel" -initrd "$tmp/initrd" \
  -append "console=ttyAMA0 earlycon" >/dev/null 2>&1
dtc -q -I dtb -O dtb -o "$here/qemu-virt-smp2.dtb" "$tmp/virt.dtb"
dtc -q -I dtb -O dts -o "$here/qemu-virt-smp2.dts" "$tmp/virt.dtb"
qemu-system-aarch64 --version | head -n 1
