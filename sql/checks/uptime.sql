-- check uptime: seconds since the postmaster started (a small value is a
-- restart).
SELECT ''::text AS object,
       extract(epoch FROM pg_catalog.now() - pg_catalog.pg_postmaster_start_time())::float8 AS value,
       NULL::float8 AS max, 'started ' || pg_catalog.pg_postmaster_start_time()::text AS detail
