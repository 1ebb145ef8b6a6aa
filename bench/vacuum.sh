#!/usr/bin/env bash
# vacuum against vacuumdb on the same workload, in one run (issue
# "Maintenance"): D databases x T tables with dead tuples in the sandbox.
#  A. pgdba vacuum --all-databases --jobs 2  vs  vacuumdb --all --jobs 2
#     (goal: pgdba's wall time <= 1.05x vacuumdb's);
#  B. pgdba analyze --all-databases --jobs 2  vs  vacuumdb --all --analyze-only --jobs 2;
#  C. pgdba vacuum --all-databases --min-dead-ratio 0.1 when 10% of the
#     tables need it  vs  vacuumdb doing every table (goal >= 5x less wall);
#  D. pgdba reindex --all-databases --jobs 2  vs  reindexdb --all --jobs 2
#     (every table of every database; no goal in the issue beyond parity:
#     printed as a ratio).
# The dead tuples are re-created before every timed run (hyperfine --prepare)
# so both tools face the same work.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DBS=${BENCH_DBS:-20}
TABLES=${BENCH_TABLES:-200}
RUNS=${BENCH_RUNS:-3}
VACUUMDB=$(dirname "$PSQL")/vacuumdb
REINDEXDB=$(dirname "$PSQL")/reindexdb
sandbox_up

echo "creating $DBS databases x $TABLES tables ..." >&2
for ((d = 1; d <= DBS; d++)); do
  db=vac_bench_$d
  q "drop database if exists $db" >/dev/null
  q "create database $db" >/dev/null
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
select format('create table t%s(id int, v text) with (autovacuum_enabled = off); create index on t%s(id); insert into t%s select g, md5(g::text) from generate_series(1, 500) g;', i, i, i)
from generate_series(1, $TABLES) i \gexec
SQL
done
# Every table churned (A, B), or one table in ten (C).
cat >"$WORK/churn_all.sh" <<EOF2
#!/usr/bin/env bash
for ((d = 1; d <= $DBS; d++)); do
  echo "select format('delete from t%s where id %% 4 = 0; insert into t%s select g, md5(g::text) from generate_series(1, 125) g;', i, i) from generate_series(1, $TABLES) i \\gexec" | "$PSQL" -X -q -v ON_ERROR_STOP=1 -d vac_bench_\$d >/dev/null
done
"$PSQL" -X -q -d vac_bench_1 -c "select pg_stat_force_next_flush()" >/dev/null 2>&1 || sleep 1
EOF2
cat >"$WORK/churn_tenth.sh" <<EOF2
#!/usr/bin/env bash
for ((d = 1; d <= $DBS; d++)); do
  "$PSQL" -X -q -d vac_bench_\$d -c "vacuum" >/dev/null
  echo "select format('delete from t%s where id %% 4 = 0;', i) from generate_series(1, $TABLES) i where i % 10 = 0 \\gexec" | "$PSQL" -X -q -v ON_ERROR_STOP=1 -d vac_bench_\$d >/dev/null
done
sleep 1
EOF2
chmod +x "$WORK"/churn_*.sh

echo
echo "== A: vacuum, every table, --jobs 2 =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/a.json" --prepare "$WORK/churn_all.sh" \
  -n pgdba "$PGDBA vacuum --all-databases --jobs 2 -o json" \
  -n vacuumdb "$VACUUMDB --all --jobs 2 --quiet"
hf_line "$WORK/a.json" 0 "pgdba vacuum"
hf_line "$WORK/a.json" 1 "vacuumdb"
ratio_a=$(calc "$(hf_mean "$WORK/a.json" 0) / $(hf_mean "$WORK/a.json" 1)")

echo
echo "== B: analyze only, --jobs 2 =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/b.json" --prepare "$WORK/churn_all.sh" \
  -n pgdba "$PGDBA analyze --all-databases --jobs 2 -o json" \
  -n vacuumdb "$VACUUMDB --all --analyze-only --jobs 2 --quiet"
hf_line "$WORK/b.json" 0 "pgdba analyze"
hf_line "$WORK/b.json" 1 "vacuumdb --analyze-only"
ratio_b=$(calc "$(hf_mean "$WORK/b.json" 0) / $(hf_mean "$WORK/b.json" 1)")

echo
echo "== C: one table in ten needs it: pgdba --min-dead-ratio 0.1 vs vacuumdb on everything =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/c.json" --prepare "$WORK/churn_tenth.sh" \
  -n pgdba "$PGDBA vacuum --all-databases --jobs 2 --min-dead-ratio 0.1 -o json" \
  -n vacuumdb "$VACUUMDB --all --jobs 2 --quiet"
hf_line "$WORK/c.json" 0 "pgdba vacuum --min-dead-ratio 0.1"
hf_line "$WORK/c.json" 1 "vacuumdb (every table)"
ratio_c=$(calc "$(hf_mean "$WORK/c.json" 1) / $(hf_mean "$WORK/c.json" 0)")

echo
echo "== D: reindex every table, --jobs 2 =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/d.json" \
  -n pgdba "$PGDBA reindex --all-databases --jobs 2 -o json" \
  -n reindexdb "$REINDEXDB --all --jobs 2 --quiet"
hf_line "$WORK/d.json" 0 "pgdba reindex"
hf_line "$WORK/d.json" 1 "reindexdb"
ratio_d=$(calc "$(hf_mean "$WORK/d.json" 0) / $(hf_mean "$WORK/d.json" 1)")

echo
echo "reindex wall time, pgdba / reindexdb = $ratio_d"
verdict "vacuum wall time, pgdba / vacuumdb" "$ratio_a" "<=" 1.05
verdict "analyze wall time, pgdba / vacuumdb" "$ratio_b" "<=" 1.05
verdict "need-based vacuum, vacuumdb / pgdba" "$ratio_c" ">=" 5
for ((d = 1; d <= DBS; d++)); do q "drop database vac_bench_$d" >/dev/null; done
