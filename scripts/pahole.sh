#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kbuild's pahole for cxipi's modules (PAHOLE=, scripts/kernel.mk), where
# the kernel makes module BTF (CONFIG_DEBUG_INFO_BTF_MODULES, with a
# vmlinux in its build tree, as Debian's 6.12 has).  BTF describes the C
# shim, the types BPF programs and tracers see: the C++ core's compilation
# units are left out, as pahole cannot encode C++ DWARF (reference types,
# template parameters).  Its DWARF loader still notes each template
# parameter it skips while reading them; that note is dropped, since it
# is only ever about the excluded units, and anything else passes.
set -o pipefail
# Kbuild may exclude languages of its own (rust): pahole heeds only the
# last --lang_exclude, so the lists are merged into one.
exclude=c++,c++03,c++11,c++14
args=()
for arg; do
	case $arg in
	--lang_exclude=*) exclude+=,${arg#--lang_exclude=} ;;
	*) args+=("$arg") ;;
	esac
done
{ pahole --lang_exclude="$exclude" "${args[@]}" 2>&1 1>&3 3>&- |
	{ grep -v '^die__process_class: tag not supported 0x2f (template_type_parameter)!$' >&2 || true; }; } 3>&1
