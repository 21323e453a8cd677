#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 pieces of the board build and its VM, fetched with
# apt-get download and unpacked with dpkg -x, never installed: the arm64
# kernel headers of the same version as the amd64 ones (their scripts link
# resolves to the host's linux-kbuild tools, which cross-build), the arm64
# kernel image and an arm64 busybox.  Idempotent; called by deps.sh.
#
# usage: deps-arm64.sh KVER-amd64 CACHE
set -euo pipefail
kver=${1%-amd64}-arm64 cache=$2

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: adding the arm64 architecture to apt"
	dpkg --add-architecture arm64
	apt-get update -qq
fi

fetch() {	# fetch PACKAGE DIR: download PACKAGE:arm64 and unpack it in DIR
	(cd "$work" && apt-get download -q "$1:arm64" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' || true)
	dpkg -x "$work/${1}_"*_arm64.deb "$2"
}

headers=/usr/src/linux-headers-$kver
if [ ! -s "$headers/Module.symvers" ] || [ ! -s "$cache/vmlinuz-$kver" ] ||
	[ ! -x "$cache/arm64/busybox" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	chmod 755 "$work"
	if [ ! -s "$headers/Module.symvers" ]; then
		echo "deps: fetching the arm64 kernel headers $kver"
		fetch "linux-headers-$kver" "$work/headers"
		rm -rf "$headers"
		mv "$work/headers/usr/src/linux-headers-$kver" "$headers"
	fi
	if [ ! -s "$cache/vmlinuz-$kver" ]; then
		echo "deps: fetching the arm64 kernel image $kver"
		fetch "linux-image-$kver" "$work/image"
		cp "$work/image/boot/vmlinuz-$kver" "$cache/vmlinuz-$kver.tmp"
		mv "$cache/vmlinuz-$kver.tmp" "$cache/vmlinuz-$kver"
	fi
	if [ ! -x "$cache/arm64/busybox" ]; then
		echo "deps: fetching the arm64 busybox"
		fetch busybox-static "$work/busybox"
		mkdir -p "$cache/arm64"
		cp "$work/busybox/bin/busybox" "$cache/arm64/busybox.tmp"
		mv "$cache/arm64/busybox.tmp" "$cache/arm64/busybox"
	fi
fi
