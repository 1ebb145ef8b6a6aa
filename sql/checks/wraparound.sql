-- check wraparound: each database's oldest unfrozen transaction ID age as a
-- percentage of the 2^31 IDs before wraparound stops writes.
SELECT datname::text AS database, round(100.0 * pg_catalog.age(datfrozenxid) / 2147483648, 3)::float8 AS value,
       NULL::float8 AS max, pg_catalog.age(datfrozenxid) || ' transactions old' AS detail
FROM pg_catalog.pg_database WHERE datallowconn OR datname = 'template0'
ORDER BY 2 DESC
