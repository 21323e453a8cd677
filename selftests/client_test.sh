#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The generic IPI API as an in-kernel driver sees it.  Load cxipi_client.ko,
# whose init runs the cases of its table against cxipi.ko and logs one
# result each ("cxipi_client: ok N - name: ..." or "not ok", after "# ..."
# lines saying why) and fails with -EINVAL when any case failed; then, on a
# kernel with CONFIG_KUNIT, cxipi_client_kunit.ko, which runs the same
# cases as the KUnit suite cxipi_client.  Turn the kernel log written after
# a canary (and KUnit's KTAP, from debugfs or the log) into TAP 13:
#
#   the plain module's cases (its plan "1..P" comes from its table);
#   that it loaded (every case passed) and rmmod succeeded;
#   the KUnit suite's cases as "kunit: name", and one result for loading
#   it, KUnit's verdict on the suite and rmmod; or, without CONFIG_KUNIT
#   or with KUnit disabled (kunit.enable=0), one result skipped saying so;
#   last, that the log has no WARNING, BUG, Oops or Call Trace.
#
# Exit 0 when every result passed, 1 otherwise, 4 (skip) when cxipi.ko is
# not loaded.  Needs busybox sh, insmod, rmmod, dmesg, sed, awk and grep.
# The modules are in /cxipi (as the test VM has them), or
# $CXIPI_CLIENT_KO and $CXIPI_CLIENT_KUNIT_KO.
. "$(dirname "$0")/cxipi_lib.sh"

dir=/cxipi
ko=${CXIPI_CLIENT_KO:-$dir/cxipi_client.ko}
kunit_ko=${CXIPI_CLIENT_KUNIT_KO:-$dir/cxipi_client_kunit.ko}
suite=cxipi_client
param=/sys/module/cxipi/parameters/single_hwirqs

[ -d /sys/module/cxipi ] || tap_skip_all "cxipi.ko is not loaded"

# A leftover of an earlier run would make insmod fail.
rmmod cxipi_client 2>/dev/null
rmmod cxipi_client_kunit 2>/dev/null

canary="cxipi_client_test: canary $$ $(date +%s)"
echo "$canary" >/dev/kmsg
after() {	# after CANARY: the kernel log after that line, without stamps
	dmesg | awk -v c="$1" 'seen; index($0, c) { seen = 1 }' |
		sed 's/^\[[^]]*\] //'
}

# With cxipi's single_hwirqs the cases check D1's count exactly.
args=
[ -r $param ] && args="single_hwirqs=$(cat $param)"

# The plain module: init returns -EINVAL when a case failed.
loaded=0 insmod_rc=0 rmmod_rc=0
insmod_err=$(insmod "$ko" ${args:+"$args"} 2>&1)
insmod_rc=$?
if [ $insmod_rc -eq 0 ]; then
	loaded=1
	rmmod cxipi_client
	rmmod_rc=$?
fi

# The KUnit module, when built (the kernel has CONFIG_KUNIT) and KUnit is
# in the running kernel (/sys/module/kunit: built in, or loadable).
kunit=absent
if [ -f "$kunit_ko" ]; then
	[ -d /sys/module/kunit ] || modprobe kunit 2>/dev/null
	[ -d /sys/module/kunit ] && kunit=present
