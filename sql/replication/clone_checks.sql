-- replication clone: what the source must allow before pg_basebackup runs:
-- the role's replication privilege, wal_level, free WAL senders (a base
-- backup with -X stream takes two), the size to copy (the databases the
-- role may connect to), and whether slot $1 exists. PostgreSQL 13+.
SELECT (SELECT r.rolreplication OR r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS can_replicate,
       current_user::text AS role,
       pg_catalog.current_setting('wal_level') AS wal_level,
       pg_catalog.current_setting('max_wal_senders')::int4 AS max_wal_senders,
       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int4 AS senders_in_use,
       (SELECT sum(pg_catalog.pg_database_size(d.oid)) FROM pg_catalog.pg_database d
        WHERE d.datallowconn AND pg_catalog.has_database_privilege(d.oid, 'CONNECT'))::int8 AS size,
       pg_catalog.current_setting('server_version_num')::int4 AS server_version_num,
       (SELECT s.slot_type::text FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = $1) AS slot_type
