#!/usr/bin/env bash
# Runs the integration tests tagged [matrix] against every PostgreSQL major of
# the version matrix, one private cluster (tests/harness/cluster.sh) at a time:
#   scripts/matrix.sh          majors ${PGDBA_MATRIX:-13 14 16 17 18}, tests of ${BUILD_DIR:-build}
# Majors other than 15 come from scripts/install-pg-majors.sh (run it first);
# their binaries are in ${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}/<major>/bin, 15
# is Debian's. Prints one line per major and exits non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
cache=${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}
read -ra majors <<<"${PGDBA_MATRIX:-13 14 16 17 18}"
case $build in /*) ;; *) build=$PWD/$build ;; esac
tests=$build/tests/pgdba_integration_tests
[ -x "$tests" ] || { echo "matrix: $tests not built (BUILD_DIR=$build scripts/build.sh)" >&2; exit 1; }
harness=$PWD/tests/harness/cluster.sh

logdir=$(mktemp -d /tmp/pgdba-matrix.XXXXXX)
envfile=
stop_cluster() {
  if [ -n "$envfile" ]; then
    "$harness" stop "$envfile" || true
    envfile=
  fi
}
trap stop_cluster EXIT
trap 'stop_cluster; exit 130' INT TERM

declare -A result=()
failed=0
passes=0
started=$SECONDS
for major in "${majors[@]}"; do
  t0=$SECONDS
  if [ "$major" = 15 ] && [ ! -x "$cache/15/bin/postgres" ]; then
    bindir=/usr/lib/postgresql/15/bin
  else
    bindir=$cache/$major/bin
  fi
  log=$logdir/$major.log
  if [ ! -x "$bindir/postgres" ]; then
    result[$major]="FAIL (no $bindir/postgres: run scripts/install-pg-majors.sh)"
    failed=1
    echo "matrix: PostgreSQL $major: ${result[$major]}" >&2
    continue
  fi
  envfile=$(mktemp /tmp/pgdba-matrix-env.XXXXXX)
  echo "matrix: PostgreSQL $major ($bindir)" >&2
  if ! PGDBA_PG_BINDIR=$bindir "$harness" start "$envfile" >"$log" 2>&1; then
    result[$major]="FAIL (cluster did not start, see $log)"
    failed=1
    cat "$log" >&2
    rm -f "$envfile"
    envfile=
    continue
  fi
  started_major=$(sed -n 's/^PGDBA_PG_MAJOR=//p' "$envfile")
  if [ "$started_major" != "$major" ]; then
    result[$major]="FAIL (the harness started PostgreSQL $started_major)"
    failed=1
  elif PGDBA_TEST_ENV=$envfile PGDBA_EXPECT_PG_MAJOR=$major \
    timeout -k 10 600 "$tests" "[matrix]" --reporter compact >>"$log" 2>&1; then
    result[$major]="pass ($(grep -E '^(Passed|All tests)' "$log" | tail -n1))"
    passes=$((passes + 1))
  else
    result[$major]="FAIL (see $log)"
    failed=1
    cat "$log" >&2
  fi
  stop_cluster
  result[$major]+=" $((SECONDS - t0))s"
  echo "matrix: PostgreSQL $major: ${result[$major]}" >&2
done

if [ "$failed" = 0 ]; then
  rm -rf "$logdir"
  echo "matrix: ${#majors[@]} majors passed in $((SECONDS - started))s"
else
  echo "matrix: FAILED in $((SECONDS - started))s, logs in $logdir"
fi
for major in "${majors[@]}"; do
  echo "  PostgreSQL $major: ${result[$major]}"
done
echo "matrix: $passes passed, $((${#majors[@]} - passes)) failed"
exit "$failed"
