-- table list: the tables, partitioned tables, partitions, foreign tables,
-- views and materialized views of the current database: owner, kind, row
-- estimate (pg_class.reltuples: as of the last VACUUM or ANALYZE; NULL when
-- never counted), size_bytes (pg_total_relation_size: heap, indexes and TOAST;
-- NULL for views and foreign tables; for a partitioned table, the sum of its
-- leaf partitions, as psql's \dP+ shows it: the partitions are also listed
-- with their own), whether it has a
-- primary key, its replica identity (default, nothing, full, index: what
-- logical replication sends for an UPDATE or DELETE), its comment. Sizes take
-- each table's ACCESS SHARE lock: lock_timeout bounds a wait.
--   $1 text[]: only these schemas (NULL: every schema but the system ones).
-- min-server: 130000
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       CASE c.relkind WHEN 'r' THEN CASE WHEN c.relispartition THEN 'partition' ELSE 'table' END
                      WHEN 'p' THEN CASE WHEN c.relispartition THEN 'partitioned partition'
                                         ELSE 'partitioned table' END
                      WHEN 'f' THEN 'foreign table'
                      WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view'
       END::text AS kind,
       CASE WHEN c.relkind IN ('r', 'm') AND c.reltuples >= 0 THEN c.reltuples::int8
            WHEN c.relkind = 'p' THEN
              (SELECT sum(l.reltuples)::int8
               FROM pg_catalog.pg_partition_tree(c.oid) t
               JOIN pg_catalog.pg_class l ON l.oid = t.relid
               WHERE t.isleaf AND l.relkind = 'r' AND l.reltuples >= 0)
       END AS row_estimate,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_total_relation_size(c.oid)
            WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(pg_catalog.pg_total_relation_size(t.relid)), 0)
               FROM pg_catalog.pg_partition_tree(c.oid) t
               WHERE t.isleaf)
       END::int8 AS size_bytes,
       EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
         AS has_primary_key,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN
         CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                             WHEN 'i' THEN 'index' END END::text AS replica_identity,
       pg_catalog.obj_description(c.oid, 'pg_class')::text AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND CASE WHEN $1::text[] IS NULL
           THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
           ELSE n.nspname = ANY ($1::text[]) END
ORDER BY 1, 2;
