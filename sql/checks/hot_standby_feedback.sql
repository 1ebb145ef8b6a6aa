-- check hot-standby-feedback: on a primary, the age of the xmin each
-- standby holds back through hot_standby_feedback (vacuum waits for it).
SELECT coalesce(application_name, '') || '@' || coalesce(client_addr::text, 'local') AS object,
       pg_catalog.age(backend_xmin)::float8 AS value, NULL::float8 AS max, 'standby xmin' AS detail
FROM pg_catalog.pg_stat_replication
WHERE backend_xmin IS NOT NULL
