#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The generic IPI API as an in-kernel driver sees it.  Load cxipi_client.ko,
# whose init runs its checks against cxipi.ko and logs one result each
# ("cxipi_client: ok N - ..." or "not ok", "# ..." lines saying why), unload
# it, and turn the kernel log written after a canary into TAP 13, adding:
# that rmmod succeeded (the module freed all it made), and, last, that the
# log has no WARNING, BUG, Oops or Call Trace.
#
# Exit 0 when every check passed, 1 otherwise, 4 (skip) when cxipi.ko is not
# loaded.  Needs busybox sh, insmod, rmmod, dmesg, sed, awk and grep.  The
# module is cxipi_client.ko in the parent of this script's directory (in the
# test VM /cxipi/selftests/cxipi_client.ko), or $CXIPI_CLIENT_KO.

ksft_skip=4
ko=${CXIPI_CLIENT_KO:-/cxipi/cxipi_client.ko}
param=/sys/module/cxipi/parameters/single_hwirqs

echo "TAP version 13"
if [ ! -d /sys/module/cxipi ]; then
	echo "1..0 # SKIP cxipi.ko is not loaded"
	exit $ksft_skip
fi

# A leftover of an earlier run would make insmod fail.
rmmod cxipi_client 2>/dev/null

canary="cxipi_client_test: canary $$ $(date +%s)"
echo "$canary" >/dev/kmsg

# With cxipi's single_hwirqs the module checks D1's count exactly.
args=
[ -r $param ] && args="single_hwirqs=$(cat $param)"

loaded=0 insmod_rc=0 rmmod_rc=0
if insmod "$ko" ${args:+"$args"}; then
	loaded=1
	rmmod cxipi_client
	rmmod_rc=$?
else
	insmod_rc=$?
fi

log=$(dmesg | awk -v c="$canary" 'seen; index($0, c) { seen = 1 }')
# The module's own lines, without the prefix: the plan, results, comments.
lines=$(printf '%s\n' "$log" | sed -n 's/^.*cxipi_client: //p')
plan=$(printf '%s\n' "$lines" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' |
	tail -n 1)
reported=$(printf '%s\n' "$lines" | grep -cE '^(not )?ok [0-9]+ - ')
[ -n "$plan" ] && [ "$plan" -ge "$reported" ] || plan=$reported
# Log problems: from anything in the kernel, not only this module.
bad=$(printf '%s\n' "$log" | grep -E 'WARNING:|BUG:|Oops|Call Trace')

n=0 pass=0 fail=0 skip=0
result() {	# result ok|notok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
		case $2 in
		*"# SKIP"*) skip=$((skip + 1)) ;;
		*) pass=$((pass + 1)) ;;
		esac
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

# The module's checks, then whether it loaded and unloaded, then the log.
echo "1..$((plan + 2))"
while IFS= read -r line; do
	case $line in
	"ok "*" - "*) result ok "${line#ok * - }" ;;
	"not ok "*" - "*) result notok "${line#not ok * - }" ;;
	"# "*) echo "$line" ;;
	esac
done <<EOF
$lines
EOF
while [ $n -lt "$plan" ]; do
	result notok "cxipi_client: check $((n + 1)) did not report"
done
if [ $loaded -eq 1 ]; then
	result "$([ $rmmod_rc -eq 0 ] && echo ok)" \
		"rmmod cxipi_client: it freed everything it made"
else
	result notok "insmod $ko $args (exit $insmod_rc)"
fi

if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | head -n 20 | sed 's/^/# /'
fi
result "$([ -z "$bad" ] && echo ok)" \
	"kernel log after the canary is clean: no warning, bug, oops or call trace"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail -eq 0 ]
