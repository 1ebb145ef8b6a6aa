#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite (unit tests
# and integration tests against a private PostgreSQL 15 the harness starts),
# then the [matrix] tests on PostgreSQL 13, 14, 16, 17 and 18 (scripts/matrix.sh;
# PGDBA_SKIP_MATRIX=1 skips it), then the same suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer (PGDBA_SKIP_SANITIZE=1 skips it).
# After the first suite the Debian package is built, installed with apt and
# used (scripts/package-smoke.sh; PGDBA_SKIP_PACKAGE=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The other majors download while the build and the first suite use the CPU.
majors_log=$(mktemp /tmp/pgdba-majors.XXXXXX)
majors_pid=
if [ "${PGDBA_SKIP_MATRIX:-0}" != 1 ]; then
  scripts/install-pg-majors.sh >"$majors_log" 2>&1 &
  majors_pid=$!
fi
BUILD_DIR=build scripts/build.sh
(cd build && ctest -j2 --output-on-failure)
if [ "${PGDBA_SKIP_PACKAGE:-0}" != 1 ]; then
  BUILD_DIR=build scripts/package-smoke.sh
fi
if [ "${PGDBA_SKIP_MATRIX:-0}" != 1 ]; then
  matrix_start=$SECONDS
  wait "$majors_pid" || { cat "$majors_log" >&2; echo "test: installing the other majors failed" >&2; exit 1; }
  BUILD_DIR=build scripts/matrix.sh
  echo "test: version matrix took $((SECONDS - matrix_start))s"
fi
if [ "${PGDBA_SKIP_SANITIZE:-0}" != 1 ]; then
  BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DPGDBA_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/../tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest -j2 --output-on-failure)
fi
