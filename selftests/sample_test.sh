#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The coprocessor handshake of samples/cxipi_remoteproc_sample.c.  Load the
# sample, whose init does one doorbell round trip with the first CPU that is
# possible but not online; check that it logged the handshake after a canary
# and that its remote-to-linux irq ran once, on CPU 0; unload it; check that
# its irq is gone and that the log has no WARNING, BUG, Oops or Call Trace.
#
# busybox sh; TAP 13 on stdout; exit 0 pass, 1 fail, 4 skip: cxipi.ko not
# loaded, the sample not built, or no CPU possible but offline (a VM booted
# -smp 8 has none; -smp 4,maxcpus=8 has CPUs 4-7).  The sample is
# /cxipi/cxipi_remoteproc_sample.ko in the test VM, or $CXIPI_SAMPLE_KO.
. "$(dirname "$0")/cxipi_lib.sh"

ko=${CXIPI_SAMPLE_KO:-/cxipi/cxipi_remoteproc_sample.ko}
mod=cxipi_remoteproc_sample
cpus=/sys/devices/system/cpu

skip() {
	tap_skip_all "$*"
}
[ -d /sys/module/cxipi ] || skip "cxipi.ko is not loaded"
[ -f "$ko" ] || skip "no $ko (build samples/)"

# The sample's default coprocessor: the first possible CPU that is offline.
# The offline list may also name CPUs past the possible ones: ignore those.
offline=$(cat $cpus/offline)
coproc=${offline%%[-,]*}
last=$(cat $cpus/possible)
last=${last##*[-,]}
if [ -z "$coproc" ] || [ "$coproc" -gt "$last" ]; then
	skip "no CPU is possible but offline (boot with maxcpus above the CPU count)"
fi
tap_plan 6

# A leftover of an earlier run would make insmod fail.
rmmod $mod 2>/dev/null

canary="cxipi_sample_test: canary $$ $(date +%s)"
echo "$canary" >/dev/kmsg

# The kernel log after the canary, and the sample's own lines in it.
log_after_canary() {
	dmesg | awk -v c="$canary" 'seen; index($0, c) { seen = 1 }'
}
sample_lines() {
	log_after_canary | sed -n "s/^.*$mod: //p"
}

insmod "$ko"
tap_result $? "insmod $ko"
lines=$(sample_lines)
[ -z "$lines" ] || printf '%s\n' "$lines" | sed 's/^/# /'

printf '%s\n' "$lines" | grep -qE "^handshake complete: linux cpu 0 <-> coprocessor cpu $coproc, hwirqs [0-9]+/[0-9]+$"
tap_result $? "handshake complete with coprocessor CPU $coproc"

# "reserved linux-to-remote virq L (CPU c), remote-to-linux virq R (CPU 0)"
virq=$(printf '%s\n' "$lines" |
	sed -n 's/^reserved .* remote-to-linux virq \([0-9][0-9]*\) .*/\1/p')
# Its row: the count on CPU 0 (the first column), the sum over the others.
counts=$(awk -v irq="${virq:-none}:" -v name=$mod '
	NR == 1 { ncpus = NF; next }
	$1 == irq && $NF == name {
		for (i = 3; i <= ncpus + 1; i++)
			others += $i
		print $2 + 0, others + 0
	}' /proc/interrupts)
echo "# remote-to-linux irq ${virq:-?}: count on CPU 0 and on the others: ${counts:-no row}"
[ "$counts" = "1 0" ]
tap_result $? "remote-to-linux irq ${virq:-?} ran once, on CPU 0 (/proc/interrupts)"

rmmod $mod
tap_result $? "rmmod $mod"

[ -n "$virq" ] && ! grep -qE "^ *$virq:.* $mod\$" /proc/interrupts
tap_result $? "irq ${virq:-?} is gone from /proc/interrupts after rmmod"

bad=$(log_after_canary | grep -E 'WARNING:|BUG:|Oops|Call Trace')
[ -z "$bad" ] || printf '%s\n' "$bad" | head -n 20 | sed 's/^/# /'
[ -z "$bad" ]
tap_result $? "kernel log after the canary is clean: no warning, bug, oops or call trace"

tap_exit
