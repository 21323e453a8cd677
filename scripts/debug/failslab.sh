#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the debug kernel with the failslab job (scripts/vm/guest/failslab.sh)
# and judge it: the VM finished, every TAP line is ok, and the console has
# no kernel problem but the kernel's own /proc/irq warnings (see
# kernel_problem_lines in scripts/vm/common.sh).  Run by scripts/debug/check.sh,
# with the debug kernel's CXIPI_KERNEL and the selftests already built.
set -uo pipefail
. "$(dirname "$0")/../vm/common.sh"

make_initramfs "$out/initramfs.cpio.gz" || exit 1
log=$out/console-failslab.log
echo "# booting the VM: -smp 4, the failslab job (console log: $log)"
boot_vm failslab 4 "$log"

grep -q '^cxipi-vm: done rc=0' "$log"
host_tap $? "host: failslab VM finished"
! grep -q '^not ok' "$log"
host_tap $? "host: failslab VM: every TAP line ok"
! grep -qE '^ok [0-9]+ .*# SKIP|^# SKIP' "$log"
host_tap $? "host: failslab VM: failslab_test ran (the kernel has fail-nth)"
! kernel_problem_lines "$log" | grep .
host_tap $? "host: failslab VM console free of Oops/BUG/WARNING but /proc/irq's own"
exit $rc
