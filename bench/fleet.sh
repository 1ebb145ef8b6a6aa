#!/usr/bin/env bash
# The fleet and all-databases, against what a DBA scripts today:
#  A. `pgdba --all-targets db size` over N local clusters (services of a
#     pg_service.conf) vs a serial loop of psql over the same services;
#  B. `pgdba schema list --all-databases` over D databases of one cluster vs
#     a psql loop running the same query (sql/schema/list_schemas.sql) in each;
#  C. the same as A with one target that accepts TCP but never answers: the
#     run should take about one --connect-timeout longer, not more.
# Goals (issue "Core for growth"): A >= 4x, B >= 3x on 2 cores.
# With the servers on the same machine, each connection costs the server a
# backend start and exit (fork, page tables, catalog caches) that no client
# can avoid; the script measures that server CPU per run and prints the best
# ratio the machine allows: psql loop wall / (server CPU / cores).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CLUSTERS=${BENCH_CLUSTERS:-20}
DATABASES=${BENCH_DATABASES:-50}
RUNS=${BENCH_RUNS:-5}
TIMEOUT=3

envs=()
hung_pid=
fleet_cleanup() {
  for e in "${envs[@]}"; do "$ROOT/tests/harness/cluster.sh" stop "$e" >/dev/null 2>&1 || true; done
  [[ -n $hung_pid ]] && kill "$hung_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap fleet_cleanup EXIT

echo "starting $CLUSTERS clusters ..." >&2
services=$WORK/pg_service.conf
: >"$services"
for ((i = 1; i <= CLUSTERS; i++)); do
  e=$WORK/c$i.env
  "$ROOT/tests/harness/cluster.sh" start "$e" >/dev/null
  envs+=("$e")
  # shellcheck disable=SC1090
  (source "$e"; printf '[pg%02d]\nhost=%s\nport=%s\nuser=postgres\ndbname=postgres\n\n' "$i" "$PGHOST" "$PGPORT") >>"$services"
done
# A server that accepts the TCP connection and never says a word: libpq
# waits for --connect-timeout.
hung_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$hung_port)); s.listen(64); time.sleep(3600)" &
hung_pid=$!
cp "$services" "$WORK/with_hung.conf"
printf '[hung]\nhost=127.0.0.1\nport=%s\nuser=postgres\ndbname=postgres\n' "$hung_port" >>"$WORK/with_hung.conf"
export PGSYSCONFDIR=/nonexistent PGCONNECT_TIMEOUT=$TIMEOUT
unset PGHOST PGPORT PGDATABASE PGSERVICE

