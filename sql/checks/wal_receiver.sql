-- check wal-receiver: on a standby, whether it streams from its upstream
-- (1) or not (0); nothing on a primary.
SELECT 'upstream' AS object,
       (SELECT count(*) FROM pg_catalog.pg_stat_wal_receiver WHERE status = 'streaming')::float8 AS value,
       NULL::float8 AS max,
       coalesce((SELECT status || ' from ' || coalesce(sender_host, '?') || ':' || coalesce(sender_port::text, '?') ||
                        ', last message ' || coalesce(last_msg_receipt_time::text, 'never')
                 FROM pg_catalog.pg_stat_wal_receiver), 'no WAL receiver') AS detail
WHERE pg_catalog.pg_is_in_recovery()
