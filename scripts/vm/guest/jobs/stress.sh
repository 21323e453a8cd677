# SPDX-License-Identifier: GPL-2.0
# The stress job: the stress selftest and the hotplug selftest's loop for
# $STRESS_SECONDS each (from the kernel command line), their per-CPU books
# on the console.
. /cxipi/guest/lib.sh
tap_plan 1
echo "# stress_test and hotplug_test for $STRESS_SECONDS s each on $(nproc) online CPUs" \
	"($(cat /sys/devices/system/cpu/possible) possible)"
export STRESS_SECONDS
ksft_timeout $((2 * STRESS_SECONDS + 300))
tap_nest "kselftests: stress_test, hotplug_test for $STRESS_SECONDS s" \
	kselftests stress_test hotplug_test
tap_exit
