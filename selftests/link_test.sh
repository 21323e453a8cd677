#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The doorbell link, on the host VM of the pair job, with the peer VM (cxipi
# in the endpoint role) behind an ivshmem-doorbell device: IPIs both ways
# with the hwirqs ipi_get_hwirq() gave (through the reservations' hwirqs
# files), round trips through the peer's echo rules, coalescing, doorbells
# latched while the peer is frozen, unloaded or crashed and rebooted, the
# host's own unload and reload, and a hostile peer: doorbells not reserved
# for it, garbage counters, a version it does not speak, a flood.
#
# busybox sh; TAP 13 on stdout; exit 0 pass, 1 fail, 4 skip (no peer VM,
# outside the pair job).
. "$(dirname "$0")/link_lib.sh"

link_require_peer
tap_plan 27

ko=${CXIPI_KO:-/cxipi/cxipi.ko}
sg=$root/domains/cxipi-single
pc=$root/domains/cxipi-percpu
canary="cxipi_link_test: canary $$"
echo "$canary" >/dev/kmsg

ctl peer-wait >/dev/null
wait_until 120 link_up
tap_result $? "link: host and peer VMs each see the other up"

hl=$(host_link)
cpu=$(cat "$hl/cpu")
offline=$(cat /sys/devices/system/cpu/offline)
[ "$(cat "$hl/role")" = host ] && [ "$cpu" = "${offline##*[-,]}" ] &&
	[ "$(peer "cat $pl/cpu")" = "$cpu" ]
tap_result $? "link: the peer is coprocessor CPU $cpu (the last offline one) on both sides"

# ---- both ways, with the hwirqs of ipi_get_hwirq() -----------------------
echo "rt 1,$cpu" >$sg/reserve
r=$sg/reservations/rt
set -- $(cat $r/hwirqs)
h=$1
n=$(peer_received 1 "$h")
echo "$cpu" >$r/send
wait_until 30 test "$(peer_received 1 "$h")" = $((n + 1))
tap_result $? "link: ipi_send_single() to CPU $cpu reaches the peer VM as hwirq $h of bank 1 (cxipi-single)"

peer "echo '1 1 $h' >$pl/raise"
wait_received $r 1 1 && [ "$(cat $r/misplaced)" = 0 ]
tap_result $? "link: the peer rings hwirq $h at CPU 1: its handler runs there, in hard irq"

peer "echo '1 $h 1 $h' >$pl/echo"
echo "$cpu" >$r/send
wait_received $r 1 2
tap_result $? "link: a round trip, CPU 1 to the peer VM and back through its echo rule"
peer "echo clear >$pl/echo"

# per_cpu: CPU 3 and the coprocessor each have their own hwirq.
echo "pcr 3-$cpu" >$pc/reserve
p=$pc/reservations/pcr
set -- $(cat $p/hwirqs)
h3=$1
shift $((cpu - 3))
hc=$1
peer "echo '0 3 $h3' >$pl/raise"
wait_received $p 3 1
tap_result $? "link: per_cpu: the peer rings CPU 3's hwirq $h3 at CPU 3: the handler runs there"

# ---- a peer that rings what is not its ------------------------------------
echo "mine 0-1" >$sg/reserve
m=$sg/reservations/mine
set -- $(cat $m/hwirqs)
hm=$1
rejected=$(stat_of "$hl" rejected)
peer "echo '0 3 $hc' >$pl/raise; echo '0 2 $h3' >$pl/raise; \
	echo '1 1 $hm' >$pl/raise; echo '1 1 63' >$pl/raise; echo '1 $cpu $h' >$pl/raise"
wait_until 30 test "$(stat_of "$hl" rejected)" = $((rejected + 5))
tap_result $? "link: rings of another CPU's hwirq, of a CPU not a target, of a reservation without the peer, of a free hwirq and at the peer's own CPU: 5 rejected"
sleep 0.5
[ "$(received_on $p 3)" = 1 ] && [ "$(received_on $m 1)" = 0 ] &&
	[ "$(cat $m/received | tr -d ' 0')" = "" ]
tap_result $? "link: none of them ran a handler"
[ "$(dmesg | sed -n "/$canary/,\$p" | grep -c 'not its')" -ge 1 ] &&
	[ "$(dmesg | sed -n "/$canary/,\$p" | grep -c 'not its')" -le 5 ]
