#!/usr/bin/env bash
# Runs every benchmark in turn, keeps the whole output in
# bench/results-<time>.log and ends with the goal lines of them all.
set -euo pipefail
cd "$(dirname "$0")"
log=results-$(date +%Y%m%d-%H%M%S).log
for b in latency export copy lo batch fleet vacuum stats backup check; do
  echo "######## $b.sh"
  ./$b.sh || echo "!!!!!!!! $b.sh FAILED (exit $?)"
  echo
done 2>&1 | tee "$log"
echo "######## goals"
grep -E '(PASS|FAIL)$|^pgdba CSV output|FAILED' "$log"
echo "full output: bench/$log"
! grep -qE 'FAIL$|FAILED' "$log"
