// What the column and constraint verbs share: telling what an ALTER TABLE
// will do to a table (rewrite it, scan it, or only change the catalog) before
// running it, asking first when it rewrites or scans, and the result table
// they fill.
#pragma once

#include <string>

#include "commands/objects/relation.hpp"

namespace pgdba {

enum class AlterImpact { Catalog, Scan, Rewrite };

struct AlterAnalysis {
  AlterImpact impact = AlterImpact::Catalog;
  int indexes_rebuilt = 0;
  std::string note;  // why, in a few words
};

// --retries and --retry-pause of the ALTER verbs: a lock not granted within
// lock_timeout (55P03) is tried again, `pause` seconds apart, so a change
// waits for a gap in the traffic without ever queueing behind it.
struct LockRetry {
  int retries = 0;
  double pause = 1;
};
// Checked before connecting: a usage error for a negative count or a bad
// duration.
LockRetry lock_retry(int retries, const std::string& pause);
// Context::mutate, tried again while the lock is not granted.
void mutate_retrying(Unit& u, Session& s, const std::string& sql, const std::string& what, const LockRetry& r);

const char* impact_name(AlterImpact i);

// Runs `clause` (what follows ALTER TABLE name) on an empty temporary copy
// of `rel` (LIKE ... INCLUDING ALL) inside a transaction that is rolled back,
// and tells from the storage files whether it rewrote the copy and rebuilt
// its indexes: the server's own rule, not a guess. A clause the server
// refuses throws here, before the real table is touched. Takes `rel`'s
// ACCESS SHARE lock only.
AlterAnalysis probe_alter(Session& s, const RelationRef& rel, const std::string& clause);

// Says what the change will do (stderr; a "-- ..." line in --dry-run; an
// "analyse" row in `t`) and, when it rewrites or scans, asks first naming
// the table's size (refused off a terminal without --yes).
void announce_alter(Unit& u, Session& s, const RelationRef& rel, const AlterAnalysis& a, Table& t,
                    const std::string& object);

// The result: action, object, impact, table_bytes, status.
Table alter_table_result();
void add_alter_row(Table& t, const std::string& action, const std::string& object, AlterImpact impact,
                   const std::string& status);

// SET NOT NULL on `column` without a long blocking scan: ADD CHECK (column
// IS NOT NULL) NOT VALID, VALIDATE it (SHARE UPDATE EXCLUSIVE: reads and
// writes go on), SET NOT NULL (which the check proves, 12+), DROP the check.
// If validation fails (NULLs, a lock not granted) the check is dropped again
// and the error thrown. Adds a row per step to `t`.
void set_not_null_via_check(Unit& u, Session& s, const RelationRef& rel, const std::string& column, Table& t,
                            const LockRetry& retry = {});

// `text` cut to at most 63 bytes on a UTF-8 character boundary: a name
// PostgreSQL would otherwise truncate itself.
std::string fit_identifier(const std::string& text);

}  // namespace pgdba
