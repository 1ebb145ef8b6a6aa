-- The names of every parameter the role can see, for "did you mean" when a
-- name is unknown. Every supported server.
SELECT p.name::text AS name FROM pg_catalog.pg_settings p ORDER BY p.name;
