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
# Jobs pair, pair-bench and (on x86) run (paired() below) boot two VMs from the one
# image: the main VM (the job) and, through the hub scripts/vm/pair.py, a
# peer VM (job peer, -smp 2), both
# with an ivshmem-doorbell device on the hub's ivshmem server at the same
# PCI address, and each with a second serial port (ttyS1) on the hub, by
# which the main VM's tests drive the peer (selftests/ctl_lib.sh).  The
# peer's console (build/vm/console-peer-<arch>.log, every boot of it) is
# judged as the main VM's is.
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
#   PAIR_HUBTEST    1: job pair also drives the hub through each of its
#                   commands (kill, boot, stop, cont, server restart)
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

# Whether the job has a peer VM behind an ivshmem-doorbell device.
paired() {
	case $job in
	pair | pair-bench) ;;
	run) [ "$karch" = x86 ] ;; # the demo's last act, where the hub runs
	*) return 1 ;;
	esac
}

# Each job's VMs and time, unless the caller says.
seconds=${STRESS_SECONDS:-60}
case $job in
check) smps="4,maxcpus=8 8" timeout=900 ;;
stress) smps=4,maxcpus=8 timeout=$((2 * seconds + 600)) ;;
bench) smps="2 4 8" timeout=900 ;;
bench-insn) smps="2 4" timeout=900 ;;
pair) smps=4,maxcpus=8 timeout=$((${PAIR_HUBTEST:-0} == 1 ? 1500 : 900)) ;;
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
[ "$job" != pair ] || [ "${PAIR_HUBTEST:-0}" != 1 ] || cmdline+=" cxipi_pair_hubtest=1"
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

# The QEMU command line of a VM, into the array qemu.
qemu_cmd() {	# qemu_cmd SMP KERNEL-CMDLINE
	local smp=$1 append=$2 console=ttyS0 cpus='' tcg=tcg,thread=${VM_TCG:-multi}
	# "N,maxcpus=M": boot M CPUs and let the kernel bring up N of them
	# (maxcpus=N), so that the others are present, possible and offline,
	# as coprocessors are.  QEMU's own -smp N,maxcpus=M would leave them
	# absent, and then only 6.1 counts them possible, not 6.12.
	case $smp in
	*,maxcpus=*) cpus="maxcpus=${smp%%,*} " smp=${smp##*maxcpus=} ;;
	esac
	case $karch in
	arm64)
		qemu=(qemu-system-aarch64 -machine "virt,gic-version=3" -accel "$tcg"
			-cpu cortex-a57 -smp "$smp")
		console=ttyAMA0
		;;
	*)
		# A /dev/kvm node without virtualisation in the CPU hangs the guest.
		local accel=$tcg
		[ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
		qemu=(qemu-system-x86_64 -machine q35 -accel "$accel" -cpu max -smp "$smp")
		;;
	esac
	# shellcheck disable=SC2206 # VM_QEMU_ARGS is words
	qemu+=(-m "${VM_MEM:-1024}" -kernel "$kernel" -initrd "$image"
		-append "console=$console ${cpus}panic=-1 loglevel=1 $append"
		-display none -serial stdio -monitor none -no-reboot ${VM_QEMU_ARGS:-})
}

boot() {	# boot SMP LOG [QEMU-ARG...]
	local smp=$1 log=$2
	shift 2
	qemu_cmd "$smp" "$cmdline"
	timeout --foreground "$timeout" "${qemu[@]}" "$@" </dev/null |
		tr -d '\r' | tee "$log" | console_filter
}

