#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The one list of cxipi's source files, one path a line, relative to the
# top: what git tracks in a checkout; in a release tarball (no .git), the
# MANIFEST that make dist wrote into it, which is that same list.  Never
# what happens to be on disk: build products and strays are not sources.
# Used by lint, make dist, the Debian package and the DKMS check.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

# Only the top's own .git (a file in a worktree): a tarball unpacked
# inside another repository must not list that repository's files.
if [ -e "$top/.git" ]; then
	git -C "$top" ls-files
elif [ -f "$top/MANIFEST" ]; then
	cat "$top/MANIFEST"
else
	echo "source-files: $top has neither .git nor a MANIFEST" >&2
	exit 1
fi
