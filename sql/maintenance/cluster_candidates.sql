-- cluster: the tables of the current database to re-sort on an index,
-- largest first (relpages: no lock needed to list them).
--   $1 oid[] tables (--table), $2 oid[] indexes (--index: their tables,
--   clustered on them). Neither: every table clustered before (the index
--   CLUSTER remembers, pg_index.indisclustered), as clusterdb does.
-- "index" is the index CLUSTER will use, NULL when a named table has none.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       t.relname::text AS "table",
       (t.relpages::int8 * current_setting('block_size')::int8) AS size,
       ci.relname::text AS index,
       coalesce(i.indexrelid = ANY ($2::oid[]), false) AS named_index
FROM pg_catalog.pg_class t
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_index i
       ON i.indrelid = t.oid
      AND CASE WHEN $2::oid[] IS NULL THEN i.indisclustered ELSE i.indexrelid = ANY ($2::oid[]) END
LEFT JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
WHERE t.relkind IN ('r', 'm')
  AND t.relpersistence <> 't'
  AND CASE WHEN $1::oid[] IS NULL AND $2::oid[] IS NULL THEN coalesce(i.indisclustered, false)
           ELSE t.oid = ANY (coalesce($1::oid[], '{}')) OR ($2::oid[] IS NOT NULL AND i.indexrelid IS NOT NULL) END
ORDER BY 3 DESC, 1, 2;
