#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Style and static checks of the source, one TAP line each:
# checkpatch --strict and kernel-doc on the shim, sparse on the module,
# clang-format on both sides.  Sparse runs on the build of make's ARCH
# (with ARCH=arm64, the code of kernels that have CONFIG_GENERIC_IRQ_IPI).
#
# usage: lint.sh KDIR KBUILD-ARGS...
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CXIPI_CACHE:-/var/cache/cxipi}
kdir=$1
shift
cd "$top"

. "$top/selftests/tap.sh"

# The kernel C of the source, from the one list of source files (not the
# build's generated *.mod.c, nor the client's generated kunit_*.c).
mapfile -t c_files < <(scripts/source-files.sh | grep -E \
	'^(shim/.*\.[ch]|include/.*\.h|cxx_core/include/cxipi/core\.h|selftests/client/.*\.c|bench/.*\.c)$')
tap_plan $((${#c_files[@]} + 4))
[ ${#c_files[@]} -gt 0 ]
tap_result $? "lint: the kernel C to check is found (${#c_files[@]} files)"
for f in "${c_files[@]}"; do
	out=$("$cache/checkpatch/checkpatch.pl" --strict --no-tree --terse -f "$f" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /'
	tap_result $rc "lint: checkpatch --strict $f"
done

out=$(perl "$cache/checkpatch/kernel-doc" -none shim/*.c shim/*.h include/*.h 2>&1)
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
test -z "$out"
tap_result $? "lint: kernel-doc reports nothing on shim/"

# Rebuild every C file through sparse; any line it adds is a finding.
out=$(make -s -C "$kdir" M="$top" "$@" C=2 modules 2>&1 |
	grep -v '^Skipping BTF generation')
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
test -z "$out"
tap_result $? "lint: sparse (make C=2) and the compiler report nothing"

out=$(clang-format --dry-run "${c_files[@]}" selftests/*.c selftests/*.h \
	cxx_core/*.cpp cxx_core/*.hpp 2>&1)
[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/# /'
test -z "$out"
tap_result $? "lint: clang-format leaves the kernel C, the selftests and the C++ core unchanged"
tap_exit
