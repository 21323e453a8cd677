#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench's VMs, one at a time through the one runner (scripts/vm/vm.sh),
# each with the state of the machine it ran on beside its results:
#
#   timing: the bench job at -smp 2 (the single round trip: no more vCPUs
#     than the host's 2 cores), 4 and 8 (fan-out; oversubscribed on a
#     2-core host, which the report says)
#   counts: the bench-insn job at -smp 2 and 4, whose QEMU runs the
#     instruction counting plugin (bench/insn/insn_count.c); in VMs of
#     their own, so that the plugin's overhead never reaches a timing
#   link: the pair-bench job at -smp 4,maxcpus=8 (x86): round trips to
#     coprocessor CPU 7 through the doorbell link, whose other end is a
#     peer VM (-smp 2) behind an ivshmem-doorbell device, beside the
#     same-kernel doorbell
#
# Writes build/bench/: vm-smpN.txt (the timing VM's BENCH lines),
# insn-smpN.txt (the counting VM's BENCH lines) and insn-smpN.raw (the
# plugin's samples), link-smpN.txt (the pair-bench VM's BENCH lines),
# machine-<job>-smpN.txt (key=value lines).  A benchmark never fails: a VM
# that failed is said, and the rest still runs.
#
# Settings: BENCH_SMP (default "2 4 8"), BENCH_INSN_SMP (default "2 4")
# and BENCH_LINK_SMP (default "4,maxcpus=8"): the VMs of each kind; empty
# skips that kind.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
plugin=$top/build/insn/insn_count.so
mkdir -p "$out"
rm -f "$out"/vm-smp*.txt "$out"/insn-smp*.txt "$out"/insn-smp*.raw "$out"/link-smp*.txt \
	"$out"/machine-*.txt

karch=x86
[ "${ARCH:-x86}" != arm64 ] || karch=arm64
qemu=qemu-system-x86_64
[ $karch = x86 ] || qemu=qemu-system-aarch64

# machine FILE WHEN: the host's side of the run, as key=value lines.
machine() {
	local file=$1 when=$2
	if [ "$when" = start ]; then
		{
			echo "host_cores=$(nproc)"
			echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
			echo "qemu=$($qemu --version | head -n1)"
			echo "tcg_threads=${VM_TCG:-multi}"
			[ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && echo "accel=kvm" || echo "accel=tcg"
			echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
			echo "start=$(date -u +%FT%TZ)"
		} >"$file"
	else
		echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$file"
	fi
}

# run JOB SMP: one VM; its BENCH lines to $out/$2, the guest's kernel and
# vCPUs to its machine file.
run() {
	local job=$1 smp=$2 results=$3 state=$out/machine-$1-smp$2.txt rc log
	log=$top/build/vm/console-$job-$karch-smp$smp.log
	machine "$state" start
	VM_SMP=$smp "$top/scripts/vm/vm.sh" "$job"
	rc=$?
	machine "$state" end
	{
		echo "vcpus=$smp"
		echo "guest_kernel=$(sed -n 's/^cxipi-vm: start .* kernel //p' "$log" | head -n1)"
		echo "guest_cmdline=$(sed -n 's/^\[ *[0-9.]*\] Command line: //p' "$log" | head -n1)"
		echo "vm_ok=$([ $rc -eq 0 ] && echo yes || echo no)"
		[ "$job" != pair-bench ] || echo "peer_vcpus=2"
	} >>"$state"
	sed -n 's/^[# ]*BENCH //p' "$log" >"$results"
	[ $rc -eq 0 ] || echo "# bench: VM $job -smp $smp failed (above); its results may be partial"
}

for smp in ${BENCH_SMP-2 4 8}; do
	run bench "$smp" "$out/vm-smp$smp.txt"
done
if [ $karch != x86 ]; then
	echo "# bench: on $karch no instruction counts (the markers and the plugin are x86_64's) and no link round trips (x86 only)"
	exit 0
fi
for smp in ${BENCH_INSN_SMP-2 4}; do
	VM_QEMU_ARGS="-plugin $plugin,out=$out/insn-smp$smp.raw" \
		run bench-insn "$smp" "$out/insn-smp$smp.txt"
done
for smp in ${BENCH_LINK_SMP-4,maxcpus=8}; do
	run pair-bench "$smp" "$out/link-smp${smp%%,*}.txt"
done
exit 0
