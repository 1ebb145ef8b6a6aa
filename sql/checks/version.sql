-- check version: server_version_num, with version()'s text as detail.
SELECT ''::text AS object, pg_catalog.current_setting('server_version_num')::float8 AS value, NULL::float8 AS max,
       pg_catalog.split_part(pg_catalog.version(), ' on ', 1) AS detail
