#!/usr/bin/env bash
# backup create against plain pg_dump on the same data, in one run (issue
# 12, "Backup and restore through pg_dump"):
#  A. pgdba backup create (custom format, manifest, SHA-256, fsync, row
#     counts) vs pg_dump -Fc on the same ~150 MB database
#     (goal: pgdba's wall time <= 1.03x pg_dump's);
#  B. pgdba backup create --all-databases --jobs 2 over 20 databases (plus
#     globals) vs a serial loop of pg_dump -Fc and pg_dumpall --globals-only
#     (reported: the ratio; the goal is that --jobs 2 is faster).
# Both sides use the same pg_dump binary (the server's major version).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DBS=${BENCH_DBS:-20}
ROWS=${BENCH_ROWS:-1100000}      # ~150 MB of heap and index
SMALL_ROWS=${BENCH_SMALL_ROWS:-40000}
RUNS=${BENCH_RUNS:-3}
PG_DUMP=$(dirname "$PSQL")/pg_dump
PG_DUMPALL=$(dirname "$PSQL")/pg_dumpall
sandbox_up
echo "pg_dump: $PG_DUMP ($("$PG_DUMP" --version))"

echo "creating the ~150 MB database and $DBS small ones ..." >&2
q "drop database if exists backup_bench_big" >/dev/null
q "create database backup_bench_big" >/dev/null
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d backup_bench_big <<SQL
create table orders(id int8 primary key, customer int4, placed timestamptz, note text, total numeric(12, 2));
insert into orders
  select g, g % 50000, timestamptz '2024-01-01' + g * interval '1 second', md5(g::text) || md5((g * 7)::text),
         (g % 10000) / 100.0
  from generate_series(1, $ROWS) g;
create table events(id int8, payload jsonb);
insert into events select g, jsonb_build_object('k', g, 'v', md5(g::text)) from generate_series(1, $ROWS / 4) g;
vacuum analyze;
SQL
echo "big database: $(q "select pg_size_pretty(pg_database_size('backup_bench_big'))")"
for ((d = 1; d <= DBS; d++)); do
  db=backup_bench_$d
  q "drop database if exists $db" >/dev/null
  q "create database $db" >/dev/null
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" \
    -c "create table t as select g as id, md5(g::text) as v from generate_series(1, $SMALL_ROWS) g" >/dev/null
done

mkdir -p "$WORK/pgdba" "$WORK/pg_dump"
echo
echo "== A: one ~150 MB database: pgdba backup create vs pg_dump -Fc =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/a.json" \
  --prepare "rm -rf $(shq "$WORK/pgdba") $(shq "$WORK/pg_dump"); mkdir -p $(shq "$WORK/pg_dump"); sync" \
  -n pgdba "$PGDBA backup create --db backup_bench_big --dir $(shq "$WORK/pgdba") -o json" \
  -n pg_dump "$PG_DUMP -Fc -f $(shq "$WORK/pg_dump/big.dump") backup_bench_big"
hf_line "$WORK/a.json" 0 "pgdba backup create"
hf_line "$WORK/a.json" 1 "pg_dump -Fc"
ratio_a=$(calc "$(hf_mean "$WORK/a.json" 0) / $(hf_mean "$WORK/a.json" 1)")
# Sizes from one more run of each (hyperfine's --prepare empties both).
"$PGDBA" backup create --db backup_bench_big --dir "$WORK/size" -o json >/dev/null
"$PG_DUMP" -Fc -f "$WORK/size.dump" backup_bench_big
echo "sizes: pgdba $(du -cb "$WORK"/size/*/backup_bench_big/*.dump | tail -1 | cut -f1) bytes" \
  "(manifest $(du -cb "$WORK"/size/*/backup_bench_big/*.json | tail -1 | cut -f1) bytes), pg_dump $(du -b "$WORK/size.dump" | cut -f1) bytes"
rm -rf "$WORK/size" "$WORK/size.dump"

# The serial loop a cron job would run: globals, then each database in turn.
cat >"$WORK/serial.sh" <<EOF2
#!/usr/bin/env bash
set -e
out=$(shq "$WORK/serial")
mkdir -p "\$out"
$PG_DUMPALL --globals-only -f "\$out/globals.sql"
for db in \$($PSQL -X -At -c "select datname from pg_database where datallowconn and datname <> 'backup_bench_big' order by 1"); do
  $PG_DUMP -Fc -f "\$out/\$db.dump" "\$db"
done
EOF2
chmod +x "$WORK/serial.sh"

echo
echo "== B: $DBS databases and globals: --all-databases --jobs 2 vs a serial pg_dump loop =="
hyperfine --runs "$RUNS" --style none --export-json "$WORK/b.json" \
  --prepare "rm -rf $(shq "$WORK/pgdba") $(shq "$WORK/serial"); sync" \
  -n pgdba "$PGDBA backup create --all-databases --jobs 2 --exclude-database backup_bench_big --dir $(shq "$WORK/pgdba") -o json" \
  -n serial "$WORK/serial.sh"
hf_line "$WORK/b.json" 0 "pgdba backup create --all-databases --jobs 2"
hf_line "$WORK/b.json" 1 "serial pg_dumpall --globals-only + pg_dump -Fc loop"
ratio_b=$(calc "$(hf_mean "$WORK/b.json" 0) / $(hf_mean "$WORK/b.json" 1)")

echo
verdict "backup create wall time, pgdba / pg_dump -Fc" "$ratio_a" "<=" 1.03
verdict "all databases wall time, pgdba --jobs 2 / serial pg_dump loop" "$ratio_b" "<" 1
q "drop database backup_bench_big" >/dev/null
for ((d = 1; d <= DBS; d++)); do q "drop database backup_bench_$d" >/dev/null; done
