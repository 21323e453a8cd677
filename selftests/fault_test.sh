#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures, with the module parameter fail_alloc=N, which makes
# the Nth allocation of module init, or of each reservation, fail.
#
# Init: for N = 1, 2, ... insmod cxipi.ko fail_alloc=N must fail with
# ENOMEM, with nothing left behind (no /sys/kernel/cxipi, no module, no
# debugfs directory, no cxipi line in /proc/interrupts) and a clean kernel
# log naming allocation N as the one failed, until N passes the number of
# allocations init makes: then it loads, with no failure injected, and
# works.  Reserve: with fail_alloc=N written at run time, reserving through
# sysfs fails with ENOMEM and changes nothing (free hwirqs, reservations/),
# until N passes the reservation's allocations: then it succeeds and sends.
#
# The VM runner has loaded cxipi.ko: this test unloads it first and loads it
# again, without fail_alloc, at the end.  busybox sh; TAP 13 on stdout;
# exit 0 pass, 1 fail, 4 skip (no $CXIPI_KO, default /cxipi/cxipi.ko).
. "$(dirname "$0")/cxipi_lib.sh"

ko=${CXIPI_KO:-/cxipi/cxipi.ko}
root=/sys/kernel/cxipi
dbg=/sys/kernel/debug/cxipi
param=/sys/module/cxipi/parameters/fail_alloc
max=200

if [ ! -f "$ko" ]; then
	tap_skip_all "no $ko"
fi
tap_plan 7


# A fresh canary in the kernel log; read_log puts what follows it in $log.
# The checks of $log are shell builtins: they run hundreds of times.
canary= seq=0
new_canary() {
	seq=$((seq + 1))
	canary="cxipi_fault_test: canary $$.$seq:"
	echo "$canary $1" >/dev/kmsg
}
read_log() {
	log=$(dmesg | awk -v c="$canary" 'seen; index($0, c) { seen = 1 }')
}

# Sets $trouble to what is wrong with $log, when allocation $1 (none if
# empty) should have been failed: empty when all is well.  busybox insmod
# retries with init_module() when finit_module() failed, so a failing
# insmod runs init twice and fails the same allocation twice.
log_trouble() {
	trouble= rest=$log
	if [ -n "$1" ]; then
		rest=${log//"fail_alloc: failing allocation $1 at"/}
		[ "$rest" != "$log" ] || trouble="allocation $1 was not failed; "
	fi
	case $rest in
	*"fail_alloc: failing allocation"*)
		trouble="${trouble}another allocation was failed; " ;;
	esac
	case $log in
	*WARNING:* | *BUG:* | *Oops* | *"Call Trace"* | *"general protection"*)
		trouble="${trouble}the kernel log has a warning (below); "
		printf '%s\n' "$log" | head -n 40 | sed 's/^/#   /' ;;
	esac
}

# Adds to $trouble whatever of cxipi is left while it is not loaded.
leftovers() {
	[ ! -e $root ] || trouble="$trouble$root is left; "
	[ ! -e /sys/module/cxipi ] || trouble="$trouble/sys/module/cxipi is left; "
	[ ! -e $dbg ] || trouble="$trouble$dbg is left; "
	! grep -q cxipi /proc/interrupts ||
		trouble="${trouble}cxipi lines are left in /proc/interrupts; "
}

was_loaded=no
if [ -d /sys/module/cxipi ]; then
	was_loaded=yes
	rmmod cxipi
	tap_result $? "rmmod cxipi, which the runner loaded"
else
	tap_result 0 "cxipi was not loaded # SKIP nothing to unload"
fi

# ---- module init ------------------------------------------------------------
bad=0 loaded=0 clean_load=0 i=1
while [ $i -le $max ]; do
	new_canary "insmod fail_alloc=$i"
	out=$(insmod "$ko" fail_alloc=$i 2>&1)
	rc=$?
	read_log
	if [ $rc -eq 0 ]; then
		loaded=$i
		log_trouble ""
		[ -z "$trouble" ] && clean_load=1 ||
			echo "# fail_alloc=$i: insmod succeeded, but $trouble"
		break
	fi
	log_trouble $i
	leftovers
	case $out in
	*"allocate memory"*) ;;
	*) trouble="${trouble}not ENOMEM: $out" ;;
	esac
	if [ -n "$trouble" ]; then
		echo "# fail_alloc=$i: $trouble"
		bad=1
		rmmod cxipi 2>/dev/null
	fi
	i=$((i + 1))
