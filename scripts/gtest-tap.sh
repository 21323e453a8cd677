#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pass GoogleTest output through, as TAP: each binary's "Running N tests"
# begins a stream of N results, one per finished test, so that a binary
# that dies half-way leaves its stream short of its plan.
awk '
/^\[==========\] Running [0-9]+ tests? from/ { n = 0; print "TAP version 13"; print "1.." $3; next }
/^\[       OK \] .* \([0-9]+ ms\)$/ { n++; print "ok " n " host: " $4; next }
/^\[  FAILED  \] .* \([0-9]+ ms\)$/ { n++; print "not ok " n " host: " $4; next }
{ print }
'
