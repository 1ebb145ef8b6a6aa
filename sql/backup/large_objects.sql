-- backup: how many large objects a database holds. PostgreSQL 13+.
-- min-server: 130000
SELECT pg_catalog.count(*)::int8 AS large_objects FROM pg_catalog.pg_largeobject_metadata
