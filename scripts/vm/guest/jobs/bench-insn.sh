# SPDX-License-Identifier: GPL-2.0
# The instruction counting job: the benchmark module in insn mode, in a VM
# whose QEMU runs bench/insn/insn_count.c (bench/run.sh hands it over
# through VM_QEMU_ARGS).  The plugin writes the counts on the host; the
# module's BENCH lines name the methods and the planted check's expected
# counts.
. /cxipi/guest/lib.sh
tap_plan 2
insmod /cxipi/cxipi_bench.ko insn=1 rounds=300
tap_result $? "insmod cxipi_bench.ko insn=1: it sent with markers"
dmesg | sed -n 's/.*cxipi_bench: \(test=.*\)/BENCH \1/p'
rmmod cxipi_bench
tap_result $? "rmmod cxipi_bench"
tap_exit
