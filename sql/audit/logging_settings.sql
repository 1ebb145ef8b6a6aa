-- audit logging: the current values of the logging parameters $1
-- (text[]), before and after a change. PostgreSQL 13+.
SELECT s.name::text AS name, s.setting::text AS setting FROM pg_catalog.pg_settings s WHERE s.name = ANY ($1::text[])
