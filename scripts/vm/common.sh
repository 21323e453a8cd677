# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side VM scripts: where things are and how to boot.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/vm
cache=${CXIPI_CACHE:-/var/cache/cxipi}
mkdir -p "$out"

kernel_image() {
	local headers kver
	headers=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
	kver=${headers#/usr/src/linux-headers-}
	echo "$cache/vmlinuz-$kver"
}

# Pack busybox, the module, the selftests and the guest scripts.
make_initramfs() {	# make_initramfs OUTPUT.cpio.gz
	local root=$out/initramfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,cxipi/selftests/bin}
	cp /bin/busybox "$root/bin/busybox"
	cp "$top/scripts/vm/guest/init" "$root/init"
	chmod +x "$root/init"
	cp -r "$top/scripts/vm/guest" "$root/cxipi/guest"
	cp "$top/cxipi.ko" "$root/cxipi/"
	cp "$top/selftests/settings" "$top/selftests/config" "$root/cxipi/selftests/"
	cp "$top"/selftests/build/* "$top"/selftests/*.sh "$root/cxipi/selftests/bin/"
	cp "$top/Documentation/ABI/testing/sysfs-kernel-cxipi" "$root/cxipi/selftests/"
	for ko in bench/cxipi_bench.ko samples/cxipi_remoteproc_sample.ko; do
		[ ! -f "$top/$ko" ] || cp "$top/$ko" "$root/cxipi/"
	done
	if [ -f "$top/selftests/client/cxipi_client.ko" ]; then
		cp "$top/selftests/client/cxipi_client.ko" "$root/cxipi/selftests/"
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}

# Boot the VM and stream its console; the console log is kept in $out.
boot_vm() {	# boot_vm JOB SMP LOG [extra kernel args]
	local job=$1 smp=$2 log=$3
	shift 3
	# A /dev/kvm node without virtualisation in the CPU hangs the guest.
	local accel=tcg
	[ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
	timeout --foreground "${CXIPI_VM_TIMEOUT:-900}" \
		qemu-system-x86_64 -machine q35,accel=$accel -cpu max -m 1024 \
		-smp "$smp" -kernel "$(kernel_image)" -initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=1 cxipi_vm=$job $*" \
		-display none -serial stdio -monitor none -no-reboot </dev/null |
		tr -d '\r' | tee "$log" | console_filter
}

# On the terminal: the jobs' own lines and any kernel line that signals a
# problem; the whole console, dmesg included, stays in the log.
console_filter() {
	awk '/^----- cxipi-vm dmesg -----$/ { quiet = 1 }
	     /^----- cxipi-vm dmesg end -----$/ { quiet = 0; next }
	     /Oops|BUG:|WARNING:|Kernel panic|Call Trace|KASAN|lockdep/ { print; fflush(); next }
	     quiet || /^\[ *[0-9]+\.[0-9]+\]/ { next }
	     { print; fflush() }'
}
