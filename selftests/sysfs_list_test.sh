#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A sysfs list longer than a page is an error, never a line cut short:
# with 1200 doorbells latched at a coprocessor, cpu<N>/pending does not fit
# in 4096 bytes, and reading it fails with EFBIG instead of returning a
# cut list without its newline.  Shorter lists still end in a newline.
#
# busybox sh; TAP 13; exit 0 pass, 1 fail, 4 skip (no cxipi.ko, or no CPU
# but 0 to use as a coprocessor).  Reloads cxipi with percpu_hwirqs=1200,
# and leaves it loaded with its defaults.
. "$(dirname "$0")/cxipi_lib.sh"

ko=${CXIPI_KO:-/cxipi/cxipi.ko}
hwirqs=1200
d=/sys/kernel/cxipi/domains/cxipi-percpu

if [ ! -f "$ko" ]; then
	tap_skip_all "no $ko"
fi

# A coprocessor: a possible CPU that is offline, else one taken offline.
offline=$(cat /sys/devices/system/cpu/offline)
cpu=${offline%%[-,]*}
took=
if [ -z "$cpu" ]; then
	online=$(cat /sys/devices/system/cpu/online)
	cpu=${online##*[-,]}
	if [ "$cpu" = 0 ] || ! echo 0 >/sys/devices/system/cpu/cpu$cpu/online; then
		tap_skip_all "no CPU to use as a coprocessor"
	fi
	took=$cpu
fi
tap_plan 3

rmmod cxipi 2>/dev/null
insmod "$ko" percpu_hwirqs=$hwirqs
tap_result $? "cxipi loaded with $hwirqs doorbells on cxipi-percpu"

h=0
while [ $h -lt $hwirqs ]; do
	echo $h >$d/cpu$cpu/raise || break
	h=$((h + 1))
done
out=$(cat $d/cpu$cpu/pending 2>/tmp/sysfs_list_err)
rc=$?
err=$(cat /tmp/sysfs_list_err)
echo "# $h raised at CPU $cpu; reading pending: rc $rc, ${#out} bytes, '$err'"
[ $h -eq $hwirqs ] && [ $rc -ne 0 ] && [ -z "$out" ] &&
	case $err in *"too large"*) true ;; *) false ;; esac
tap_result $? "cpu$cpu/pending with $hwirqs doorbells fails with EFBIG"

echo 7 >$d/cpu0/raise 2>/dev/null
last=$(cat $d/cpu0/pending | tail -c 1 | od -An -tx1 | tr -d ' ')
[ "$last" = 0a ]
tap_result $? "a list that fits (cpu0/pending) still ends in a newline ('$last')"

rmmod cxipi && insmod "$ko"
[ -z "$took" ] || echo 1 >/sys/devices/system/cpu/cpu$took/online
tap_exit
