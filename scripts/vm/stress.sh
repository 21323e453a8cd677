#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The long stress: boot a VM (-smp 4,maxcpus=8, or each of $CXIPI_STRESS_SMP)
# and run selftests/stress_test for $STRESS_SECONDS (default 60), which
# prints the per-CPU books of both domains; then judge the run as
# scripts/vm/check.sh does.
set -uo pipefail
. "$(dirname "$0")/common.sh"
seconds=${STRESS_SECONDS:-60}

make -s -C "$top/selftests" || exit 1
make_initramfs "$out/initramfs.cpio.gz" || exit 1


for smp in ${CXIPI_STRESS_SMP:-4,maxcpus=8}; do
	log=$out/console-stress-smp$smp.log
	echo "# booting the VM: -smp $smp, stress for $seconds s (console log: $log)"
	CXIPI_VM_TIMEOUT=$((seconds + 600)) boot_vm stress "$smp" "$log" \
		cxipi_stress_seconds="$seconds"
	grep -q '^cxipi-vm: done rc=0' "$log"
	host_tap $? "host: stress VM -smp $smp finished"
	! grep -q '^not ok' "$log"
	host_tap $? "host: stress VM -smp $smp: every TAP line ok"
	! kernel_problem_lines "$log" | grep .
	host_tap $? "host: stress VM -smp $smp console free of Oops/BUG/WARNING"
done
exit $rc
