// stats tables: pg_stat_user_tables of one database (or each, with
// --all-databases), the top N by dead rows, size, sequential scans, the
// oldest vacuum or rows modified since the last analyze.
#include <string>
#include <vector>

#include "commands/stats/stats.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct TablesOptions {
  int top = 20;
  std::string order_by = "size";
  std::vector<std::string> schemas;
  void validate() const {
    check_top(top);
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

Result table_stats(Session& s, const TablesOptions& o) {
  const std::string top = std::to_string(o.top);
  const auto schemas = array_param(o.schemas);
  Table t = s.table(s.exec(sql_text("stats/tables", s.server_version()),
                           {o.order_by.c_str(), top.c_str(), param(schemas)}, "reading pg_stat_user_tables"),
                    "tables");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

}  // namespace

void add_tables_verb(Noun& stats) {
  stats
      .verb<TablesOptions>("tables",
                           "Top user tables of the database: size (heap, indexes and TOAST, as of the last vacuum or "
                           "analyze), live and dead rows, "
                           "scans, writes, rows modified since the last analyze, last vacuum and analyze, xid age",
                           {Need::Catalog, Effect::Read, 0, true})
      .option("--top", &TablesOptions::top, "how many tables per database (default 20)")
      .option("--order-by", &TablesOptions::order_by,
              "size (default), dead (dead rows), seq-scan (sequential scans), last-vacuum (never or longest ago "
              "first) or mod-since-analyze")
      .choices({"size", "dead", "seq-scan", "last-vacuum", "mod-since-analyze"})
      .option("-n,--schema", &TablesOptions::schemas, "only tables in this schema (repeat)")
      .run([](Unit& u, const TablesOptions& o) { return table_stats(u.session(), o); });
}

}  // namespace pgdba
