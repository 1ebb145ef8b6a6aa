-- replication slot-drop --force: ends the walsender (or the session) that
-- holds a slot, so the slot can be dropped. PostgreSQL 13+.
SELECT pg_catalog.pg_terminate_backend($1::int4)
