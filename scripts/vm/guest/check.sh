# SPDX-License-Identifier: GPL-2.0
# The selftest job: load cxipi, run every selftest program with its TAP on
# the console, unload, and check the kernel stayed clean.
. /cxipi/guest/lib.sh
. /cxipi/guest/kmemleak.sh
timeout_s=$(sed -n 's/^timeout=//p' /cxipi/selftests/settings)

kmemleak_start
echo "cxipi-selftest-canary vm-start" >/dev/kmsg
insmod /cxipi/cxipi.ko
tap $? "insmod cxipi.ko"

for prog in /cxipi/selftests/bin/*; do
	name=${prog##*/}
	case $name in *_test | *_test.sh) ;; *) continue ;; esac
	# Its injected failures make the kernel's own /proc/irq code warn
	# (taint W): it runs alone, in the failslab job of make check-debug.
	[ "$name" != failslab_test ] || continue
	echo "# selftests: cxipi: $name"
	timeout "${timeout_s:-120}" "$prog"
	rc=$?
	case $rc in
	0) tap 0 "$name exited 0" ;;
	4) echo "ok $((tap_n += 1)) vm: $name # SKIP" ;;
	*) tap 1 "$name exited $rc" ;;
	esac
done

# Unloading with live reservations and requested irqs cleans them up.
d=/sys/kernel/cxipi/domains
echo "left 0-1" >$d/cxipi-percpu/reserve && echo "left 0,2" >$d/cxipi-single/reserve
tap $? "reservations left in place for the unload"
rmmod cxipi
tap $? "rmmod cxipi with live reservations"
test ! -e /sys/kernel/cxipi
tap $? "no /sys/kernel/cxipi left after unload"
taint=$(bad_taint)
[ "$taint" -eq 0 ]
tap $? "kernel taint is only O/E (other bits: $taint)"
kmemleak_check
dump_dmesg
