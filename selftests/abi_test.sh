#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every file under /sys/kernel/cxipi/ has an entry in the ABI document, and
# every entry of the document exists, with the mode the document says.
# busybox sh; TAP on stdout; exit 0 pass, 1 fail, 4 skip.
dir=$(dirname "$0")
. "$dir/cxipi_lib.sh"
abi=${CXIPI_ABI:-$dir/sysfs-kernel-cxipi}
root=/sys/kernel/cxipi
d=$root/domains/cxipi-percpu

if [ ! -d $root ] || [ ! -f "$abi" ]; then
	tap_skip_all "cxipi not loaded or $abi missing"
fi
tap_plan 3

echo "abi 0" >$d/reserve || { echo "Bail out! cannot reserve"; exit 1; }
trap 'echo 0 >$d/reservations/abi/destroy' EXIT

# The document's paths, and the live paths written the same way.
grep '^What:' "$abi" | sed 's/^What:[[:space:]]*//; s:/$::' | sort -u >/tmp/abi.doc
find $root -mindepth 1 | sed -e 's:/domains/cxipi-[a-z]*:/domains/<domain>:' \
	-e 's:/reservations/abi:/reservations/<name>:' \
	-e 's:/cpu[0-9][0-9]*:/cpu<N>:' -e 's:/links/[^/]*:/links/<device>:' |
	grep -v -e '/reservations$' | sort -u >/tmp/abi.live

# A doorbell link's directory exists only with a doorbell device, and its
# endpoint's tools only in the endpoint role: what this VM cannot show is
# left out of "every documented entry exists".
link=$(find $root/links -mindepth 1 -maxdepth 1 | head -n1)
if [ -z "$link" ]; then
	grep -v '/links/<device>' /tmp/abi.doc >/tmp/abi.expected
elif [ "$(cat "$link/role")" = host ]; then
	grep -vE '/links/<device>/(raise|ring|poke|echo|received)$' /tmp/abi.doc >/tmp/abi.expected
else
	cp /tmp/abi.doc /tmp/abi.expected
fi

# Lines of $1 that are not lines of $2; exit 2 when grep itself fails.
only_in() {
	grep -vxF -f "$2" "$1"
	[ $? -le 1 ]
}

[ -s /tmp/abi.doc ] && [ -s /tmp/abi.live ] || { echo "Bail out! nothing to compare"; exit 1; }
missing=$(only_in /tmp/abi.live /tmp/abi.doc) || { echo "Bail out! grep failed"; exit 1; }
[ -z "$missing" ] || echo "$missing" | sed 's/^/# undocumented: /'
[ -z "$missing" ]
tap_result $? "every file under $root is documented"

absent=$(only_in /tmp/abi.expected /tmp/abi.live) || { echo "Bail out! grep failed"; exit 1; }
[ -z "$absent" ] || echo "$absent" | sed 's/^/# absent: /'
[ -z "$absent" ]
tap_result $? "every documented entry exists"

# (RO) entries are readable and not writable, (WO) the reverse.
bad=0
for f in $(find $root -type f); do
	mode=$(stat -c %a "$f")
	case $mode in
	444 | 400 | 644 | 600 | 200 | 220 | 222) ;;
	*) echo "# $f: unexpected mode $mode"; bad=1 ;;
	esac
	if [ "${mode#2}" != "$mode" ]; then
		cat "$f" >/dev/null 2>&1 && { echo "# $f: write-only but readable"; bad=1; }
	else
		cat "$f" >/dev/null || { echo "# $f: cannot be read"; bad=1; }
	fi
done
tap_result $bad "modes match read-only and write-only files"
tap_exit
