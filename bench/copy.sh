#!/usr/bin/env bash
# COPY: N mixed-type rows (int, text with quotes/commas/NULL/empty, float8,
# bool, timestamptz, numeric, jsonb, date) written to a file by `pgdba copy
# out` and psql's `\copy ... to`, then loaded back by `pgdba copy in` and
# `\copy ... from`, same table, same file, same format. Measures wall time
# (hyperfine) and peak RSS (GNU time) at two sizes, to show flat memory, and
# checks that both write the same bytes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROWS=${BENCH_ROWS:-1000000}
SMALL=100000
RUNS=${BENCH_RUNS:-3}
FORMAT=${BENCH_FORMAT:-csv}

sandbox_up
q "drop table if exists bench_copy, bench_copy_in, bench_copy_small"
make_table() {
  q "create table $1 as select g as id, case g % 100 when 0 then null when 1 then '' else 'row ' || g ||
     case when g % 7 = 0 then ', \"quoted\"' else '' end end as label, g / 7.0::float8 as ratio,
     g % 3 = 0 as flag, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' as ts,
     (g * 1.25)::numeric(14,2) as amount, jsonb_build_object('k', g, 's', 'v' || g % 10) as doc,
     date '2020-01-01' + g % 1000 as day from generate_series(1, $2) g" >/dev/null
}
make_table bench_copy "$ROWS"
make_table bench_copy_small "$SMALL"
q "create table bench_copy_in (like bench_copy)" >/dev/null
q "vacuum analyze bench_copy, bench_copy_small" >/dev/null

OUT_P=$WORK/pgdba.$FORMAT
OUT_Q=$WORK/psql.$FORMAT
pgdba_out="$PGDBA copy out bench_copy --to $OUT_P --format $FORMAT"
psql_out="$PSQL -X -c $(shq "\\copy bench_copy to '$OUT_Q' with (format $FORMAT)")"
pgdba_in="$PGDBA copy in bench_copy_in --from $OUT_Q --format $FORMAT"
psql_in="$PSQL -X -c $(shq "\\copy bench_copy_in from '$OUT_Q' with (format $FORMAT)")"
truncate="$PSQL -X -q -c 'truncate bench_copy_in'"

echo
echo "== correctness: $ROWS rows, format $FORMAT =="
$pgdba_out >/dev/null
eval "$psql_out" >/dev/null
ls -l "$OUT_P" "$OUT_Q" | awk '{ print $5, $9 }'
if cmp -s "$OUT_P" "$OUT_Q"; then
  same="byte-identical"
else
  same="DIFFERENT"
fi
echo "pgdba copy out vs \\copy to: $same"
eval "$truncate"
$pgdba_in >/dev/null
loaded=$(q "select count(*) from bench_copy_in")
diff_rows=$(q "select count(*) from (select * from bench_copy except all select * from bench_copy_in) d")
echo "pgdba copy in loaded $loaded rows; rows differing from the source: $diff_rows"

echo
echo "== time: copy out, $ROWS rows, $RUNS runs after 1 warmup =="
hyperfine -N --warmup 1 --runs "$RUNS" --style basic --export-json "$WORK/out.json" \
  -n "pgdba copy out" "$pgdba_out" -n "psql \\copy to" "$psql_out"

echo
echo "== time: copy in, $ROWS rows, $RUNS runs after 1 warmup (table truncated before each) =="
hyperfine -N --warmup 1 --runs "$RUNS" --style basic --export-json "$WORK/in.json" --prepare "$truncate" \
  -n "pgdba copy in" "$pgdba_in" -n "psql \\copy from" "$psql_in"

echo
echo "== peak RSS (MB) =="
rss_out_small=$(peak_rss_mb $PGDBA copy out bench_copy_small --to "$WORK/small.$FORMAT" --format "$FORMAT")
rss_out=$(peak_rss_mb $pgdba_out)
rss_psql_out=$(peak_rss_mb "$PSQL" -X -c "\\copy bench_copy to '$OUT_Q' with (format $FORMAT)")
eval "$truncate"
rss_in_small=$(peak_rss_mb $PGDBA copy in bench_copy_in --from "$WORK/small.$FORMAT" --format "$FORMAT")
eval "$truncate"
rss_in=$(peak_rss_mb $pgdba_in)
eval "$truncate"
rss_psql_in=$(peak_rss_mb "$PSQL" -X -c "\\copy bench_copy_in from '$OUT_Q' with (format $FORMAT)")
printf '%-18s %12s %12s\n' client "$SMALL rows" "$ROWS rows" \
  "pgdba copy out" "$rss_out_small" "$rss_out" \
  "psql \\copy to" "-" "$rss_psql_out" \
  "pgdba copy in" "$rss_in_small" "$rss_in" \
  "psql \\copy from" "-" "$rss_psql_in"
q "drop table bench_copy, bench_copy_in, bench_copy_small" >/dev/null

echo
echo "-- summary --"
hf_line "$WORK/out.json" 0 "pgdba copy out "
hf_line "$WORK/out.json" 1 "psql \\copy to  "
hf_line "$WORK/in.json" 0 "pgdba copy in  "
hf_line "$WORK/in.json" 1 "psql \\copy from"
echo "pgdba copy out file vs \\copy's: $same"
verdict "copy out time ratio pgdba/\\copy (mean)" \
  "$(calc "$(hf_mean "$WORK/out.json" 0) / $(hf_mean "$WORK/out.json" 1)")" "<=" 1.05
verdict "copy in time ratio pgdba/\\copy (mean)" \
  "$(calc "$(hf_mean "$WORK/in.json" 0) / $(hf_mean "$WORK/in.json" 1)")" "<=" 1.05
verdict "copy out peak RSS growth MB from $SMALL to $ROWS rows" "$(calc "$rss_out - $rss_out_small")" "<=" 2
verdict "copy in peak RSS growth MB from $SMALL to $ROWS rows" "$(calc "$rss_in - $rss_in_small")" "<=" 2
