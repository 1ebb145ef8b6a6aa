#!/usr/bin/env bash
# One-shot latency: `pgdba db list -o json` against psql running the same
# query text (sql/db/list_databases.sql). Each connects, runs one query,
# prints and exits; hyperfine runs them without a shell in between (-N).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${BENCH_RUNS:-50}

sandbox_up
sql=$(cat "$ROOT/sql/db/list_databases.sql")
quoted=$(shq "$sql")  # one word for hyperfine's splitting

# Same rows from both, or the comparison means nothing.
"$PGDBA" db list -o json | jq -r '.[].name' >"$WORK/pgdba.names"
"$PSQL" -X -At -c "$sql" | cut -d'|' -f1 >"$WORK/psql.names"
cmp -s "$WORK/pgdba.names" "$WORK/psql.names" || { echo "error: pgdba and psql list different databases" >&2; exit 1; }

echo
echo "== latency: db list, $RUNS runs after 5 warmups =="
hyperfine -N --warmup 5 --runs "$RUNS" --style basic --export-json "$WORK/latency.json" \
  -n "pgdba db list -o json" "$PGDBA db list -o json" \
  -n "psql -X -At -c <same SQL>" "$PSQL -X -At -c $quoted" \
  -n "/usr/bin/psql (Debian wrapper) -X -At -c <same SQL>" "/usr/bin/psql -X -At -c $quoted"

echo
echo "-- summary --"
hf_line "$WORK/latency.json" 0 "pgdba db list -o json"
hf_line "$WORK/latency.json" 1 "psql -X -At -c <same SQL>"
hf_line "$WORK/latency.json" 2 "/usr/bin/psql wrapper, same"
verdict "latency ratio pgdba/psql (mean)" \
  "$(calc "$(hf_mean "$WORK/latency.json" 0) / $(hf_mean "$WORK/latency.json" 1)")" "<=" 1.2
echo "latency ratio pgdba/psql (median) = $(calc "$(jq .results[0].median "$WORK/latency.json") / $(jq .results[1].median "$WORK/latency.json")")"
echo "latency ratio pgdba/(psql via /usr/bin wrapper) (mean) = $(calc "$(hf_mean "$WORK/latency.json" 0) / $(hf_mean "$WORK/latency.json" 2)")"