done
allocs=$((loaded - 1))
echo "# module init makes $allocs allocations that fail_alloc counts"
[ $loaded -gt 1 ] && [ $bad -eq 0 ]
tap_result $? "insmod fails cleanly with each of the $allocs allocations of init failing: ENOMEM, nothing left, log clean"
[ $clean_load -eq 1 ] && [ -d $root ]
tap_result $? "insmod fail_alloc=$loaded (past the last allocation) loads, with no failure injected"

# The module so loaded works: reserve, send, count, destroy.
works() {	# works DOMAIN-DIR NAME
	echo "$2 0" >"$1/reserve" || return 1
	echo 0 >"$1/reservations/$2/send" || return 1
	tries=0
	while read -r c0 rest <"$1/reservations/$2/received" && [ "$c0" != 1 ]; do
		tries=$((tries + 1))
		[ $tries -le 200 ] || return 1
		sleep 0.01
	done
	echo 0 >"$1/reservations/$2/destroy" && [ ! -e "$1/reservations/$2" ]
}
[ $loaded -gt 0 ] && echo 0 >$param && works $root/domains/cxipi-percpu fresh
tap_result $? "the module so loaded reserves, sends once, counts one run on CPU 0, destroys"

# ---- reserve ------------------------------------------------------------------
# reserve_with DOMAIN-DIR NAME CPULIST: for N = 1, 2, ... reserve with
# fail_alloc=N until it succeeds; sets $reserve_allocs, or returns 1.
reserve_with() {
	free=$(cat "$1/free")
	list=$(ls "$1/reservations")
	j=1
	while [ $j -le $max ]; do
		new_canary "reserve $2 fail_alloc=$j"
		echo $j >$param
		err=$(echo "$2 $3" 2>&1 >"$1/reserve")
		rc=$?
		echo 0 >$param
		read_log
		if [ $rc -eq 0 ]; then
			reserve_allocs=$((j - 1))
			log_trouble ""
			[ -z "$trouble" ] || { echo "# $2 fail_alloc=$j: reserve succeeded, but $trouble"; return 1; }
			return 0
		fi
		log_trouble $j
		case $err in
		*"allocate memory"*) ;;
		*) trouble="${trouble}not ENOMEM: $err; " ;;
		esac
		[ "$(cat "$1/free")" = "$free" ] ||
			trouble="${trouble}free hwirqs $(cat "$1/free"), were $free; "
		[ "$(ls "$1/reservations")" = "$list" ] ||
			trouble="${trouble}reservations/ changed; "
		[ -z "$trouble" ] || { echo "# $2 fail_alloc=$j: $trouble"; return 1; }
		j=$((j + 1))
	done
	return 1
}

for dom in cxipi-percpu cxipi-single; do
	dd=$root/domains/$dom
	if [ $loaded -eq 0 ]; then
		tap_result 1 "$dom: reserve fails cleanly with each allocation failing # cxipi not loaded"
		continue
	fi
	reserve_allocs=0
	reserve_with $dd faulty 0-1 &&
		echo 1 >$dd/reservations/faulty/send_mask &&
		echo 0-1 >$dd/reservations/faulty/destroy && [ ! -e $dd/reservations/faulty ] &&
		[ $reserve_allocs -gt 0 ]
	tap_result $? "$dom: reserve of CPUs 0-1 is ENOMEM with each of its $reserve_allocs allocations failing, free and reservations/ unchanged; then it reserves, sends, destroys"
done

echo 0 >$param 2>/dev/null
rmmod cxipi 2>/dev/null
if [ "$was_loaded" = yes ]; then
	insmod "$ko"
	tap_result $? "cxipi loaded again, without fail_alloc, for the tests that follow"
else
	tap_result 0 "cxipi left unloaded, as found"
fi
tap_exit
