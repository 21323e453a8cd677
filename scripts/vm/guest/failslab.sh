# SPDX-License-Identifier: GPL-2.0
# The failslab job of make check-debug: load cxipi, fail each slab
# allocation of a reserve and of a partial destroy in turn with the
# kernel's fail-nth (selftests/failslab_test), unload, check the kernel.
# The kernel's own /proc/irq warnings that the injected failures provoke
# taint it W; the host tells them apart from any other warning in the log.
. /cxipi/guest/lib.sh
. /cxipi/guest/kmemleak.sh

kmemleak_start
echo "cxipi-selftest-canary vm-start" >/dev/kmsg
insmod /cxipi/cxipi.ko
tap $? "insmod cxipi.ko"
timeout 600 /cxipi/selftests/bin/failslab_test
tap $? "failslab_test exited 0"
rmmod cxipi
tap $? "rmmod cxipi"
taint=$(( $(bad_taint) & ~512 ))
[ "$taint" -eq 0 ]
tap $? "kernel taint is only O/E/W (other bits: $taint)"
kmemleak_check
dump_dmesg
