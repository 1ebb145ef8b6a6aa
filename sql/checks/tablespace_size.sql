-- check tablespace-size: each tablespace on disk.
SELECT spcname::text AS object, pg_catalog.pg_tablespace_size(oid)::float8 AS value, NULL::float8 AS max,
       pg_catalog.pg_tablespace_location(oid) AS detail
FROM pg_catalog.pg_tablespace
WHERE pg_catalog.has_tablespace_privilege(oid, 'CREATE') OR spcname IN ('pg_default', 'pg_global')
ORDER BY 2 DESC
