# SPDX-License-Identifier: GPL-2.0
# The selftest job: every test of kselftest-list.txt with kselftest's
# runner, but failslab_test, which runs alone in the failslab job (its
# injected failures make the kernel's own /proc/irq code warn), and the
# PAIR_TESTS of selftests/Makefile, which need the pair job's peer VM; then
# reservations left in place, so that the unload that follows in init
# has live ones to clean up.
. /cxipi/guest/lib.sh
tap_plan 4
pair_tests=$(cat $ksft/pair-tests.txt)
tests=$(sed -n 's/^cxipi://p' $ksft/kselftest-list.txt | grep -vx failslab_test |
	awk 'FILENAME == ARGV[1] { pair[$0]; next } !($0 in pair)' $ksft/pair-tests.txt -)
tap_nest "kselftests: cxipi, $(echo $tests | wc -w) tests" kselftests $tests
tap_skip "failslab_test runs alone, in the failslab job of the debug kernel"
# shellcheck disable=SC2086,SC2116 # the names on one line
tap_skip "the pair tests ($(echo ${pair_tests:-none yet})) run in the pair job (make vm-pair), with a peer VM"
d=/sys/kernel/cxipi/domains
echo "left 0-1" >$d/cxipi-percpu/reserve && echo "left 0,2" >$d/cxipi-single/reserve
tap_result $? "reservations left in place for the unload"
tap_exit
