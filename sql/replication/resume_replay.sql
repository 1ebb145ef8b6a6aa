-- replication resume: lets a paused standby replay WAL again. PostgreSQL 13+.
SELECT pg_catalog.pg_wal_replay_resume()
