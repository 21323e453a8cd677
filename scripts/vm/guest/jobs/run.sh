# SPDX-License-Identifier: GPL-2.0
# The demo: reserve an IPI on CPUs 1-3 of cxipi-percpu, send to each and
# show where it landed; then a coprocessor round trip with CPU 5, which is
# possible but not online (the VM boots with -smp 4,maxcpus=8).  Init has
# loaded cxipi and unloads it after.
. /cxipi/guest/lib.sh
d=/sys/kernel/cxipi/domains/cxipi-percpu
say() { echo "cxipi-demo: $*"; }
show() { sed 's/^/cxipi-demo:     /'; }

tap_plan 3
say "$(dmesg | grep 'cxipi: loaded' | tail -n1 | sed 's/^\[[^]]*\] //')"
say "online CPUs $(cat /sys/devices/system/cpu/online), possible $(cat /sys/devices/system/cpu/possible)"
echo "demo 1-3" >$d/reserve || exit 1
r=$d/reservations/demo
virq=$(cat $r/virq)
say "reserved 'demo' on CPUs $(cat $r/targets): virqs $virq..$((virq + 2))"
set -- $(cat $r/hwirqs)
for cpu in 1 2 3; do
	say "  CPU $cpu: virq $((virq + cpu - 1)), hwirq $1"
	shift
done
say "received before: $(cat $r/received)  (one count per possible CPU)"
for cpu in 1 2 3; do
	echo $cpu >$r/send && say "ipi_send_single to CPU $cpu"
done
sleep 0.2
echo 1-3 >$r/send_mask && say "ipi_send_mask to CPUs 1-3"
sleep 1
say "received after:  $(cat $r/received)"
set -- $(cat $r/received)
[ "$2" -eq 2 ] && [ "$3" -eq 2 ] && [ "$4" -eq 2 ] && [ "$(cat $r/misplaced)" -eq 0 ]
tap_result $? "each of CPUs 1-3 ran the handler twice, in hard irq on the target"
say "handler runs off target or outside hard irq: $(cat $r/misplaced)"
say "/proc/interrupts:"
{ head -n1 /proc/interrupts; grep cxipi /proc/interrupts; } | show
say "send to CPU 0, which is not reserved: $(echo 0 2>&1 >$r/send || true)"

say "coprocessor round trip with CPU 5 (possible, not online):"
echo "to-remote 5" >$d/reserve && echo "from-remote 0" >$d/reserve || exit 1
h5=$(cat $d/reservations/to-remote/hwirqs)
h0=$(cat $d/reservations/from-remote/hwirqs)
say "  Linux tells the coprocessor: you receive on hwirq $h5, ring CPU 0 on hwirq $h0"
echo 5 >$d/reservations/to-remote/send && say "  Linux sends to CPU 5"
say "  CPU 5 doorbells pending: $(cat $d/cpu5/pending)"
[ "$(cat $d/cpu5/pending)" = "$h5" ]
tap_result $? "the coprocessor's doorbell $h5 is pending at CPU 5"
echo "$h5" >$d/cpu5/ack && say "  coprocessor acknowledges hwirq $h5; pending now: '$(cat $d/cpu5/pending)'"
echo "$h0" >$d/cpu0/raise && say "  coprocessor rings hwirq $h0 at CPU 0"
sleep 1
say "  from-remote received: $(cat $d/reservations/from-remote/received)"
set -- $(cat $d/reservations/from-remote/received)
[ "$1" -eq 1 ]
tap_result $? "the coprocessor's ring reached the handler on CPU 0"
for name in demo to-remote from-remote; do
	echo "$(cat $d/reservations/$name/targets)" >$d/reservations/$name/destroy
done
say "destroyed; cxipi-percpu free hwirqs: $(cat $d/free) of $(cat $d/capacity)"
tap_exit