tap_result $? "link: each logged at most one rate-limited line"

out1=$(peer "echo '9 1 1' >$pl/raise" 2>&1)
rc1=$?
out2=$(peer "echo '1 $((cpu + 100)) 1' >$pl/raise" 2>&1)
rc2=$?
[ $rc1 -ne 0 ] && [ $rc2 -ne 0 ] &&
	[ "$(echo "$out1 $out2" | grep -o 'Invalid argument' | wc -l)" = 2 ]
tap_result $? "link: the endpoint refuses a bank or a CPU outside the layout (EINVAL)"

# ---- coalescing, and latching while the peer is away -----------------------
posted=$(stat_of "$hl" posted)
n=$(peer_received 1 "$h")
coalesced=$(peer_stat coalesced)
ctl peer-stop >/dev/null
for i in 1 2 3 4 5; do echo "$cpu" >$r/send; done
[ "$(stat_of "$hl" posted)" = $((posted + 5)) ] && [ "$(stat_of "$hl" unacked)" = 1 ]
tap_result $? "link: 5 sends to the frozen peer: 5 rings posted, 1 doorbell unacked"
ctl peer-cont >/dev/null
wait_until 60 test "$(peer_received 1 "$h")" = $((n + 1)) &&
	[ "$(peer_stat coalesced)" = $((coalesced + 4)) ] &&
	wait_until 10 test "$(stat_of "$hl" unacked)" = 0
tap_result $? "link: thawed, the peer takes them as 1 doorbell and 4 coalesced"

peer "rmmod cxipi"
wait_until 30 grep -q '^down' "$hl/peer"
tap_result $? "link: the peer unloads cxipi: the host sees it down"
for i in 1 2 3; do echo "$cpu" >$r/send; done
peer "insmod /cxipi/cxipi.ko link_role=endpoint"
wait_until 60 link_up && wait_until 30 test "$(peer_received 1 "$h")" = 1 &&
	[ "$(peer_stat coalesced)" = 2 ]
tap_result $? "link: 3 sends while it was unloaded latch, and reach it when it loads again"

id=$(cut -d' ' -f2 "$hl/peer")
ctl peer-kill >/dev/null
for i in 1 2; do echo "$cpu" >$r/send; done
ctl peer-boot >/dev/null && ctl peer-wait >/dev/null &&
	wait_until 120 link_up && wait_until 30 test "$(peer_received 1 "$h")" = 1 &&
	[ "$(peer_stat coalesced)" = 1 ] && [ "$(cut -d' ' -f2 "$hl/peer")" != "$id" ]
tap_result $? "link: the peer VM crashes: 2 sends latch, reach it once it boots again (new doorbell id)"

# ---- a hostile peer --------------------------------------------------------
layout=$(peer "cat $pl/layout")
peer_off=$(echo "$layout" | sed -n 's/^peer //p')
up1=$(echo "$layout" | sed -n 's/^up1 //p')
hwirqs1=$(echo "$layout" | sed -n 's/^hwirqs1 //p')
refused0=$(stat_of "$hl" refused)
peer "echo '$((peer_off + 4)) 7' >$pl/poke; echo '1 1 $h' >$pl/raise"
wait_until 30 grep -q '^incompatible' "$hl/peer"
tap_result $? "link: a peer that says version 7 is seen incompatible"
sleep 0.5
ran=$(received_on $r 1)
refused=$(($(stat_of "$hl" refused) - refused0))
[ "$refused" -ge 1 ] && [ "$ran" = 2 ]
tap_result $? "link: its rings are refused ($refused scans), none delivered"
peer "echo '$((peer_off + 4)) 1' >$pl/poke; echo 1 >$pl/ring"
wait_received $r 1 3
tap_result $? "link: back at version 1, what it rang meanwhile is delivered once"

# Garbage in every up counter of bank 1 (CPU by CPU, hwirq by hwirq, all
# of them, the peer's own CPU's too), then a ring: only doorbells reserved
# for the peer may run a handler, and only on a CPU that is not the peer.
rejected=$(stat_of "$hl" rejected)
possible=$(sed -n 's/.*-//p' /sys/devices/system/cpu/possible)
peer "i=0; while [ \$i -lt $((hwirqs1 * (possible + 1))) ]; do \
	echo \"\$(($up1 + 4 * \$i)) \$((\$i * 2654435761 % 4294967296))\" >$pl/poke; \
	i=\$((i + 1)); done; echo 1 >$pl/ring"
