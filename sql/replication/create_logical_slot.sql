-- replication slot-create --logical PLUGIN: a logical slot in the current
-- database, decoding with output plugin $2. PostgreSQL 13+.
SELECT slot_name::text AS slot_name, lsn::text AS lsn
FROM pg_catalog.pg_create_logical_replication_slot($1, $2)
