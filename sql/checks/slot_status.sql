-- check slot-status: each replication slot's health as a number: 0 in use,
-- 1 inactive (WAL piles up for it), 2 unreserved (its WAL is about to be
-- removed), 3 lost (its WAL is gone: the consumer must be rebuilt).
SELECT slot_name::text AS object,
       CASE WHEN wal_status = 'lost' THEN 3 WHEN wal_status = 'unreserved' THEN 2
            WHEN NOT active THEN 1 ELSE 0 END::float8 AS value,
       3::float8 AS max,
       slot_type || CASE WHEN active THEN ', active' ELSE ', inactive' END || ', wal_status ' || coalesce(wal_status, '?')
         AS detail
FROM pg_catalog.pg_replication_slots
ORDER BY 2 DESC
