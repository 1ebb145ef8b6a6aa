-- Whether the database $1 exists. PostgreSQL 10+.
-- min-server: 130000
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1::text) AS present;
