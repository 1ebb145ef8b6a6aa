-- table describe: the partitions (or inheritance children) of relation $1
-- (oid): name, kind, bound, size (pg_total_relation_size: takes each one's
-- ACCESS SHARE lock, so lock_timeout bounds a wait; NULL for a partitioned
-- or foreign partition).
-- min-server: 130000
SELECT (pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname))::text AS name,
       CASE c.relkind WHEN 'r' THEN 'partition' WHEN 'p' THEN 'partitioned partition' WHEN 'f' THEN 'foreign table'
                      ELSE c.relkind::text END::text AS kind,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END::text AS bound,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_total_relation_size(c.oid) END::int8 AS size_bytes
FROM pg_catalog.pg_inherits h
JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE h.inhparent = $1::oid
ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', 1;
