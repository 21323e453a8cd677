# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side VM scripts: where things are and how to boot.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/vm
cache=${CXIPI_CACHE:-/var/cache/cxipi}
mkdir -p "$out"

# The VM's architecture: x86_64 (q35) unless make passes ARCH=arm64, which
# boots an emulated GICv3 board with the Debian arm64 kernel and busybox
# that scripts/deps.sh fetches.
case ${ARCH:-x86} in
arm64)
	flavour=arm64 busybox=$cache/arm64/busybox
	selftests_bin=$top/selftests/build-arm64 ;;
*)
	flavour=amd64 busybox=/bin/busybox
	selftests_bin=$top/selftests/build ;;
esac

# The Debian kernel matching the headers, or $CXIPI_KERNEL (the debug
# kernel of make check-debug).
kernel_image() {
	local headers kver
	if [ -n "${CXIPI_KERNEL:-}" ]; then
		echo "$CXIPI_KERNEL"
		return
	fi
	headers=$(ls -d /usr/src/linux-headers-*-$flavour | sort -V | tail -n1)
	kver=${headers#/usr/src/linux-headers-}
	echo "$cache/vmlinuz-$kver"
}

# Pack busybox, the module, the selftests and the guest scripts.
make_initramfs() {	# make_initramfs OUTPUT.cpio.gz
	local root=$out/initramfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,cxipi/selftests/bin}
	cp "$busybox" "$root/bin/busybox"
	cp "$top/scripts/vm/guest/init" "$root/init"
	chmod +x "$root/init"
	cp -r "$top/scripts/vm/guest" "$root/cxipi/guest"
	cp "$top/cxipi.ko" "$root/cxipi/"
	cp "$top/selftests/settings" "$top/selftests/config" "$root/cxipi/selftests/"
	cp "$selftests_bin"/* "$top"/selftests/*.sh "$root/cxipi/selftests/bin/"
	cp "$top/Documentation/ABI/testing/sysfs-kernel-cxipi" "$root/cxipi/selftests/"
	for ko in bench/cxipi_bench.ko samples/cxipi_remoteproc_sample.ko; do
		[ ! -f "$top/$ko" ] || cp "$top/$ko" "$root/cxipi/"
	done
	for ko in "$top"/selftests/client/*.ko; do
		[ ! -f "$ko" ] || cp "$ko" "$root/cxipi/selftests/"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}

# Boot the VM and stream its console; the console log is kept in $out.
# SMP is an x86 -smp value: "4,maxcpus=8" is 4 CPUs online of 8 possible.
boot_vm() {	# boot_vm JOB SMP LOG [extra kernel args]
	local job=$1 smp=$2 log=$3 qemu console=ttyS0 cpus=
	shift 3
	case $flavour in
	arm64)
		# The virt board's CPUs are all present: boot them all and let
		# the kernel bring up maxcpus= of them; the others are possible
		# and offline, as coprocessors are (PSCI can online them).
		qemu="qemu-system-aarch64 -machine virt,gic-version=3,accel=tcg"
		qemu+=" -cpu cortex-a57 -smp ${smp##*maxcpus=}"
		console=ttyAMA0 cpus="maxcpus=${smp%%,*} "
		;;
	*)
		# A /dev/kvm node without virtualisation in the CPU hangs the guest.
		local accel=tcg
		[ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
		qemu="qemu-system-x86_64 -machine q35,accel=$accel -cpu max -smp $smp"
		;;
	esac
	timeout --foreground "${CXIPI_VM_TIMEOUT:-900}" \
		$qemu -m "${CXIPI_VM_MEM:-1024}" \
		-kernel "$(kernel_image)" -initrd "$out/initramfs.cpio.gz" \
		-append "console=$console ${cpus}panic=-1 loglevel=1 cxipi_vm=$job $*" \
		-display none -serial stdio -monitor none -no-reboot </dev/null |
		tr -d '\r' | tee "$log" | console_filter
}

# The host scripts' own TAP lines; a failure also sets rc=1.
n=0 rc=0
host_tap() {	# host_tap STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; rc=1; fi
}

# Console lines that report a kernel problem.  Debug kernels add their own
# (KASAN, KCSAN and atomic-sleep reports are BUG:, lockdep's WARNING:).
kernel_problems='Oops|BUG:|WARNING:|Kernel panic|Call Trace|ODEBUG:|UBSAN:|kmemleak: [0-9]+ new suspected'

# Those lines of console log LOG, numbered, except the kernel's own
# /proc/irq warnings that injected allocation failures provoke (a WARNING
# in remove_proc_entry() whose trace runs through unregister_irq_proc();
# see selftests/cxipi_lib.h): only selftests/failslab_test causes them.
kernel_problem_lines() {	# kernel_problem_lines LOG
	awk -v problems="$kernel_problems" '
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

# On the terminal: the jobs' own lines and any kernel line that signals a
# problem; the whole console, dmesg included, stays in the log.
console_filter() {
	awk -v problems="$kernel_problems" '/^----- cxipi-vm dmesg -----$/ { quiet = 1 }
	     /^----- cxipi-vm dmesg end -----$/ { quiet = 0; next }
	     $0 ~ problems { print; fflush(); next }
	     quiet || /^\[ *[0-9]+\.[0-9]+\]/ { next }
	     { print; fflush() }'
}
