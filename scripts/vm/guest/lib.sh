# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest jobs: TAP lines of the VM runner itself.
tap_n=0
tap() {	# tap STATUS DESCRIPTION: STATUS 0 is ok
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n vm: $2"; else echo "not ok $tap_n vm: $2"; fi
}

# Taint bits other than O (4096, out-of-tree) and E (8192, unsigned).
bad_taint() {
	echo $(( $(cat /proc/sys/kernel/tainted) & ~(4096 | 8192) ))
}

dump_dmesg() {
	echo "----- cxipi-vm dmesg -----"
	dmesg
	echo "----- cxipi-vm dmesg end -----"
}
