#!/usr/bin/env bash
# Installs, builds, starts a sandbox cluster and takes a short real tour of
# pgdba against it. Safe to run again; `pgdba sandbox down --destroy` cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build scripts/build.sh
pgdba=$PWD/build/pgdba
run() {
  local shown="" a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./=:,-]+$ ]]; then shown+=" $a"; else shown+=" ${a@Q}"; fi
  done
  printf '\n$ pgdba%s\n' "$shown"
  "$pgdba" "$@"
}
run sandbox up
eval "$("$pgdba" sandbox env)"
run db list
run db create tour_demo --if-not-exists
run -d tour_demo sql -c "create table if not exists orders(id int primary key, item text, price numeric(8,2), placed timestamptz default now())"
printf '1,coffee,3.50\n2,"tea, green",2.75\n3,croissant,2.10\n' >/tmp/pgdba-tour.csv
run -d tour_demo sql -c "insert into orders(id, item, price) values (\$1, \$2, \$3) on conflict (id) do nothing" --batch /tmp/pgdba-tour.csv
run -d tour_demo sql -c "select item, price from orders where price > \$1 order by id" --param 2.50
run -d tour_demo sql -c "select id, item, price, placed from orders order by id" -o json
run -d tour_demo schema list
run db size
run schema list --all-databases
# The fleet: targets are services of pg_service.conf; here one, the sandbox.
services=$(mktemp /tmp/pgdba-tour-services.XXXXXX)
printf '[sandbox]\nhost=%s\nport=%s\nuser=postgres\ndbname=postgres\n' "$PGHOST" "$PGPORT" >"$services"
export PGSERVICEFILE=$services
run target list --check
run --all-targets sql -c "select count(*) as sessions from pg_stat_activity"
unset PGSERVICEFILE
rm -f "$services"
# Monitoring: Nagios output and exit codes (0 OK, 1 WARNING, 2 CRITICAL).
run check backends
run check database-size --warning 1GB --critical 10GB -o table
run db drop tour_demo --dry-run
printf '\nThe sandbox keeps running: eval "$(%s sandbox env)" to use it, %s sandbox down --destroy to remove it.\n' \
  "$pgdba" "$pgdba"
