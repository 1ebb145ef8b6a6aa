"""The psycopg2 side of batch.sh: loads a CSV into bench_batch the way a
Python DBA script would. Usage: batch_psycopg2.py METHOD FILE.csv
METHOD: executemany | execute_values | execute_values_1000 (insert id,t,ts)
        update_executemany | update_execute_batch       (update t by id)
Connection from the PG* environment; one transaction, committed at the end.
An empty unquoted CSV field is NULL, as in pgdba --batch."""
import csv
import sys

import psycopg2
import psycopg2.extras

INSERT = "insert into bench_batch values (%s, %s, %s)"
UPDATE = "update bench_batch set t = %s where id = %s"


def main():
    method, path = sys.argv[1], sys.argv[2]
    with open(path, newline="") as f:
        rows = [[v if v != "" else None for v in r] for r in csv.reader(f)]
    conn = psycopg2.connect("")
    cur = conn.cursor()
    if method == "executemany":
        cur.executemany(INSERT, rows)
    elif method == "execute_values":  # default page_size=100
        psycopg2.extras.execute_values(cur, "insert into bench_batch values %s", rows)
    elif method == "execute_values_1000":  # pgdba's chunk size
        psycopg2.extras.execute_values(cur, "insert into bench_batch values %s", rows, page_size=1000)
    elif method == "update_executemany":
        cur.executemany(UPDATE, [(t, i) for i, t in rows])
    elif method == "update_execute_batch":  # default page_size=100
        psycopg2.extras.execute_batch(cur, UPDATE, [(t, i) for i, t in rows])
    else:
        sys.exit("unknown method " + method)
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main()
