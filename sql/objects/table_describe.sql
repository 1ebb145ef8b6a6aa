-- table describe: one table (or view, materialized view, foreign or
-- partitioned table) $1 (oid) in one row: what psql's \d+ prints around its
-- column list: kind, owner, persistence, access method, tablespace, replica
-- identity, row security, partition key, parent and bound (a partition),
-- inheritance parents, options, view definition, sizes, statistics and the
-- last (auto)vacuum and (auto)analyze. Sizes take the table's ACCESS SHARE
-- lock: lock_timeout bounds a wait.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       CASE c.relkind WHEN 'r' THEN CASE WHEN c.relispartition THEN 'partition' ELSE 'table' END
                      WHEN 'p' THEN CASE WHEN c.relispartition THEN 'partitioned partition'
                                         ELSE 'partitioned table' END
                      WHEN 'f' THEN 'foreign table'
                      WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view'
       END::text AS kind,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' END::text
         AS persistence,
       am.amname::text AS access_method,
       coalesce(ts.spcname, 'pg_default')::text AS tablespace,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN
         CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                             WHEN 'i' THEN 'index' END END::text AS replica_identity,
       (SELECT ri.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ri ON ri.oid = x.indexrelid
        WHERE x.indrelid = c.oid AND x.indisreplident)::text AS replica_identity_index,
       c.relrowsecurity AS row_security,
       c.relforcerowsecurity AS force_row_security,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END::text AS partition_key,
       (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
        FROM pg_catalog.pg_inherits h
        JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
        WHERE h.inhrelid = c.oid AND c.relispartition)::text AS partition_of,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END::text AS partition_bound,
       (SELECT pg_catalog.array_agg(pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
                                    ORDER BY h.inhseqno)
        FROM pg_catalog.pg_inherits h
        JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
        WHERE h.inhrelid = c.oid AND NOT c.relispartition)::text[] AS inherits,
       c.reloptions::text[] AS options,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END::text AS view_definition,
       CASE WHEN c.relkind IN ('r', 'm') AND c.reltuples >= 0 THEN c.reltuples::int8 END AS row_estimate,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_table_size(c.oid) END::int8 AS table_bytes,
       CASE WHEN c.relkind IN ('r', 'm', 'p') THEN pg_catalog.pg_indexes_size(c.oid) END::int8 AS indexes_bytes,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_total_relation_size(c.oid) END::int8 AS total_bytes,
       s.n_live_tup::int8 AS live_rows,
       s.n_dead_tup::int8 AS dead_rows,
       s.last_vacuum,
       s.last_autovacuum,
       s.last_analyze,
       s.last_autoanalyze,
       pg_catalog.obj_description(c.oid, 'pg_class')::text AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE c.oid = $1::oid;