fi
if [ $kunit = present ]; then
	kcanary="cxipi_client_test: KUnit canary $$ $(date +%s)"
	echo "$kcanary" >/dev/kmsg
	kinsmod_err=$(insmod "$kunit_ko" ${args:+"$args"} 2>&1)
	kinsmod_rc=$? krmmod_rc=1 ktap=
	if [ $kinsmod_rc -eq 0 ]; then
		# KUnit ran the suite as the module came in.
		results=/sys/kernel/debug/kunit/$suite/results
		[ -r "$results" ] && ktap=$(cat "$results")
		rmmod cxipi_client_kunit
		krmmod_rc=$?
	fi
	klog=$(after "$kcanary")
	# The KTAP of the suite, from debugfs or else from the log.
	[ -n "$ktap" ] || ktap=$(printf '%s\n' "$klog" |
		awk -v s="$suite" '/^    KTAP version/ { on = 1 } on
			on && $0 ~ "^(not )?ok [0-9]+ " s "$" { exit }')
	kplan=$(printf '%s\n' "$ktap" | sed -n 's/^    1\.\.\([0-9][0-9]*\)$/\1/p' |
		tail -n 1)
	kcases=$(printf '%s\n' "$ktap" | grep -E '^    (not )?ok [0-9]+ ')
	kverdict=$(printf '%s\n' "$ktap" | grep -E "^(not )?ok [0-9]+ $suite\$" |
		tail -n 1)
	kreported=$(printf '%s\n' "$kcases" | grep -c .)
	# A kernel booted with kunit.enable=0 (the default without
	# CONFIG_KUNIT_DEFAULT_ENABLED) loads the module and runs nothing.
	if [ -z "$ktap" ] && [ $kinsmod_rc -eq 0 ] && [ $krmmod_rc -eq 0 ] &&
		printf '%s\n' "$klog" | grep -q '^kunit: disabled'; then
		kunit=disabled
	fi
fi

log=$(after "$canary")
# The plain module's own lines, without the prefix: the plan, results,
# comments; of its last run only: when init fails, busybox's insmod tries
# init_module() after finit_module(), and init runs again.
lines=$(printf '%s\n' "$log" | sed -n 's/^cxipi_client: //p' |
	awk '/^1\.\.[0-9]+$/ { runs++; buf = "" } { buf = buf $0 "\n" }
		END { printf "%s", buf; if (runs > 1) print "# init ran " runs " times" }')
plan=$(printf '%s\n' "$lines" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' |
	tail -n 1)
reported=$(printf '%s\n' "$lines" | grep -cE '^(not )?ok [0-9]+ - ')
[ -n "$plan" ] && [ "$plan" -ge "$reported" ] || plan=$reported
# The same table: without a KUnit plan, expect as many cases.
if [ $kunit = present ]; then
	[ -n "$kplan" ] || kplan=$plan
	[ "$kplan" -ge "$kreported" ] || kplan=$kreported
	kresults=$((kplan + 1))
else
	kresults=1
fi
# Log problems: from anything in the kernel, not only these modules.
bad=$(printf '%s\n' "$log" | grep -E 'WARNING:|BUG:|Oops|Call Trace')

tap_plan $((plan + 1 + kresults + 1))

# The plain module's cases, then whether it loaded and unloaded.
while IFS= read -r line; do
	case $line in
	"ok "*" - "*) tap_result 0 "${line#ok * - }" ;;
	"not ok "*" - "*) tap_result 1 "${line#not ok * - }" ;;
	"# "*) echo "$line" ;;
	esac
done <<EOF
$lines
EOF
while [ $tap_n -lt "$plan" ]; do
	tap_result 1 "cxipi_client: case $((tap_n + 1)) did not report"
done
if [ $loaded -eq 1 ]; then
	[ $rmmod_rc -eq 0 ]
	tap_result $? \
		"insmod cxipi_client.ko: every case passed; rmmod: it freed everything it made"
else
	[ -z "$insmod_err" ] || printf '%s\n' "$insmod_err" | sed 's/^/# /'
	tap_result 1 "insmod $ko $args (exit $insmod_rc): a case failed, or the module did not load"
fi

# The KUnit suite: its cases, its "# " lines, then the module.
if [ $kunit = present ]; then
	base=$tap_n
	printf '%s\n' "$klog" | sed -n 's/^cxipi_client_kunit: \(# .*\)$/\1/p'
	# KUnit's own lines of the suite: KUNIT_FAIL()'s, its totals.
	printf '%s\n' "$ktap" | grep -E '^(    [^ ]|# )' |
		grep -vE '^    (KTAP version|1\.\.|# Subtest:|(not )?ok [0-9]+ )' |
		sed 's/^\(    \)\{0,1\}\(# \)\{0,1\}/# kunit: /'
	while IFS= read -r line; do
		line=${line#    }
		case $line in
		"ok "*) tap_result 0 "kunit: ${line#ok * }" ;;
		"not ok "*) tap_result 1 "kunit: ${line#not ok * }" ;;
		esac
	done <<EOF
$kcases
EOF
	while [ $((tap_n - base)) -lt "$kplan" ]; do
		tap_result 1 "kunit: case $((tap_n - base + 1)) did not report"
	done
	[ -z "$kinsmod_err" ] || printf '%s\n' "$kinsmod_err" | sed 's/^/# /'
	kok=
	if [ "$kinsmod_rc" -eq 0 ] && [ "$krmmod_rc" -eq 0 ]; then
		case $kverdict in "ok "*) kok=ok ;; esac
	fi
	[ -n "$kok" ]
	tap_result $? \
		"kunit: insmod cxipi_client_kunit.ko (exit $kinsmod_rc), KUnit's verdict '${kverdict:-none}', rmmod (exit $krmmod_rc)"
elif [ $kunit = disabled ]; then
	tap_skip "kunit: suite $suite: KUnit is disabled in this kernel (boot with kunit.enable=1, or build it with CONFIG_KUNIT_DEFAULT_ENABLED=y)"
elif [ -f "$kunit_ko" ]; then
	tap_skip "kunit: suite $suite: the running kernel has no KUnit (no /sys/module/kunit): no CONFIG_KUNIT"
else
	tap_skip "kunit: suite $suite: the kernel has no CONFIG_KUNIT (no ${kunit_ko##*/} was built for it)"
fi

if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | head -n 20 | sed 's/^/# /'
fi
[ -z "$bad" ]
tap_result $? \
	"kernel log after the canary is clean: no warning, bug, oops or call trace"
tap_exit
