#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and load cxipi.ko 100 times ($CXIPI_RELOAD_ROUNDS), with a user in
# between each time: a reservation on each domain through sysfs (the single
# one also on a coprocessor when there is one), a send on each, counted by
# its handler, and the reservations left live, so that every unload has to
# destroy them.  After each unload nothing of cxipi is left: no
# /sys/kernel/cxipi, no debugfs directory, no line in /proc/interrupts; at
# the end, no irq descriptor leaked, the kernel log is clean and cxipi is
# loaded again for the tests that follow.
#
# busybox sh; TAP 13 on stdout; exit 0 pass, 1 fail, 4 skip (no $CXIPI_KO,
# default /cxipi/cxipi.ko).  Each round runs shell builtins but for
# insmod, rmmod and one grep, to stay cheap under TCG.
. "$(dirname "$0")/cxipi_lib.sh"

ko=${CXIPI_KO:-/cxipi/cxipi.ko}
rounds=${CXIPI_RELOAD_ROUNDS:-100}
root=/sys/kernel/cxipi
pc=$root/domains/cxipi-percpu
sg=$root/domains/cxipi-single

if [ ! -f "$ko" ]; then
	tap_skip_all "no $ko"
fi
tap_plan 5


canary="cxipi_reload_test: canary $$"
echo "$canary" >/dev/kmsg

# A coprocessor, if any: the first possible CPU that is not online.
offline=$(cat /sys/devices/system/cpu/offline)
coproc=${offline%%[-,]*}
last=$(cat /sys/devices/system/cpu/possible)
last=${last##*[-,]}
if [ -n "$coproc" ] && [ "$coproc" -le "$last" ]; then
	single="0,1,$coproc"
else
	coproc=
	single="0,1"
fi

# Wait until the handler of a reservation counted one run on CPU 1: its
# received file reads "c0 c1 ...".  Builtins only while it is quick.
counted_on_1() {	# counted_on_1 RESERVATION-DIR
	tries=0
	while read -r c0 c1 rest <"$1/received" && [ "$c1" != 1 ]; do
		tries=$((tries + 1))
		[ $tries -le 2000 ] || return 1
		[ $tries -le 1000 ] || sleep 0.01
	done
	[ "$c1" = 1 ]
}

rmmod cxipi 2>/dev/null
irqs_before=$(ls /sys/kernel/irq | wc -l)

user_bad=0 left_bad=0 irq_bad=0 i=1
while [ $i -le "$rounds" ]; do
	if ! insmod "$ko"; then
		echo "# round $i: insmod failed"
		user_bad=1
		break
	fi
	if ! { echo "r 0-1" >$pc/reserve && echo "r $single" >$sg/reserve &&
		echo 1 >$pc/reservations/r/send &&
		echo 1 >$sg/reservations/r/send_mask &&
		counted_on_1 $pc/reservations/r && counted_on_1 $sg/reservations/r; }; then
		echo "# round $i: reserve or send failed, or the send was not counted"
		user_bad=1
	fi
	if [ -n "$coproc" ] && ! echo "$coproc" >$sg/reservations/r/send; then
		echo "# round $i: send to coprocessor $coproc failed"
		user_bad=1
	fi
	# Kicks in flight as the module goes, in every 20th round (the ringing
	# is slow on a debug kernel): a coprocessor keeps ringing CPU 1 (an
	# unmapped doorbell) until its file is gone; the domains must outlive
	# the last drain (the debug kernel's KASAN watches).
	ringer=
	if [ $((i % 20)) -eq 0 ]; then
		( while echo 200 2>/dev/null >$root/domains/cxipi-percpu/cpu1/raise; do :; done ) &
		ringer=$!
	fi
	if ! rmmod cxipi; then
		echo "# round $i: rmmod failed"
		[ -z "$ringer" ] || kill $ringer
		user_bad=1
		break
	fi
	[ -z "$ringer" ] || wait $ringer
	if [ -e $root ] || [ -e /sys/kernel/debug/cxipi ]; then
		echo "# round $i: /sys/kernel/cxipi or /sys/kernel/debug/cxipi left"
		left_bad=1
	fi
	if grep -q cxipi /proc/interrupts; then
		echo "# round $i: cxipi lines left in /proc/interrupts"
		irq_bad=1
	fi
	i=$((i + 1))
done
done_rounds=$((i - 1))

[ $user_bad -eq 0 ] && [ $done_rounds -eq "$rounds" ]
tap_result $? "$done_rounds rounds of insmod; reserve on both domains, send, counted on CPU 1; rmmod with the reservations live"
[ $left_bad -eq 0 ]
tap_result $? "no /sys/kernel/cxipi nor /sys/kernel/debug/cxipi after any unload"
irqs_after=$(ls /sys/kernel/irq | wc -l)
[ $irq_bad -eq 0 ] && [ "$irqs_after" -eq "$irqs_before" ]
tap_result $? "no cxipi line in /proc/interrupts after any unload; irq descriptors $irqs_before before, $irqs_after after"

bad=$(dmesg | awk -v c="$canary" 'seen; index($0, c) { seen = 1 }' |
	grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection')
[ -z "$bad" ] || printf '%s\n' "$bad" | head -n 20 | sed 's/^/# /'
[ -z "$bad" ]
tap_result $? "kernel log after the canary is clean: no warning, bug, oops or call trace"

insmod "$ko"
tap_result $? "cxipi loaded again for the tests that follow"
tap_exit
