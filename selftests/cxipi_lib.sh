# SPDX-License-Identifier: GPL-2.0
# Sourced by the shell selftests (busybox sh): the TAP writer and cpulists.
# Not a test itself: only what selftests/Makefile lists runs.
. "$(dirname "$0")/tap.sh"

in_list() {	# in_list CPU CPULIST: whether CPU is in CPULIST ("0-3,5")
	echo "$2" | tr ',' '\n' | while IFS=- read -r lo hi; do
		[ "$1" -ge "$lo" ] && [ "$1" -le "${hi:-$lo}" ] && echo y
	done | grep -q y
}
