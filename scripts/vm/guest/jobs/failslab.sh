# SPDX-License-Identifier: GPL-2.0
# The failslab job of the debug kernel: fail each slab allocation of a
# reserve and of a partial destroy in turn with the kernel's fail-nth
# (selftests/failslab_test).  The kernel's own /proc/irq warnings that the
# injected failures provoke taint it W; init allows that, and the host tells
# them apart from any other warning in the log.
. /cxipi/guest/lib.sh
tap_plan 2
[ -e /proc/self/fail-nth ]
tap_result $? "the kernel has fail-nth, so failslab_test cannot skip"
ksft_timeout 900
tap_nest "kselftests: failslab_test" kselftests failslab_test
tap_exit