# A paired job: the hub, which runs the ivshmem server and boots the peer VM
# with the QEMU command line given here; pair_start sets the main VM's
# QEMU arguments (pair_args), pair_end winds the hub down and sets hub_rc.
pair=$out/pair
peer_log=$out/console-peer-$karch.log
hub_log=$out/pair-hub.log
hub_pid=
pair_args=()
ivshmem_args() {	# ivshmem_args: the device, at one PCI address in both VMs
	echo "-chardev socket,id=ivs,path=$pair/ivshmem.sock"
	echo "-device ivshmem-doorbell,chardev=ivs,vectors=2,addr=0x10"
}
pair_start() {
	local peer_cmdline=${cmdline/cxipi_vm=$job/cxipi_vm=peer} i
	rm -rf "$pair"
	mkdir -p "$pair"
	: >"$peer_log"
	qemu_cmd 2 "${peer_cmdline/ cxipi_pair_hubtest=1/} cxipi_link_role=endpoint"
	# shellcheck disable=SC2046 # one argument a line
	"$top/scripts/vm/pair.py" --ctl "$pair/ctl.sock" --peer-ctl "$pair/peer-ctl.sock" \
		--peer-monitor "$pair/peer-qmp.sock" --ivshmem "$pair/ivshmem.sock" \
		--shm "$pair/shm" --peer-log "$peer_log" --ready "$pair/ready" -- \
		"${qemu[@]}" $(ivshmem_args) \
		-chardev "socket,id=ctl,path=$pair/peer-ctl.sock" -device isa-serial,chardev=ctl \
		-chardev "socket,id=qmp,path=$pair/peer-qmp.sock" -mon chardev=qmp,mode=control \
		</dev/null 2>"$hub_log" &
	hub_pid=$!
	for ((i = 0; i < 300; i++)); do
		[ ! -e "$pair/ready" ] || break
		kill -0 "$hub_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -e "$pair/ready" ] || { echo "# vm.sh: the pair hub did not come up (log: $hub_log)"; return 1; }
	echo "# pair hub up (log: $hub_log), peer VM -smp 2 booting (console log: $peer_log)"
	# shellcheck disable=SC2207 # one argument a line
	pair_args=($(ivshmem_args) -chardev "socket,id=ctl,path=$pair/ctl.sock"
		-device "isa-serial,chardev=ctl")
}
# The hub ends by itself when the main VM's QEMU closes its port: it asks
# the peer to exit and waits for it (4 min for its loop, 2 to power off).
pair_end() {
	local i
	hub_rc=1
	[ -n "$hub_pid" ] || return
	kill -TERM "$hub_pid" 2>/dev/null
	for ((i = 0; i < 400; i++)); do
		kill -0 "$hub_pid" 2>/dev/null || break
		sleep 1
	done
	kill -KILL "$hub_pid" 2>/dev/null
	wait "$hub_pid"
	hub_rc=$?
	hub_pid=
	sed 's/^/# hub: /' "$hub_log"
}
trap '[ -z "$hub_pid" ] || kill -TERM "$hub_pid" 2>/dev/null' EXIT

# The peer's last boot, from the hub's line that begins it: the boots
# before it were killed on purpose.
last_boot() {	# last_boot LOG
	awk '/^----- cxipi-pair: peer boot [0-9]+ -----$/ { n = NR }
	     { line[NR] = $0 } END { for (i = n; i <= NR; i++) if (i) print line[i] }' "$1"
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
	if paired && ! pair_start; then
		pair_end
		tap_n=0
		tap_plan 1
		tap_result 1 "host: the pair hub came up for VM $job -smp $smp"
		rc=1
		continue
	fi
	echo "# VM $job: $(basename "$kernel"), -smp $smp, TCG thread=${VM_TCG:-multi} (console log: $log)"
	start=$(date +%s)
	boot "$smp" "$log" "${pair_args[@]}"
	echo "# VM $job -smp $smp took $(($(date +%s) - start)) s"
	! paired || pair_end
	tap_n=0
	tap_plan $((3 + ${#checkers[@]} + (${#pair_args[@]} ? 4 : 0)))
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
	if [ ${#pair_args[@]} -gt 0 ]; then
		[ "$hub_rc" -eq 0 ]
		tap_result $? "host: pair hub: the peer VM powered off when told to exit"
		last_boot "$peer_log" >"$out/console-peer-last.log"
		grep -q '^cxipi-vm: done' "$out/console-peer-last.log"
		tap_result $? "host: peer VM's last boot finished"
		summary=$("$top/scripts/tap-summary.py" "$out/console-peer-last.log")
		tap_result $? "host: peer VM's last boot guest TAP complete, nothing failed: ${summary##*$'\n'}"
		! problem_lines "$peer_log" | grep .
		tap_result $? "host: peer VM's console free of Oops/BUG/WARNING, every boot"
		pair_args=()
	fi
	[ $tap_failed -eq 0 ] || rc=1
done
exit $rc
