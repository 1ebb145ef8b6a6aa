-- table size: the tables (and materialized views) of the current database by
-- total size on disk, largest first: the heap (main fork plus free space and
-- visibility maps), its indexes, its TOAST table with its index, and the
-- total (pg_total_relation_size), as psql's \dt+ counts them. Each size
-- takes the table's ACCESS SHARE lock: a table another session holds
-- exclusively is waited for up to lock_timeout.
--   $1 text[] only these schemas (NULL: all but the system ones), $2 row limit.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       c.relname::text AS "table",
       CASE c.relkind WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table' ELSE 'table' END AS kind,
       c.reltuples::int8 AS row_estimate,
       pg_catalog.pg_relation_size(c.oid) + pg_catalog.pg_relation_size(c.oid, 'fsm') +
         pg_catalog.pg_relation_size(c.oid, 'vm') AS heap,
       pg_catalog.pg_indexes_size(c.oid) AS indexes,
       coalesce(pg_catalog.pg_total_relation_size(c.reltoastrelid), 0) AS toast,
       pg_catalog.pg_total_relation_size(c.oid) AS total
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm')
  AND c.relpersistence <> 't'
  AND CASE WHEN $1::text[] IS NULL
           THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
           ELSE n.nspname = ANY ($1::text[]) END
ORDER BY 8 DESC, 1, 2
LIMIT $2::int8;
