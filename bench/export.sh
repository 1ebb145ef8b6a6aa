#!/usr/bin/env bash
# Bulk export: N mixed-type rows (int, text with quotes/commas/NULL/empty,
# float8, bool, timestamptz, numeric, jsonb, date) written as CSV to
# /dev/null by `pgdba sql -o csv`, `psql --csv` and psql's `\copy ... csv`.
# Measures time (hyperfine) and peak RSS (GNU time), and checks that pgdba's
# CSV is byte for byte psql --csv's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROWS=${BENCH_ROWS:-1000000}
SMALL=200000
RUNS=${BENCH_RUNS:-5}

# One line (\copy takes the rest of its line); deterministic (no now(), no random()).
# query ROWS [EMPTY]: EMPTY is the SQL for the 1% of labels that are empty strings.
query() {
  echo "select g as id, case g % 100 when 0 then null when 1 then ${2:-''} else 'row ' || g ||" \
    "case when g % 7 = 0 then ', \"quoted\"' else '' end end as label, g / 7.0::float8 as ratio," \
    "g % 3 = 0 as flag, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' as ts," \
    "(g * 1.25)::numeric(14,2) as amount, jsonb_build_object('k', g, 's', 'v' || g % 10) as doc," \
    "date '2020-01-01' + g % 1000 as day from generate_series(1, $1) g"
}

sandbox_up
Q=$(query "$ROWS")
pgdba_cmd="$PGDBA sql -c $(shq "$Q") -o csv"
psql_csv_cmd="$PSQL -X --csv -c $(shq "$Q")"
psql_copy_cmd="$PSQL -X -c $(shq "\\copy ($Q) to stdout csv")"

echo
echo "== correctness: $ROWS rows =="
"$PGDBA" sql -c "$Q" -o csv >"$WORK/pgdba.csv"
"$PSQL" -X --csv -c "$Q" >"$WORK/psql.csv"
"$PSQL" -X -c "\\copy ($Q) to stdout csv" >"$WORK/copy.csv"
ls -l "$WORK"/*.csv | awk '{ print $5, $9 }'
csv_same="byte-identical to psql --csv"
if cmp -s "$WORK/pgdba.csv" "$WORK/psql.csv"; then
  echo "OK: pgdba -o csv is byte-identical to psql --csv ($(wc -l <"$WORK/pgdba.csv") lines)"
else
  csv_same="DIFFERENT from psql --csv (see above)"
  echo "MISMATCH: pgdba -o csv differs from psql --csv on $(diff "$WORK/pgdba.csv" "$WORK/psql.csv" | grep -c '^<') lines; first ones (< pgdba, > psql):"
  diff "$WORK/pgdba.csv" "$WORK/psql.csv" | head -4 || true
  if cmp -s <("$PGDBA" sql -c "$(query "$ROWS" "'e'")" -o csv) <("$PSQL" -X --csv -c "$(query "$ROWS" "'e'")"); then
    echo "  the same query without empty strings: byte-identical, so empty strings are the only difference"
  else
    echo "  the same query without empty strings still differs"
  fi
fi
if tail -n +2 "$WORK/pgdba.csv" | cmp -s - "$WORK/copy.csv"; then
  echo "pgdba -o csv minus its header line is byte-identical to \\copy ... csv"
else
  echo "pgdba -o csv minus its header line differs from \\copy ... csv"
fi
rm -f "$WORK"/*.csv

echo
echo "== time: $ROWS rows to /dev/null, $RUNS runs after 1 warmup =="
hyperfine -N --warmup 1 --runs "$RUNS" --style basic --export-json "$WORK/export.json" \
  -n "pgdba sql -o csv" "$pgdba_cmd" -n "psql --csv" "$psql_csv_cmd" -n "psql \\copy csv" "$psql_copy_cmd"

echo
echo "== peak RSS (MB) =="
rss_pgdba=$(peak_rss_mb "$PGDBA" sql -c "$Q" -o csv)
rss_pgdba_small=$(peak_rss_mb "$PGDBA" sql -c "$(query $SMALL)" -o csv)
rss_psql=$(peak_rss_mb "$PSQL" -X --csv -c "$Q")
rss_psql_small=$(peak_rss_mb "$PSQL" -X --csv -c "$(query $SMALL)")
rss_copy=$(peak_rss_mb "$PSQL" -X -c "\\copy ($Q) to stdout csv")
printf '%-18s %10s %10s\n' client "$SMALL rows" "$ROWS rows" \
  "pgdba -o csv" "$rss_pgdba_small" "$rss_pgdba" \
  "psql --csv" "$rss_psql_small" "$rss_psql" \
  "psql \\copy csv" "-" "$rss_copy"

echo
echo "-- summary --"
hf_line "$WORK/export.json" 0 "pgdba sql -o csv"
hf_line "$WORK/export.json" 1 "psql --csv      "
hf_line "$WORK/export.json" 2 "psql \\copy csv  "
verdict "export time ratio pgdba/psql --csv (mean)" \
  "$(calc "$(hf_mean "$WORK/export.json" 0) / $(hf_mean "$WORK/export.json" 1)")" "<=" 1.2
echo "export time ratio pgdba/\\copy (mean) = $(calc "$(hf_mean "$WORK/export.json" 0) / $(hf_mean "$WORK/export.json" 2)")"
verdict "pgdba peak RSS MB at $ROWS rows" "$rss_pgdba" "<=" 30
echo "pgdba peak RSS at $SMALL rows: $rss_pgdba_small MB, at $ROWS rows: $rss_pgdba MB (psql --csv: $rss_psql_small -> $rss_psql MB)"
echo "pgdba CSV output: $csv_same"
