-- maintenance plan: what the current database needs, one row per table or
-- index, most urgent first, with why:
--   freeze     transaction or multixact ID age at least $1 (a fraction) of
--              autovacuum_freeze_max_age / autovacuum_multixact_freeze_max_age
--              (the table's own setting when lower; a table's age is the
--              older of its own and its TOAST table's);
--   vacuum     at least $2 dead tuples and a dead-tuple ratio of at least $3;
--   analyze    never analyzed while holding rows, or at least $5 rows and a
--              ratio of $4 modified since the last analyze;
--   reindex    an invalid index a failed CREATE INDEX CONCURRENTLY left (an
--              interrupted REINDEX CONCURRENTLY's _ccnew/_ccold copy is
--              dropped instead); not one being built right now.
-- Priority: freeze 1000 + 1000 x the share of the freeze age used, invalid
-- index 500, vacuum 100 + 100 x the dead ratio, analyze 50 to 100.
-- Sizes from relpages (no lock taken). System catalogs included, other
-- sessions' temporary tables not.
-- min-server: 130000
WITH s AS (
  SELECT pg_catalog.current_setting('autovacuum_freeze_max_age')::float8 AS xid_max,
         pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_max,
         pg_catalog.current_setting('block_size')::int8 AS bs
), t AS (
  SELECT n.nspname, c.relname, c.relpages, c.reltuples,
         greatest(pg_catalog.age(c.relfrozenxid),
                  CASE WHEN tc.oid IS NOT NULL THEN pg_catalog.age(tc.relfrozenxid) END)::float8 AS xid_age,
         greatest(pg_catalog.mxid_age(c.relminmxid),
                  CASE WHEN tc.oid IS NOT NULL THEN pg_catalog.mxid_age(tc.relminmxid) END)::float8 AS mxid_age,
         (SELECT substring(o FROM '=(.*)$')::float8 FROM pg_catalog.unnest(c.reloptions) o
          WHERE o LIKE 'autovacuum\_freeze\_max\_age=%') AS own_xid_max,
         (SELECT substring(o FROM '=(.*)$')::float8 FROM pg_catalog.unnest(c.reloptions) o
          WHERE o LIKE 'autovacuum\_multixact\_freeze\_max\_age=%') AS own_mxid_max,
         coalesce(st.n_dead_tup, 0)::float8 AS dead,
         coalesce(st.n_live_tup, 0)::float8 AS live,
         coalesce(st.n_mod_since_analyze, 0)::float8 AS modified,
         greatest(st.last_analyze, st.last_autoanalyze) AS analyzed
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
  LEFT JOIN pg_catalog.pg_stat_all_tables st ON st.relid = c.oid
  WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
), need AS (
  SELECT t.*,
         greatest(t.xid_age / least(s.xid_max, coalesce(t.own_xid_max, s.xid_max)),
                  t.mxid_age / least(s.mxid_max, coalesce(t.own_mxid_max, s.mxid_max))) AS freeze_share,
         CASE WHEN t.dead + t.live > 0 THEN t.dead / (t.dead + t.live) ELSE 0 END AS dead_ratio,
         CASE WHEN t.reltuples > 0 THEN t.modified / t.reltuples END AS mod_ratio,
         s.bs
  FROM t, s
), judged AS (
  SELECT n.*,
         n.freeze_share >= $1::float8 AS by_freeze,
         n.dead >= $2::int8 AND n.dead_ratio >= $3::float8 AS by_dead,
         (n.analyzed IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND (n.live > 0 OR n.reltuples > 0))
         OR (n.modified >= $5::int8 AND coalesce(n.mod_ratio, 'Infinity') >= $4::float8) AS by_analyze
  FROM need n
)
SELECT 'table' AS kind, j.nspname::text AS schema, j.relname::text AS "table", NULL::text AS index,
       j.relpages::int8 * j.bs AS size,
       CASE WHEN j.by_freeze THEN 'freeze' WHEN j.by_dead THEN 'vacuum' ELSE 'analyze' END ||
       CASE WHEN j.by_analyze AND (j.by_freeze OR j.by_dead) THEN '-analyze' ELSE '' END AS action,
       concat_ws('; ',
         CASE WHEN j.by_freeze THEN format('ID age %s%% of the freeze max age',
                                           round((100 * j.freeze_share)::numeric, 1)) END,
         CASE WHEN j.by_dead THEN format('%s dead tuples (%s%%)', j.dead::int8,
                                         round((100 * j.dead_ratio)::numeric, 1)) END,
         CASE WHEN j.by_analyze THEN
           CASE WHEN j.analyzed IS NULL THEN 'never analyzed'
                ELSE format('%s rows modified since the last analyze', j.modified::int8) END END) AS reason,
       round((CASE WHEN j.by_freeze THEN 1000 + 1000 * least(j.freeze_share, 10)
                   WHEN j.by_dead THEN 100 + 100 * j.dead_ratio
                   WHEN j.analyzed IS NULL THEN 90
                   ELSE 50 + least(50, 10 * coalesce(j.mod_ratio, 5)) END)::numeric, 1)::float8 AS priority
FROM judged j
WHERE j.by_freeze OR j.by_dead OR j.by_analyze
UNION ALL
SELECT 'index', n.nspname::text, t.relname::text, c.relname::text,
       c.relpages::int8 * pg_catalog.current_setting('block_size')::int8,
       CASE WHEN c.relname ~ '_cc(new|old)[0-9]*$' THEN 'drop-invalid' ELSE 'reindex' END,
       CASE WHEN c.relname ~ '_cc(new|old)[0-9]*$' THEN 'invalid: left by an interrupted REINDEX CONCURRENTLY'
            ELSE 'invalid: left by a failed CREATE INDEX CONCURRENTLY' END,
       500
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE NOT i.indisvalid AND c.relkind = 'i' AND t.relpersistence <> 't'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p
                  WHERE p.datid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                    AND p.relid = t.oid)
ORDER BY priority DESC, size DESC, schema, "table", index;
