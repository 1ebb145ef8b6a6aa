-- config advise: the parameters its rules look at, raw (setting, unit), as
-- SHOW writes them, where they come from and their built-in default. Every
-- supported server; a name a server lacks is simply absent.
SELECT p.name::text AS name,
       p.setting::text AS setting,
       p.unit::text AS unit,
       pg_catalog.current_setting(p.name) AS value,
       p.source::text AS source,
       p.boot_val::text AS boot_val
FROM pg_catalog.pg_settings p
WHERE p.name IN ('autovacuum', 'track_counts', 'fsync', 'full_page_writes', 'synchronous_commit', 'work_mem',
                 'hash_mem_multiplier', 'max_connections', 'shared_buffers', 'block_size', 'random_page_cost',
                 'max_wal_size', 'checkpoint_timeout', 'log_min_duration_statement')
ORDER BY p.name;
