# SPDX-License-Identifier: GPL-2.0
# kmemleak on kernels that have it (the debug kernels): forget what leaked
# before the job, then report what the job leaked, as one TAP result
# (kmemleak_results says how many: 1 or 0).
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_results=0
[ ! -w $kmemleak ] || kmemleak_results=1

kmemleak_start() {
	[ -w $kmemleak ] || return 0
	echo scan >$kmemleak
	echo clear >$kmemleak
}

# kmemleak only reports objects older than 5 s that two scans find
# unreferenced.
kmemleak_check() {
	[ -w $kmemleak ] || return 0
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	local leaks
	leaks=$(grep -c '^unreferenced object' $kmemleak)
	[ "$leaks" -eq 0 ] || sed 's/^/# kmemleak: /' $kmemleak
	tap_result "$leaks" "vm: kmemleak: no unreferenced object ($leaks)"
}
