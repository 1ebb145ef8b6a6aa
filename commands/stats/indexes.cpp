// stats indexes: pg_stat_user_indexes of one database (or each, with
// --all-databases) with what is wrong with them: unused, invalid, duplicate.
#include <string>
#include <vector>

#include "commands/stats/stats.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct IndexesOptions {
  std::vector<std::string> schemas;
  bool unused = false, invalid = false, duplicate = false;
  void validate() const {
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

Result index_stats(Session& s, const IndexesOptions& o) {
  const auto schemas = array_param(o.schemas);
  const auto b = [](bool v) { return v ? "true" : "false"; };
  Table t = s.table(s.exec(sql_text("stats/indexes", s.server_version()),
                           {param(schemas), b(o.unused), b(o.invalid), b(o.duplicate)}, "reading pg_stat_user_indexes"),
                    "indexes");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

}  // namespace

void add_indexes_verb(Noun& stats) {
  stats
      .verb<IndexesOptions>(
          "indexes",
          "User indexes of the database, largest first: size, scans, rows read; unused (no scan since the "
          "statistics were reset, not unique, primary key or exclusion: scans on standbys are not counted here), "
          "invalid (a failed CREATE INDEX CONCURRENTLY), duplicate_of (same table, columns, expressions, "
          "predicate, operator classes and access method)",
          {Need::Catalog, Effect::Read, 0, true})
      .option("-n,--schema", &IndexesOptions::schemas, "only indexes in this schema (repeat)")
      .flag("--unused", &IndexesOptions::unused, "only unused indexes (with the other two: any of them)")
      .flag("--invalid", &IndexesOptions::invalid, "only invalid indexes")
      .flag("--duplicate", &IndexesOptions::duplicate, "only indexes that duplicate another")
      .run([](Unit& u, const IndexesOptions& o) { return index_stats(u.session(), o); });
}

}  // namespace pgdba
