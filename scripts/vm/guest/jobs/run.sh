# SPDX-License-Identifier: GPL-2.0
# The demo: reserve an IPI on CPUs 1-3 of cxipi-percpu, send to each and
# show where it landed; then a coprocessor round trip with CPU 5, which is
# possible but not online (the VM boots with -smp 4,maxcpus=8); then CPU
# 7, a coprocessor that is another VM behind an ivshmem-doorbell device
# (the peer VM of scripts/vm/pair.py, cxipi in the endpoint role), both
# ways.  Init has loaded cxipi and unloads it after.
. /cxipi/guest/lib.sh
. "$ksft/cxipi/ctl_lib.sh"
d=/sys/kernel/cxipi/domains/cxipi-percpu
say() { echo "cxipi-demo: $*"; }
show() { sed 's/^/cxipi-demo:     /'; }

tap_plan 5
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

link=$(echo /sys/kernel/cxipi/links/*)
if [ ! -d "$link" ]; then
	tap_skip "no peer VM here (vm.sh boots one for the demo on x86)"
	tap_skip "no peer VM here"
	tap_exit
fi
pl=/sys/kernel/cxipi/links/${link##*/}
lc=$(cat "$link/cpu")
say "a coprocessor that is another machine: CPU $lc, the peer VM behind ivshmem-doorbell ${link##*/}"
tries=0
until [ "$(peer "cut -d' ' -f1 $pl/peer")" = up ] && grep -q '^up' "$link/peer"; do
	tries=$((tries + 1))
	[ $tries -lt 600 ] || break
	sleep 0.2
done
say "  this VM sees the peer: $(cat "$link/peer"); the peer VM sees this one: $(peer "cat $pl/peer")"
s=/sys/kernel/cxipi/domains/cxipi-single
echo "peer-vm 2,$lc" >$s/reserve || exit 1
set -- $(cat $s/reservations/peer-vm/hwirqs)
h=$1
say "  reserved 'peer-vm' on cxipi-single for CPUs 2 and $lc: ipi_get_hwirq() is $h for both; the peer VM is told it"
echo "$lc" >$s/reservations/peer-vm/send && say "  Linux sends to CPU $lc"
tries=0
until [ -n "$(peer "grep '^1 $h ' $pl/received")" ] || [ $tries -ge 100 ]; do
	tries=$((tries + 1))
	sleep 0.1
done
say "  the peer VM received (bank hwirq count): $(peer "cat $pl/received")"
[ "$(peer "cat $pl/received")" = "1 $h 1" ]
tap_result $? "the send to CPU $lc reached the peer VM as hwirq $h"
peer "echo '1 2 $h' >$pl/raise" && say "  the peer VM rings hwirq $h at CPU 2"
tries=0
while set -- $(cat $s/reservations/peer-vm/received) && [ "$3" != 1 ] && [ $tries -lt 100 ]; do
	tries=$((tries + 1))
	sleep 0.1
done
say "  peer-vm received: $* (one count per possible CPU)"
[ "$3" = 1 ] && [ "$(cat $s/reservations/peer-vm/misplaced)" = 0 ]
tap_result $? "the peer VM's ring ran the handler on CPU 2, in hard irq"
say "  the link's books here: $(tr '\n' ' ' <"$link/stats")"
echo "2,$lc" >$s/reservations/peer-vm/destroy
tap_exit
