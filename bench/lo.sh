#!/usr/bin/env bash
# Large objects: `pgdba lo import` and `lo export` of a file of random bytes
# (default 100 MB) vs psql's \lo_import / \lo_export, byte-identical round
# trip, wall time and peak RSS at two sizes to show flat memory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MB=${BENCH_LO_MB:-100}
SMALL_MB=10

sandbox_up
head -c $((MB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
head -c $((SMALL_MB * 1024 * 1024)) /dev/urandom >"$WORK/small.bin"

echo
echo "== $MB MB: import, export, compare =="
imp() { /usr/bin/time -f '%e %M' -o "$WORK/t" "$@" >"$WORK/out" && cat "$WORK/t"; }
read -r t_imp rss_imp < <(imp "$PGDBA" lo import "$WORK/big.bin" -o json)
oid=$(jq -r '.[0].oid' "$WORK/out")
read -r t_exp rss_exp < <(imp "$PGDBA" lo export "$oid" "$WORK/big.out")
cmp -s "$WORK/big.bin" "$WORK/big.out" && same=byte-identical || same=DIFFERENT
read -r t_psql_imp rss_psql_imp < <(imp "$PSQL" -X -c "\\lo_import '$WORK/big.bin'")
psql_oid=$(awk '{ print $2 }' "$WORK/out")
read -r t_psql_exp rss_psql_exp < <(imp "$PSQL" -X -c "\\lo_export $psql_oid '$WORK/psql.out'")
read -r _ rss_imp_small < <(imp "$PGDBA" lo import "$WORK/small.bin" -o json)
small_oid=$(jq -r '.[0].oid' "$WORK/out")
read -r _ rss_exp_small < <(imp "$PGDBA" lo export "$small_oid" "$WORK/small.out")
for o in "$oid" "$psql_oid" "$small_oid"; do "$PGDBA" lo unlink "$o" --yes >/dev/null; done

printf '%-16s %9s %12s %12s\n' step seconds "RSS MB ${SMALL_MB}MB" "RSS MB ${MB}MB" \
  "pgdba lo import" "$t_imp" "$(calc "$rss_imp_small / 1024")" "$(calc "$rss_imp / 1024")" \
  "pgdba lo export" "$t_exp" "$(calc "$rss_exp_small / 1024")" "$(calc "$rss_exp / 1024")" \
  "psql \\lo_import" "$t_psql_imp" "-" "$(calc "$rss_psql_imp / 1024")" \
  "psql \\lo_export" "$t_psql_exp" "-" "$(calc "$rss_psql_exp / 1024")"

echo
echo "-- summary --"
echo "lo export of lo import: $same"
verdict "lo import peak RSS growth MB from ${SMALL_MB} MB to ${MB} MB" "$(calc "($rss_imp - $rss_imp_small) / 1024")" "<=" 2
verdict "lo export peak RSS growth MB from ${SMALL_MB} MB to ${MB} MB" "$(calc "($rss_exp - $rss_exp_small) / 1024")" "<=" 2
