#!/usr/bin/env bash
# Runs the integration tests tagged [matrix] against every PostgreSQL major of
# the version matrix, each on a private cluster of its own (tests/harness/cluster.sh):
#   scripts/matrix.sh          majors ${PGDBA_MATRIX:-13 14 16 17 18}, tests of ${BUILD_DIR:-build}
# ${PGDBA_MATRIX_JOBS:-2} majors run at once: the tests mostly wait on their
# servers, so two majors side by side take little longer than one.
# Majors other than 15 come from scripts/install-pg-majors.sh (run it first);
# their binaries are in ${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}/<major>/bin, 15
# is Debian's. Prints one line per major and exits non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
cache=${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}
jobs=${PGDBA_MATRIX_JOBS:-2}
read -ra majors <<<"${PGDBA_MATRIX:-13 14 16 17 18}"
case $build in /*) ;; *) build=$PWD/$build ;; esac
tests=$build/tests/pgdba_integration_tests
[ -x "$tests" ] || { echo "matrix: $tests not built (BUILD_DIR=$build scripts/build.sh)" >&2; exit 1; }
harness=$PWD/tests/harness/cluster.sh

logdir=$(mktemp -d /tmp/pgdba-matrix.XXXXXX)

# One major, start to finish: its cluster, its tests, its cluster stopped.
# Writes "pass ..." or "FAIL ..." to $logdir/<major>.result.
run_major() {
  local major=$1 t0=$SECONDS bindir envfile result started_major
  local log=$logdir/$major.log
  if [ "$major" = 15 ] && [ ! -x "$cache/15/bin/postgres" ]; then
    bindir=/usr/lib/postgresql/15/bin
  else
    bindir=$cache/$major/bin
  fi
  if [ ! -x "$bindir/postgres" ]; then
    echo "FAIL (no $bindir/postgres: run scripts/install-pg-majors.sh)" >"$logdir/$major.result"
    return
  fi
  envfile=$logdir/$major.env
  echo "matrix: PostgreSQL $major ($bindir)" >&2
  if ! PGDBA_PG_BINDIR=$bindir "$harness" start "$envfile" >"$log" 2>&1; then
    echo "FAIL (cluster did not start)" >"$logdir/$major.result"
    "$harness" stop "$envfile" >/dev/null 2>&1 || true
    rm -f "$envfile"
    return
  fi
  started_major=$(sed -n 's/^PGDBA_PG_MAJOR=//p' "$envfile")
  if [ "$started_major" != "$major" ]; then
    result="FAIL (the harness started PostgreSQL $started_major)"
  elif PGDBA_TEST_ENV=$envfile PGDBA_EXPECT_PG_MAJOR=$major \
    timeout -k 10 600 "$tests" "[matrix]" --reporter compact >>"$log" 2>&1; then
    result="pass ($(grep -E '^(Passed|All tests)' "$log" | tail -n1))"
  else
    result="FAIL"
  fi
  "$harness" stop "$envfile" >>"$log" 2>&1 || true
  rm -f "$envfile"
  echo "$result $((SECONDS - t0))s" >"$logdir/$major.result"
}

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait || true
  for env in "$logdir"/*.env; do
    [ -f "$env" ] && "$harness" stop "$env" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$SECONDS
for major in "${majors[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_major "$major" &
  pids+=($!)
done
wait || true
pids=()

failed=0
passes=0
for major in "${majors[@]}"; do
  result=$(cat "$logdir/$major.result" 2>/dev/null || echo "FAIL (no result)")
  echo "  PostgreSQL $major: $result"
  if [[ $result == pass* ]]; then
    passes=$((passes + 1))
  else
    failed=1
    echo "----- PostgreSQL $major: $logdir/$major.log" >&2
    cat "$logdir/$major.log" >&2 || true
  fi
done
if [ "$failed" = 0 ]; then
  rm -rf "$logdir"
  echo "matrix: ${#majors[@]} majors passed in $((SECONDS - started))s"
else
  echo "matrix: FAILED in $((SECONDS - started))s, logs in $logdir"
fi
echo "matrix: $passes passed, $((${#majors[@]} - passes)) failed"
exit "$failed"
