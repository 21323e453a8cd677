#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The one VM runner: boot a kernel with a job, stream its console, and judge
# the run.  Every VM of cxipi goes through here: make vm-test (job check),
# stress, bench, run, and the debug kernels' suites (check, failslab,
# stress).  The guest's side is scripts/vm/guest/init, which wraps the job
# in the shared start and end steps (insmod, rmmod, taint, kmemleak) and
# writes TAP; this side adds, per boot, a TAP stream of its own: the VM
# finished, its console shows no kernel problem, and each checker the
# kernel's configuration has (KASAN, KCSAN, lockdep, kmemleak) was live.
#
# usage: vm.sh JOB        JOB is a file of scripts/vm/guest/jobs/
#
# What it packs is what `make vm-root` staged in build/vm-root-<arch>/.
# Settings (make passes its variables of the same names):
#   ARCH            x86 (q35) or arm64 (an emulated GICv3 board)
#   VM_SMP          the VMs to boot, one x86-style -smp value each:
#                   "4,maxcpus=8" is 4 CPUs online of 8 possible
#   VM_KERNEL       the image to boot; default Debian's matching the headers
#   KDIR            the build tree the module was built against: its
#                   configuration says which checkers must show up
#   VM_MEM          MiB of guest memory (default 1024)
#   VM_TIMEOUT      seconds before a VM counts as hung
#   VM_TCG          multi (default: one host thread per vCPU, true
#                   parallelism for the races) or single (one thread for all)
#   STRESS_SECONDS  the stress job's duration, on the kernel command line
#   VM_QEMU_ARGS    more QEMU arguments, appended as words (make bench's
#                   instruction counting VMs load a TCG plugin with it)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/tap.sh"
job=${1:?usage: vm.sh JOB}
[ -f "$top/scripts/vm/guest/jobs/$job.sh" ] || { echo "vm.sh: no job $job" >&2; exit 2; }
cache=${CXIPI_CACHE:-/var/cache/cxipi}
out=$top/build/vm
mkdir -p "$out"

case ${ARCH:-x86} in
arm64) karch=arm64 flavour=arm64 busybox=$cache/arm64/busybox ;;
*) karch=x86 flavour=amd64 busybox=/bin/busybox ;;
esac
root=$top/build/vm-root-$karch
[ -f "$root/cxipi/cxipi.ko" ] || { echo "vm.sh: nothing staged in $root: make vm-root" >&2; exit 2; }

headers=$(ls -d /usr/src/linux-headers-*-$flavour | sort -V | tail -n1)
kernel=${VM_KERNEL:-$cache/vmlinuz-${headers#/usr/src/linux-headers-}}
kconfig=${KDIR:-$headers}/include/config/auto.conf

# Each job's VMs and time, unless the caller says.
seconds=${STRESS_SECONDS:-60}
case $job in
check) smps="4,maxcpus=8 8" timeout=900 ;;
stress) smps=4,maxcpus=8 timeout=$((2 * seconds + 600)) ;;
bench) smps="2 4 8" timeout=900 ;;
bench-insn) smps="2 4" timeout=900 ;;
*) smps=4,maxcpus=8 timeout=900 ;;
esac
smps=${VM_SMP:-$smps}
timeout=${VM_TIMEOUT:-$timeout}
cmdline="cxipi_vm=$job"
[ "$job" != stress ] || cmdline+=" STRESS_SECONDS=$seconds"
# Instruction counts per wake-up need the target to sleep in hlt between
# IPIs, and the same entry and exit each time: a periodic tick rather than
# nohz's stop and restart on every wake-up.
[ "$job" != bench-insn ] || cmdline+=" idle=halt cpuidle.off=1 nohz=off"
# KUnit, where the kernel has it, is off at boot unless built with
# CONFIG_KUNIT_DEFAULT_ENABLED: the client's KUnit suite needs it on.
! grep -q '^CONFIG_KUNIT=y' "$kconfig" 2>/dev/null || cmdline+=" kunit.enable=1"

