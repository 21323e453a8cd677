# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The peer VM's job in the pair job (vm.sh pair): a command loop on
# /dev/ttyS1, whose other end is the hub (scripts/vm/pair.py).  It says
# "cxipi-peer: ready" there, then runs each line with sh and answers with
# the command's output and "cxipi-peer: rc N", until the line `exit`; init
# then unloads cxipi and powers off.  The console shows each command.
. /cxipi/guest/lib.sh
tty=/dev/ttyS1
tap_plan 1
ended=1
{
	stty raw -echo <&3 || exit 1
	echo "cxipi-peer: ready" >&3
	echo "peer: command loop ready on $tty"
	while IFS= read -r command <&3; do
		if [ "$command" = exit ]; then
			echo "peer: exit"
			ended=0
			break
		fi
		echo "peer: \$ $command"
		sh -c "$command" </dev/null >&3 2>&1
		status=$?
		echo "cxipi-peer: rc $status" >&3
		echo "peer: rc $status"
	done
} 3<>"$tty"
tap_result $ended "peer: the command loop ended on exit"
tap_exit
