-- stats indexes: the user indexes of the current database with size (from
-- relpages, as of the last vacuum, analyze or build: never waits behind a
-- lock), scans, and three findings: unused (never scanned since the statistics
-- were reset, and neither unique, primary key nor exclusion constraint),
-- invalid (a failed CREATE INDEX CONCURRENTLY) and duplicate_of: the other
-- valid indexes of the same table with the same access method, key and
-- INCLUDE columns, operator classes, collations, expressions and predicate
-- (unique or not: the plain one is then redundant). $1: only
-- these schemas (text[], NULL: every schema); $2, $3, $4: only unused,
-- invalid, duplicate indexes (several true: any of them). PostgreSQL 13+.
-- min-server: 130000
WITH i AS (
  SELECT s.schemaname, s.relname, s.indexrelname, s.indexrelid, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
         x.indrelid, x.indisunique, x.indisprimary, x.indisexclusion, x.indisvalid,
         x.indkey::text AS key, x.indclass::text AS opclasses, x.indcollation::text AS collations,
         coalesce(pg_catalog.pg_get_expr(x.indexprs, x.indrelid), '') AS exprs,
         coalesce(pg_catalog.pg_get_expr(x.indpred, x.indrelid), '') AS pred,
         c.relam, c.relpages
  FROM pg_catalog.pg_stat_user_indexes s
  JOIN pg_catalog.pg_index x ON x.indexrelid = s.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = s.indexrelid
  WHERE $1::text[] IS NULL OR s.schemaname = ANY ($1::text[])
), f AS (
  SELECT i.*,
         (i.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion) AS unused,
         (SELECT string_agg(o.indexrelname::text, ', ' ORDER BY o.indexrelname)
          FROM i o
          WHERE i.indisvalid AND o.indisvalid
            AND o.indrelid = i.indrelid AND o.indexrelid <> i.indexrelid AND o.relam = i.relam AND o.key = i.key
            AND o.opclasses = i.opclasses AND o.collations = i.collations AND o.exprs = i.exprs
            AND o.pred = i.pred) AS duplicate_of
  FROM i
)
SELECT f.schemaname::text AS schema,
       f.relname::text AS "table",
       f.indexrelname::text AS index,
       (f.relpages * pg_catalog.current_setting('block_size')::int8)::int8 AS size,
       f.idx_scan::int8 AS scans,
       f.idx_tup_read::int8 AS rows_read,
       f.idx_tup_fetch::int8 AS rows_fetched,
       f.indisunique AS "unique",
       f.indisprimary AS "primary",
       f.indisvalid AS valid,
       f.unused,
       f.duplicate_of::text AS duplicate_of,
       pg_catalog.pg_get_indexdef(f.indexrelid)::text AS definition
FROM f
WHERE (NOT $2::bool AND NOT $3::bool AND NOT $4::bool)
   OR ($2::bool AND f.unused)
   OR ($3::bool AND NOT f.indisvalid)
   OR ($4::bool AND f.duplicate_of IS NOT NULL)
ORDER BY 4 DESC, 1, 2, 3;
