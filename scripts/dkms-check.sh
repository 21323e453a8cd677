#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that DKMS builds cxipi both ways it reaches a machine: from the
# source list (scripts/source-files.sh), and from the package cxipi-dkms
# (make deb), unpacked with dpkg -x and never installed; each dkms add and
# build in private DKMS trees, so the machine's own DKMS state is not
# touched.  Then that the package holds sources of the list only, and no
# tests, VM scripts, docs or packaging.  One TAP line each.
#
# The kernel is make's: KDIR= (a build tree or headers directory) from
# make's command line, else the newest Debian headers of ARCH (arm64: a
# cross build, as on a board).  dkms's MAKE line runs make KDIR=... module,
# which takes ARCH from the environment, as make passed it here.
#
# usage: dkms-check.sh DEB VERSION   (the Makefile's cxipi-version)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/tap.sh"
deb=$1 version=$2
case ${ARCH:-$(uname -m)} in
arm64 | aarch64) flavour=arm64 dkms_arch=aarch64 ;;
*) flavour=amd64 dkms_arch=x86_64 ;;
esac
kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*-"$flavour" | sort -V | tail -n1)}
# The release the modules' vermagic names: not include/config/kernel.release,
# which in Debian 6.1's headers is 6.1.192 where modules say 6.1.0-57-amd64.
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_plan 3
[ -n "$kver" ] || echo "# no UTS_RELEASE in $kdir/include/generated/utsrelease.h: not a kernel build tree"

# dkms_build NAME SOURCETREE: dkms add and build SOURCETREE/cxipi-<version>
# in a DKMS tree of its own; the module's vermagic must name the kernel's
# release.  The headers by path: unpacked arm64 headers have no
# /lib/modules link.  A signing key of its own too: dkms would otherwise
# make /var/lib/dkms/mok.key, the machine's.  Its log when it fails.
dkms_build() {
	local log=$work/$1.log tree=$work/$1-tree ko vermagic
	set -- env mok_signing_key="$work/mok.key" mok_certificate="$work/mok.pub" \
		dkms --dkmstree "$tree" --sourcetree "$2" -m cxipi -v "$version" \
		-k "$kver" -a "$dkms_arch" --kernelsourcedir "$kdir"
	mkdir -p "$tree"
	if "$@" add >>"$log" 2>&1 && "$@" build >>"$log" 2>&1 &&
		ko=$(ls "$tree/cxipi/$version/$kver/$dkms_arch/module/cxipi.ko"*) &&
		modinfo "$ko" >>"$log" 2>&1; then
		vermagic=$(modinfo -F vermagic "$ko")
		if [ "${vermagic%% *}" = "$kver" ]; then
			grep -E "^(version|vermagic|filename):" "$log" | sed "s/^/# /"
			return 0
		fi
		echo "the module's vermagic is not for $kver: $vermagic" >>"$log"
	fi
	sed 's/^/# /' "$log"
	find "$tree" -name make.log -exec sed 's/^/# /' {} \;
	return 1
}

# From a copy of the source list's files.
mkdir -p "$work/src/cxipi-$version"
if "$top/scripts/source-files.sh" 2>>"$work/src.log" | sort >"$work/list" &&
	(cd "$top" && xargs -d '\n' cp -p --parents -t "$work/src/cxipi-$version") \
		<"$work/list" 2>>"$work/src.log"; then
	dkms_build src "$work/src"
else
	sed 's/^/# /' "$work/src.log"
	false
fi
tap_result $? "dkms: add and build cxipi $version for $kver from the source list"

# From the package, unpacked.
if dpkg -x "$deb" "$work/deb" >>"$work/deb.log" 2>&1; then
	dkms_build deb "$work/deb/usr/src"
else
	sed 's/^/# /' "$work/deb.log"
	false
fi
tap_result $? "dkms: add and build cxipi $version for $kver from ${deb##*/}"

# What the package holds: files of the source list only (no build product),
# and none of the tests, VM scripts, docs or packaging.
pkg=$work/deb/usr/src/cxipi-$version
(cd "$pkg" 2>/dev/null && find . -type f | sed 's|^\./||' | sort) >"$work/pkg"
bad=$(comm -23 "$work/pkg" "$work/list"
	grep -E '^(selftests|samples|bench|Documentation|debian|\.ci)/|^scripts/(vm|debug)/|/tests/|^README' "$work/pkg")
[ -n "$bad" ] && echo "$bad" | sed 's/^/# not for the package: /'
[ -s "$work/pkg" ] && [ -z "$bad" ]
tap_result $? "dkms: ${deb##*/} holds only files of the source list ($(wc -l <"$work/pkg")), no tests, VM scripts, docs or packaging"
tap_exit
