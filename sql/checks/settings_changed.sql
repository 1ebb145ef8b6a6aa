-- check settings-changed: every setting with a fingerprint of its value;
-- the check compares them with the previous run.
SELECT name AS object, pg_catalog.hashtext(coalesce(setting, '') || '/' || coalesce(unit, ''))::float8 AS value,
       NULL::float8 AS max, coalesce(setting, '') || coalesce(unit, '') AS detail
FROM pg_catalog.pg_settings
