#!/usr/bin/env bash
# One-shot latency: `pgdba db list -o json` against psql running the same
# query text (sql/db/list_databases.sql). Each connects, runs one query,
# prints and exits; hyperfine runs them without a shell in between (-N).
# The runs are interleaved in rounds so that drifting load on the machine
# hits both sides alike.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${BENCH_RUNS:-50}
ROUNDS=5

sandbox_up
sql=$(cat "$ROOT/sql/db/list_databases.sql")
quoted=$(shq "$sql")  # one word for hyperfine's splitting

# Same rows from both, or the comparison means nothing.
"$PGDBA" db list -o json | jq -r '.[].name' >"$WORK/pgdba.names"
"$PSQL" -X -At -c "$sql" | cut -d'|' -f1 >"$WORK/psql.names"
cmp -s "$WORK/pgdba.names" "$WORK/psql.names" || { echo "error: pgdba and psql list different databases" >&2; exit 1; }

echo
echo "== latency: db list, $RUNS runs each in $ROUNDS interleaved rounds, 3 warmups per round =="
args=()
for ((r = 0; r < ROUNDS; r++)); do
  args+=(-n pgdba "$PGDBA db list -o json" -n psql "$PSQL -X -At -c $quoted" -n wrapper "/usr/bin/psql -X -At -c $quoted")
done
hyperfine -N --warmup 3 --runs $((RUNS / ROUNDS)) --style none --export-json "$WORK/latency.json" "${args[@]}"

# stats NAME: mean/median/min/stddev in ms over all rounds of NAME.
stats() {
  jq -r --arg n "$1" '[.results[] | select(.command == $n) | .times[]] | sort | length as $k
    | (add / $k) as $m | def ms: (. * 10000 | round) / 10;
    "\($m|ms) \(.[($k / 2 | floor)]|ms) \(.[0]|ms) \(((map(. - $m | . * .) | add) / ($k - 1) | sqrt)|ms) \($k)"' "$WORK/latency.json"
}
show() {
  read -r mean median min sd n <<<"$(stats "$1")"
  printf '%-46s mean %6s ms ± %5s  median %6s ms  min %6s ms  (%s runs)\n' "$2" "$mean" "$sd" "$median" "$min" "$n"
}
echo "-- summary --"
show pgdba "pgdba db list -o json"
show psql "psql -X -At -c <same SQL>"
show wrapper "/usr/bin/psql (Perl wrapper) -X -At -c <same SQL>"
read -r p_mean p_median _ <<<"$(stats pgdba)"
read -r q_mean q_median _ <<<"$(stats psql)"
read -r w_mean _ <<<"$(stats wrapper)"
verdict "latency ratio pgdba/psql (mean)" "$(calc "$p_mean / $q_mean")" "<=" 1.2
echo "latency ratio pgdba/psql (median) = $(calc "$p_median / $q_median")"
echo "latency ratio pgdba/(/usr/bin/psql wrapper) (mean) = $(calc "$p_mean / $w_mean")"
