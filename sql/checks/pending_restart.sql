-- check pending-restart: settings changed in the configuration that need a
-- restart to apply.
SELECT name AS object, 1::float8 AS value, NULL::float8 AS max,
       'running with ' || coalesce(setting, '') || coalesce(unit, '') AS detail
FROM pg_catalog.pg_settings WHERE pending_restart
