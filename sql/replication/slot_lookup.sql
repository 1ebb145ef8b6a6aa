-- replication slot-drop: whether slot $1 exists, and the walsender using it.
-- PostgreSQL 13+.
SELECT slot_type::text AS slot_type, active, active_pid::int4 AS active_pid
FROM pg_catalog.pg_replication_slots
WHERE slot_name = $1
