-- vacuum / analyze: the tables of the current database to process, largest
-- first (size as of the last vacuum or analyze), with what the need-based options look at. vacuumdb's selection
-- (tables and materialized views, system catalogs included, other sessions'
-- temporary tables not), narrowed by:
--   $1 text[] schemas to include, $2 text[] schemas to exclude,
--   $3 oid[] only these relations (--table), $4 int8 minimum size;
-- and, when any of these is not NULL, kept only if one of them holds:
--   $5 int8 dead tuples, $6 float8 dead-tuple ratio, $7 float8 rows
--   modified since the last analyze / reltuples, $8 interval since the last
--   (auto)vacuum, $9 int8 xid age, $10 int8 multixact age.
-- min-server: 130000
WITH t AS (
  SELECT c.oid,
         n.nspname::text AS schema,
         c.relname::text AS "table",
         -- relpages, as vacuumdb orders by: pg_table_size() would wait for
         -- the lock of a table another session holds, which --skip-locked
         -- promises never to do.
         (c.relpages::int8 * current_setting('block_size')::int8) AS size,
         s.n_dead_tup::int8 AS dead_tuples,
         CASE WHEN coalesce(s.n_live_tup, 0) + coalesce(s.n_dead_tup, 0) > 0
              THEN s.n_dead_tup::float8 / (s.n_live_tup + s.n_dead_tup) END AS dead_ratio,
         CASE WHEN c.reltuples > 0 THEN s.n_mod_since_analyze::float8 / c.reltuples
              WHEN s.n_mod_since_analyze > 0 THEN 'Infinity'::float8 END AS mod_ratio,
         greatest(s.last_vacuum, s.last_autovacuum) AS last_vacuum,
         pg_catalog.age(c.relfrozenxid)::int8 AS xid_age,
         pg_catalog.mxid_age(c.relminmxid)::int8 AS mxid_age
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'm')
    AND c.relpersistence <> 't'
    AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
    AND ($2::text[] IS NULL OR n.nspname <> ALL ($2::text[]))
    AND ($3::oid[] IS NULL OR c.oid = ANY ($3::oid[]))
)
SELECT t.schema, t."table", t.size, t.dead_tuples, t.dead_ratio, t.mod_ratio, t.last_vacuum::text AS last_vacuum,
       t.xid_age, t.mxid_age,
       coalesce(t.dead_tuples >= $5::int8, false) AS by_dead_tuples,
       coalesce(t.dead_ratio >= $6::float8, false) AS by_dead_ratio,
       coalesce(t.mod_ratio >= $7::float8, false) AS by_mod_ratio,
       ($8::interval IS NOT NULL AND (t.last_vacuum IS NULL OR t.last_vacuum < now() - $8::interval)) AS by_age,
       coalesce(t.xid_age >= $9::int8, false) AS by_xid_age,
       coalesce(t.mxid_age >= $10::int8, false) AS by_mxid_age
FROM t
WHERE t.size >= coalesce($4::int8, 0)
  AND (($5::int8 IS NULL AND $6::float8 IS NULL AND $7::float8 IS NULL AND $8::interval IS NULL
        AND $9::int8 IS NULL AND $10::int8 IS NULL)
       OR t.dead_tuples >= $5::int8 OR t.dead_ratio >= $6::float8 OR t.mod_ratio >= $7::float8
       OR ($8::interval IS NOT NULL AND (t.last_vacuum IS NULL OR t.last_vacuum < now() - $8::interval))
       OR t.xid_age >= $9::int8 OR t.mxid_age >= $10::int8)
ORDER BY t.size DESC, t.schema, t."table";
