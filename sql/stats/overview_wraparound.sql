-- stats overview, wraparound: the database with the oldest unfrozen
-- transaction ID and the one with the oldest multixact ID, their ages
-- against autovacuum_freeze_max_age and autovacuum_multixact_freeze_max_age
-- (past 100%: anti-wraparound vacuums are due) and against the 2^31 limit.
-- PostgreSQL 13+.
-- min-server: 130000
WITH s AS (
  SELECT pg_catalog.current_setting('autovacuum_freeze_max_age')::float8 AS xid_max,
         pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_max
), x AS (
  SELECT d.datname, pg_catalog.age(d.datfrozenxid)::float8 AS age
  FROM pg_catalog.pg_database d ORDER BY 2 DESC LIMIT 1
), m AS (
  SELECT d.datname, pg_catalog.mxid_age(d.datminmxid)::float8 AS age
  FROM pg_catalog.pg_database d ORDER BY 2 DESC LIMIT 1
)
SELECT x.datname::text AS xid_oldest_database,
       x.age::int8 AS xid_age,
       round((100 * x.age / s.xid_max)::numeric, 1)::float8 AS xid_percent_of_freeze_max,
       round((100 * x.age / 2147483648)::numeric, 2)::float8 AS xid_percent_of_limit,
       m.datname::text AS mxid_oldest_database,
       m.age::int8 AS mxid_age,
       round((100 * m.age / s.mxid_max)::numeric, 1)::float8 AS mxid_percent_of_freeze_max,
       s.xid_max::int8 AS freeze_max_age
FROM s CROSS JOIN x CROSS JOIN m;
