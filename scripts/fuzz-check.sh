#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The core's fuzz target against its reference model, as two TAP results:
# the checked-in corpus once (a regression test), then SECONDS of fuzzing.
#
# usage: fuzz-check.sh SECONDS
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/tap.sh"
seconds=${1:?usage: fuzz-check.sh SECONDS}
out=$top/build
mkdir -p "$out"

tap_plan 2
make --no-print-directory -s -C "$top/cxx_core/tests/fuzz" regress >"$out/fuzz-regress.log" 2>&1
status=$?
[ $status -eq 0 ] || tail -n 40 "$out/fuzz-regress.log" | sed 's/^/# /'
tap_result $status "host: fuzz_ops corpus regression, $(tail -n1 "$out/fuzz-regress.log")"

make --no-print-directory -s -C "$top/cxx_core/tests/fuzz" run FUZZ_SECONDS="$seconds" \
	>"$out/fuzz.log" 2>&1
status=$?
if [ $status -eq 0 ]; then
	grep -E '^Done|DONE' "$out/fuzz.log" | tail -n1 | sed 's/^/# /'
else
	tail -n 40 "$out/fuzz.log" | sed 's/^/# /'
fi
tap_result $status "host: fuzz_ops, $seconds s against the reference model (log: $out/fuzz.log)"
tap_exit
