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

fail=0
for obj in "$@"; do
	sections=$(readelf -SW "$obj" | grep -oE '\.(init_array|fini_array|ctors|dtors)[^ ]*' || true)
	if [ -n "$sections" ]; then
		echo "$obj: static constructors or destructors: $sections" >&2
		fail=1
	fi
done

# On a kernel that validates objects with objtool and unwinds with ORC,
# objtool's ORC tables in a core object prove that it went through objtool.
if grep -q '^CONFIG_UNWINDER_ORC=y' "$kdir/include/config/auto.conf"; then
	for obj in "$@"; do
		# Not grep -q: readelf must not die of SIGPIPE under pipefail.
		if ! readelf -SW "$obj" | grep '\.orc_unwind' >/dev/null; then
			echo "$obj: no ORC data: objtool did not process it" >&2
			fail=1
		fi
	done
fi

# On arm64, the kernel's code-generation flags leave marks of their own.
# With pointer authentication, GCC notes in each object that its functions
# sign their return addresses (-mbranch-protection).  With the per-task
# stack protector, the canary is read through sp_el0, never from the
# global __stack_chk_guard (-mstack-protector-guard=sysreg).
if grep -q '^CONFIG_ARM64_PTR_AUTH_KERNEL=y' "$kdir/include/config/auto.conf"; then
	for obj in "$@"; do
		if ! readelf -nW "$obj" | grep 'AArch64 feature:.*PAC' >/dev/null; then
			echo "$obj: no PAC property: built without the kernel's -mbranch-protection" >&2
			fail=1
		fi
	done
fi
if grep -q '^CONFIG_STACKPROTECTOR_PER_TASK=y' "$kdir/include/config/auto.conf"; then
	for obj in "$@"; do
		if nm -u "$obj" | grep -w __stack_chk_guard >/dev/null; then
			echo "$obj: global stack canary: built without the kernel's -mstack-protector-guard" >&2
			fail=1
		fi
	done
fi

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
