// stats: registers the noun and its verbs, and the helpers they share.
#include "commands/stats/stats.hpp"

#include <stdexcept>

#include "src/errors.hpp"
#include "src/quote.hpp"

namespace pgdba {

std::optional<std::string> array_param(const std::vector<std::string>& items) {
  if (items.empty()) return std::nullopt;
  return text_array_literal(items);
}

void set_kinds(Table& t, std::initializer_list<const char*> columns, Kind kind) {
  for (const char* c : columns)
    t.set_kind(c, kind);
}

Table project(const Table& t, const std::string& name, const std::vector<std::string>& columns) {
  std::vector<std::size_t> at;
  std::vector<Column> cols;
  for (const auto& want : columns) {
    std::size_t i = 0;
    while (i < t.columns().size() && t.columns()[i].name != want)
      ++i;
    if (i == t.columns().size()) throw std::logic_error("table " + t.name() + " has no column " + want);
    at.push_back(i);
    cols.push_back(t.columns()[i]);
  }
  Table out(name, cols);
  for (std::size_t r = 0; r < t.size(); ++r) {
    std::vector<std::optional<std::string>> cells;
    for (std::size_t i : at)
      cells.push_back(t.row(r)[i]);
    out.add_row(std::move(cells));
  }
  return out;
}

void check_top(int top) {
  if (top < 1) throw usage_error("--top must be at least 1");
}

void register_stats(CommandTable& table) {
  Noun stats = table.noun("stats",
                          "Statistics: a server health overview, databases, tables, indexes, statements, "
                          "checkpointer, I/O, wraparound and bloat");
  add_overview_verb(stats);
  add_databases_verb(stats);
  add_tables_verb(stats);
  add_indexes_verb(stats);
  add_statements_verb(stats);
  add_checkpointer_verb(stats);
  add_io_verb(stats);
  add_wraparound_verb(stats);
  add_bloat_verb(stats);
  add_explain_command(table);
}

}  // namespace pgdba
