# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest's jobs: the TAP writer, and kselftest's stock runner
# on the installed tests (/cxipi/ksft, as `make vm-root` staged them).
. /cxipi/ksft/cxipi/tap.sh
ksft=/cxipi/ksft

# Run the named tests of collection cxipi with run_kselftest.sh; fail when
# the runner reports a test not ok (it exits 0 whatever the tests did).
kselftests() {		# kselftests TEST...
	local args= t
	for t in "$@"; do
		args="$args -t cxipi:$t"
	done
	$ksft/run_kselftest.sh $args | tee /tmp/kselftests.out
	! grep -q '^not ok' /tmp/kselftests.out
}

# The runner takes each test's time limit from the collection's settings
# file only: a job that runs longer than a selftest run rewrites it.
ksft_timeout() {	# ksft_timeout SECONDS
	echo "timeout=$1" >$ksft/cxipi/settings
}
