# SPDX-License-Identifier: GPL-2.0
# Sourced by the shell selftests (busybox sh): TAP results and cpulists.
# Not a test itself: the runners run *_test and *_test.sh only.
ksft_skip=4

n=0 fail=0
result() {	# result STATUS DESCRIPTION: the next TAP result; STATUS 0 is ok
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fail=1
	fi
}

skip_result() {	# skip_result REASON: the next TAP result, skipped
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

in_list() {	# in_list CPU CPULIST: whether CPU is in CPULIST ("0-3,5")
	echo "$2" | tr ',' '\n' | while IFS=- read -r lo hi; do
		[ "$1" -ge "$lo" ] && [ "$1" -le "${hi:-$lo}" ] && echo y
	done | grep -q y
}
