-- check config-errors: settings in the configuration files the server
-- could not apply (a typo, a bad value). Needs superuser.
SELECT coalesce(sourcefile || ':' || sourceline, name, 'config') AS object, 1::float8 AS value, NULL::float8 AS max,
       coalesce(name || ': ', '') || error AS detail
FROM pg_catalog.pg_file_settings WHERE error IS NOT NULL
