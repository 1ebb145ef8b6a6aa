-- check oldest-xmin: what holds back the xmin horizon (vacuum cannot remove
-- rows newer than it): sessions, prepared transactions and replication
-- slots, by the age of the transaction ID they hold.
-- (Not pgdba's own check queries: they start with "-- check".)
SELECT object, value, NULL::float8 AS max, detail FROM (
  SELECT 'pid ' || pid AS object, pg_catalog.age(backend_xmin)::float8 AS value,
         coalesce(usename::text, backend_type) || '@' || coalesce(datname::text, '') || ' ' || coalesce(state, '') AS detail
  FROM pg_catalog.pg_stat_activity WHERE backend_xmin IS NOT NULL AND pid <> pg_catalog.pg_backend_pid() AND query NOT LIKE '-- check %'
  UNION ALL
  SELECT 'prepared ' || gid, pg_catalog.age(transaction)::float8, 'prepared ' || prepared::text || ' by ' || owner
  FROM pg_catalog.pg_prepared_xacts
  UNION ALL
  SELECT 'slot ' || slot_name, pg_catalog.age(xmin)::float8, slot_type || ' slot xmin'
  FROM pg_catalog.pg_replication_slots WHERE xmin IS NOT NULL
  UNION ALL
  SELECT 'slot ' || slot_name, pg_catalog.age(catalog_xmin)::float8, slot_type || ' slot catalog_xmin'
  FROM pg_catalog.pg_replication_slots WHERE catalog_xmin IS NOT NULL
) h ORDER BY value DESC LIMIT 10
