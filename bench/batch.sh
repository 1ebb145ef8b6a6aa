#!/usr/bin/env bash
# Batch DML: 100,000 CSV rows (int, text with commas/quotes, timestamptz)
# inserted by `pgdba sql --batch` against psycopg2 executemany and
# execute_values and a psql script of INSERTs in one transaction; then, as a
# secondary figure, 100,000 UPDATEs by primary key. psql's \copy from is
# timed too, as the ceiling for a bulk load. Every method is a whole
# process (start-up, reading the input, connecting, committing), timed by
# wall clock over $BENCH_RUNS runs; the table is reset before each run and
# checked after it (row count and a checksum of the contents).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROWS=${BENCH_ROWS:-100000}
RUNS=${BENCH_RUNS:-5}
PY=/usr/bin/python3  # the Debian python has psycopg2

sandbox_up
q "set client_min_messages = warning; drop table if exists bench_batch; create table bench_batch (id int primary key, t text, ts timestamptz)" >/dev/null
q "\\copy (select g, 'row ' || g || case when g % 10 = 0 then ', \"quoted\" and ''single''' else '' end,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' from generate_series(1, $ROWS) g) to '$WORK/rows.csv' csv" >/dev/null
q "\\copy (select g, 'upd ' || g || case when g % 10 = 0 then ', \"q\"' else '' end
  from generate_series(1, $ROWS) g) to '$WORK/updates.csv' csv" >/dev/null
# psql scripts of single-row statements, built from the same CSV files.
$PY - "$WORK" <<'PYEOF'
import csv, sys
lit = lambda v: "'" + v.replace("'", "''") + "'"
w = sys.argv[1]
with open(w + "/rows.csv", newline="") as f, open(w + "/inserts.sql", "w") as out:
    for i, t, ts in csv.reader(f):
        out.write(f"insert into bench_batch values ({i}, {lit(t)}, {lit(ts)});\n")
with open(w + "/updates.csv", newline="") as f, open(w + "/updates.sql", "w") as out:
    for i, t in csv.reader(f):
        out.write(f"update bench_batch set t = {lit(t)} where id = {i};\n")
PYEOF

SUM="select count(*) || ' ' || md5(string_agg(id || '|' || t || '|' || ts, ',' order by id)) from bench_batch"
expected=""
prep_insert() { q "truncate bench_batch" >/dev/null; q "checkpoint" >/dev/null; }
check_insert() {
  local got; got=$(q "$SUM")
  [[ ${got%% *} == "$ROWS" ]] || { echo "error: $1 left ${got%% *} rows, not $ROWS" >&2; exit 1; }
  : "${expected:=$got}"
  [[ $got == "$expected" ]] || { echo "error: $1 stored different data ($got vs $expected)" >&2; exit 1; }
}
prep_update() {
  q "truncate bench_batch" >/dev/null
  q "\\copy bench_batch from '$WORK/rows.csv' csv" >/dev/null
  q "vacuum analyze bench_batch" >/dev/null
  q "checkpoint" >/dev/null
}
check_update() {
  local n; n=$(q "select count(*) from bench_batch where t like 'upd %'")
  [[ $n == "$ROWS" ]] || { echo "error: $1 updated $n rows, not $ROWS" >&2; exit 1; }
}

declare -A MS  # median milliseconds by method name
# bench NAME PREP CHECK CMD...: RUNS timed runs of CMD, PREP before and CHECK after each.
bench() {
  local name=$1 prep=$2 check=$3 times=() t0 t1; shift 3
  for ((i = 1; i <= RUNS; i++)); do
    $prep
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    $check "$name"
    times+=($(((t1 - t0) / 1000000)))
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  MS[$name]=$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted")
  printf '%-34s median %7.3f s  min %7.3f s  %9.0f rows/s   runs (s): %s\n' "$name" \
    "$(calc "${MS[$name]} / 1000")" "$(calc "$(head -1 <<<"$sorted") / 1000")" \
    "$(rate "$name")" "$(printf '%s ' "${times[@]}" | awk '{ for (i = 1; i <= NF; i++) printf "%.2f ", $i / 1000 }')"
}
rate() { awk "BEGIN { printf \"%.0f\", $ROWS / (${MS[$1]} / 1000) }"; }
ratio() { calc "${MS[$2]} / ${MS[$1]}"; }  # speed of $1 relative to $2

echo
echo "== insert $ROWS rows, $RUNS runs each (all rows checked after every run) =="
bench "pgdba sql --batch" prep_insert check_insert \
  "$PGDBA" sql -c 'insert into bench_batch values ($1,$2,$3)' --batch "$WORK/rows.csv"
bench "psycopg2 executemany" prep_insert check_insert $PY "$BENCH_DIR/batch_psycopg2.py" executemany "$WORK/rows.csv"
bench "psycopg2 execute_values" prep_insert check_insert $PY "$BENCH_DIR/batch_psycopg2.py" execute_values "$WORK/rows.csv"
bench "psycopg2 execute_values page 1000" prep_insert check_insert \
  $PY "$BENCH_DIR/batch_psycopg2.py" execute_values_1000 "$WORK/rows.csv"
