#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make dist: OUT/cxipi-<version>.tar.xz (dkms.conf's PACKAGE_VERSION), the
# files of the one source list (scripts/source-files.sh) as they are in the
# tree, and a MANIFEST of that list, under cxipi-<version>/.  Without .git
# the MANIFEST is the source list: make, make lint, make dkms and make deb
# work from the unpacked tarball.
#
# usage: dist.sh OUT VERSION       (the Makefile's cxipi-version)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1 version=$2
name=cxipi-$version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$out" "$work/$name"
"$top/scripts/source-files.sh" >"$work/$name/MANIFEST"
(cd "$top" && xargs -d '\n' cp -p --parents -t "$work/$name") <"$work/$name/MANIFEST"

# Reproducible: sorted, root's, no group or world write, and every date
# SOURCE_DATE_EPOCH's, else the last commit's, else (made from a tarball)
# its MANIFEST's, which tar gave that tarball's date.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	epoch=$SOURCE_DATE_EPOCH
elif [ -e "$top/.git" ]; then
	epoch=$(git -C "$top" log -1 --format=%ct)
else
	epoch=$(stat -c %Y "$top/MANIFEST")
fi
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mode=go-w \
	--mtime="@$epoch" -cJf "$work/$name.tar.xz" "$name"

# The tarball must hold exactly the list and the MANIFEST, and its MANIFEST
# must be the list.
"$top/scripts/source-files.sh" | sort >"$work/list"
tar -tJf "$work/$name.tar.xz" | grep -v '/$' | sed "s|^$name/||" | sort >"$work/files"
if ! diff -u <(sort - "$work/list" <<<MANIFEST) "$work/files" ||
	! tar -xOJf "$work/$name.tar.xz" "$name/MANIFEST" | sort | diff -u "$work/list" -; then
	echo "dist: $name.tar.xz does not hold exactly the source list and its MANIFEST" >&2
	exit 1
fi
mv "$work/$name.tar.xz" "$out/"
echo "dist: $out/$name.tar.xz ($(wc -l <"$work/list") files and the MANIFEST)"