sleep 2
bad=$(cat $m/received | tr -d ' 0')
ok_cpu=1
for c in 0 2 3; do [ "$(received_on $r $c)" = 0 ] || ok_cpu=0; done
[ -z "$bad" ] && [ $ok_cpu = 1 ] && [ "$(cat $r/misplaced)" = 0 ] &&
	[ "$(stat_of "$hl" rejected)" -gt "$rejected" ]
tap_result $? "link: garbage in the peer's counters is scanned ($(($(stat_of "$hl" rejected) - rejected)) rejected) and runs no handler of a reservation without it, nor on a CPU not a target"
interrupts=$(stat_of "$hl" interrupts)
start=$(date +%s)
peer "echo 20000 >$pl/ring" &&
	wait_until 30 test "$(stat_of "$hl" interrupts)" -gt "$interrupts"
tap_result $? "link: a flood of 20000 doorbells ends, in $(($(date +%s) - start)) s; the host took $(($(stat_of "$hl" interrupts) - interrupts)) interrupts for it (an eventfd coalesces)"
before=$(received_on $r 1)
peer "echo '1 any 1' >$pl/echo"
echo "$cpu" >$r/send
wait_until 30 test "$(received_on $r 1)" -gt "$before"
tap_result $? "link: after the flood, round trips still work (echo rule: any doorbell of bank 1, back at CPU 1)"
peer "echo clear >$pl/echo"

# ---- the host unloads and loads again ----------------------------------------
rmmod cxipi
peer "echo '1 1 $h' >$pl/raise"
insmod "$ko" && wait_until 60 link_up && echo "rt 1,$cpu" >$sg/reserve
tap_result $? "link: the host reloads with the same layout: the peer stays linked"
r=$sg/reservations/rt
set -- $(cat $r/hwirqs)
h=$1
peer "echo '1 1 $h' >$pl/raise"
wait_received $r 1 1 && [ "$(stat_of "$hl" received)" = 1 ] &&
	[ "$(stat_of "$hl" coalesced)" = 0 ]
tap_result $? "link: after the reload, the peer rings a new reservation's hwirq $h at CPU 1: one ring, none from before"

# A host whose layout changes (another percpu_hwirqs) cannot ring the
# peer it zeroed: the peer finds out by itself, within a second or two.
rmmod cxipi
insmod "$ko" percpu_hwirqs=128 && wait_until 30 link_up &&
	[ "$(peer "sed -n 's/^hwirqs0 //p' $pl/layout")" = 128 ] &&
	echo "rt 1,$cpu" >$sg/reserve
tap_result $? "link: the host reloads with another layout: the peer links to it again by itself"
r=$sg/reservations/rt
set -- $(cat $r/hwirqs)
h=$1
peer "echo '1 1 $h' >$pl/raise" && wait_received $r 1 1 &&
	echo "$cpu" >$r/send && wait_until 30 test "$(peer_received 1 "$h")" -ge 1
tap_result $? "link: in the new layout, IPIs cross both ways again"

# ---- the ivshmem server restarts ---------------------------------------------
# The VMs keep the eventfds they have: the link goes on.  A peer that
# connects to the new server is a stranger to this VM's QEMU (7.2 never
# reconnects): no doorbell passes either way, and sends latch.
ctl server-restart >/dev/null
peer "echo '1 $h 1 $h' >$pl/echo" && echo "$cpu" >$r/send && wait_received $r 1 2
tap_result $? "link: the ivshmem server restarts: round trips go on"
ctl peer-reboot >/dev/null && ctl peer-wait >/dev/null &&
	wait_until 120 link_up && posted=$(stat_of "$hl" posted) &&
	echo "$cpu" >$r/send && [ "$(stat_of "$hl" posted)" = $((posted + 1)) ] &&
	sleep 2 && [ "$(stat_of "$hl" unacked)" = 1 ] && [ "$(peer_received 1 "$h")" = 0 ]
tap_result $? "link: a peer rebooted through the new server links in shared memory; this VM cannot ring it, so a send latches (unacked)"
echo "1,$cpu" >$r/destroy
tap_exit
