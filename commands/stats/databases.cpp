// stats databases: pg_stat_database, one row per database of the server.
#include "commands/stats/stats.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Result database_stats(Session& s) {
  Table t = s.table(s.exec(sql_text("stats/databases", s.server_version()), "reading pg_stat_database"), "databases");
  set_kinds(t, {"size", "temp_bytes"}, Kind::Bytes);
  return {t};
}

}  // namespace

void add_databases_verb(Noun& stats) {
  stats
      .verb("databases",
            "Per database: size, sessions, commits and rollbacks, cache hit ratio, rows read and written, temp "
            "files, deadlocks, conflicts, when the counters were reset, transaction ID and multixact age",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return database_stats(u.session()); });
}

}  // namespace pgdba
