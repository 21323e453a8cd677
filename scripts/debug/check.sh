#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: build (or reuse) the debug kernel, build cxipi and the
# modules of its tests against it in a copy of the tree (so the tree's own
# cxipi.ko stays built for Debian's kernel), then run the VM selftests and
# $STRESS_SECONDS of the stress job on it, and the failslab job alone.  Every test already fails on a
# WARNING, BUG (KASAN, atomic sleep), lockdep or ODEBUG report in the log;
# the guest adds a kmemleak scan after the unload.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)

kdir=$("$top/scripts/debug/kernel.sh") || { echo "not ok 1 debug kernel build"; exit 1; }
echo "# debug kernel ready after $(($(date +%s) - start)) s: $kdir"

tree=$top/build/debug/tree
rm -rf "$tree"
mkdir -p "$tree"
(cd "$top" && git ls-files -co --exclude-standard -z |
	xargs -0 -I{} sh -c '[ -e "$1" ] && printf "%s\0" "$1"' _ {} |
	tar --null -T - -cf -) | tar -xf - -C "$tree" || exit 1

export KDIR=$kdir
export CXIPI_KERNEL=$kdir/arch/x86/boot/bzImage
export CXIPI_VM_MEM=${CXIPI_VM_MEM:-2048}
export CXIPI_VM_TIMEOUT=${CXIPI_VM_TIMEOUT:-2400}
export CXIPI_VM_SMP=${CXIPI_VM_SMP:-4,maxcpus=8}
make --no-print-directory -C "$tree" module || { echo "not ok 1 build cxipi.ko for the debug kernel"; exit 1; }

rc=0
"$tree/scripts/vm/check.sh" || rc=1

# A debug kernel whose checkers were off would pass for the wrong reason.
log=$(ls "$tree"/build/vm/console-check-smp*.log | head -n1)
n=0
for checker in 'kasan: KernelAddressSanitizer initialized' \
	'Lock dependency validator' \
	'kmemleak: Kernel memory leak detector initialized' \
	'ok [0-9]+ vm: kmemleak: no unreferenced object'; do
	n=$((n + 1))
	if grep -qE "$checker" "$log"; then
		echo "ok $n host: debug kernel: $checker"
	else
		echo "not ok $n host: debug kernel: $checker (not in $log)"
		rc=1
	fi
done

"$tree/scripts/debug/failslab.sh" || rc=1
STRESS_SECONDS=${STRESS_SECONDS:-60} "$tree/scripts/vm/stress.sh" || rc=1
echo "# make check-debug took $(($(date +%s) - start)) s"
exit $rc
