#!/usr/bin/env bash
# Monitoring checks against the peers a DBA would otherwise run, on the same
# server in one run (issue "Monitoring checks"): check_postgres and
# check_pgactivity (Debian's check-postgres and check-pgactivity), for the
# equivalent checks over D databases x T tables (default 20 x 200):
#  A. per check, pgdba vs check_postgres vs check_pgactivity (checks inside
#     databases cover every database on all three: check_postgres gets the
#     database list, check_pgactivity loops itself); goal: check_postgres /
#     pgdba >= 10 for the checks that look into every database;
#  B. pgdba check backends vs the bare psql query (the same SQL) on one
#     database; goal: pgdba / psql <= 1.5;
#  C. pgdba check all (every check, every database) vs the slowest single
#     check_postgres action of A; goal: check all faster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DBS=${BENCH_DBS:-20}
TABLES=${BENCH_TABLES:-200}
RUNS=${BENCH_RUNS:-5}
CPA=${CHECK_PGACTIVITY:-/usr/lib/nagios/plugins/check_pgactivity}
for tool in check_postgres "$CPA"; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install check-postgres check-pgactivity)" >&2; exit 2; }
done
"$PGDBA" check list >/dev/null 2>&1 || { echo "error: $PGDBA has no 'check' (rebuild it)" >&2; exit 2; }
sandbox_up

echo "creating $DBS databases x $TABLES tables (a sequence each) ..." >&2
dbs=()
for ((d = 1; d <= DBS; d++)); do
  db=check_bench_$d
  dbs+=("$db")
  q "drop database if exists $db" >/dev/null
  q "create database $db" >/dev/null
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
select format('create table t%s(id serial primary key, v text); insert into t%s(v) select md5(g::text) from generate_series(1, 50) g;', i, i)
from generate_series(1, $TABLES) i \gexec
analyze;
SQL
done
dblist=$(IFS=,; echo "${dbs[*]}")
conn=(--host="$PGHOST" --port="$PGPORT" --dbuser="$(whoami)")
[[ $(whoami) == root ]] && conn=(--host="$PGHOST" --port="$PGPORT" --dbuser=postgres)
cpa_conn="-h $PGHOST -p $PGPORT -U ${PGUSER:-postgres} --status-file $WORK/cpa.state"
cp_conn="${conn[*]}"
excl="--exclude-database template* --exclude-database postgres"

# check_postgres's sequence action breaks with a database list (a syntax
# error in its query): it runs once per database instead.
cat >"$WORK/cp_sequence_loop.sh" <<EOF2
#!/usr/bin/env bash
worst=0
for db in ${dbs[*]}; do
  check_postgres --action=sequence --dbname="\$db" $cp_conn >/dev/null; rc=\$?
  ((rc > worst)) && worst=\$rc
done
exit \$worst
EOF2
chmod +x "$WORK/cp_sequence_loop.sh"

# name | pgdba | check_postgres | check_pgactivity
checks=(
  "backends|check backends|check_postgres --action=backends $cp_conn|$CPA -s backends -w 80% -c 90% $cpa_conn"
  "database_size|check database-size -w 10GB -c 20GB|check_postgres --action=database_size -w 10GB -c 20GB $cp_conn|$CPA -s database_size -w 10% -c 20% $cpa_conn"
  "txn_wraparound|check wraparound|check_postgres --action=txn_wraparound $cp_conn|$CPA -s max_freeze_age -w 50% -c 75% $cpa_conn"
  "locks|check locks|check_postgres --action=locks $cp_conn|$CPA -s locks -w 1000 -c 5000 $cpa_conn"
  "bloat (every db)|check bloat $excl|check_postgres --action=bloat --dbname=$dblist $cp_conn|$CPA -s table_bloat -w 50% -c 80% $cpa_conn"
  "last_vacuum (every db)|check last-vacuum $excl|check_postgres --action=last_vacuum --dbname=$dblist $cp_conn|$CPA -s last_vacuum -w 1d -c 7d $cpa_conn"
  "sequence (every db)|check sequence-exhaustion $excl|$WORK/cp_sequence_loop.sh|$CPA -s sequences_exhausted -w 75% -c 90% $cpa_conn"
)
# check_pgactivity keeps rates in its status file: one run first.
for c in "${checks[@]}"; do IFS='|' read -r _ _ _ cpa <<<"$c"; $cpa >/dev/null 2>&1 || true; done

echo
echo "== A: each check, pgdba vs check_postgres vs check_pgactivity ($DBS databases x $TABLES tables) =="
worst_cp=0
worst_cp_name=
for c in "${checks[@]}"; do
  IFS='|' read -r name pg cp cpa <<<"$c"
  json=$WORK/a_${name%% *}.json
  # Each must answer (exit 0-2: a judged status), or the timing means nothing.
  for cmd in "$PGDBA $pg" "$cp" "$cpa"; do
    set +e; $cmd >/dev/null 2>&1; rc=$?; set -e
    if ((rc > 2)); then echo "error: '$cmd' exited $rc" >&2; $cmd >&2 || true; exit 1; fi
  done
  hyperfine -N -i --warmup 1 --runs "$RUNS" --style none --export-json "$json" \
    -n pgdba "$PGDBA $pg" -n check_postgres "$cp" -n check_pgactivity "$cpa" >/dev/null
  p=$(hf_mean "$json" 0); c1=$(hf_mean "$json" 1); c2=$(hf_mean "$json" 2)
  printf '%-24s pgdba %7.1f ms   check_postgres %7.1f ms (%5.1fx)   check_pgactivity %7.1f ms (%5.1fx)\n' \
    "$name" "$(calc "$p*1000")" "$(calc "$c1*1000")" "$(calc "$c1/$p")" "$(calc "$c2*1000")" "$(calc "$c2/$p")"
  if [[ $name == *"every db"* ]]; then verdict "  check_postgres/pgdba ($name)" "$(calc "$c1/$p")" ">=" 10; fi
  if awk "BEGIN { exit !($c1 > $worst_cp) }"; then worst_cp=$c1; worst_cp_name=$name; fi
done

echo
echo "== B: one check on one database: pgdba check backends vs the same SQL through psql =="
hyperfine -N --warmup 3 --runs 30 --style none --export-json "$WORK/b.json" \
  -n pgdba "$PGDBA check backends" -n psql "$PSQL -X -At -f $ROOT/sql/checks/backends.sql" >/dev/null
hf_line "$WORK/b.json" 0 pgdba
hf_line "$WORK/b.json" 1 psql
verdict "pgdba/psql" "$(calc "$(hf_mean "$WORK/b.json" 0)/$(hf_mean "$WORK/b.json" 1)")" "<=" 1.5

echo
echo "== C: pgdba check all ($("$PGDBA" check list -o csv --no-header | wc -l) checks, every database) vs check_postgres $worst_cp_name =="
hyperfine -N -i --warmup 1 --runs "$RUNS" --style none --export-json "$WORK/c.json" \
  -n "pgdba check all" "$PGDBA check all $excl" >/dev/null
hf_line "$WORK/c.json" 0 "pgdba check all"
echo "check_postgres $worst_cp_name: mean $(calc "$worst_cp*1000") ms"
verdict "check_postgres $worst_cp_name / pgdba check all" "$(calc "$worst_cp/$(hf_mean "$WORK/c.json" 0)")" ">" 1
