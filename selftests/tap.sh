# SPDX-License-Identifier: GPL-2.0
# The one TAP 13 writer of cxipi's shell: the shell selftests, the VM's
# guest jobs and the host's checks source it (busybox sh and bash alike).
# A stream is "TAP version 13", its plan "1..N", then exactly N results;
# scripts/tap-summary.py, which makes the closing count, fails a stream
# whose results do not match its plan.  Not a test itself.
tap_n=0
tap_failed=0

tap_plan() {		# tap_plan N: begin a stream of N results
	echo "TAP version 13"
	echo "1..$1"
}

tap_skip_all() {	# tap_skip_all REASON: a stream that runs nothing; exit 4
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit 4
}

tap_result() {		# tap_result STATUS DESCRIPTION: STATUS 0 is ok
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n $2"
	else
		echo "not ok $tap_n $2"
		tap_failed=1
	fi
}

tap_skip() {		# tap_skip REASON: the next result, skipped
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

# The output of COMMAND nested one level down ("# " before each line), as
# kselftest's runner nests a test's own TAP; then one result, ok when the
# command exited 0.  The nested stream's results are counted, this one
# only when it fails while they did not.
tap_nest() {		# tap_nest DESCRIPTION COMMAND...
	local description=$1 status_file status
	shift
	status_file=$(mktemp)
	{ "$@" 2>&1; echo $? >"$status_file"; } | while IFS= read -r line; do
		echo "# $line"
	done
	status=$(cat "$status_file")
	rm -f "$status_file"
	tap_result "${status:-1}" "$description"
}

tap_exit() {		# exit 0 when every result was ok, 1 otherwise
	exit $tap_failed
}
