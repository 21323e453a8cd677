#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything cxipi's build, tests and VM need on Debian 12.
# Idempotent: when all is there it only checks and returns.
#
# Besides Debian packages it prepares, in $CXIPI_CACHE (default
# /var/cache/cxipi, shared by every clone on the machine):
#   vmlinuz-<ver>     the Debian kernel matching the installed headers
#   ksft/             kselftest's headers, lib.mk and stock runner
#                     (run_kselftest.sh, kselftest/) from linux-source
#   checkpatch/       checkpatch.pl and the data files it reads
# (flex, bison, bc, libelf and libssl are for make check-debug's kernel.)
# With ARCH=arm64 (make ARCH=arm64 ...) it also prepares the arm64 board
# kernel, and only then, so that x86 pays nothing for it:
#   /usr/src/linux-headers-<ver>-arm64   unpacked from Debian's arm64 package
#   vmlinuz-<ver>-arm64, arm64/busybox    the VM's kernel and busybox
set -euo pipefail

cache=${CXIPI_CACHE:-/var/cache/cxipi}
packages=(
	linux-headers-amd64 linux-source-6.1 qemu-system-x86 busybox-static
	cpio gcc-12 g++-12 sparse libgtest-dev libbenchmark-dev libc6-dev
	clang-format clang libclang-rt-14-dev kmod xz-utils valgrind
	python3-matplotlib dkms rsync pahole debhelper dh-dkms dpkg-dev
	flex bison bc libelf-dev libssl-dev
)
if [ "${ARCH:-}" = arm64 ]; then
	packages+=(gcc-12-aarch64-linux-gnu g++-12-aarch64-linux-gnu
		libc6-dev-arm64-cross qemu-system-arm)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: installing needs root; run: sudo $0" >&2
	exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The VM boots the kernel the module is built for: same version as the
# newest installed amd64 headers.
headers=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
kver=${headers#/usr/src/linux-headers-}
mkdir -p "$cache"
if [ ! -s "$cache/vmlinuz-$kver" ]; then
	echo "deps: fetching the kernel image $kver"
	work=$(mktemp -d)
	chmod 755 "$work"
	(cd "$work" && apt-get download -q "linux-image-$kver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	dpkg -x "$work"/linux-image-"$kver"_*.deb "$work/root"
	cp "$work/root/boot/vmlinuz-$kver" "$cache/vmlinuz-$kver.tmp"
	mv "$cache/vmlinuz-$kver.tmp" "$cache/vmlinuz-$kver"
	rm -rf "$work"
fi

# Only the few files cxipi uses come out of the kernel source tarball.
if [ ! -s "$cache/ksft/run_kselftest.sh" ] || [ ! -s "$cache/checkpatch/checkpatch.pl" ]; then
	echo "deps: extracting kselftest and checkpatch from linux-source"
	src=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n1)
	top=$(basename "$src" .tar.xz)
	work=$(mktemp -d)
	tar -xJf "$src" -C "$work" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/lib.mk" \
		"$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest" \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" "$top/scripts/kernel-doc"
	mkdir -p "$cache/checkpatch"
	rm -rf "$cache/ksft.tmp"
	cp -r "$work/$top/tools/testing/selftests" "$cache/ksft.tmp"
	rm -rf "$cache/ksft"
	mv "$cache/ksft.tmp" "$cache/ksft"
	cp "$work/$top"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch,kernel-doc} \
		"$cache/checkpatch/"
	rm -rf "$work"
fi

if [ "${ARCH:-}" = arm64 ]; then
	"$(dirname "$0")/deps-arm64.sh" "$kver" "$cache"
fi
echo "deps: ready (kernel $kver${ARCH:+ $ARCH}, cache $cache)"
