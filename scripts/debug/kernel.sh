#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) debug kernel NAME of `make check-debug` (kasan, kcsan)
# from the linux-source tarball: allnoconfig plus scripts/debug/kernel.config
# (what every debug kernel needs) plus scripts/debug/NAME.config (its
# checkers).  The build lives outside git in $CXIPI_CACHE/debug/NAME-<key>,
# where <key> hashes the tarball, both fragments' settings and the compiler:
# the same inputs reuse the same build.  Prints the build tree's path (KDIR
# for the module; arch/x86/boot/bzImage inside it) on stdout.
#
# usage: kernel.sh NAME
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: kernel.sh NAME (kasan, kcsan: scripts/debug/NAME.config)}
[ -f "$here/$name.config" ] || { echo "debug kernel: no $here/$name.config" >&2; exit 1; }
cache=${CXIPI_CACHE:-/var/cache/cxipi}
src_tar=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n1)
cc=gcc-12
base=$cache/debug
src=$base/$(basename "$src_tar" .tar.xz)
mkdir -p "$base"

# One fragment for KCONFIG_ALLCONFIG: the shared lines, then the kernel's.
fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
cat "$here/kernel.config" "$here/$name.config" >"$fragment"
# The key hashes the lines Kconfig reads, not the comments around them.
key=$( { grep -E '^CONFIG_|^# CONFIG_.* is not set$' "$fragment"
	stat -c '%n %s %Y' "$src_tar"; $cc --version | head -n1; } | sha256sum | cut -c1-16)
build=$base/$name-$key

reuse() {
	[ -f "$build/.cxipi-built" ] || return 1
	echo "debug kernel $name: reusing $build" >&2
	echo "$build"
}
reuse && exit 0

# Two runs at once would extract, build and prune under each other's feet:
# one kernel build at a time, and the one that waited may find it built.
# (A built kernel is reused without the lock: .cxipi-built comes last.)
exec 9>"$base/.lock"
flock 9
reuse && exit 0

if [ ! -f "$src/.cxipi-extracted" ]; then
	echo "debug kernel $name: extracting $src_tar" >&2
	rm -rf "$src"
	tar -xJf "$src_tar" -C "$base"
	touch "$src/.cxipi-extracted"
fi

# This kernel's builds of older configurations, sources of older tarballs
# and builds named by their key alone (before there were two kernels) are
# not worth their gigabytes; the other kernels' builds stay.
find "$base" -regextype posix-extended -mindepth 1 -maxdepth 1 -type d \
	! -path "$src" ! -path "$build" \( -name "$name-*" -o -name 'linux-source-*' \
	-o -regex '.*/[0-9a-f]{16}' \) -exec rm -rf {} +

start=$(date +%s)
echo "debug kernel $name: configuring $build" >&2
rm -rf "$build"
mkdir -p "$build"
cp "$fragment" "$build/cxipi.config"
kmake() { make -s -C "$src" O="$build" CC="$cc" HOSTCC="$cc" "$@"; }
kmake KCONFIG_ALLCONFIG="$build/cxipi.config" allnoconfig >&2
# Kconfig drops what it cannot satisfy without a word: check every line,
# the "is not set" ones too.
bad=0
while read -r line; do
	case $line in CONFIG_* | '# CONFIG_'*' is not set') ;; *) continue ;; esac
	grep -qxF "$line" "$build/.config" || { echo "debug kernel $name: does not hold: $line" >&2; bad=1; }
done <"$fragment"
[ $bad -eq 0 ] || exit 1

echo "debug kernel $name: building with $(nproc) jobs (log: $build/build.log)" >&2
if ! kmake -j"$(nproc)" bzImage modules >"$build/build.log" 2>&1; then
	tail -n 30 "$build/build.log" >&2
	exit 1
fi
echo "debug kernel $name: built in $(($(date +%s) - start)) s" >&2
echo "$(($(date +%s) - start))" >"$build/.cxipi-build-seconds"
touch "$build/.cxipi-built"
echo "$build"
