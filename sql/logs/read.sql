-- $3 bytes of log file $1 from offset $2, as hex: empty past the end, NULL
-- when the file is gone (rotated away and removed).
SELECT encode(pg_catalog.pg_read_binary_file($1, $2::bigint, $3::bigint, true), 'hex') AS data
