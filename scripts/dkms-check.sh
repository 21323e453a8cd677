#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that DKMS builds cxipi against the installed headers: dkms add and
# build from a copy of the tracked sources, in private DKMS trees, so the
# machine's own DKMS state is not touched.  One TAP line.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
headers=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
kver=${headers#/usr/src/linux-headers-}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src/cxipi-$version" "$work/tree"
git -C "$top" ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$work/src/cxipi-$version")
dkms="dkms --dkmstree $work/tree --sourcetree $work/src -m cxipi -v $version -k $kver"
if $dkms add >"$work/log" 2>&1 && $dkms build >>"$work/log" 2>&1 &&
	modinfo "$work/tree/cxipi/$version/$kver/x86_64/module/cxipi.ko"* >>"$work/log" 2>&1; then
	grep -E "^(version|vermagic|filename):" "$work/log" | sed "s/^/# /"
	echo "ok 1 dkms: add and build cxipi $version for $kver"
else
	sed 's/^/# /' "$work/log"
	find "$work/tree" -name make.log -exec sed 's/^/# /' {} \;
	echo "not ok 1 dkms: add and build cxipi $version for $kver"
	exit 1
fi
