-- stats wraparound, tables: the tables (and materialized views) of the
-- current database with the oldest unfrozen transaction IDs, system
-- catalogs included; a table's age is the older of its own and its TOAST
-- table's. Percentages of the 2^31 IDs to wraparound and of the table's
-- own freeze max age (a per-table autovacuum_freeze_max_age only lowers the
-- server's). size: heap and TOAST, what a freeze has to read, from
-- relpages (never waits behind a lock). $1: row limit. PostgreSQL 13+.
-- min-server: 130000
WITH s AS (
  SELECT pg_catalog.current_setting('autovacuum_freeze_max_age')::float8 AS xid_max,
         pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_max
), t AS (
  SELECT c.oid, n.nspname, c.relname, c.relpages + coalesce(tc.relpages, 0) AS pages,
         greatest(pg_catalog.age(c.relfrozenxid),
                  CASE WHEN tc.oid IS NOT NULL THEN pg_catalog.age(tc.relfrozenxid) END)::float8 AS xid_age,
         greatest(pg_catalog.mxid_age(c.relminmxid),
                  CASE WHEN tc.oid IS NOT NULL THEN pg_catalog.mxid_age(tc.relminmxid) END)::float8 AS mxid_age,
         (SELECT substring(o FROM '=(.*)$')::float8 FROM pg_catalog.unnest(c.reloptions) o
          WHERE o LIKE 'autovacuum\_freeze\_max\_age=%') AS own_xid_max,
         (SELECT substring(o FROM '=(.*)$')::float8 FROM pg_catalog.unnest(c.reloptions) o
          WHERE o LIKE 'autovacuum\_multixact\_freeze\_max\_age=%') AS own_mxid_max
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
  WHERE c.relkind IN ('r', 'm')
)
SELECT t.nspname::text AS schema,
       t.relname::text AS "table",
       t.xid_age::int8 AS xid_age,
       round((100 * t.xid_age / 2147483648)::numeric, 2)::float8 AS xid_percent_of_limit,
       round((100 * t.xid_age / least(s.xid_max, coalesce(t.own_xid_max, s.xid_max)))::numeric, 1)::float8
         AS xid_percent_of_freeze_max,
       t.mxid_age::int8 AS mxid_age,
       round((100 * t.mxid_age / least(s.mxid_max, coalesce(t.own_mxid_max, s.mxid_max)))::numeric, 1)::float8
         AS mxid_percent_of_freeze_max,
       (t.pages * pg_catalog.current_setting('block_size')::int8)::int8 AS size,
       greatest(st.last_vacuum, st.last_autovacuum) AS last_vacuum
FROM t
CROSS JOIN s
LEFT JOIN pg_catalog.pg_stat_all_tables st ON st.relid = t.oid
ORDER BY t.xid_age DESC, t.mxid_age DESC, 1, 2
LIMIT $1::int8;
