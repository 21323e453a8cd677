#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the benchmark module in a VM for each CPU count in $CXIPI_BENCH_SMP
# and collect its BENCH lines in build/bench/vm-smp<N>.txt.
set -uo pipefail
. "$(dirname "$0")/common.sh"

make -s -C "$top/selftests" || exit 1
make -s -C "$top/bench" CXIPI_SYMVERS="$top/Module.symvers" || exit 1
make_initramfs "$out/initramfs.cpio.gz" || exit 1
mkdir -p "$top/build/bench"
for smp in ${CXIPI_BENCH_SMP:-4 8}; do
	echo "# benchmarks in a VM with -smp $smp"
	boot_vm bench "$smp" "$out/console-bench-smp$smp.log" >/dev/null
	grep '^BENCH ' "$out/console-bench-smp$smp.log" >"$top/build/bench/vm-smp$smp.txt"
	grep -q 'test=done' "$top/build/bench/vm-smp$smp.txt" ||
		{ echo "the benchmark VM with -smp $smp did not finish" >&2; exit 1; }
done
