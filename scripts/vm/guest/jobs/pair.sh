# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The main VM's job in the pair job (vm.sh pair, make vm-pair): the hub
# (scripts/vm/pair.py) on /dev/ttyS1 drives a peer VM that shares an
# ivshmem-doorbell device with this one.  First a smoke test of that path,
# then the kselftests of selftests/Makefile's PAIR_TESTS, with CXIPI_PAIR=1
# so that they do not skip for want of the hub.  With cxipi_pair_hubtest=1
# on the kernel command line (PAIR_HUBTEST=1), each command of the hub too.
. /cxipi/guest/lib.sh
. "$ksft/cxipi/ctl_lib.sh"
export CXIPI_PAIR=1
tests=$(cat "$ksft/pair-tests.txt")

# check NAME EXPECTED CMD...: CMD prints EXPECTED and exits 0.
check() {
	name=$1 expected=$2
	shift 2
	reply=$("$@")
	status=$?
	echo "$reply" | sed 's/^/  /'
	[ "$status" -eq 0 ] && [ "$reply" = "$expected" ]
	tap_result $? "$name (rc $status)"
}

# The peer's ivshmem id (IVPosition), and the first word of the shared memory.
# shellcheck disable=SC2016 # expanded in the peer
peer_id() {
	ctl peer '. /cxipi/ksft/cxipi/ctl_lib.sh && devmem $(($(ivshmem_bar 0) + 8)) 32'
}
# shellcheck disable=SC2016 # expanded in the peer
peer_word() {
	ctl peer '. /cxipi/ksft/cxipi/ctl_lib.sh && devmem $(ivshmem_bar 2) 32'
}

hubtest=${cxipi_pair_hubtest:-0}
tap_plan $((2 + (hubtest == 1 ? 15 : 0)))
check "ctl peer echo hello: hello, rc 0" hello peer echo hello
if [ -n "$tests" ]; then
	# shellcheck disable=SC2086 # a list of names
	tap_nest "kselftests: $(echo $tests | wc -w) pair tests" kselftests $tests
else
	tap_skip "no PAIR_TESTS in selftests/Makefile yet"
fi
[ "$hubtest" = 1 ] || tap_exit

regs=$(ivshmem_bar 0) shm=$(ivshmem_bar 2)
main_id=$(devmem $((regs + 8)) 32)
first=$(peer_id)
echo "# ivshmem ids: this VM $main_id, the peer $first"
devmem "$shm" 32 0xc0ffee01
check "the peer reads what this VM wrote to the shared memory" 0xC0FFEE01 peer_word
check "peer-kill" "" ctl peer-kill
check "peer-boot" "" ctl peer-boot
check "peer echo back, after a kill and a boot" back peer echo back
second=$(peer_id)
echo "# ivshmem ids: the peer after its second boot $second"
[ $((second)) -gt $((first)) ]
tap_result $? "the peer's new boot has a new ivshmem id ($first, then $second)"
check "peer-stop" "" ctl peer-stop
check "peer-status: paused, after peer-stop" paused ctl peer-status
check "peer-cont" "" ctl peer-cont
check "peer-status: running, after peer-cont" running ctl peer-status
check "peer echo thawed, after a stop and a cont" thawed peer echo thawed
devmem "$shm" 32 0xc0ffee02
check "server-restart" "" ctl server-restart
check "peer-reboot" "" ctl peer-reboot
check "peer echo again, after a server restart and a reboot" again peer echo again
third=$(peer_id)
echo "# ivshmem ids: the peer after the server's restart $third; this VM $(devmem $((regs + 8)) 32)"
[ $((third)) -gt $((second)) ]
tap_result $? "the restarted server gave the peer an id above those before ($second, then $third)"
check "the restarted server serves the same shared memory" 0xC0FFEE02 peer_word
tap_exit
