#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One debug kernel's suite of make check-debug: build (or reuse) debug
# kernel NAME (scripts/debug/NAME.config: kasan, kcsan), build cxipi and
# the modules of its tests against it in a copy of the tree (so the tree's
# own cxipi.ko stays built for Debian's kernel), then run the VM selftests,
# the failslab job alone if the kernel has failslab, and $STRESS_SECONDS of
# the stress job (the stress selftest and the hotplug loop).  Every test
# already fails on a WARNING, BUG (KASAN, KCSAN, atomic sleep), UBSAN,
# lockdep or ODEBUG report in the log; the guest adds a kmemleak scan after
# the unload.  The host checks that the kernel's checkers were live.
#
# usage: check.sh NAME
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: check.sh NAME (kasan, kcsan)}
start=$(date +%s)

kdir=$("$top/scripts/debug/kernel.sh" "$name") ||
	{ echo "not ok 1 debug kernel $name: build"; exit 1; }
echo "# debug kernel $name ready after $(($(date +%s) - start)) s: $kdir"

tree=$top/build/debug/$name/tree
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
# The module target also runs scripts/check-core-objects.sh, which fails
# if the C++ core missed the kernel's sanitizer instrumentation.
make --no-print-directory -C "$tree" module ||
	{ echo "not ok 1 debug kernel $name: build cxipi.ko"; exit 1; }

rc=0
"$tree/scripts/vm/check.sh" || rc=1

# A debug kernel whose checkers were off would pass for the wrong reason:
# the console of the selftest VM must show each one that the kernel's
# configuration has starting up (and kmemleak's verdict after the unload).
config() { grep -q "^$1=y" "$kdir/include/config/auto.conf"; }
checkers=()
! config CONFIG_KASAN || checkers+=('kasan: KernelAddressSanitizer initialized')
# KCSAN on from boot, and its boot self-test passed (it panics otherwise).
! config CONFIG_KCSAN || checkers+=('kcsan: enabled early' 'kcsan: selftest: [0-9]+/[0-9]+ tests passed')
! config CONFIG_PROVE_LOCKING || checkers+=('Lock dependency validator')
! config CONFIG_DEBUG_KMEMLEAK || checkers+=('kmemleak: Kernel memory leak detector initialized'
	'ok [0-9]+ vm: kmemleak: no unreferenced object')
log=$(ls "$tree"/build/vm/console-check-smp*.log | head -n1)
n=0
for checker in "${checkers[@]}"; do
	n=$((n + 1))
	if grep -qE "$checker" "$log"; then
		echo "ok $n host: debug kernel $name: $checker"
	else
		echo "not ok $n host: debug kernel $name: $checker (not in $log)"
		rc=1
	fi
done

! config CONFIG_FAILSLAB || "$tree/scripts/debug/failslab.sh" || rc=1
STRESS_SECONDS=${STRESS_SECONDS:-60} "$tree/scripts/vm/stress.sh" || rc=1
echo "# debug kernel $name: its suite took $(($(date +%s) - start)) s"
exit $rc
