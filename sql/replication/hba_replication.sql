-- replication clone: pg_hba.conf lines that accept replication connections
-- (readable by superusers only: otherwise the check is skipped).
-- PostgreSQL 13+.
SELECT count(*)::int4 AS lines
FROM pg_catalog.pg_hba_file_rules
WHERE error IS NULL AND 'replication' = ANY (database)
