#!/usr/bin/env bash
# Runs every benchmark in turn and keeps the whole output in bench/results-<time>.log.
set -euo pipefail
cd "$(dirname "$0")"
log=results-$(date +%Y%m%d-%H%M%S).log
for b in latency export batch; do
  echo "######## $b.sh"
  ./$b.sh
  echo
done 2>&1 | tee "$log"
echo "log: bench/$log"
