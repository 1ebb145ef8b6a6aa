#include "commands/stats/statements.hpp"

#include "commands/stats/stats.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

void StatementsOptions::validate() const {
  check_top(top);
}

Result top_statements(Unit& u, const StatementsOptions& o) {
  Session& s = u.session();
  Table empty("statements", {});
  const Rows ext = s.exec(sql_text("stats/extension_schema"), {"pg_stat_statements"}, "looking up pg_stat_statements");
  if (ext.empty()) {
    // pgmetrics' way: a missing optional source is a warning, not a failure.
    log::warn("pg_stat_statements is not installed in database \"" + s.dbname() +
              "\": CREATE EXTENSION pg_stat_statements (the library must be in shared_preload_libraries)");
    return {empty};
  }
  const std::string schema = ext[0]["schema"].str();
  const std::string sql = with_extension_schema(sql_text("stats/statements", s.server_version()), schema);
  const std::string top = std::to_string(o.top);
  const auto rows = s.try_query(sql, {o.order_by.c_str(), top.c_str()}, "reading pg_stat_statements");
  if (!rows) return {empty};
  Table t = s.table(*rows, "statements");
  for (const char* c : {"total_time", "mean_time", "io_time"})
    t.set_kind(c, Kind::Seconds);
  t.set_kind("wal_bytes", Kind::Bytes);
  return {t};
}

void add_statements_verb(Noun& stats) {
  stats
      .verb<StatementsOptions>("statements",
                               "Top statements from pg_stat_statements by total or mean time, calls, I/O or WAL",
                               {Need::Catalog, Effect::Read})
      .option("--top", &StatementsOptions::top, "how many statements (default 20)")
      .option("--order-by", &StatementsOptions::order_by, "total (default), mean, calls, io or wal")
      .choices({"total", "mean", "calls", "io", "wal"})
      .run(top_statements);
}

}  // namespace pgdba
