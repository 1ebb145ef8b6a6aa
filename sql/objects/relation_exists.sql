-- table create --if-not-exists: whether schema $1 holds a relation named $2.
-- min-server: 130000
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1::text AND c.relname = $2::text) AS present;