echo "pgdba:  $PGDBA ($("$PGDBA" --version | head -1))"
echo "psql:   $PSQL"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# CPU milliseconds spent so far by the clusters' postmasters and their
# reaped children (the backends): utime+stime+cutime+cstime.
server_cpu_ms() {
  local total=0 e pid f
  for e in "$@"; do
    pid=$( (source "$e"; head -1 "$PGDBA_CLUSTER_DIR/data/postmaster.pid") )
    read -r -a f <"/proc/$pid/stat"
    total=$((total + f[13] + f[14] + f[15] + f[16]))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
# server_cpu_per_run ENV... -- CMD: mean server CPU (ms) of RUNS runs of CMD.
server_cpu_per_run() {
  local envs_=() before after i
  while [[ $1 != -- ]]; do envs_+=("$1"); shift; done
  shift
  before=$(server_cpu_ms "${envs_[@]}")
  for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1 || true; done
  after=$(server_cpu_ms "${envs_[@]}")
  calc "($after - $before) / $RUNS"
}
# The ratio a perfect client could reach: the loop's wall time over the
# pgdba run's server CPU spread over every core.
ceiling() { calc "$1 * 1000 / ($2 / $(nproc))"; }

size_sql=$(sed 's/\$1::text/NULL::text/; s/\$1/NULL/g' "$ROOT/sql/db/database_sizes.sql")
cat >"$WORK/psql_fleet.sh" <<EOF
#!/usr/bin/env bash
for s in \$(sed -n 's/^\[\(.*\)\]$/\1/p' "\$PGSERVICEFILE"); do
  "$PSQL" -X -At "service=\$s" -c $(shq "$size_sql") || echo "\$s: failed" >&2
done
EOF
chmod +x "$WORK/psql_fleet.sh"

# Same answers from both sides.
PGSERVICEFILE=$services "$PGDBA" --all-targets db size -o json | jq -r '.[] | "\(.target) \(.name)"' | sort >"$WORK/a.pgdba"
n_rows=$(wc -l <"$WORK/a.pgdba")
n_psql=$(PGSERVICEFILE=$services "$WORK/psql_fleet.sh" | wc -l)
[[ $n_rows == "$n_psql" ]] || { echo "error: pgdba gave $n_rows rows, psql $n_psql" >&2; exit 1; }

echo
echo "== A: db size on $CLUSTERS targets ($n_rows rows), $RUNS runs =="
PGSERVICEFILE=$services hyperfine --warmup 1 --runs "$RUNS" --style none --export-json "$WORK/a.json" \
  -n pgdba "$PGDBA --all-targets db size -o json" -n psql-loop "$WORK/psql_fleet.sh"
hf_line "$WORK/a.json" 0 "pgdba --all-targets"
hf_line "$WORK/a.json" 1 "psql loop"
ratio_a=$(calc "$(hf_mean "$WORK/a.json" 1) / $(hf_mean "$WORK/a.json" 0)")
cpu_a=$(PGSERVICEFILE=$services server_cpu_per_run "${envs[@]}" -- "$PGDBA" --all-targets db size -o json)
cpu_a_psql=$(PGSERVICEFILE=$services server_cpu_per_run "${envs[@]}" -- "$WORK/psql_fleet.sh")
echo "server CPU per run: pgdba $cpu_a ms, psql loop $cpu_a_psql ms"
ceiling_a=$(ceiling "$(hf_mean "$WORK/a.json" 1)" "$cpu_a")

echo
echo "== C: the same with a target that never answers (connect timeout ${TIMEOUT}s), $RUNS runs =="
PGSERVICEFILE=$WORK/with_hung.conf hyperfine --runs "$RUNS" --style none -i --export-json "$WORK/c.json" \
  -n pgdba "$PGDBA --connect-timeout $TIMEOUT --all-targets db size -o json" -n psql-loop "$WORK/psql_fleet.sh"
hf_line "$WORK/c.json" 0 "pgdba --all-targets, one hung"
hf_line "$WORK/c.json" 1 "psql loop, one hung"
extra=$(calc "$(hf_mean "$WORK/c.json" 0) - $(hf_mean "$WORK/a.json" 0)")

echo
echo "== B: schema list on $DATABASES databases of one cluster, $RUNS runs =="
# shellcheck disable=SC1090
source "${envs[0]}"
export PGHOST PGPORT PGUSER=postgres PGDATABASE=postgres
for ((i = 1; i <= DATABASES; i++)); do q "create database bench_db_$i" >/dev/null 2>&1 || true; done
schema_sql=$(sed 's/\$1::bool/false/; s/\$1/false/g' "$ROOT/sql/schema/list_schemas.sql")
cat >"$WORK/psql_dbs.sh" <<EOF
#!/usr/bin/env bash
for d in \$("$PSQL" -X -At -c "select datname from pg_database where datallowconn order by 1"); do
  "$PSQL" -X -At -d "\$d" -c $(shq "$schema_sql")
done
EOF
chmod +x "$WORK/psql_dbs.sh"
n_pgdba=$("$PGDBA" schema list --all-databases -o json | jq length)
n_psql=$("$WORK/psql_dbs.sh" | wc -l)
[[ $n_pgdba == "$n_psql" ]] || { echo "error: pgdba gave $n_pgdba rows, psql $n_psql" >&2; exit 1; }
hyperfine --warmup 1 --runs "$RUNS" --style none --export-json "$WORK/b.json" \
  -n pgdba "$PGDBA schema list --all-databases -o json" -n psql-loop "$WORK/psql_dbs.sh"
hf_line "$WORK/b.json" 0 "pgdba schema list --all-databases"
hf_line "$WORK/b.json" 1 "psql loop"
ratio_b=$(calc "$(hf_mean "$WORK/b.json" 1) / $(hf_mean "$WORK/b.json" 0)")
cpu_b=$(server_cpu_per_run "${envs[0]}" -- "$PGDBA" schema list --all-databases -o json)
cpu_b_psql=$(server_cpu_per_run "${envs[0]}" -- "$WORK/psql_dbs.sh")
echo "server CPU per run: pgdba $cpu_b ms, psql loop $cpu_b_psql ms"
ceiling_b=$(ceiling "$(hf_mean "$WORK/b.json" 1)" "$cpu_b")

echo
echo "-- goals --"
verdict "fleet: psql loop / pgdba --all-targets ($CLUSTERS targets)" "$ratio_a" ">=" 4
verdict "all databases: psql loop / pgdba --all-databases ($DATABASES databases)" "$ratio_b" ">=" 3
echo "best ratio this machine allows (psql loop wall / (pgdba's server CPU / $(nproc) cores)): fleet $ceiling_a, all databases $ceiling_b"
verdict "a hung target adds (seconds; connect timeout $TIMEOUT)" "$extra" "<=" "$((TIMEOUT + 1))"
