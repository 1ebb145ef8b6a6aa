#!/usr/bin/env bash
# Installs everything pgdba needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are left alone. Must run as root.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache git
  libpqxx-dev libpq-dev libcli11-dev libspdlog-dev nlohmann-json3-dev libtomlplusplus-dev catch2
  postgresql-15 postgresql-client-15 postgresql-contrib postgresql-15-pgaudit openssl
  python3 python3-psycopg2 hyperfine time jq
  prometheus prometheus-node-exporter check-postgres check-pgactivity
  zsh fish groff-base man-db bash-completion
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    exec sudo "$0" "$@"
  fi
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "install-deps: apt-get update failed; trying the local package lists" >&2
# The Debian package starts a 'main' cluster on 5432; pgdba never uses it.
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
