-- replication slot-drop: drops slot $1 (the server refuses an active one).
-- PostgreSQL 13+.
SELECT pg_catalog.pg_drop_replication_slot($1)
