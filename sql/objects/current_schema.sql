-- table create without --schema: the schema new tables go to on the user's
-- search_path (current_schema(); NULL when none of it exists).
-- min-server: 130000
SELECT pg_catalog.current_schema()::text AS schema;
