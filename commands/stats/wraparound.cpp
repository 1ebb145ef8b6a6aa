// stats wraparound: how close each database, and the oldest tables of the
// database (or of each, with --all-databases), are to transaction ID and
// multixact wraparound.
#include <string>
#include <vector>

#include "commands/stats/stats.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct WraparoundOptions {
  int top = 10;
  void validate() const { check_top(top); }
};

Result wraparound_stats(Unit& u, const WraparoundOptions& o) {
  Session& s = u.session();
  // Under --all-databases each database reports its own row, so every
  // database appears once; otherwise the one connection reports them all.
  const bool fanned_out = !u.database().empty();
  Table dbs = s.table(s.exec(sql_text("stats/wraparound_databases", s.server_version()),
                             {fanned_out ? "true" : "false"}, "reading the databases' transaction ID ages"),
                      "databases");
  if (fanned_out) {
    // The fan-out names the database in its own first column.
    std::vector<std::string> rest;
    for (const auto& c : dbs.columns())
      if (c.name != "database") rest.push_back(c.name);
    dbs = project(dbs, "databases", rest);
  }
  const std::string top = std::to_string(o.top);
  Table tables = s.table(s.exec(sql_text("stats/wraparound_tables", s.server_version()), {top.c_str()},
                                "reading the tables' transaction ID ages"),
                         "tables");
  tables.set_kind("size", Kind::Bytes);
  return {dbs, tables};
}

}  // namespace

void add_wraparound_verb(Noun& stats) {
  stats
      .verb<WraparoundOptions>(
          "wraparound",
          "Transaction ID and multixact age of each database (with --all-databases: of each database visited) "
          "and of the database's oldest tables, as % of the 2^31 limit and of autovacuum_freeze_max_age "
          "(past 100%: anti-wraparound vacuums are due)",
          {Need::Catalog, Effect::Read, 0, true})
      .option("--top", &WraparoundOptions::top, "how many tables per database (default 10)")
      .run(wraparound_stats);
}

}  // namespace pgdba
