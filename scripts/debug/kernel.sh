#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the debug kernel of `make check-debug` from the
# linux-source tarball, outside git in $CXIPI_CACHE/debug/<key>, where
# <key> hashes the tarball, scripts/debug/kernel.config and the compiler:
# the same inputs reuse the same build.  Prints the build tree's path
# (KDIR for the module; arch/x86/boot/bzImage inside it) on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${CXIPI_CACHE:-/var/cache/cxipi}
fragment=$here/kernel.config
src_tar=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n1)
cc=gcc-12
key=$( { sha256sum <"$fragment"; stat -c '%n %s %Y' "$src_tar"; $cc --version | head -n1; } |
	sha256sum | cut -c1-16)
base=$cache/debug
build=$base/$key
src=$base/$(basename "$src_tar" .tar.xz)

if [ -f "$build/.cxipi-built" ]; then
	echo "debug kernel: reusing $build" >&2
	echo "$build"
	exit 0
fi

mkdir -p "$base"
if [ ! -f "$src/.cxipi-extracted" ]; then
	echo "debug kernel: extracting $src_tar" >&2
	rm -rf "$src"
	tar -xJf "$src_tar" -C "$base"
	touch "$src/.cxipi-extracted"
fi

# Old builds of other configurations are not worth their gigabytes.
find "$base" -mindepth 1 -maxdepth 1 -type d ! -path "$src" ! -path "$build" \
	-exec rm -rf {} +

start=$(date +%s)
echo "debug kernel: configuring $build" >&2
mkdir -p "$build"
kmake() { make -s -C "$src" O="$build" CC="$cc" HOSTCC="$cc" "$@"; }
kmake KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2
bad=0
while read -r line; do
	case $line in CONFIG_*) ;; *) continue ;; esac
	grep -qxF "$line" "$build/.config" || { echo "debug kernel: not set: $line" >&2; bad=1; }
done <"$fragment"
[ $bad -eq 0 ] || exit 1

echo "debug kernel: building with $(nproc) jobs (log: $build/build.log)" >&2
if ! kmake -j"$(nproc)" bzImage modules >"$build/build.log" 2>&1; then
	tail -n 30 "$build/build.log" >&2
	exit 1
fi
echo "debug kernel: built in $(($(date +%s) - start)) s" >&2
touch "$build/.cxipi-built"
echo "$build"
