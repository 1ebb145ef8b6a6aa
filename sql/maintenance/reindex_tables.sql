-- reindex without index-level selection: the tables whose indexes REINDEX
-- TABLE rebuilds (its TOAST table's too), largest index total first, as
-- reindexdb --jobs orders them. Same scope and parameters as
-- reindex_candidates ($1 schemas, $2 excluded schemas, $3 oid[] tables).
-- min-server: 130000
SELECT n.nspname::text AS schema,
       t.relname::text AS "table",
       coalesce(sum(c.relpages::int8), 0) * current_setting('block_size')::int8 AS size
FROM pg_catalog.pg_class t
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_index i ON i.indrelid = t.oid
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
WHERE t.relkind IN ('r', 'm')
  AND t.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
  AND ($2::text[] IS NULL OR n.nspname <> ALL ($2::text[]))
  AND ($3::oid[] IS NULL OR t.oid = ANY ($3::oid[]))
GROUP BY n.nspname, t.relname, t.oid
ORDER BY 3 DESC, 1, 2;
