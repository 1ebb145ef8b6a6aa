-- replication pause: stops WAL replay on a standby (WAL still streams in).
-- PostgreSQL 13+.
SELECT pg_catalog.pg_wal_replay_pause()
