-- constraint add --primary-key/--unique: whether index $2 (name) in schema $1
-- exists and is valid (a failed concurrent build leaves it invalid).
-- min-server: 130000
SELECT x.indisvalid AS valid
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1::text AND c.relname = $2::text;
