#!/usr/bin/env bash
# stats against psql on the same server, in one run (issue "Live state and
# statistics"):
#  A. pgdba stats tables --all-databases over D databases x T tables  vs  a
#     psql loop over the same databases running the same query text
#     (sql/stats/tables.sql, parameters written in) one database after the
#     other (goal: psql loop / pgdba >= 3);
#  B. pgdba stats overview  vs  one psql -f running the same seven queries
#     (sql/stats/overview_*.sql and the checkpointer query): latency, hyperfine
#     -N, 5 warmups, 30 runs (pgmetrics is not packaged here; reported as a
#     figure, no goal).
# Both sides' rows are compared before timing: the same tables per database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DBS=${BENCH_DBS:-20}
TABLES=${BENCH_TABLES:-200}
RUNS=${BENCH_RUNS:-10}
"$PGDBA" stats tables --help >/dev/null 2>&1 || { echo "error: $PGDBA has no 'stats tables' (rebuild it)" >&2; exit 2; }
sandbox_up

echo "creating $DBS databases x $TABLES tables ..." >&2
for ((d = 1; d <= DBS; d++)); do
  db=stats_bench_$d
  q "drop database if exists $db" >/dev/null
  q "create database $db" >/dev/null
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
select format('create table t%s(id int primary key, v text); insert into t%s select g, md5(g::text) from generate_series(1, 50) g;', i, i)
from generate_series(1, $TABLES) i \gexec
analyze;
SQL
done

# The query pgdba runs, with its parameters written in for psql:
# $1 order, $2 limit, $3 schemas.
sed -e "s/\$1::text/'size'::text/g" -e 's/\$2::int8/20::int8/g' -e 's/\$3::text\[\]/NULL::text[]/g' \
  "$ROOT/sql/stats/tables.sql" >"$WORK/tables.sql"
cat >"$WORK/psql_loop.sh" <<EOF2
#!/usr/bin/env bash
for db in \$("$PSQL" -X -At -c "select datname from pg_database where datallowconn and datname not like 'template%' order by 1"); do
  "$PSQL" -X -At -F ',' -d "\$db" -f "$WORK/tables.sql" | sed "s/^/\$db,/"
done
EOF2
chmod +x "$WORK/psql_loop.sh"
exclude=(--exclude-database 'template*')

# Same answer first: database and table of every row.
"$PGDBA" -o csv --no-header stats tables --all-databases "${exclude[@]}" | cut -d, -f1,3 | sort >"$WORK/pgdba.rows"
"$WORK/psql_loop.sh" | cut -d, -f1,3 | sort >"$WORK/psql.rows"
if ! cmp -s "$WORK/pgdba.rows" "$WORK/psql.rows"; then
  echo "error: pgdba and the psql loop list different tables:" >&2
  diff "$WORK/pgdba.rows" "$WORK/psql.rows" | head >&2
  exit 1
fi
echo "rows: $(wc -l <"$WORK/pgdba.rows") (database, table) pairs, the same from both"

echo
echo "== A: stats tables over $DBS databases x $TABLES tables =="
hyperfine -N --warmup 2 --runs "$RUNS" --style none --export-json "$WORK/a.json" \
  -n pgdba "$PGDBA -o json stats tables --all-databases --exclude-database template*" \
  -n "psql loop" "$WORK/psql_loop.sh"
hf_line "$WORK/a.json" 0 "pgdba stats tables --all-databases"
hf_line "$WORK/a.json" 1 "psql loop"
ratio_a=$(calc "$(hf_mean "$WORK/a.json" 1) / $(hf_mean "$WORK/a.json" 0)")

echo
echo "== B: stats overview latency =="
: >"$WORK/overview.sql"
for f in overview_server overview_connections overview_databases overview_horizon overview_wraparound; do
  cat "$ROOT/sql/stats/$f.sql" >>"$WORK/overview.sql"
done
major=$(q "select current_setting('server_version_num')::int / 10000")
if ((major >= 14)); then cat "$ROOT/sql/stats/overview_wal.sql"; else cat "$ROOT/sql/stats/overview_wal_130000.sql"; fi >>"$WORK/overview.sql"
if ((major >= 17)); then cat "$ROOT/sql/stats/checkpointer.sql"; else cat "$ROOT/sql/stats/checkpointer_130000.sql"; fi >>"$WORK/overview.sql"
hyperfine -N --warmup 5 --runs 30 --style none --export-json "$WORK/b.json" \
  -n pgdba "$PGDBA -o json stats overview" \
  -n "psql -f" "$PSQL -X -At -f $WORK/overview.sql"
hf_line "$WORK/b.json" 0 "pgdba stats overview"
hf_line "$WORK/b.json" 1 "psql -f (the same seven queries)"
ratio_b=$(calc "$(hf_mean "$WORK/b.json" 0) / $(hf_mean "$WORK/b.json" 1)")

echo
verdict "stats tables --all-databases, psql loop / pgdba" "$ratio_a" ">=" 3
echo "stats overview latency, pgdba / psql -f = $ratio_b (no goal)"
for ((d = 1; d <= DBS; d++)); do q "drop database stats_bench_$d" >/dev/null; done
