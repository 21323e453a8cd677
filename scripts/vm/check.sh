#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the selftests inside a VM for each CPU count in $CXIPI_VM_SMP and
# judge the run: TAP from the guest, plus host-side checks that the VM
# finished and its console shows no Oops, BUG or WARNING.
set -uo pipefail
. "$(dirname "$0")/common.sh"

make -s -C "$top/selftests" || exit 1
for mod in selftests/client samples; do
	make -s -C "$top/$mod" CXIPI_SYMVERS="$top/Module.symvers" || exit 1
done
make_initramfs "$out/initramfs.cpio.gz" || exit 1


# Four online CPUs of eight possible (coprocessors 4-7), then eight online,
# so that holes and partial masks are real.
for smp in ${CXIPI_VM_SMP:-4,maxcpus=8 8}; do
	log=$out/console-check-smp$smp.log
	echo "# booting the VM: -smp $smp (console log: $log)"
	start=$(date +%s)
	boot_vm check "$smp" "$log"
	echo "# VM -smp $smp took $(($(date +%s) - start)) s"
	grep -q '^cxipi-vm: done' "$log"
	host_tap $? "host: VM -smp $smp finished in bounded time"
	! kernel_problem_lines "$log" | grep .
	host_tap $? "host: VM -smp $smp console free of Oops/BUG/WARNING"
done
exit $rc
