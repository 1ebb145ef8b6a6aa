-- stats wraparound, databases: the age of each database's oldest unfrozen
-- transaction ID (datfrozenxid) and multixact ID (datminmxid), as a
-- percentage of the 2^31 IDs to wraparound and of the age at which
-- autovacuum forces a freeze (autovacuum_freeze_max_age and
-- autovacuum_multixact_freeze_max_age: past 100% anti-wraparound vacuums
-- are due). $1: only the current database (true under --all-databases, where
-- each database reports itself). PostgreSQL 13+.
-- min-server: 130000
WITH s AS (
  SELECT pg_catalog.current_setting('autovacuum_freeze_max_age')::float8 AS xid_max,
         pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_max
), d AS (
  SELECT d.datname, pg_catalog.age(d.datfrozenxid)::float8 AS xid_age,
         pg_catalog.mxid_age(d.datminmxid)::float8 AS mxid_age
  FROM pg_catalog.pg_database d
  WHERE NOT $1::bool OR d.datname = pg_catalog.current_database()
)
SELECT d.datname::text AS database,
       d.xid_age::int8 AS xid_age,
       round((100 * d.xid_age / 2147483648)::numeric, 2)::float8 AS xid_percent_of_limit,
       round((100 * d.xid_age / s.xid_max)::numeric, 1)::float8 AS xid_percent_of_freeze_max,
       d.mxid_age::int8 AS mxid_age,
       round((100 * d.mxid_age / 2147483648)::numeric, 2)::float8 AS mxid_percent_of_limit,
       round((100 * d.mxid_age / s.mxid_max)::numeric, 1)::float8 AS mxid_percent_of_freeze_max,
       s.xid_max::int8 AS freeze_max_age,
       s.mxid_max::int8 AS multixact_freeze_max_age
FROM d CROSS JOIN s
ORDER BY d.xid_age DESC, d.datname;
