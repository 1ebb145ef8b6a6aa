-- backup: the server a dump comes from, for its manifest and its place under
-- --dir (cluster_name, or the address and port; "local" for a unix socket).
-- PostgreSQL 13+.
-- min-server: 130000
SELECT pg_catalog.current_setting('server_version_num')::int4 AS version_num,
       pg_catalog.split_part(pg_catalog.current_setting('server_version'), ' ', 1)::text AS version,
       CASE WHEN pg_catalog.current_setting('cluster_name') <> ''
            THEN pg_catalog.current_setting('cluster_name')
            ELSE coalesce(pg_catalog.host(pg_catalog.inet_server_addr()), 'local') || '-' ||
                 pg_catalog.current_setting('port')
       END::text AS label,
       pg_catalog.current_database()::text AS database
