#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian package cxipi-dkms (debian/), built from the release
# tarball of make dist, never from the working tree, so that it holds what
# a release holds and no build product.  The .deb lands in OUT; the source
# package (3.0 native), the rest of the build and its log in OUT/deb/.
#
# usage: deb.sh TARBALL OUT
set -euo pipefail
tarball=$1 out=$2
name=$(basename "$tarball" .tar.xz)
rm -rf "$out/deb"
mkdir -p "$out/deb"
tar -xJf "$tarball" -C "$out/deb"

# Not under make's MAKEFLAGS: its command-line variables (KDIR=, ARCH=)
# would override debian/rules' own, and its jobserver is not dh's.
if ! (cd "$out/deb/$name" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	dpkg-buildpackage --no-sign) >"$out/deb/build.log" 2>&1; then
	tail -n 30 "$out/deb/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $out/deb/build.log)" >&2
	exit 1
fi
deb=$(ls "$out"/deb/cxipi-dkms_*_all.deb)
cp "$deb" "$out/"
echo "deb: $out/${deb##*/} (log: $out/deb/build.log)"