# busybox, the guest's scripts and the staged tree, as an initramfs.
image=$out/initramfs-$karch.cpio.gz
initramfs=$out/initramfs
rm -rf "$initramfs"
mkdir -p "$initramfs"/{bin,sbin,usr/bin,proc,sys,dev,tmp}
cp "$busybox" "$initramfs/bin/busybox"
install -m 755 "$top/scripts/vm/guest/init" "$initramfs/init"
install -m 755 "$top/scripts/vm/guest/timeout" "$initramfs/usr/bin/timeout"
cp -r "$root/cxipi" "$initramfs/cxipi"
cp -r "$top/scripts/vm/guest" "$initramfs/cxipi/guest"
(cd "$initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$image" || exit 1

# Console lines that report a kernel problem.  Debug kernels add their own
# (KASAN, KCSAN and atomic-sleep reports are BUG:, lockdep's WARNING:).
problems='Oops|BUG:|WARNING:|Kernel panic|Call Trace|ODEBUG:|UBSAN:|kmemleak: [0-9]+ new suspected'

# Those lines of console log LOG, numbered, except the kernel's own
# /proc/irq warnings that injected allocation failures provoke (a WARNING
# in remove_proc_entry() whose trace runs through unregister_irq_proc();
# see selftests/cxipi_lib.h): only the failslab job causes them.
problem_lines() {	# problem_lines LOG
	awk -v problems="$problems" '
		function flush() {
			if (block != "" && block !~ /unregister_irq_proc/)
				printf "%s", block
			block = ""
		}
		/WARNING: .* at fs\/proc\/generic\.c:[0-9]+ remove_proc_entry/ {
			flush(); block = NR ":" $0 "\n"; next
		}
		block != "" {
			block = block NR ":" $0 "\n"
			if (/---\[ end trace/) flush()
			next
		}
		$0 ~ problems { print NR ":" $0 }
		END { flush() }' "$1"
}

# On the terminal: the job's lines and any kernel line that signals a
# problem; the whole console, the guest's dmesg dump included, stays in the
# log.
console_filter() {
	awk -v problems="$problems" '/^----- cxipi-vm dmesg -----$/ { quiet = 1 }
	     /^----- cxipi-vm dmesg end -----$/ { quiet = 0; next }
	     $0 ~ problems { print; fflush(); next }
	     quiet || /^\[ *[0-9]+\.[0-9]+\]/ { next }
	     { print; fflush() }'
}

boot() {	# boot SMP LOG
	local smp=$1 log=$2 qemu console=ttyS0 cpus= tcg=tcg,thread=${VM_TCG:-multi}
	# "N,maxcpus=M": boot M CPUs and let the kernel bring up N of them
	# (maxcpus=N), so that the others are present, possible and offline,
	# as coprocessors are.  QEMU's own -smp N,maxcpus=M would leave them
	# absent, and then only 6.1 counts them possible, not 6.12.
	case $smp in
	*,maxcpus=*) cpus="maxcpus=${smp%%,*} " smp=${smp##*maxcpus=} ;;
	esac
	case $karch in
	arm64)
		qemu="qemu-system-aarch64 -machine virt,gic-version=3 -accel $tcg"
		qemu+=" -cpu cortex-a57 -smp $smp"
		console=ttyAMA0
		;;
	*)
		# A /dev/kvm node without virtualisation in the CPU hangs the guest.
		local accel=$tcg
		[ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
		qemu="qemu-system-x86_64 -machine q35 -accel $accel -cpu max -smp $smp"
		;;
	esac
	timeout --foreground "$timeout" \
		$qemu -m "${VM_MEM:-1024}" -kernel "$kernel" -initrd "$image" \
		-append "console=$console ${cpus}panic=-1 loglevel=1 $cmdline" \
		-display none -serial stdio -monitor none -no-reboot ${VM_QEMU_ARGS:-} </dev/null |
		tr -d '\r' | tee "$log" | console_filter
}

# A debug kernel whose checkers were off would pass for the wrong reason:
# each one the configuration has must show in the console.
config() { grep -q "^$1=y" "$kconfig" 2>/dev/null; }
checkers=()
! config CONFIG_KASAN || checkers+=('kasan: KernelAddressSanitizer initialized')
# KCSAN on from boot, and its boot self-test passed (it panics otherwise).
! config CONFIG_KCSAN || checkers+=('kcsan: enabled early' 'kcsan: selftest: [0-9]+/[0-9]+ tests passed')
! config CONFIG_PROVE_LOCKING || checkers+=('Lock dependency validator')
! config CONFIG_DEBUG_KMEMLEAK || checkers+=('kmemleak: Kernel memory leak detector initialized')

rc=0
for smp in $smps; do
	log=$out/console-$job-$karch-smp$smp.log
	echo "# VM $job: $(basename "$kernel"), -smp $smp, TCG thread=${VM_TCG:-multi} (console log: $log)"
	start=$(date +%s)
	boot "$smp" "$log"
	echo "# VM $job -smp $smp took $(($(date +%s) - start)) s"
	tap_n=0
	tap_plan $((3 + ${#checkers[@]}))
	grep -q '^cxipi-vm: done' "$log"
	tap_result $? "host: VM $job -smp $smp finished within $timeout s"
	summary=$("$top/scripts/tap-summary.py" "$log")
	tap_result $? "host: VM $job -smp $smp guest TAP complete, nothing failed: ${summary##*$'\n'}"
	! problem_lines "$log" | grep .
	tap_result $? "host: VM $job -smp $smp console free of Oops/BUG/WARNING"
	for checker in "${checkers[@]}"; do
		grep -qE "$checker" "$log"
		tap_result $? "host: VM $job -smp $smp kernel checker live: $checker"
	done
	[ $tap_failed -eq 0 ] || rc=1
done
exit $rc
