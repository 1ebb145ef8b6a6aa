-- audit: which of the parameters $1 (text[]) pg_settings shows this role
-- (a role without pg_read_all_settings does not see some). PostgreSQL 13+.
SELECT s.name::text AS name FROM pg_catalog.pg_settings s WHERE s.name = ANY ($1::text[])
