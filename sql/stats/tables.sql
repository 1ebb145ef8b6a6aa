-- stats tables: the user tables of the current database from
-- pg_stat_user_tables with their total size (heap, indexes and TOAST, from
-- relpages as of the last vacuum, analyze or CREATE INDEX: reading the
-- catalog never waits behind a lock the way pg_total_relation_size does,
-- and costs no file system calls per table), live
-- and dead rows, scans, writes, rows modified since the last analyze, the
-- last vacuum and analyze (manual or auto, whichever was later) and the
-- table's transaction ID age (its TOAST table's too). $1: order (dead,
-- size, seq-scan, last-vacuum: never vacuumed first then the oldest,
-- mod-since-analyze), $2: row limit, $3: only these schemas (text[], NULL:
-- every schema). PostgreSQL 13+ (n_ins_since_vacuum).
-- min-server: 130000
WITH ix AS (
  SELECT x.indrelid, sum(i.relpages) AS pages
  FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  GROUP BY x.indrelid
), t AS (
  SELECT s.*,
         (c.relpages + coalesce(tc.relpages, 0) + coalesce(ix.pages, 0) + coalesce(tix.pages, 0))
           * pg_catalog.current_setting('block_size')::int8 AS total_size,
         greatest(s.last_vacuum, s.last_autovacuum) AS vacuumed,
         greatest(s.last_analyze, s.last_autoanalyze) AS analyzed
  FROM pg_catalog.pg_stat_user_tables s
  JOIN pg_catalog.pg_class c ON c.oid = s.relid
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
  LEFT JOIN ix ON ix.indrelid = c.oid
  LEFT JOIN ix tix ON tix.indrelid = c.reltoastrelid
  WHERE $3::text[] IS NULL OR s.schemaname = ANY ($3::text[])
)
SELECT t.schemaname::text AS schema,
       t.relname::text AS "table",
       t.total_size::int8 AS size,
       t.n_live_tup::int8 AS live_rows,
       t.n_dead_tup::int8 AS dead_rows,
       round(100.0 * t.n_dead_tup / nullif(t.n_live_tup + t.n_dead_tup, 0), 2)::float8 AS dead_percent,
       t.seq_scan::int8 AS seq_scans,
       t.seq_tup_read::int8 AS seq_rows_read,
       t.idx_scan::int8 AS index_scans,
       t.n_tup_ins::int8 AS inserted,
       t.n_tup_upd::int8 AS updated,
       t.n_tup_hot_upd::int8 AS hot_updated,
       t.n_tup_del::int8 AS deleted,
       t.n_mod_since_analyze::int8 AS mod_since_analyze,
       t.n_ins_since_vacuum::int8 AS ins_since_vacuum,
       t.vacuumed AS last_vacuum,
       t.analyzed AS last_analyze,
       (t.vacuum_count + t.autovacuum_count)::int8 AS vacuums,
       (t.analyze_count + t.autoanalyze_count)::int8 AS analyzes,
       CASE WHEN c.relkind IN ('r', 'm')
            THEN greatest(pg_catalog.age(c.relfrozenxid),
                          CASE WHEN tc.oid IS NOT NULL THEN pg_catalog.age(tc.relfrozenxid) END) END::int8 AS xid_age
FROM t
JOIN pg_catalog.pg_class c ON c.oid = t.relid
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
ORDER BY CASE $1::text
           WHEN 'dead' THEN t.n_dead_tup::float8
           WHEN 'size' THEN t.total_size::float8
           WHEN 'seq-scan' THEN t.seq_scan::float8
           WHEN 'mod-since-analyze' THEN t.n_mod_since_analyze::float8
         END DESC NULLS LAST,
         CASE WHEN $1::text = 'last-vacuum' THEN t.vacuumed END ASC NULLS FIRST,
         t.schemaname, t.relname
LIMIT $2::int8;
