#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The doorbell link under load in both directions for $CXIPI_LINK_SECONDS
# (default 30): the host VM sends to the coprocessor CPU behind the link
# while the peer VM rings CPU 1, then the books of both machines balance:
#  down  sends = the coprocessor bank's coalesced + taken; taken = the
#        host link's posted = the peer's received + coalesced
#  up    the peer's rings = its posted = the host link's received +
#        coalesced; received = delivered (none rejected); delivered = CPU
#        1's bank raised = coalesced + delivered there; delivered there =
#        the handler's runs on CPU 1
#
# busybox sh; TAP 13 on stdout; exit 0 pass, 1 fail, 4 skip (no peer VM,
# outside the pair job).
. "$(dirname "$0")/link_lib.sh"

link_require_peer
tap_plan 6

seconds=${CXIPI_LINK_SECONDS:-30}
sg=$root/domains/cxipi-single
ctl peer-wait >/dev/null
wait_until 120 link_up
tap_result $? "link stress: host and peer VMs each see the other up"

hl=$(host_link)
cpu=$(cat "$hl/cpu")
echo "stress 1,$cpu" >$sg/reserve
r=$sg/reservations/stress
set -- $(cat $r/hwirqs)
h=$1

# "raised coalesced delivered taken dropped pending" of a CPU's bank.
bank() {		# bank CPU FIELD-NUMBER
	cut -d' ' -f"$2" $sg/cpu"$1"/stats
}
snapshot() {		# snapshot PREFIX: its counters, as PREFIX_name variables
	eval "$1_posted=$(stat_of "$hl" posted) $1_received=$(stat_of "$hl" received)"
	eval "$1_coalesced=$(stat_of "$hl" coalesced) $1_delivered=$(stat_of "$hl" delivered)"
	eval "$1_rejected=$(stat_of "$hl" rejected)"
	eval "$1_c7=$(bank "$cpu" 2) $1_t7=$(bank "$cpu" 4)"
	eval "$1_r1=$(bank 1 1) $1_c1=$(bank 1 2) $1_d1=$(bank 1 3) $1_ran=$(received_on $r 1)"
	eval "$1_pposted=$(peer_stat posted) $1_preceived=$(peer_stat received)"
	eval "$1_pcoalesced=$(peer_stat coalesced)"
}
snapshot a

peer "rm -f /tmp/rang; (end=\$((\$(date +%s) + $seconds)); n=0; \
	while [ \$(date +%s) -lt \$end ]; do \
		echo '1 1 $h 50' >$pl/raise || break; n=\$((n + 50)); \
	done; echo \$n >/tmp/rang.new; mv /tmp/rang.new /tmp/rang) >/dev/null 2>&1 &"
sends=0
end=$(($(date +%s) + seconds))
while [ "$(date +%s)" -lt $end ]; do
	echo "$cpu" >$r/send || break
	sends=$((sends + 1))
done
wait_until 120 peer "test -f /tmp/rang"
rang=$(peer "cat /tmp/rang")
# Settled: nothing unacked, nothing pending at CPU 1, two reads agree.
settled() {
	[ "$(stat_of "$hl" unacked)" = 0 ] && [ "$(bank 1 6)" = 0 ] &&
		[ "$(bank "$cpu" 6)" = 0 ] || return 1
	snapshot b
	sleep 1
	snapshot c
	[ "$b_posted $b_received $b_ran $b_preceived $b_pcoalesced" = \
	  "$c_posted $c_received $c_ran $c_preceived $c_pcoalesced" ]
}
wait_until 120 settled
tap_result $? "link stress: $seconds s, $sends sends from the host, $rang rings from the peer, then settled"

d() { eval "echo \$((c_$1 - a_$1))"; }
echo "# down: sends $sends coalesced-in-bank $(d c7) taken $(d t7) posted $(d posted) peer received $(d preceived) coalesced $(d pcoalesced)"
echo "# up: peer posted $(d pposted) host received $(d received) coalesced $(d coalesced) delivered $(d delivered) rejected $(d rejected)"
echo "# CPU 1: raised $(d r1) coalesced $(d c1) delivered $(d d1) handler ran $(d ran)"
[ "$sends" -gt 0 ] && [ $sends = $(($(d c7) + $(d t7))) ] && [ "$(d t7)" = "$(d posted)" ]
tap_result $? "link stress: every send coalesced in the coprocessor's bank or was taken into shared memory"
[ "$(d posted)" = $(($(d preceived) + $(d pcoalesced))) ]
tap_result $? "link stress: the host's rings = the peer's received + coalesced"
[ "$rang" -gt 0 ] && [ "$rang" = "$(d pposted)" ] &&
	[ "$rang" = $(($(d received) + $(d coalesced))) ]
tap_result $? "link stress: the peer's rings = the host's received + coalesced"
[ "$(d received)" = "$(d delivered)" ] && [ "$(d rejected)" = 0 ] &&
	[ "$(d delivered)" = "$(d r1)" ] &&
	[ "$(d r1)" = $(($(d c1) + $(d d1))) ] && [ "$(d d1)" = "$(d ran)" ]
tap_result $? "link stress: each delivered ring was raised at CPU 1 and ran the handler there or coalesced"
echo "1,$cpu" >$r/destroy
tap_exit
