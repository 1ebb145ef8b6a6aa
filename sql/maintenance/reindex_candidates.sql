-- reindex: the indexes of the current database to rebuild, with what the
-- selection options look at, largest first (size from relpages, which needs
-- no lock: a table another session holds must not stall the listing).
-- reindexdb's scope by default: user indexes, not the system catalogs' and
-- not other sessions' temporary tables'; partitioned indexes are left to
-- their partitions' own.
--   $1 text[] schemas to include, $2 text[] schemas to exclude,
--   $3 oid[] only indexes of these tables (--table), $4 oid[] only these
--   indexes (--index), $5 bool only invalid ones, $6 int8 minimum size.
-- An invalid index that CREATE INDEX or REINDEX CONCURRENTLY is building
-- right now is not listed: it is someone's work in progress, not a leftover.
-- min-server: 130000
SELECT c.oid::int8 AS oid,
       n.nspname::text AS schema,
       t.relname::text AS "table",
       c.relname::text AS index,
       (c.relpages::int8 * current_setting('block_size')::int8) AS size,
       i.indisvalid AS valid,
       i.indisprimary OR i.indisunique AS is_unique,
       a.amname::text AS method
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am a ON a.oid = c.relam
WHERE c.relkind = 'i'
  AND t.relkind IN ('r', 'm')
  AND t.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
  AND ($2::text[] IS NULL OR n.nspname <> ALL ($2::text[]))
  AND ($3::oid[] IS NULL OR t.oid = ANY ($3::oid[]))
  AND ($4::oid[] IS NULL OR c.oid = ANY ($4::oid[]))
  AND (NOT coalesce($5::bool, false) OR NOT i.indisvalid)
  AND (c.relpages::int8 * current_setting('block_size')::int8) >= coalesce($6::int8, 0)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p
                  WHERE p.datid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                    AND p.relid = t.oid AND NOT i.indisvalid)
ORDER BY 5 DESC, 2, 3, 4;
