#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Count every TAP result in a log and print "N passed, N failed"; exit 1
# when something failed or nothing ran.  SKIPs are reported apart.
log=$1
passed=$(grep -cE '^ok [0-9]+' "$log" | head -n1)
skipped=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log")
failed=$(grep -cE '^not ok [0-9]+' "$log")
passed=$((passed - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
