#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cxipi's trace events: one IPI sent through sysfs to CPU 2 of cxipi-percpu
# leaves exactly one reserve, send, raise (a kick), delivery (on CPU 2, same
# hwirq) and destroy in the trace buffer, and no latch; one sent to a CPU
# that is possible but not online leaves exactly one latch, no delivery;
# one sent from task context on CPU 0 to CPUs 1-3 kicks them with exactly
# one batch of cross-CPU calls and is delivered once on each.
# Each event is counted exactly, so a missing or doubled event fails.
# busybox sh; TAP 13 on stdout; exit 0 pass, 1 fail, 4 skip (no tracefs, no
# cxipi events, cxipi not loaded, or CPU 2 not online).
. "$(dirname "$0")/cxipi_lib.sh"
d=/sys/kernel/cxipi/domains/cxipi-percpu
events="cxipi_reserve cxipi_destroy cxipi_send cxipi_send_mask cxipi_raise
	cxipi_latch cxipi_kick_batch cxipi_deliver"

skip() {
	tap_skip_all "$*"
}
[ -d $d ] || skip "cxipi is not loaded"

# tracefs: its own mount point, else the one under debugfs.
t=/sys/kernel/tracing
mounted=
if [ ! -d $t/events ] && mount -t tracefs nodev $t 2>/dev/null; then
	mounted=$t
fi
[ -d $t/events ] || t=/sys/kernel/debug/tracing
[ -d $t/events ] || skip "no tracefs"
[ -d $t/events/cxipi ] || skip "no cxipi events in $t/events"

possible=$(cat /sys/devices/system/cpu/possible)
online=$(cat /sys/devices/system/cpu/online)
in_list 2 "$online" || skip "CPU 2 is not online"
# A coprocessor: CPU 5 in the -smp 4,maxcpus=8 VM, else any such CPU.
coproc=
for c in 5 $(seq 0 63); do
	if in_list "$c" "$possible" && ! in_list "$c" "$online"; then
		coproc=$c
		break
	fi
done

tap_plan 11

tracing_on=$(cat $t/tracing_on)
cleanup() {
	echo 0 >$t/events/cxipi/enable
	echo >$t/trace
	echo "$tracing_on" >$t/tracing_on
}
bail() {
	echo "Bail out! $*"
	for r in tr trl trm; do
		[ -d $d/reservations/$r ] &&
			cat $d/reservations/$r/targets >$d/reservations/$r/destroy
	done
	cleanup
	[ -z "$mounted" ] || umount "$mounted"
	exit 1
}

missing=
for e in $events; do
	[ -f "$t/events/cxipi/$e/format" ] || missing="$missing $e"
done
[ -z "$missing" ]
tap_result $? "the 8 cxipi events are in $t/events/cxipi${missing:+ (missing:$missing)}"

# cxipi's events from an empty buffer; markers split the trace.
echo 1 >$t/events/cxipi/enable || bail "cannot enable the cxipi events"
echo >$t/trace
echo 1 >$t/tracing_on
marker() {
	echo "cxipi_trace_test $1 $$" >$t/trace_marker || bail "no trace_marker"
}