bench "psql -1 -f inserts.sql" prep_insert check_insert "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -f "$WORK/inserts.sql"
bench "psql \\copy from (reference)" prep_insert check_insert "$PSQL" -X -q -c "\\copy bench_batch from '$WORK/rows.csv' csv"

echo
echo "== secondary: update $ROWS rows by id, $RUNS runs each =="
bench "pgdba sql --batch (update)" prep_update check_update \
  "$PGDBA" sql -c 'update bench_batch set t=$2 where id=$1' --batch "$WORK/updates.csv"
bench "psycopg2 executemany (update)" prep_update check_update \
  $PY "$BENCH_DIR/batch_psycopg2.py" update_executemany "$WORK/updates.csv"
bench "psycopg2 execute_batch (update)" prep_update check_update \
  $PY "$BENCH_DIR/batch_psycopg2.py" update_execute_batch "$WORK/updates.csv"
bench "psql -1 -f updates.sql" prep_update check_update "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -f "$WORK/updates.sql"
# The server's own floor for these statements: the same single-row
# UPDATEs in a server-side loop, with no client, protocol or parsing at all.
bench "server-side loop (floor)" prep_update check_update "$PSQL" -X -q -c \
  "do \$\$ begin for i in 1..$ROWS loop update bench_batch set t = 'upd ' || i where id = i; end loop; end \$\$"

# Against COPY itself the start-up of either process is a large share of a
# 100k-row run, and the machine's drift between one method's runs and the
# next's is larger than the gap: 1M rows, pgdba and \copy taking turns.
BIG=${BENCH_BIG_ROWS:-1000000}
q "\\copy (select g, 'row ' || g || case when g % 10 = 0 then ', \"quoted\" and ''single''' else '' end,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' from generate_series(1, $BIG) g) to '$WORK/big.csv' csv" >/dev/null
echo
echo "== insert $BIG rows, pgdba sql --batch and psql \\copy taking turns, $RUNS runs each =="
big_pgdba=() big_copy=()
for ((i = 1; i <= RUNS; i++)); do
  for who in pgdba copy; do
    q "truncate bench_batch" >/dev/null
    q "checkpoint" >/dev/null
    t0=$(date +%s%N)
    if [[ $who == pgdba ]]; then
      "$PGDBA" sql -c 'insert into bench_batch values ($1,$2,$3)' --batch "$WORK/big.csv" >/dev/null
      big_pgdba+=($((($(date +%s%N) - t0) / 1000000)))
    else
      "$PSQL" -X -q -c "\\copy bench_batch from '$WORK/big.csv' csv"
      big_copy+=($((($(date +%s%N) - t0) / 1000000)))
    fi
    [[ $(q "select count(*) from bench_batch") == "$BIG" ]] || { echo "error: $who left the wrong row count" >&2; exit 1; }
  done
done
median_of() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
mp=$(median_of "${big_pgdba[@]}") mc=$(median_of "${big_copy[@]}")
echo "pgdba sql --batch median $(calc "$mp / 1000") s, psql \\copy median $(calc "$mc / 1000") s (runs ms: ${big_pgdba[*]} / ${big_copy[*]})"

echo
echo "-- summary (rows/s from the median run) --"
echo "insert: pgdba $(rate "pgdba sql --batch") rows/s, executemany $(rate "psycopg2 executemany"), execute_values $(rate "psycopg2 execute_values"), execute_values(page 1000) $(rate "psycopg2 execute_values page 1000"), psql -1 -f $(rate "psql -1 -f inserts.sql")"
verdict "insert speed pgdba/executemany" "$(ratio "pgdba sql --batch" "psycopg2 executemany")" ">=" 10
verdict "insert speed pgdba/execute_values" "$(ratio "pgdba sql --batch" "psycopg2 execute_values")" ">=" 1
echo "insert speed pgdba/execute_values(page 1000) = $(ratio "pgdba sql --batch" "psycopg2 execute_values page 1000")"
echo "insert speed pgdba/psql -1 -f = $(ratio "pgdba sql --batch" "psql -1 -f inserts.sql"), pgdba/\\copy from = $(ratio "pgdba sql --batch" "psql \\copy from (reference)") (COPY is the bulk-load ceiling)"
echo "update: pgdba $(rate "pgdba sql --batch (update)") rows/s, executemany $(rate "psycopg2 executemany (update)"), execute_batch $(rate "psycopg2 execute_batch (update)"), psql -1 -f $(rate "psql -1 -f updates.sql")"
verdict "insert speed pgdba/\\copy from, $BIG rows taking turns" "$(calc "$mc / $mp")" ">=" 0.8
verdict "update rows/s pgdba / 84k (before pipelining)" "$(calc "$(rate "pgdba sql --batch (update)") / 84000")" ">=" 2
echo "update speed pgdba / server-side loop (floor) = $(ratio "pgdba sql --batch (update)" "server-side loop (floor)")"
echo "update speed pgdba/executemany = $(ratio "pgdba sql --batch (update)" "psycopg2 executemany (update)"), pgdba/execute_batch = $(ratio "pgdba sql --batch (update)" "psycopg2 execute_batch (update)"), pgdba/psql -1 -f = $(ratio "pgdba sql --batch (update)" "psql -1 -f updates.sql")"
