# SPDX-License-Identifier: GPL-2.0
# The stress job: load cxipi, run the stress selftest and the hotplug
# selftest's loop for $cxipi_stress_seconds each (from the kernel command
# line) with their per-CPU books on the console, unload, and check the
# kernel stayed clean.
. /cxipi/guest/lib.sh
. /cxipi/guest/kmemleak.sh
seconds=${cxipi_stress_seconds:-60}

kmemleak_start
echo "cxipi-selftest-canary vm-start" >/dev/kmsg
insmod /cxipi/cxipi.ko
tap $? "insmod cxipi.ko"
echo "# stress_test for $seconds s on $(nproc) online CPUs ($(cat /sys/devices/system/cpu/possible) possible)"
CXIPI_STRESS_SECONDS=$seconds timeout $((seconds + 120)) /cxipi/selftests/bin/stress_test
tap $? "stress_test exited 0"
echo "# hotplug_test: CPUs offline and online while sending, for $seconds s"
CXIPI_HOTPLUG_SECONDS=$seconds timeout $((seconds + 300)) /cxipi/selftests/bin/hotplug_test
tap $? "hotplug_test exited 0"
rmmod cxipi
tap $? "rmmod cxipi"
taint=$(bad_taint)
[ "$taint" -eq 0 ]
tap $? "kernel taint is only O/E (other bits: $taint)"
kmemleak_check
dump_dmesg
