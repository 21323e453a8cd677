# SPDX-License-Identifier: GPL-2.0
# Sourced by the doorbell link selftests, which run on the host VM of the
# pair job (scripts/vm/vm.sh pair) with a peer VM behind an
# ivshmem-doorbell device: the host's link, the peer's, and waiting for
# either.  Not a test itself.
. "$(dirname "$0")/cxipi_lib.sh"
. "$(dirname "$0")/ctl_lib.sh"

root=/sys/kernel/cxipi

# Skip without a peer VM, unless the pair job says there must be one.
link_require_peer() {
	if ! ctl_present; then
		[ -n "${CXIPI_PAIR:-}" ] || tap_skip_all "no peer VM: the pair job runs this"
		tap_plan 1
		tap_result 1 "link: the pair job's control line to the peer answers"
		tap_exit
	fi
}

# The host's link directory (one doorbell device).
host_link() {
	set -- $root/links/*
	[ -d "$1" ] && echo "$1"
}

# The peer's: the same image puts its device at the same PCI address.
# (Named in full: busybox sh does not expand a glob in a redirection.)
pl=$root/links/$(basename "$(host_link)")

# Poll until COMMAND succeeds, for up to SECONDS.
wait_until() {		# wait_until SECONDS COMMAND...
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# One named counter of a link's stats file (host side).
stat_of() {		# stat_of LINK-DIR NAME
	sed -n "s/^$2 //p" "$1/stats"
}

# The same, of the peer's link.
peer_stat() {		# peer_stat NAME
	peer "sed -n 's/^$1 //p' $pl/stats"
}

# How many doorbells the peer received of BANK's HWIRQ.
peer_received() {	# peer_received BANK HWIRQ
	local n
	n=$(peer "sed -n 's/^$1 $2 //p' $pl/received")
	echo "${n:-0}"
}

# The peer's link says the host is up, and the host's says the peer is.
link_up() {
	case $(cat "$(host_link)/peer") in up*) ;; *) return 1 ;; esac
	case $(peer "cat $pl/peer" 2>/dev/null) in up*) ;; *) return 1 ;; esac
}

# The handler runs of a sysfs reservation on CPU C.
received_on() {		# received_on RESERVATION-DIR CPU
	local i=0 n
	for n in $(cat "$1/received"); do
		[ $i -ne "$2" ] || { echo "$n"; return; }
		i=$((i + 1))
	done
}

# Wait until the handler of RESERVATION-DIR has run N times on CPU C.
wait_received() {	# wait_received RESERVATION-DIR CPU N
	wait_until 30 test "$(received_on "$1" "$2")" = "$3"
}
