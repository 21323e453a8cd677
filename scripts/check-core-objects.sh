#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fail the build when a C++ core object needs what a module cannot give it:
# static constructors/destructors (the kernel never runs .init_array in a
# module) or a symbol that is neither a kernel export nor defined in the
# module itself (a libgcc or libstdc++ helper, say).
#
# usage: check-core-objects.sh KDIR MODULE.ko CORE.o...
set -euo pipefail
kdir=$1 module=$2
shift 2

fail=0 objects=("$@")
config() { grep -q "^$1=y" "$kdir/include/config/auto.conf"; }

# each_object TEST PROBLEM: every core object must pass TEST (a function
# given the object); the ones that do not are reported with PROBLEM.
each_object() {
	local obj
	for obj in "${objects[@]}"; do
		"$1" "$obj" || { echo "$obj: $2" >&2; fail=1; }
	done
}

# Not grep -q in these: the reader must not die of SIGPIPE under pipefail.
no_constructors() {
	! readelf -SW "$1" | grep -E '\.(init_array|fini_array|ctors|dtors)' >/dev/null
}
has_orc() { readelf -SW "$1" | grep '\.orc_unwind' >/dev/null; }
has_pac() { readelf -nW "$1" | grep 'AArch64 feature:.*PAC' >/dev/null; }
no_global_canary() { ! nm -u "$1" | grep -w __stack_chk_guard >/dev/null; }

each_object no_constructors "static constructors or destructors (.init_array, .ctors...)"

# On a kernel that validates objects with objtool and unwinds with ORC,
# objtool's ORC tables in a core object prove that it went through objtool.
! config CONFIG_UNWINDER_ORC ||
	each_object has_orc "no ORC data: objtool did not process it"

# On arm64, the kernel's code-generation flags leave marks of their own.
# With pointer authentication, GCC notes in each object that its functions
# sign their return addresses (-mbranch-protection).  With the per-task
# stack protector, the canary is read through sp_el0, never from the
# global __stack_chk_guard (-mstack-protector-guard=sysreg).
! config CONFIG_ARM64_PTR_AUTH_KERNEL ||
	each_object has_pac "no PAC property: built without the kernel's -mbranch-protection"
! config CONFIG_STACKPROTECTOR_PER_TASK ||
	each_object no_global_canary "global stack canary: built without the kernel's -mstack-protector-guard"

# What the module leaves undefined must all be kernel exports.
exports=$(mktemp)
trap 'rm -f "$exports"' EXIT
awk '{print $2}' "$kdir/Module.symvers" | sort -u >"$exports"
missing=$(nm -u "$module" | awk '{print $2}' | sort -u | comm -23 - "$exports")
if [ -n "$missing" ]; then
	echo "$module: symbols that are not kernel exports:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	fail=1
fi
exit $fail
