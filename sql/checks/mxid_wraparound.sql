-- check mxid-wraparound: each database's oldest multixact ID age as a
-- percentage of the 2^31 before multixact wraparound. Not rounded: a few
-- thousand multixacts are a millionth of a percent, and still a trend.
SELECT datname::text AS database, (100.0 * pg_catalog.mxid_age(datminmxid) / 2147483648)::float8 AS value,
       NULL::float8 AS max, pg_catalog.mxid_age(datminmxid) || ' multixacts old' AS detail
FROM pg_catalog.pg_database WHERE datallowconn OR datname = 'template0'
ORDER BY 2 DESC
