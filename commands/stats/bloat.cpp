// stats bloat: estimated table and btree index bloat from the statistics,
// with the estimate's blind spots flagged per row, and with --exact what
// pgstattuple measures beside it.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commands/stats/stats.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct BloatOptions {
  int top = 20;
  std::vector<std::string> schemas;
  bool exact = false;
  void validate() const {
    check_top(top);
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

Result bloat_stats(Session& s, const BloatOptions& o) {
  const std::string top = std::to_string(o.top);
  const auto schemas = array_param(o.schemas);
  const Rows rows =
      s.exec(sql_text("stats/bloat", s.server_version()), {param(schemas), top.c_str()}, "estimating bloat");
  const Table estimated = s.table(rows, "bloat");
  Table t =
      project(estimated, "bloat",
              {"schema", "table", "index", "kind", "size", "estimated_bloat", "estimated_bloat_percent", "flags"});
  set_kinds(t, {"size", "estimated_bloat"}, Kind::Bytes);
  if (!o.exact) return {t};

  std::vector<std::string> oids;
  for (const auto& row : rows)
    oids.push_back(row["oid"].str());
  const auto exact = exact_bloat(s, oids, true);
  if (!exact)
    log::warn("pgstattuple is not installed in database \"" + s.dbname() +
              "\": CREATE EXTENSION pgstattuple for --exact; the exact columns are empty");
  const std::map<std::string, ExactBloat> measured = exact ? *exact : std::map<std::string, ExactBloat>{};
  std::vector<Column> cols = t.columns();
  cols.push_back({"exact_bloat", Kind::Bytes, Kind::Text});
  cols.push_back({"exact_bloat_percent", Kind::Float, Kind::Text});
  Table both("bloat", cols);
  for (std::size_t r = 0; r < t.size(); ++r) {
    auto cells = t.row(r);
    const auto m = measured.find(rows[r]["oid"].str());
    cells.push_back(m == measured.end() ? std::nullopt : m->second.bytes);
    cells.push_back(m == measured.end() ? std::nullopt : m->second.percent);
    both.add_row(std::move(cells));
  }
  return {both};
}

}  // namespace

std::optional<std::map<std::string, ExactBloat>> exact_bloat(Session& s, const std::vector<std::string>& oids,
                                                             bool lenient) {
  std::map<std::string, ExactBloat> out;
  const Rows ext = s.exec(sql_text("stats/extension_schema"), {"pgstattuple"}, "looking up pgstattuple");
  if (ext.empty()) return std::nullopt;
  if (oids.empty()) return out;
  const auto list = array_param(oids);
  const std::string sql =
      with_extension_schema(sql_text("stats/bloat_exact", s.server_version()), ext[0]["schema"].str());
  const std::string what = "measuring bloat with pgstattuple";
  const auto rows =
      lenient ? s.try_query(sql, {param(list)}, what) : std::optional<Rows>(s.exec(sql, {param(list)}, what));
  if (!rows) return out;
  for (const auto& row : *rows) {
    const auto cell = [&](const char* c) {
      return row[c].is_null() ? std::nullopt : std::optional<std::string>(row[c].str());
    };
    out[row["oid"].str()] = {cell("exact_bloat"), cell("exact_bloat_percent")};
  }
  return out;
}

void add_bloat_verb(Noun& stats) {
  stats
      .verb<BloatOptions>(
          "bloat",
          "Estimated bloat of tables and btree indexes from the statistics (reads no table), largest first, "
          "with the estimate's blind spots flagged per row: no-stats, stale-stats (analyze first), toast, dedup "
          "(btree deduplication makes the estimate too high); --exact measures with pgstattuple beside it",
          {Need::Catalog, Effect::Read, 0, true})
      .option("--top", &BloatOptions::top, "how many tables and indexes per database (default 20)")
      .option("-n,--schema", &BloatOptions::schemas, "only this schema (repeat; default: all but the system's)")
      .flag("--exact", &BloatOptions::exact,
            "also measure each row with pgstattuple (must be installed; reads every page of each one listed)")
      .run([](Unit& u, const BloatOptions& o) { return bloat_stats(u.session(), o); });
}

}  // namespace pgdba
