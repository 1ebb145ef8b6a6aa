-- stats bloat --exact: what pgstattuple measures by reading each table and
-- btree index whole, counted as the estimate counts (space beyond the
-- fillfactor reserve): for a table, its dead rows and free space; for an
-- index, the free space of its leaf pages (from avg_leaf_density) and its
-- empty and deleted pages; in bytes and as a percentage of the size it
-- measured. @extschema@ is pgstattuple's schema, quoted. $1: the relations
-- (oid[]). PostgreSQL 13+ (pgstattuple 1.5+ takes a regclass).
-- min-server: 130000
-- extension: pgstattuple
WITH r AS (
  SELECT c.oid, c.relkind,
         coalesce((SELECT substring(o FROM '=(.*)$')::numeric FROM pg_catalog.unnest(c.reloptions) o
                   WHERE o LIKE 'fillfactor=%'), CASE WHEN c.relkind = 'i' THEN 90 ELSE 100 END) AS ff,
         pg_catalog.current_setting('block_size')::numeric AS bs
  FROM pg_catalog.pg_class c
  WHERE c.oid = ANY ($1::oid[])
)
SELECT r.oid::int8 AS oid, x.bloat::int8 AS exact_bloat,
       round(100 * x.bloat / nullif(x.size, 0), 1)::float8 AS exact_bloat_percent
FROM r
CROSS JOIN LATERAL (
  SELECT greatest(s.dead_tuple_len + s.free_space - s.table_len * (100 - r.ff) / 100, 0)::numeric AS bloat,
         s.table_len::numeric AS size
  FROM @extschema@.pgstattuple(r.oid::regclass) s
  WHERE r.relkind <> 'i'
  UNION ALL
  SELECT CASE WHEN s.leaf_pages > 0
              THEN s.leaf_pages * r.bs * greatest(r.ff - s.avg_leaf_density::numeric, 0) / 100
              ELSE 0 END
           + (s.empty_pages + s.deleted_pages) * r.bs,
         s.index_size::numeric
  FROM @extschema@.pgstatindex(r.oid::regclass) s
  WHERE r.relkind = 'i'
) x;
