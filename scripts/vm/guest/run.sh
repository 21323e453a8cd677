# SPDX-License-Identifier: GPL-2.0
# The demo job: reserve an IPI on CPUs 1-3 of cxipi-percpu, send to each,
# and show where it landed.
k=/sys/kernel/cxipi
say() { echo "cxipi-demo: $*"; }

insmod /cxipi/cxipi.ko || exit 1
say "$(dmesg | grep "cxipi: loaded" | tail -n1 | sed "s/^\[[^]]*\] //")"
echo 1-3 >$k/reserve || exit 1
virq=$(cat $k/virq)
say "reserved an IPI on CPUs $(cat $k/reserve): virqs $virq..$((virq + 2))"
set -- $(cat $k/hwirqs)
for cpu in 1 2 3; do
	say "  CPU $cpu: virq $((virq + cpu - 1)), hwirq $1"
	shift
done
say "received before: $(cat $k/received)  (one count per CPU, 0..$(($(nproc) - 1)))"
for cpu in 1 2 3; do
	echo $cpu >$k/send && say "sent to CPU $cpu"
done
sleep 1
say "received after:  $(cat $k/received)"
say "handler runs on a CPU other than its target, or outside hard irq: $(cat $k/misplaced)"
say "/proc/interrupts:"
head -n1 /proc/interrupts | sed 's/^/cxipi-demo:     /'
grep cxipi /proc/interrupts | sed 's/^/cxipi-demo:     /'
say "send to CPU 0, which is not reserved: $(echo 0 2>&1 >$k/send || true)"
echo 1-3 >$k/destroy && say "destroyed; virq now $(cat $k/virq)"
rmmod cxipi && say "unloaded"
