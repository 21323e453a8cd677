# SPDX-License-Identifier: GPL-2.0
# kmemleak on kernels that have it (the debug kernel of make check-debug):
# forget what leaked before the job, then report what the job leaked.
# Sourced after lib.sh; does nothing where the kernel has no kmemleak.
kmemleak=/sys/kernel/debug/kmemleak

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
	tap "$leaks" "kmemleak: no unreferenced object ($leaks)"
}
