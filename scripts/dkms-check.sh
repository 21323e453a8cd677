#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that DKMS builds cxipi against the installed headers: dkms add and
# build from a copy of the tracked sources, in private DKMS trees, so the
# machine's own DKMS state is not touched.  One TAP line.  With ARCH=arm64
# (from make) against the arm64 headers, as on a board; here a cross build.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/tap.sh"
case ${ARCH:-x86} in
arm64) flavour=arm64 dkms_arch=aarch64 ;;
*) flavour=amd64 dkms_arch=x86_64 ;;
esac
headers=$(ls -d /usr/src/linux-headers-*-$flavour | sort -V | tail -n1)
kver=${headers#/usr/src/linux-headers-}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src/cxipi-$version" "$work/tree"
git -C "$top" ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$work/src/cxipi-$version")
# The headers by path: unpacked arm64 headers have no /lib/modules link.
dkms="dkms --dkmstree $work/tree --sourcetree $work/src -m cxipi -v $version"
dkms+=" -k $kver -a $dkms_arch --kernelsourcedir $headers"
tap_plan 1
if $dkms add >"$work/log" 2>&1 && $dkms build >>"$work/log" 2>&1 &&
	modinfo "$work/tree/cxipi/$version/$kver/$dkms_arch/module/cxipi.ko"* >>"$work/log" 2>&1; then
	grep -E "^(version|vermagic|filename):" "$work/log" | sed "s/^/# /"
	tap_result 0 "dkms: add and build cxipi $version for $kver"
else
	sed 's/^/# /' "$work/log"
	find "$work/tree" -name make.log -exec sed 's/^/# /' {} \;
	tap_result 1 "dkms: add and build cxipi $version for $kver"
fi
tap_exit
