-- check hba-errors before PostgreSQL 16 (pg_hba_file_rules has no
-- file_name). Needs superuser.
-- min-server: 130000
-- max-server: 159999
SELECT 'line ' || line_number AS object, 1::float8 AS value, NULL::float8 AS max, error AS detail
FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL
