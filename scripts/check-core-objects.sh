#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fail the build when a C++ core object needs what a module cannot give it:
# static constructors/destructors (the kernel never runs .init_array in a
# module) or a symbol that is neither a kernel export nor defined in the
# module itself (a libgcc or libstdc++ helper, say); or when it lacks what
# the kernel's flags put in every object: objtool's ORC data, arm64's
# marks, and on a sanitizer kernel (KASAN, KCSAN, UBSAN) the sanitizers'
# options and calls, which Kbuild adds per object, not via KBUILD_CFLAGS.
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
#
# A sanitizer adds constructors of its own, made by the compiler's middle
# end and named _sub_I_<priority>_<n> / _sub_D_...: KASAN registers the
# object's globals (the kernel runs them: KASAN selects CONSTRUCTORS),
# KCSAN calls __tsan_init (a no-op, left unrun).  Every .init_array or
# .fini_array entry must be one of those; g++'s own, for a global with a
# dynamic initialiser or a destructor, are _GLOBAL__sub_I_*/_GLOBAL__sub_D_*.
no_constructors() {
	local entries sanitizer
	! readelf -SW "$1" | grep -E '\.(ctors|dtors)' >/dev/null || return 1
	entries=$(readelf -rW "$1" | awk '/^Relocation section .\.rela\.(init|fini)_array/ { n += $(NF - 1) }
		END { print n + 0 }')
	sanitizer=$(nm "$1" | grep -cE ' t _sub_[ID]_[0-9]+_[0-9]+$' || true)
	[ "$entries" -eq "$sanitizer" ]
}
has_orc() { readelf -SW "$1" | grep '\.orc_unwind' >/dev/null; }
has_pac() { readelf -nW "$1" | grep 'AArch64 feature:.*PAC' >/dev/null; }
no_global_canary() { ! nm -u "$1" | grep -w __stack_chk_guard >/dev/null; }

each_object no_constructors "static constructors or destructors (.init_array, .ctors...)"

# No COMDAT group.  An inline function (a member defined in its class) that
# the compiler keeps out of line goes in one, named after the function.  On
# the debug kernels here, objtool leaves every such group named .text, so
# the groups of two objects collide and the linker discards one of them,
# code and all ("defined in discarded section"): the module links on one
# kernel and not on another.  Define such a function in its .cpp.
no_comdat() { ! readelf -gW "$1" | grep 'COMDAT group' >/dev/null; }
each_object no_comdat "a COMDAT group (an inline function kept out of line): define it in the .cpp"

# Sanitizers (KASAN, KCSAN, UBSAN; KCOV too) reach an object through
# options that Kbuild adds per object, not through KBUILD_CFLAGS.  Kbuild
# records each object's command line in its .cmd file: every -fsanitize*
# option of the module's C objects must be on each core object's too.
sanitizer_options() {	# sanitizer_options OBJECT: one a line, sorted
	local cmd
	cmd=$(dirname "$1")/.$(basename "$1").cmd
	[ -f "$cmd" ] || { echo "$1: no $cmd: Kbuild did not build it" >&2; return 1; }
	head -n1 "$cmd" | tr ' ' '\n' | grep -E '^-fsanitize' | sort -u || true
}
# The module's objects are listed in its .mod file (modpost's input).
mod_list=${module%.ko}.mod
[ -f "$mod_list" ] || { echo "$module: no $mod_list to find its C objects in" >&2; exit 1; }
c_objects=()
while read -r obj; do
	case " ${objects[*]} " in *" ${obj#"$PWD"/} "*) continue ;; esac
	c_objects+=("$obj")
done < <(tr ' ' '\n' <"$mod_list" | grep '\.o$')
c_options=$(for obj in "${c_objects[@]}"; do sanitizer_options "$obj"; done | sort -u)
for obj in "${objects[@]}"; do
	missing=$(sanitizer_options "$obj" | comm -13 - <(echo "$c_options") | tr '\n' ' ')
	[ -z "${missing// /}" ] ||
		{ echo "$obj: built without the C objects' sanitizer options ${missing% }" >&2; fail=1; }
done

# The options must also have done their work.  Every core object loads and
# stores through pointers, so on a KASAN or KCSAN kernel each one calls the
# sanitizer's runtime (KASAN's reports and globals registration, KCSAN's
# watchpoints), as the kernel's C objects do.  UBSAN leaves no such mark
# where no operation needed a check (the core has no fixed-size array, no
# shift of unknown range, no bool or open enum loaded from memory): for it
# the command line above is the evidence.
calls() {	# calls OBJECT REGEX: OBJECT calls a function matching REGEX
	nm -u "$1" | awk '{ print $2 }' | grep -E "$2" >/dev/null
}
kasan_calls() { calls "$1" '^__(asan|hwasan|kasan)_'; }
kcsan_calls() { calls "$1" '^__tsan_'; }
# KASAN_HW_TAGS is the hardware's (arm64 MTE): no compiler instrumentation.
! config CONFIG_KASAN || config CONFIG_KASAN_HW_TAGS ||
	each_object kasan_calls "no KASAN instrumentation (no __asan_*/__kasan_* call): built without the kernel's CFLAGS_KASAN"
! config CONFIG_KCSAN ||
	each_object kcsan_calls "no KCSAN instrumentation (no __tsan_* call): built without the kernel's CFLAGS_KCSAN"

# On a kernel that validates objects with objtool and unwinds with ORC,
# objtool's ORC tables prove that the core went through objtool.  Kbuild
# runs objtool on each object, or, where the kernel delays it to the
# linked module object (with IBT or clang LTO: Debian's 6.12), once on
# that, which reads every function of every object linked in.  The
# module's C objects tell which: the core's tables are looked for where
# theirs are.
if config CONFIG_UNWINDER_ORC; then
	if has_orc "${c_objects[0]}"; then
		each_object has_orc "no ORC data: objtool did not process it"
	else
		has_orc "${module%.ko}.o" ||
			{ echo "${module%.ko}.o: no ORC data: objtool did not process the module" >&2; fail=1; }
	fi
fi

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
