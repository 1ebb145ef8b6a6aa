-- check cache-hit: block reads served from shared buffers, as a percentage,
-- per database since its statistics were reset (fewer than 1000 block
-- reads: too few to judge).
SELECT datname::text AS database, round(100.0 * blks_hit / (blks_hit + blks_read), 2)::float8 AS value,
       NULL::float8 AS max, blks_read || ' reads from disk or OS cache' AS detail
FROM pg_catalog.pg_stat_database
WHERE datname IS NOT NULL AND blks_hit + blks_read >= 1000
