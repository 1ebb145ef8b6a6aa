#!/usr/bin/env bash
# Test harness: a private PostgreSQL cluster in a temp dir (initdb + pg_ctl),
# on a free port (never 5432) with its unix socket in that dir.
#   cluster.sh start ENVFILE   create and start a cluster, write its PG* vars to ENVFILE
#   cluster.sh stop ENVFILE    stop it and delete its directory
#   cluster.sh standby ENVFILE PRIMARY_ENVFILE   a streaming standby of that cluster (or of a
#                                                standby: a cascade)
# PGDBA_CLUSTER_CONF: extra postgresql.conf lines for the new cluster;
# PGDBA_INITDB_FLAGS: extra initdb options.
# As root the server runs as the postgres OS user. Reused by every test that
# needs a server of its own (killing one, a standby later).
# The server is Debian's PostgreSQL 15 unless PGDBA_PG_BINDIR names another
# bin/ directory (13 to 18: scripts/install-pg-majors.sh prints them); ENVFILE
# also gets PGDBA_PG_MAJOR, the major version of that bindir's postgres.
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop|standby ENVFILE}
envfile=${2:?usage: cluster.sh start|stop|standby ENVFILE}
default_bindir() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
  else
    # shellcheck disable=SC2012
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
  fi
}
bindir=${PGDBA_PG_BINDIR:-$(default_bindir)}
if [ "$cmd" = stop ] && [ -f "$envfile" ]; then
  # Stop with the pg_ctl of the server that was started.
  started_with=$(sed -n 's/^PGDBA_PG_BINDIR=//p' "$envfile")
  [ -z "$started_with" ] || bindir=$started_with
fi
[ -x "$bindir/initdb" ] || { echo "cluster.sh: no initdb found (set PGDBA_PG_BINDIR)" >&2; exit 1; }

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local p
  for ((i = 0; i < 2000; i++)); do
    p=$((55400 + (RANDOM % 2000)))
    [ "$p" -eq 5432 ] && continue
    [ -e "/tmp/.s.PGSQL.$p" ] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "cluster.sh: no free port" >&2
  exit 1
}

# The PG* variables of the cluster in $dir on $port, for tests and scripts.
write_env() {
  cat >"$envfile" <<ENV
PGHOST=$dir
PGPORT=$port
PGUSER=postgres
PGDATABASE=postgres
PGDBA_CLUSTER_DIR=$dir
PGDBA_PG_BINDIR=$bindir
PGDBA_PG_MAJOR=$major
ENV
}

case "$cmd" in
start)
  version=$(as_server "$bindir/postgres" --version) || { echo "cluster.sh: $bindir/postgres does not run" >&2; exit 1; }
  major=$(sed -n 's/^postgres (PostgreSQL) \([0-9]*\).*/\1/p' <<<"$version")
  [ -n "$major" ] || { echo "cluster.sh: cannot tell the version of $bindir/postgres: $version" >&2; exit 1; }
  initdb_flags=(-U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync)
  [ "$major" -ge 14 ] && initdb_flags+=(--no-instructions)  # new in 14
  # PGDBA_INITDB_FLAGS: more initdb options (--data-checksums) for a test's own cluster.
  if [ -n "${PGDBA_INITDB_FLAGS:-}" ]; then read -ra extra <<<"$PGDBA_INITDB_FLAGS"; initdb_flags+=("${extra[@]}"); fi
  dir=$(mktemp -d /tmp/pgdba-test.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  port=$(free_port)
  as_server "$bindir/initdb" -D "$dir/data" "${initdb_flags[@]}" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
logging_collector = on
log_directory = 'log'
log_statement = 'all'
log_line_prefix = '%m [%p] %q%u@%d/%a '
shared_preload_libraries = 'pg_stat_statements'
max_connections = 50
password_encryption = 'scram-sha-256'
CONF
  # Settings a test needs on a cluster of its own (archiving, a standby).
  [ -z "${PGDBA_CLUSTER_CONF:-}" ] || printf '%s\n' "$PGDBA_CLUSTER_CONF" >>"$dir/data/postgresql.conf"
  # One role must give a password, so -W and PGPASSWORD can be tested.
  { echo "local all pgdba_pw scram-sha-256"; cat "$dir/data/pg_hba.conf"; } >"$dir/pg_hba.tmp"
  mv "$dir/pg_hba.tmp" "$dir/data/pg_hba.conf"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/data/pg_hba.conf"
  as_server "$bindir/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/startup.log" >/dev/null ||
    { cat "$dir/startup.log" >&2; exit 1; }
  write_env
  echo "cluster.sh: started PostgreSQL $major in $dir/data on port $port"
  ;;
standby)
  # cluster.sh standby ENVFILE PRIMARY_ENVFILE: a streaming standby of the
  # cluster PRIMARY_ENVFILE describes (pg_basebackup -R over its socket).
  primary_env=${3:?usage: cluster.sh standby ENVFILE PRIMARY_ENVFILE}
  phost=$(sed -n 's/^PGHOST=//p' "$primary_env")
  pport=$(sed -n 's/^PGPORT=//p' "$primary_env")
  bindir=$(sed -n 's/^PGDBA_PG_BINDIR=//p' "$primary_env")
  major=$(sed -n 's/^PGDBA_PG_MAJOR=//p' "$primary_env")
  dir=$(mktemp -d /tmp/pgdba-standby.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  port=$(free_port)
  if [ -x "$bindir/pg_basebackup" ]; then
    as_server "$bindir/pg_basebackup" -h "$phost" -p "$pport" -U postgres -D "$dir/data" -R -X stream \
      --no-sync >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  else
    # The matrix's server-only builds have no pg_basebackup: a cold copy of
    # the cleanly stopped upstream (a primary or a standby) is as good a base.
    pdir=$(sed -n 's/^PGDBA_CLUSTER_DIR=//p' "$primary_env")
    as_server "$bindir/pg_ctl" stop -w -m fast -D "$pdir/data" >/dev/null
    as_server cp -a "$pdir/data" "$dir/data"
    as_server "$bindir/pg_ctl" start -w -t 60 -D "$pdir/data" -l "$pdir/startup.log" >/dev/null ||
      { cat "$pdir/startup.log" >&2; exit 1; }
    as_server rm -f "$dir/data/postmaster.pid"
    as_server touch "$dir/data/standby.signal"
    echo "primary_conninfo = 'host=$phost port=$pport user=postgres'" | as_server tee -a "$dir/data/postgresql.auto.conf" >/dev/null
  fi
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
CONF
  as_server "$bindir/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/startup.log" >/dev/null ||
    { cat "$dir/startup.log" >&2; exit 1; }
  write_env
  echo "cluster.sh: started a standby of port $pport in $dir/data on port $port"
  ;;
stop)
  [ -f "$envfile" ] || exit 0
  dir=$(sed -n 's/^PGDBA_CLUSTER_DIR=//p' "$envfile")
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_server "$bindir/pg_ctl" stop -w -m immediate -D "$dir/data" >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$envfile"
  ;;
*)
  echo "usage: cluster.sh start|stop ENVFILE" >&2
  exit 2
  ;;
esac
