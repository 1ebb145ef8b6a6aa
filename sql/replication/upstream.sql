-- replication status on a standby, upstream: its WAL receiver (the server
-- it streams from, status, last message). One row on a standby, "stopped"
-- when no WAL receiver runs (the upstream is down or unreachable); none on
-- a primary. PostgreSQL 13+.
SELECT coalesce(w.status, 'stopped')::text AS status,
       w.sender_host::text AS sender_host,
       w.sender_port::int4 AS sender_port,
       w.slot_name::text AS slot_name,
       w.received_tli::int4 AS timeline,
       w.flushed_lsn::text AS flushed_lsn,
       w.latest_end_lsn::text AS latest_end_lsn,
       w.last_msg_send_time AS last_msg_send_time,
       w.last_msg_receipt_time AS last_msg_receipt_time,
       extract(epoch FROM pg_catalog.now() - w.last_msg_receipt_time)::float8 AS last_msg_age
FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_stat_wal_receiver w ON true
WHERE pg_catalog.pg_is_in_recovery()
