-- index list: the indexes of the current database's user tables (and
-- materialized views), by schema, table and name: access method, what it
-- enforces, valid, size (pg_relation_size: takes the index's ACCESS SHARE
-- lock, so lock_timeout bounds a wait), scans since the statistics reset,
-- definition.
--   $1 text[]: only these schemas (NULL: every schema but the system ones);
--   $2 oid: only the indexes of this table (NULL: every table).
-- min-server: 130000
SELECT n.nspname::text AS schema,
       t.relname::text AS "table",
       c.relname::text AS index,
       am.amname::text AS method,
       CASE WHEN x.indisprimary THEN 'primary key'
            WHEN k.contype = 'u' THEN 'unique constraint'
            WHEN k.contype = 'x' THEN 'exclusion constraint'
            WHEN x.indisunique THEN 'unique'
       END::text AS enforces,
       k.conname::text AS "constraint",
       x.indisvalid AS valid,
       (c.relkind = 'I') AS partitioned,
       coalesce(pg_catalog.pg_relation_size(c.oid), 0)::int8 AS size_bytes,
       s.idx_scan::int8 AS scans,
       pg_catalog.pg_get_indexdef(c.oid)::text AS definition
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = c.relam
LEFT JOIN pg_catalog.pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                                    AND k.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
WHERE t.relkind IN ('r', 'm', 'p')
  AND CASE WHEN $1::text[] IS NULL
           THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
           ELSE n.nspname = ANY ($1::text[]) END
  AND ($2::oid IS NULL OR x.indrelid = $2::oid)
ORDER BY 1, 2, 3;
