-- check last-analyze: for tables of the current database modified since
-- their last analyze, seconds since it (manual or autovacuum); never
-- analyzed counts from the statistics reset or the server start.
SELECT pg_catalog.quote_ident(t.schemaname) || '.' || pg_catalog.quote_ident(t.relname) AS object,
       extract(epoch FROM pg_catalog.now() - coalesce(greatest(t.last_analyze, t.last_autoanalyze), d.stats_reset,
                                                     pg_catalog.pg_postmaster_start_time()))::float8 AS value,
       NULL::float8 AS max,
       CASE WHEN greatest(t.last_analyze, t.last_autoanalyze) IS NULL THEN 'never analyzed, ' ELSE '' END
       || t.n_mod_since_analyze || ' rows modified since' AS detail
FROM pg_catalog.pg_stat_user_tables t
JOIN pg_catalog.pg_stat_database d ON d.datname = pg_catalog.current_database()
WHERE t.n_mod_since_analyze > 0
ORDER BY 2 DESC LIMIT 20
