-- check backends: client connections as a percentage of what clients may
-- open (max_connections less the reserved slots), in total and per
-- database.
WITH lim AS (
  SELECT pg_catalog.current_setting('max_connections')::int
         - pg_catalog.current_setting('superuser_reserved_connections')::int AS n
), c AS (
  SELECT datname, count(*) AS n FROM pg_catalog.pg_stat_activity
  WHERE backend_type = 'client backend' GROUP BY datname
)
SELECT ''::text AS database, round(100.0 * coalesce(sum(c.n), 0) / lim.n, 2)::float8 AS value, NULL::float8 AS max,
       coalesce(sum(c.n), 0) || ' of ' || lim.n || ' connections' AS detail
FROM lim LEFT JOIN c ON true GROUP BY lim.n
UNION ALL
SELECT c.datname::text, round(100.0 * c.n / lim.n, 2)::float8, NULL, c.n || ' of ' || lim.n || ' connections'
FROM c CROSS JOIN lim WHERE c.datname IS NOT NULL
