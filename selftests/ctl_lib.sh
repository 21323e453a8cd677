# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by the tests that need the peer VM of the pair job (make vm-pair):
# the hub of scripts/vm/pair.py sits on the main VM's /dev/ttyS1, and
# answers each command line with the command's output lines, then
# "cxipi-ctl: rc N".  The pair job exports CXIPI_PAIR=1: a test that sees
# it must not skip for want of the hub.  Not a test itself.
CTL_TTY=${CTL_TTY:-/dev/ttyS1}
# Longer than the hub's own limits (5 min for the peer's loop to be ready,
# then 5 min for the command), so that the hub's answer comes first.
CTL_TIMEOUT=${CTL_TIMEOUT:-660}

# ctl CMD...: one command to the hub; prints its output, returns its exit
# status (124 when no answer came within CTL_TIMEOUT seconds).  Commands:
# ping, peer CMD..., peer-wait, peer-stop, peer-cont, peer-status,
# peer-kill, peer-boot, peer-reboot, server-restart (scripts/vm/pair.py).
ctl() {
	_ctl_rc=124
	_ctl_answered=
	# shellcheck disable=SC3045 # busybox's read has -t
	{
		stty raw -echo <&3 &&
		printf '%s\n' "$*" >&3 &&
		while IFS= read -r -t "$CTL_TIMEOUT" _ctl_line <&3; do
			case $_ctl_line in
			"cxipi-ctl: rc "*)
				_ctl_rc=${_ctl_line#cxipi-ctl: rc }
				_ctl_answered=1
				break
				;;
			esac
			printf '%s\n' "$_ctl_line"
		done
	} 3<>"$CTL_TTY"
	[ -n "$_ctl_answered" ] ||
		echo "ctl: no answer to '$*' on $CTL_TTY within $CTL_TIMEOUT s" >&2
	return "$_ctl_rc"
}

# peer CMD...: CMD with sh in the peer VM; its output and exit status.
peer() {
	ctl peer "$@"
}

# ctl_present: whether the hub answers on CTL_TTY (within 10 s).
ctl_present() {
	set -- "$CTL_TIMEOUT"
	CTL_TIMEOUT=10
	[ -c "$CTL_TTY" ] && ctl ping >/dev/null 2>&1
	set -- $? "$1"
	CTL_TIMEOUT=$2
	return "$1"
}

# ivshmem_bar N: the physical address of BAR N of the ivshmem device (BAR 0:
# its registers, IVPosition at 8 and Doorbell at 12; BAR 2: the shared
# memory), in this VM or in the peer (the same image).
ivshmem_bar() {
	for _ctl_dev in /sys/bus/pci/devices/*; do
		[ "$(cat "$_ctl_dev/vendor"):$(cat "$_ctl_dev/device")" = 0x1af4:0x1110 ] || continue
		sed -n "$(($1 + 1))s/ .*//p" "$_ctl_dev/resource"
		return 0
	done
	return 1
}
