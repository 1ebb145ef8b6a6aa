-- replication slot-create: a physical slot that reserves WAL at once (so a
-- standby about to be cloned finds every segment it needs). PostgreSQL 13+.
SELECT slot_name::text AS slot_name, lsn::text AS lsn
FROM pg_catalog.pg_create_physical_replication_slot($1, true)
