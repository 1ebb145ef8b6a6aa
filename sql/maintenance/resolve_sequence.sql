-- sequence reset NAME: a sequence name as SQL spells it, resolved on the
-- user's search_path; NULL when there is no such relation or it is not a
-- sequence.
-- min-server: 130000
SELECT c.oid::int8 AS oid
FROM pg_catalog.pg_class c
WHERE c.oid = pg_catalog.to_regclass($1::text) AND c.relkind = 'S';
