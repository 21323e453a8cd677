# SPDX-License-Identifier: GPL-2.0
# The benchmark job: load cxipi and the benchmark module, which measures
# while it loads, and print its results as BENCH lines.
insmod /cxipi/cxipi.ko || exit 1
insmod /cxipi/cxipi_bench.ko || exit 1
dmesg | sed -n 's/.*cxipi_bench: \(test=.*\)/BENCH \1/p'
rmmod cxipi_bench && rmmod cxipi
