#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A careless driver, then rmmod cxipi: cxipi_careless.ko reserves IPIs on
# both domains through the API, requests a handler on one, and unloads
# without destroying anything.  Unloading cxipi then destroys what it left,
# with one warning; afterwards no descriptor points at cxipi: every file
# under /sys/kernel/irq/ and /proc/irq/ reads safely, the virqs are gone,
# and cxipi loads again.  Also: a virq allocated on cxipi's domain outside
# the API pins cxipi.ko (one module reference) while it lives.
#
# busybox sh; TAP 13; exit 0 pass, 1 fail, 4 skip (no cxipi_careless.ko,
# or cxipi not loaded).  Leaves cxipi loaded.
. "$(dirname "$0")/cxipi_lib.sh"

ko=${CXIPI_CARELESS_KO:-/cxipi/cxipi_careless.ko}
cxipi_ko=${CXIPI_KO:-/cxipi/cxipi.ko}
refcnt=/sys/module/cxipi/refcnt

if [ ! -f "$ko" ] || [ ! -d /sys/module/cxipi ]; then
	tap_skip_all "no $ko, or cxipi is not loaded"
fi
tap_plan 7

canary="cxipi_careless_test: canary $$"
echo "$canary" >/dev/kmsg
after_canary() { dmesg | awk -v c="$canary" 'seen; index($0, c) { seen = 1 }'; }

before=$(cat $refcnt)
insmod "$ko" foreign=1
loaded=$?
with=$(cat $refcnt)
# One reference for the module that links against cxipi, one for the virq.
[ $loaded -eq 0 ] && [ "$with" -eq $((before + 2)) ]
tap_result $? "a virq allocated outside the API holds cxipi: refcnt $before, then $with with the careless driver loaded"

set -- $(after_canary | sed -n 's/.*cxipi_careless: percpu \([0-9]*\) single \([0-9]*\) foreign.*/\1 \2/p')
pc=${1:-0} sg=${2:-0}
rmmod cxipi_careless
[ $? -eq 0 ] && [ "$(cat $refcnt)" -eq "$before" ] && [ "$pc" -gt 0 ] && [ "$sg" -gt 0 ]
tap_result $? "the careless driver unloads, leaving virqs $pc (with a handler) and $sg reserved; refcnt back to $(cat $refcnt)"

rmmod cxipi
tap_result $? "rmmod cxipi with the careless driver's reservations live"

warnings=$(after_canary | grep -c 'cxipi: unloading with 2 IPI reservations their users left (1 handlers)')
[ "$warnings" -eq 1 ]
tap_result $? "one warning names what was destroyed ($warnings)"

[ ! -e /sys/kernel/irq/$pc ] && [ ! -e /sys/kernel/irq/$sg ] && [ ! -e /proc/irq/$pc ]
tap_result $? "virqs $pc and $sg are gone"

# Every file that describes an irq, cxipi's former ones included.
for f in /sys/kernel/irq/*/* /proc/irq/*/* /proc/interrupts; do
	[ -f "$f" ] && cat "$f" >/dev/null 2>&1
done
bad=$(after_canary | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection')
[ -z "$bad" ] || printf '%s\n' "$bad" | head -n 20 | sed 's/^/# /'
[ -z "$bad" ]
tap_result $? "every file under /sys/kernel/irq and /proc/irq read; kernel log clean"

insmod "$cxipi_ko"
tap_result $? "cxipi loads again"
tap_exit
