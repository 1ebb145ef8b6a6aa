-- role create/alter/drop: whether role $1 exists.
-- min-server: 130000
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1::text) AS exists;
