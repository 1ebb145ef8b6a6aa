-- stats bloat: estimated bloat of the tables and btree indexes of the current
-- database, from the planner's statistics alone (cheap, reads no table):
-- the smallest size the live rows could take, from pg_stats' average column
-- widths and null fractions, the tuple and page headers, alignment and
-- fillfactor, against the pages the table or index has (relpages, as of its
-- last vacuum or analyze). The same idea as the well-known ioguix/pgexperts
-- estimate, written anew. Its blind spots are flagged per row: no-stats
-- (columns without statistics where rows are known or the table was never
-- analyzed; no estimate at all when nothing is known), stale-stats (more
-- rows modified since the last analyze than autovacuum's analyze
-- threshold, 50 + 10%), toast (the table has TOAST data: pg_stats widths
-- are not what the heap holds) and dedup (a btree that may hold
-- deduplicated posting lists, 13+: the estimate then overstates the
-- bloat). Invalid indexes are left out. oid is for `--exact`.
-- $1: only these schemas (text[], NULL: all but the system schemas), $2: row
-- limit. Largest estimated bloat first. PostgreSQL 13+.
-- min-server: 130000
WITH k AS (
  SELECT pg_catalog.current_setting('block_size')::numeric AS bs
), rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relpages, c.reltuples, c.relnatts, c.reloptions,
         coalesce(tc.relpages, 0) AS toast_pages,
         coalesce(st.n_mod_since_analyze, 0) AS modified,
         greatest(st.last_analyze, st.last_autoanalyze) AS analyzed
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
  LEFT JOIN pg_catalog.pg_stat_all_tables st ON st.relid = c.oid
  WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
    AND CASE WHEN $1::text[] IS NULL
             THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
             ELSE n.nspname = ANY ($1::text[]) END
), tcols AS (
  SELECT r.oid,
         count(*) AS natts,
         count(s.attname) AS with_stats,
         coalesce(sum((1 - s.null_frac) * s.avg_width), 0) AS width,
         coalesce(bool_or(s.null_frac > 0), false) AS nullable
  FROM rels r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_stats s
         ON s.schemaname = r.nspname AND s.tablename = r.relname AND s.attname = a.attname AND NOT s.inherited
  GROUP BY r.oid
), t AS (
  SELECT r.*, c.natts, c.with_stats,
         coalesce((SELECT substring(o FROM '=(.*)$')::numeric FROM pg_catalog.unnest(r.reloptions) o
                   WHERE o LIKE 'fillfactor=%'), 100) AS ff,
         -- a heap tuple: its header (23 bytes and the null bitmap) aligned, then its data aligned
         ceil((23 + CASE WHEN c.nullable THEN ceil(r.relnatts / 8.0) ELSE 0 END) / 8.0) * 8
           + ceil(c.width / 8.0) * 8 AS tuple_size
  FROM rels r JOIN tcols c ON c.oid = r.oid
), test AS (
  SELECT t.*,
         CASE WHEN t.reltuples < 0 OR (t.reltuples > 0 AND t.with_stats = 0) THEN NULL
              WHEN t.reltuples = 0 THEN 0
              -- rows per page: the page less its header and the fillfactor reserve, one line pointer
              -- (4 bytes) per row, and never more than MaxHeapTuplesPerPage
              ELSE ceil(t.reltuples / greatest(1, least(floor((k.bs * t.ff / 100 - 24) / (t.tuple_size + 4)),
                                                         floor((k.bs - 24) / 28))))
         END::numeric AS expected_pages
  FROM t CROSS JOIN k
), idx AS (
  SELECT x.indexrelid, x.indrelid, x.indkey, x.indisunique, x.indnatts, x.indnkeyatts,
         r.nspname, r.relname AS tablename, ic.relname AS indexname, ic.relpages, ic.reltuples, ic.reloptions,
         r.reltuples AS table_tuples, r.modified, r.analyzed
  FROM pg_catalog.pg_index x
  JOIN rels r ON r.oid = x.indrelid
  JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
  WHERE x.indisvalid
), icols AS (
  -- a plain column's statistics are the table's; an expression's are the index's own
  SELECT x.indexrelid,
         count(*) AS natts,
         count(coalesce(st.attname, si.attname)) AS with_stats,
         coalesce(sum((1 - coalesce(st.null_frac, si.null_frac)) * coalesce(st.avg_width, si.avg_width)), 0) AS width,
         coalesce(bool_or(coalesce(st.null_frac, si.null_frac) > 0), false) AS nullable
  FROM idx x
  JOIN pg_catalog.pg_attribute ia ON ia.attrelid = x.indexrelid AND ia.attnum > 0
  LEFT JOIN pg_catalog.pg_attribute ta
         ON ta.attrelid = x.indrelid AND ta.attnum = x.indkey[ia.attnum - 1] AND x.indkey[ia.attnum - 1] <> 0
  LEFT JOIN pg_catalog.pg_stats st
         ON st.schemaname = x.nspname AND st.tablename = x.tablename AND st.attname = ta.attname AND NOT st.inherited
  LEFT JOIN pg_catalog.pg_stats si
         ON ta.attname IS NULL AND si.schemaname = x.nspname AND si.tablename = x.indexname AND si.attname = ia.attname
  GROUP BY x.indexrelid
), iest AS (
  SELECT x.*, c.natts AS index_natts, c.with_stats,
         CASE WHEN x.reltuples < 0 OR (x.reltuples > 0 AND c.with_stats = 0) THEN NULL
              WHEN x.reltuples = 0 THEN 1
              -- an index tuple: 8 bytes of header (16 with the null bitmap) and the key, aligned, plus its
              -- line pointer; a leaf page less its header, btree's special space and the fillfactor
              -- reserve (90 by default); plus the metapage
              ELSE ceil(x.reltuples * (ceil(((CASE WHEN c.nullable THEN 16 ELSE 8 END) + c.width) / 8.0) * 8 + 4)
                        / ((k.bs - 24 - 16) * coalesce((SELECT substring(o FROM '=(.*)$')::numeric
                                                        FROM pg_catalog.unnest(x.reloptions) o
                                                        WHERE o LIKE 'fillfactor=%'), 90) / 100)) + 1
         END::numeric AS expected_pages,
         coalesce((SELECT o FROM pg_catalog.unnest(x.reloptions) o
                   WHERE o IN ('deduplicate_items=off', 'deduplicate_items=false', 'deduplicate_items=0')), '') = ''
           AND x.indnatts = x.indnkeyatts AND NOT x.indisunique AS may_dedup
  FROM idx x JOIN icols c ON c.indexrelid = x.indexrelid CROSS JOIN k
), est AS (
  SELECT t.oid, t.nspname AS schema, t.relname AS tbl, NULL::name AS idx, 'table' AS kind,
         t.relpages, t.expected_pages,
         pg_catalog.array_remove(ARRAY[
           CASE WHEN t.reltuples < 0 OR (t.with_stats < t.natts AND (t.reltuples > 0 OR t.analyzed IS NULL))
                THEN 'no-stats' END,
           CASE WHEN t.modified > 50 + 0.1 * greatest(t.reltuples, 0) THEN 'stale-stats' END,
           CASE WHEN t.toast_pages > 0 THEN 'toast' END], NULL) AS flags
  FROM test t
  UNION ALL
  SELECT i.indexrelid, i.nspname, i.tablename, i.indexname, 'index',
         i.relpages, i.expected_pages,
         pg_catalog.array_remove(ARRAY[
           CASE WHEN i.reltuples < 0 OR (i.with_stats < i.index_natts AND (i.reltuples > 0 OR i.analyzed IS NULL))
                THEN 'no-stats' END,
           CASE WHEN i.modified > 50 + 0.1 * greatest(i.table_tuples, 0) THEN 'stale-stats' END,
           CASE WHEN i.may_dedup THEN 'dedup' END], NULL)
  FROM iest i
)
SELECT r.schema::text AS schema,
       r.tbl::text AS "table",
       r.idx::text AS index,
       r.kind::text AS kind,
       (r.relpages * k.bs)::int8 AS size,
       CASE WHEN r.expected_pages IS NOT NULL
            THEN greatest(r.relpages - r.expected_pages, 0) * k.bs END::int8 AS estimated_bloat,
       CASE WHEN r.expected_pages IS NOT NULL
            THEN round(100 * greatest(r.relpages - r.expected_pages, 0) / nullif(r.relpages, 0), 1)
       END::float8 AS estimated_bloat_percent,
       r.flags::text[] AS flags,
       r.oid::int8 AS oid
FROM est r CROSS JOIN k
ORDER BY 6 DESC NULLS LAST, 1, 2, 3 NULLS FIRST
LIMIT $2::int8;
