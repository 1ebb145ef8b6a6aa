-- column and constraint verbs: the total size of table $1 (oid) and of its
-- partitions (pg_partition_tree lists nothing for a table without any), for
-- the prompt before a change that rewrites or scans it. Takes their ACCESS
-- SHARE locks: lock_timeout bounds a wait.
-- min-server: 130000
SELECT (coalesce(pg_catalog.pg_total_relation_size($1::oid), 0) +
        coalesce((SELECT sum(pg_catalog.pg_total_relation_size(t.relid))
                  FROM pg_catalog.pg_partition_tree($1::oid::regclass) t
                  WHERE t.relid <> $1::oid::regclass), 0))::int8 AS bytes;
