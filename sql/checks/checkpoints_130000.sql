-- check checkpoints before PostgreSQL 17: pg_stat_bgwriter's counters.
-- min-server: 130000
-- max-server: 169999
SELECT ''::text AS object,
       round(100.0 * checkpoints_req / nullif(checkpoints_timed + checkpoints_req, 0), 2)::float8 AS value,
       NULL::float8 AS max, checkpoints_req || ' requested, ' || checkpoints_timed || ' timed' AS detail
FROM pg_catalog.pg_stat_bgwriter
WHERE checkpoints_timed + checkpoints_req > 0
