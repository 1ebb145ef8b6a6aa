-- check hba-errors: lines of pg_hba.conf (and included files) the server
-- could not read: a reload would not apply the file. Needs superuser.
-- min-server: 160000
SELECT file_name || ':' || line_number AS object, 1::float8 AS value, NULL::float8 AS max, error AS detail
FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL
