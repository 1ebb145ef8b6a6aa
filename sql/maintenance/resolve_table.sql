-- vacuum --table: a relation name as SQL spells it, resolved the way
-- vacuumdb does (::regclass, so search_path-relative names and quoting work);
-- NULL when there is no such relation.
-- min-server: 130000
SELECT pg_catalog.to_regclass($1::text)::oid::int8 AS oid;