# One IPI to CPU 2, delivered before the reservation goes.
marker send
echo "tr 1-2" >$d/reserve || bail "cannot reserve tr 1-2"
r=$d/reservations/tr
virq=$(cat $r/virq)
set -- $(cat $r/hwirqs)
h2=$2
before=$(cut -d' ' -f3 $r/received)
echo 2 >$r/send || bail "cannot send to CPU 2"
i=0
while [ "$(cut -d' ' -f3 $r/received)" -le "$before" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo 1-2 >$r/destroy || bail "cannot destroy tr"

# One IPI to a coprocessor, which latches.
marker latch
if [ -n "$coproc" ]; then
	echo "trl $coproc" >$d/reserve || bail "cannot reserve trl $coproc"
	hc=$(cat $d/reservations/trl/hwirqs)
	echo "$coproc" >$d/reservations/trl/send || bail "cannot send to $coproc"
	echo "$coproc" >$d/reservations/trl/destroy || bail "cannot destroy trl"
fi

# A fan-out from task context, written on CPU 0 so that no target is the
# sender (which would kick itself with a self-IPI instead).
marker mask
if in_list 3 "$online"; then
	echo "trm 1-3" >$d/reserve || bail "cannot reserve trm 1-3"
	r=$d/reservations/trm
	taskset -c 0 sh -c "echo 1-3 >$r/send_mask" || bail "cannot send to 1-3"
	i=0
	until [ "$(cut -d' ' -f2-4 $r/received)" = "1 1 1" ] || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo 1-3 >$r/destroy || bail "cannot destroy trm"
fi
marker end
echo 0 >$t/events/cxipi/enable

# The cxipi events between two markers.
between() { # between FROM TO
	awk -v a="cxipi_trace_test $1 $$" -v b="cxipi_trace_test $2 $$" '
		index($0, b) { exit }
		on && / cxipi_[a-z_]*: / { print }
		index($0, a) { on = 1 }' /tmp/trace_test.log
}
cat $t/trace >/tmp/trace_test.log
between send latch >/tmp/trace_test.send
between latch mask >/tmp/trace_test.latch
between mask end >/tmp/trace_test.mask
sed 's/^ */# /' /tmp/trace_test.send /tmp/trace_test.latch /tmp/trace_test.mask

count() { # count FILE EVENT [TEXT]: lines of EVENT, or of EVENT with TEXT
	grep " $2: " "$1" | grep -c -- "$3"
}
# Exactly one EVENT, and it is EVENT: TEXT (to the end of the line).
one() { # one FILE EVENT TEXT
	[ "$(count "$1" "$2")" -eq 1 ] && grep -q " $2: $3\$" "$1"
}
# One cxipi_deliver in FILE on each CPU, and no other.
delivered_once() { # delivered_once FILE CPU...
	f=$1
	shift
	[ "$(count "$f" cxipi_deliver)" -eq $# ] || return 1
	for c; do
		[ "$(grep " cxipi_deliver: " "$f" | grep -c "\[00$c\]")" -eq 1 ] ||
			return 1
	done
}
s=/tmp/trace_test.send

one $s cxipi_reserve "domain=cxipi-percpu virq=$virq nr_virqs=2 targets=1-2"
tap_result $? "one cxipi_reserve: cxipi-percpu, virq $virq, 2 virqs, targets 1-2"

one $s cxipi_send "virq=$((virq + 1)) cpu=2 ret=0" &&
	[ "$(count $s cxipi_send_mask)" -eq 0 ]
tap_result $? "one cxipi_send: virq $((virq + 1)) to CPU 2, ret 0; no cxipi_send_mask"

one $s cxipi_raise "domain=cxipi-percpu cpu=2 hwirq=$h2 result=kick"
tap_result $? "one cxipi_raise: CPU 2, hwirq $h2, tap_result kick"

one $s cxipi_deliver "domain=cxipi-percpu cpu=2 hwirq=$h2" &&
	grep " cxipi_deliver: " $s | grep -q '\[002\]'
tap_result $? "one cxipi_deliver: on CPU 2 ([002]), hwirq $h2"

[ "$(count $s cxipi_latch)" -eq 0 ]
tap_result $? "no cxipi_latch for an online CPU"

one $s cxipi_destroy "virq=$virq removed=1-2 remaining=0"
tap_result $? "one cxipi_destroy: virq $virq, CPUs 1-2 removed, none remaining"

[ "$(wc -l <$s)" -eq 5 ]
tap_result $? "nothing else: 5 cxipi events for one send"

l=/tmp/trace_test.latch
if [ -z "$coproc" ]; then
	tap_skip "no CPU is possible but offline"
else
	one $l cxipi_latch "domain=cxipi-percpu cpu=$coproc hwirq=$hc" &&
		[ "$(count $l cxipi_raise "cpu=$coproc hwirq=$hc ")" -eq 1 ] &&
		[ "$(count $l cxipi_deliver)" -eq 0 ]
	tap_result $? "one cxipi_latch at coprocessor $coproc, hwirq $hc; no delivery"
fi

m=/tmp/trace_test.mask
if ! in_list 3 "$online"; then
	tap_skip "CPU 3 is not online"
elif [ "$(cat /sys/kernel/debug/cxipi/fanout_batches 2>/dev/null)" != Y ]; then
	tap_skip "this kernel cannot tell a preemptible caller (no CONFIG_PREEMPT_COUNT): fan-outs never batch"
else
	one $m cxipi_kick_batch "domain=cxipi-percpu cpus=1-3" &&
		delivered_once $m 1 2 3
	tap_result $? "one cxipi_kick_batch of CPUs 1-3 for a send_mask from CPU 0; one delivery on each"
fi

cleanup
[ "$(cat $t/events/cxipi/enable)" = 0 ] && ! grep -qv '^#' $t/trace
tap_result $? "events disabled and the trace buffer empty afterwards"
rm -f /tmp/trace_test.log /tmp/trace_test.send /tmp/trace_test.latch \
	/tmp/trace_test.mask
[ -z "$mounted" ] || umount "$mounted"
tap_exit
