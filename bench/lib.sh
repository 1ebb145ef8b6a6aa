# shellcheck shell=bash
# Shared by the bench scripts: finds pgdba, starts the sandbox cluster, and
# small helpers for figures. Source it; do not run it.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
SANDBOX=${PGDBA_BENCH_DIR:-/tmp/pgdba-bench}
WORK=$(mktemp -d /tmp/pgdba-bench-work.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# $PGDBA, or a Release build in build-bench (built when missing).
if [[ -z ${PGDBA:-} ]]; then
  PGDBA=$ROOT/build-bench/pgdba
  if [[ ! -x $PGDBA ]]; then
    echo "building a Release pgdba in $ROOT/build-bench ..." >&2
    cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DPGDBA_TESTS=OFF >&2
    cmake --build "$ROOT/build-bench" -j2 >&2
  fi
fi
if [[ ! -x $PGDBA ]]; then
  echo "error: PGDBA=$PGDBA is not an executable pgdba binary" >&2
  exit 2
fi
# psql: the real binary of the server's major version, not Debian's Perl
# wrapper /usr/bin/psql (pg_wrapper adds ~40 ms of Perl start-up per call).
PSQL=${PSQL:-$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)}
PSQL=${PSQL:-psql}
for tool in hyperfine "$PSQL" jq /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done

cleanup() {
  "$PGDBA" sandbox down --dir "$SANDBOX" >/dev/null || echo "warning: could not stop the sandbox" >&2
  rm -rf "$WORK"
}

# Starts (creating if needed) the sandbox and points PG* at it.
sandbox_up() {
  "$PGDBA" sandbox up --dir "$SANDBOX" >&2
  eval "$("$PGDBA" sandbox env --dir "$SANDBOX")"
  if [[ $PGPORT == 5432 ]]; then echo "error: the sandbox must not use port 5432" >&2; exit 2; fi
  trap cleanup EXIT
  echo "pgdba:  $PGDBA ($("$PGDBA" --version | head -1))"
  echo "psql:   $PSQL ($("$PSQL" --version))"
  echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews figures)"
  echo "server: $("$PSQL" -X -At -c 'select version()')"
  echo "socket: $PGHOST port $PGPORT"
}

q() { "$PSQL" -X -At -v ON_ERROR_STOP=1 -c "$1"; }

# awk arithmetic: calc '1/3' -> 0.333
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

# hf_mean JSON N: mean seconds of command N; hf_line JSON N LABEL: a summary line.
hf_mean() { jq -r ".results[$2].mean" "$1"; }
hf_line() {
  jq -r --arg name "$3" '.results['"$2"'] | def ms: (. * 10000 | floor) / 10;
    "\($name): mean \(.mean|ms) ms ± \(.stddev|ms) ms, median \(.median|ms) ms, min \(.min|ms) ms (\(.times|length) runs)"' "$1"
}

# verdict NAME VALUE OP GOAL: prints PASS or FAIL for VALUE OP GOAL.
verdict() {
  if awk "BEGIN { exit !($2 $3 $4) }"; then echo "$1 = $2 (goal $3 $4): PASS"; else echo "$1 = $2 (goal $3 $4): FAIL"; fi
}

# Peak RSS in MB of a command whose output goes to /dev/null.
peak_rss_mb() {
  /usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null
  calc "$(tail -1 "$WORK/rss") / 1024"
}

# shq TEXT: TEXT as one single-quoted shell word (for hyperfine -N commands).
shq() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
