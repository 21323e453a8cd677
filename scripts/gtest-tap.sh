#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pass GoogleTest output through, turning each finished test into a TAP
# line so that the check's summary counts it.
awk '
/^\[       OK \] .* \([0-9]+ ms\)$/ { n++; print "ok " n " host: " $4; next }
/^\[  FAILED  \] .* \([0-9]+ ms\)$/ { n++; print "not ok " n " host: " $4; next }
{ print }
'
