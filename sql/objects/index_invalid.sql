-- index invalid: the invalid indexes of the current database (pg_index.indisvalid
-- false): what a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY
-- leaves behind, or one such build still running, or a partitioned index not
-- yet attached on every partition. An invalid index serves no query but still
-- costs every write to its table (once it is ready) until it is dropped.
-- One row per index: schema, table, index, size_bytes (pg_relation_size:
-- takes the index's ACCESS SHARE lock, so a session's lock_timeout bounds a
-- wait), ready (indisready: maintained by writes), building_now (a
-- CREATE INDEX or REINDEX is building it now: do not drop it), reason,
-- definition.
--   $1 text[]: only these schemas (NULL: every schema but the system ones).
-- min-server: 130000
SELECT n.nspname::text AS schema,
       t.relname::text AS "table",
       c.relname::text AS index,
       coalesce(pg_catalog.pg_relation_size(c.oid), 0)::int8 AS size_bytes,
       x.indisready AS ready,
       (p.pid IS NOT NULL) AS building_now,
       CASE WHEN p.pid IS NOT NULL THEN 'being built now by process ' || p.pid::text
            WHEN c.relkind = 'I' THEN 'partitioned index: not attached on every partition yet'
            WHEN c.relname ~ '_ccnew[0-9]*$' THEN 'new copy left by a failed REINDEX CONCURRENTLY'
            WHEN c.relname ~ '_ccold[0-9]*$' THEN 'old copy left by a failed REINDEX CONCURRENTLY'
            ELSE 'left by a failed CREATE INDEX CONCURRENTLY'
       END AS reason,
       pg_catalog.pg_get_indexdef(c.oid)::text AS definition
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  -- REINDEX CONCURRENTLY reports the index it replaces, not its _ccnew copy.
  SELECT p.pid
  FROM pg_catalog.pg_stat_progress_create_index p
  WHERE p.datname = pg_catalog.current_database()
    AND (p.index_relid = c.oid
         OR (p.relid = t.oid AND p.command = 'REINDEX CONCURRENTLY' AND c.relname ~ '_ccnew[0-9]*$'))
  LIMIT 1
) p ON true
WHERE NOT x.indisvalid
  AND CASE WHEN $1::text[] IS NULL
           THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
           ELSE n.nspname = ANY ($1::text[]) END
ORDER BY 1, 2, 3;
