-- replication promote: ends recovery on a standby; with $1 true waits up to
-- $2 seconds and says whether the promotion finished. PostgreSQL 13+.
SELECT pg_catalog.pg_promote($1::bool, $2::int4) AS promoted
