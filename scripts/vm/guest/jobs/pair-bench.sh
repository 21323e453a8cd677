# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The main VM's job in the pair-bench job (vm.sh pair-bench, make bench):
# as in the pair job, a peer VM behind the ivshmem-doorbell device runs
# cxipi in the endpoint role, driven through the hub on /dev/ttyS1.  Once
# the link is up on both sides, the peer echoes every doorbell of bank 1
# (cxipi-single) back at CPU 1, and the benchmark module times round trips
# to the coprocessor CPU through it beside the same-kernel doorbell; its
# results become BENCH lines, as in the bench job.
. /cxipi/guest/lib.sh
. "$ksft/cxipi/ctl_lib.sh"
links=/sys/kernel/cxipi/links
target=1

# This VM's link directory; the peer's has the same name (same PCI address).
set -- $links/*
hl=$1
pl=$links/$(basename "$hl")

# Both sides see the other up.
link_up() {
	case $(cat "$hl/peer") in up*) ;; *) return 1 ;; esac
	case $(peer "cat $pl/peer" 2>/dev/null) in up*) ;; *) return 1 ;; esac
}

tap_plan 5
ctl peer-wait >/dev/null
i=0
until link_up; do
	i=$((i + 1))
	[ $i -lt 1200 ] || break
	sleep 0.1
done
link_up
tap_result $? "the link is up on both sides (after $((i / 10)) s)"
cpu=$(cat "$hl/cpu")
peer "echo '1 any $target' >$pl/echo"
tap_result $? "the peer echoes every doorbell of bank 1 back at CPU $target"
echo "# coprocessor CPU $cpu; link stats before: $(tr "\n" " " <"$hl/stats")"
insmod /cxipi/cxipi_bench.ko link_cpu="$cpu" target=$target sender=0
tap_result $? "insmod cxipi_bench.ko link_cpu=$cpu: it measured"
echo "# link stats after: $(tr "\n" " " <"$hl/stats")"
dmesg | sed -n 's/.*cxipi_bench: \(test=.*\)/BENCH \1/p'
peer "echo clear >$pl/echo"
tap_result $? "the peer's echo rule cleared"
rmmod cxipi_bench
tap_result $? "rmmod cxipi_bench"
tap_exit
