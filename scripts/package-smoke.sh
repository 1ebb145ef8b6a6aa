#!/usr/bin/env bash
# Builds the Debian package from build/, installs it with apt like any
# package, and uses the installed pgdba: --version, a query against a
# sandbox cluster, a man page per command, the completion scripts.
# Must run as root (it installs the package).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
rm -f "$build"/pgdba_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/pgdba_*.deb)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --reinstall "./$deb" >/dev/null
pgdba=/usr/bin/pgdba
"$pgdba" --version
# Under /var/tmp, open to all: as root the sandbox runs the server as the
# postgres OS user, which must reach the directory.
dir=$(mktemp -d /var/tmp/pgdba-smoke.XXXXXX)
chmod 755 "$dir"
trap '"$pgdba" sandbox down --dir "$dir/sandbox" --destroy --yes >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$pgdba" sandbox up --dir "$dir/sandbox" >/dev/null
eval "$("$pgdba" sandbox env --dir "$dir/sandbox")"
"$pgdba" db create pgdba_smoke >/dev/null
# Whole outputs go into variables: grep -q would close the pipe early and,
# under pipefail, the writer's SIGPIPE (exit 141) would fail the script.
dbs=$("$pgdba" db list)
grep -qw pgdba_smoke <<<"$dbs"
echo "package-smoke: db list answered from the installed binary"
page=$(MANWIDTH=100 man pgdba-db | col -b)
grep -q "pgdba db list" <<<"$page"
page=$(MANWIDTH=100 man pgdba | col -b)
grep -q "pgdba-vacuum" <<<"$page"
echo "package-smoke: man pgdba and man pgdba-db found"
for f in /usr/share/bash-completion/completions/pgdba /usr/share/zsh/vendor-completions/_pgdba \
  /usr/share/fish/vendor_completions.d/pgdba.fish /usr/share/doc/pgdba/examples/plans/nightly-vacuum.toml; do
  test -s "$f" || { echo "package-smoke: $f missing from the package" >&2; exit 1; }
done
echo "package-smoke: $deb installs and works"
