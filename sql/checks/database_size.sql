-- check database-size: each database the user may connect to, on disk.
SELECT datname::text AS database, pg_catalog.pg_database_size(oid)::float8 AS value, NULL::float8 AS max,
       NULL::text AS detail
FROM pg_catalog.pg_database
WHERE datallowconn AND pg_catalog.has_database_privilege(oid, 'CONNECT')
ORDER BY 2 DESC
