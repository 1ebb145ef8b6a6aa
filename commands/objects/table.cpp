// table: the noun's verbs; here table size: where a database's disk space
// goes, table by table (heap, indexes, TOAST, total), on every database with
// --all-databases. The others live in table_*.cpp.
#include "commands/objects/table.hpp"
#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct TableSizeOptions {
  long long top = 20;
  std::vector<std::string> schemas;
  void validate() const {
    if (top < 1) throw usage_error("--top must be at least 1");
  }
};

Result table_sizes(Unit& u, const TableSizeOptions& o) {
  Session& s = u.session();
  const std::string top = std::to_string(o.top);
  const std::string schemas = text_array_literal(o.schemas);
  Table t = s.table(s.exec(sql_text("objects/table_sizes", s.server_version()),
                           {o.schemas.empty() ? nullptr : schemas.c_str(), top.c_str()}, "measuring tables"),
                    "tables");
  for (const char* c : {"heap", "indexes", "toast", "total"})
    t.set_kind(c, Kind::Bytes);
  return {t};
}

}  // namespace

void register_table(CommandTable& table) {
  Noun noun = table.noun("table", "Tables: list, describe, create, drop, rename, truncate; where the disk space goes");
  add_table_read_verbs(noun);
  add_table_ddl_verbs(noun);
  noun.verb<TableSizeOptions>("size",
                              "The largest tables with heap, indexes, TOAST and total size on disk (as psql \\dt+ "
                              "counts them); waits at most --lock-timeout (5s) for a table locked exclusively",
                              {Need::Ddl, Effect::Read, 0, true})
      .option("--top", &TableSizeOptions::top, "how many tables per database (default 20)")
      .option("-n,--schema", &TableSizeOptions::schemas, "only tables in this schema (repeat)")
      .run(table_sizes);
}

}  // namespace pgdba
