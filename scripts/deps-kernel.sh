#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Ready one of the kernels that make check proves cxipi on, and print its
# build tree (KDIR), the image its VM boots, and its architecture:
#
#   deps-kernel.sh 6.1-FLAVOUR    Debian 12's own kernel, as scripts/deps.sh
#                                 installed or unpacked it (amd64, arm64)
#   deps-kernel.sh 6.12-FLAVOUR   Debian's 6.12 LTS from bookworm-backports,
#                                 pinned to one release: amd64, rt-amd64
#                                 (PREEMPT_RT) or arm64
#
# Idempotent.  The 6.12 packages (headers, their -common and the host's
# linux-kbuild, and the unsigned image of the same version) are downloaded
# through a private apt list and unpacked with dpkg -x into
# $CXIPI_CACHE/kernels/<release>/, never installed: the machine's own
# kernels, headers and apt sources stay as they are.
set -euo pipefail
name=${1:?usage: deps-kernel.sh 6.1-amd64|6.1-arm64|6.12-amd64|6.12-rt-amd64|6.12-arm64}
flavour=${name#*-}
case $flavour in
amd64 | rt-amd64) arch=x86 debarch=amd64 ;;
arm64) arch=arm64 debarch=arm64 ;;
*) echo "deps-kernel.sh: no kernel $name" >&2; exit 2 ;;
esac
cache=${CXIPI_CACHE:-/var/cache/cxipi}

if [ "${name%%-*}" = 6.1 ]; then
	# Exactly 6.1.0-<abi>-<flavour>: not -rt-amd64 or -cloud-amd64.
	headers=$(ls -d /usr/src/linux-headers-6.1.* 2>/dev/null |
		grep -E "/linux-headers-6\.1\.[0-9]+-[0-9]+-$flavour\$" | sort -V | tail -n1 || true)
	image=$cache/vmlinuz-${headers#/usr/src/linux-headers-}
	[ -n "$headers" ] && [ -s "$image" ] ||
		{ echo "deps-kernel.sh: no $name: run make ARCH=$arch deps" >&2; exit 1; }
	echo "$headers $image $arch"
	exit 0
fi
[ "${name%%-*}" = 6.12 ] || { echo "deps-kernel.sh: no kernel $name" >&2; exit 2; }
release=6.12.95+deb12 version=6.12.95-1~bpo12+1
common=linux-headers-$release-common
[ "$flavour" != rt-amd64 ] || common+=-rt
root=$cache/kernels/$release
headers=$root/usr/src/linux-headers-$release-$flavour
image=$root/boot/vmlinuz-$release-$flavour

# The marker names the package version unpacked: a new pin refetches.
if [ "$(cat "$root/.done-$flavour" 2>/dev/null)" != "$version" ]; then
	echo "deps: fetching Debian's kernel $release-$flavour ($version)" >&2
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	chmod 755 "$work"
	mkdir -p "$work/lists/partial"
	echo "deb [arch=amd64,arm64] http://deb.debian.org/debian bookworm-backports main" \
		>"$work/sources.list"
	apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
	apt-get "${apt[@]}" update -qq >&2
	(cd "$work" && apt-get "${apt[@]}" download -q \
		"linux-kbuild-$release:amd64=$version" "$common=$version" \
		"linux-headers-$release-$flavour:$debarch=$version" \
		"linux-image-$release-$flavour-unsigned:$debarch=$version" >"$work/log" 2>&1) ||
		{ grep -v '^W: Download is performed unsandboxed' "$work/log" >&2
		  echo "deps-kernel.sh: bookworm-backports may no longer have $version;" \
			"pin the newest 6.12 release here (release=, version=)" >&2
		  exit 1; }
	mkdir -p "$root/boot"
	for deb in "$work"/linux-{kbuild,headers}-*.deb; do
		dpkg -x "$deb" "$root"
	done
	# Only the image's kernel, not its modules.
	dpkg-deb --fsys-tarfile "$work"/linux-image-*.deb |
		tar -x -C "$root" "./boot/vmlinuz-$release-$flavour"
	# The headers' Makefile includes its -common by absolute path.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$headers/Makefile"
	echo "$version" >"$root/.done-$flavour"
fi
echo "$headers $image $arch"
