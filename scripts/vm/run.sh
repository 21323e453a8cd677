#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo: boot a VM with 4 CPUs, load cxipi, reserve an IPI on CPUs 1-3,
# send to each and print where the IPIs landed.
set -uo pipefail
. "$(dirname "$0")/common.sh"

make -s -C "$top/selftests" || exit 1
make_initramfs "$out/initramfs.cpio.gz" || exit 1
echo "booting the VM (-smp 4,maxcpus=8; about 10 s under TCG)..."
boot_vm run 4,maxcpus=8 "$out/console-run.log" | grep --line-buffered '^cxipi-'
grep -q '^cxipi-demo: unloaded' "$out/console-run.log"
