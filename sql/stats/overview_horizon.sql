-- stats overview, horizon: what holds back the xmin horizon (so vacuum
-- cannot remove dead rows or freeze), the oldest of each kind: the oldest
-- open transaction (by start), the session with the oldest xmin or xid,
-- a prepared transaction, a replication slot (xmin or catalog_xmin) and a
-- standby's hot_standby_feedback; xmin_age in transactions, held_for in
-- seconds. Our own session is left out. PostgreSQL 13+.
-- min-server: 130000
WITH a AS (
  SELECT a.*, greatest(pg_catalog.age(a.backend_xmin), pg_catalog.age(a.backend_xid)) AS xage
  FROM pg_catalog.pg_stat_activity a
  WHERE a.pid <> pg_catalog.pg_backend_pid()
)
SELECT h.kind::text AS kind, h.holder::text AS holder, h.database::text AS database, h.xmin_age::int8 AS xmin_age,
       h.held_for::float8 AS held_for, h.detail::text AS detail
FROM (
  (SELECT 'transaction' AS kind, a.pid::text AS holder, a.datname AS database, a.xage AS xmin_age,
          extract(epoch FROM pg_catalog.clock_timestamp() - a.xact_start) AS held_for,
          a.usename || ', ' || coalesce(a.state, '') || coalesce(', ' || nullif(a.application_name, ''), '') AS detail
   FROM a WHERE a.xact_start IS NOT NULL AND a.backend_type = 'client backend'
   ORDER BY a.xact_start LIMIT 1)
  UNION ALL
  (SELECT 'session xmin', a.pid::text, a.datname, a.xage,
          extract(epoch FROM pg_catalog.clock_timestamp() - a.xact_start),
          coalesce(a.usename || ', ', '') || a.backend_type || coalesce(', ' || a.state, '')
   FROM a WHERE a.xage IS NOT NULL
   ORDER BY a.xage DESC LIMIT 1)
  UNION ALL
  (SELECT 'prepared transaction', p.gid, p.database, pg_catalog.age(p.transaction),
          extract(epoch FROM pg_catalog.clock_timestamp() - p.prepared), p.owner
   FROM pg_catalog.pg_prepared_xacts p
   ORDER BY pg_catalog.age(p.transaction) DESC LIMIT 1)
  UNION ALL
  (SELECT 'replication slot', r.slot_name, r.database,
          greatest(pg_catalog.age(r.xmin), pg_catalog.age(r.catalog_xmin)), NULL,
          r.slot_type || CASE WHEN r.active THEN ', active' ELSE ', inactive' END
   FROM pg_catalog.pg_replication_slots r
   WHERE r.xmin IS NOT NULL OR r.catalog_xmin IS NOT NULL
   ORDER BY 4 DESC LIMIT 1)
  UNION ALL
  (SELECT 'standby feedback', r.pid::text, NULL, pg_catalog.age(r.backend_xmin), NULL,
          coalesce(nullif(r.application_name, ''), 'walsender') || coalesce(', ' || pg_catalog.host(r.client_addr), '')
   FROM pg_catalog.pg_stat_replication r
   WHERE r.backend_xmin IS NOT NULL
   ORDER BY 4 DESC LIMIT 1)
) h
ORDER BY h.xmin_age DESC NULLS LAST, h.kind;
