# SPDX-License-Identifier: GPL-2.0
# The benchmark job: the benchmark module measures while it loads; its
# results become BENCH lines, which make bench collects from the console.
. /cxipi/guest/lib.sh
tap_plan 2
insmod /cxipi/cxipi_bench.ko
tap_result $? "insmod cxipi_bench.ko: it measured"
dmesg | sed -n 's/.*cxipi_bench: \(test=.*\)/BENCH \1/p'
rmmod cxipi_bench
tap_result $? "rmmod cxipi_bench"
tap_exit
