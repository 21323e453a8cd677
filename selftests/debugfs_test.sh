#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The debugfs view of each provider domain reads without error and shows a
# reservation made through sysfs, with its virq, hwirqs and targets, and a
# doorbell latched at a coprocessor; and reads while reservations come and
# go, which the debug kernel's KASAN watches for a freed descriptor.
# busybox sh; TAP; exit 0, 1 or 4.
. "$(dirname "$0")/cxipi_lib.sh"
dbg=/sys/kernel/debug/cxipi
d=/sys/kernel/cxipi/domains/cxipi-percpu

if [ ! -d $dbg ] || [ ! -d $d ]; then
	tap_skip_all "no debugfs or cxipi not loaded"
fi
tap_plan 4

echo "dbg 1-2" >$d/reserve || { echo "Bail out! cannot reserve"; exit 1; }
virq=$(cat $d/reservations/dbg/virq)
set -- $(cat $d/reservations/dbg/hwirqs)
h1=$1 h2=$2

readable=0
for f in $dbg/*; do
	cat "$f" >/dev/null || readable=1
done
tap_result $readable "every file under $dbg reads"

view=$(cat $dbg/cxipi-percpu)
echo "$view" | grep -qE "^ *$h1 +$virq .*base=$virq targets=1-2" &&
	echo "$view" | grep -qE "^ *$h2 +$((virq + 1)) .*base=$virq targets=1-2"
tap_result $? "cxipi-percpu shows hwirqs $h1 $h2 of virqs $virq $((virq + 1)), targets 1-2"
echo 1-2 >$d/reservations/dbg/destroy

# A coprocessor: a doorbell sent to it shows as pending there.
possible=$(cat /sys/devices/system/cpu/possible)
online=$(cat /sys/devices/system/cpu/online)
coproc=
for c in $(seq 0 63); do
	if in_list "$c" "$possible" && ! in_list "$c" "$online"; then
		coproc=$c
		break
	fi
done
if [ -z "$coproc" ]; then
	tap_skip "no CPU is possible but offline"
else
	echo "lat $coproc" >$d/reserve
	echo "$coproc" >$d/reservations/lat/send
	h=$(cat $d/reservations/lat/hwirqs)
	cat $dbg/cxipi-percpu | grep -qE "^ *$h .*pending: $coproc\$"
	tap_result $? "a doorbell latched at coprocessor $coproc shows as pending there"
	echo "$coproc" >$d/reservations/lat/destroy
fi

# Reads racing reserves and destroys: the view is taken under the lock that
# frees the virqs, so it never reads irq data that is going.
(
	i=0
	while [ $i -lt 100 ]; do
		echo "churn 1-3" >$d/reserve && echo 1-3 >$d/reservations/churn/destroy
		i=$((i + 1))
	done
) &
churner=$!
reads=0 failed=0
while kill -0 $churner 2>/dev/null; do
	cat $dbg/cxipi-percpu >/dev/null || failed=$((failed + 1))
	reads=$((reads + 1))
done
wait $churner
[ $failed -eq 0 ] && [ $reads -gt 0 ] && [ ! -e $d/reservations/churn ]
tap_result $? "$reads reads of $dbg/cxipi-percpu racing 100 reserve/destroy rounds, $failed failed"
tap_exit
