-- check last-vacuum: for tables of the current database with dead rows,
-- seconds since their last vacuum (manual or autovacuum); never vacuumed
-- counts from the statistics reset or the server start.
SELECT pg_catalog.quote_ident(t.schemaname) || '.' || pg_catalog.quote_ident(t.relname) AS object,
       extract(epoch FROM pg_catalog.now() - coalesce(greatest(t.last_vacuum, t.last_autovacuum), d.stats_reset,
                                                     pg_catalog.pg_postmaster_start_time()))::float8 AS value,
       NULL::float8 AS max,
       CASE WHEN greatest(t.last_vacuum, t.last_autovacuum) IS NULL THEN 'never vacuumed, ' ELSE '' END
       || t.n_dead_tup || ' dead rows' AS detail
FROM pg_catalog.pg_stat_user_tables t
JOIN pg_catalog.pg_stat_database d ON d.datname = pg_catalog.current_database()
WHERE t.n_dead_tup > 0
ORDER BY 2 DESC LIMIT 20
