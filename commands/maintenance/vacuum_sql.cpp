#include "commands/maintenance/vacuum_sql.hpp"

#include <cctype>

#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// One column of a list: "Quoted ""name""" as written, a bare name folded to
// lower case as the server folds it.
std::string column_name(const std::string& raw, const std::string& spec) {
  const std::string c = trim(raw);
  if (c.empty()) throw usage_error("--table " + spec + ": empty column name in the column list");
  if (c.front() != '"') {
    std::string lower;
    for (char ch : c)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower;
  }
  std::string out;
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (c[i] != '"') {
      out += c[i];
    } else if (i + 1 < c.size() && c[i + 1] == '"') {
      out += '"';
      ++i;
    } else if (i + 1 == c.size()) {
      return out;
    } else {
      break;
    }
  }
  throw usage_error("--table " + spec + ": malformed quoted column name " + c);
}

}  // namespace

TableSpec parse_table_spec(const std::string& spec) {
  // The column list starts at the first "(" outside double quotes.
  bool quoted = false;
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == '"') quoted = !quoted;
    if (!quoted && spec[i] == '(') {
      open = i;
      break;
    }
  }
  TableSpec t;
  t.relation = trim(spec.substr(0, open));
  if (t.relation.empty()) throw usage_error("--table needs a table name");
  if (open == std::string::npos) return t;
  const std::string rest = trim(spec.substr(open));
  if (rest.size() < 2 || rest.back() != ')') throw usage_error("--table " + spec + ": the column list must end with )");
  const std::string list = rest.substr(1, rest.size() - 2);
  std::string cur;
  quoted = false;
  for (char c : list) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      t.columns.push_back(column_name(cur, spec));
      cur.clear();
    } else {
      cur += c;
    }
  }
  t.columns.push_back(column_name(cur, spec));
  return t;
}

std::string check_flags(const VacuumFlags& f, bool has_columns) {
  if (f.analyze_only) {
    if (f.full) return "cannot use --full with --analyze-only";
    if (f.freeze) return "cannot use --freeze with --analyze-only";
    if (f.disable_page_skipping) return "cannot use --disable-page-skipping with --analyze-only";
    if (f.no_index_cleanup) return "cannot use --no-index-cleanup with --analyze-only";
    if (f.no_truncate) return "cannot use --no-truncate with --analyze-only";
    if (f.no_process_toast) return "cannot use --no-process-toast with --analyze-only";
    if (f.parallel >= 0) return "cannot use --parallel with --analyze-only";
  }
  if (f.full && f.parallel >= 0) return "cannot use --parallel with --full";
  if (f.parallel > 1024) return "--parallel must be between 0 and 1024";
  if (has_columns && !f.analyze && !f.analyze_only) return "a column list needs --analyze or --analyze-only";
  return "";
}

std::string maintenance_statement(const VacuumFlags& f, const std::string& qualified,
                                  const std::vector<std::string>& columns) {
  std::vector<std::string> opts;
  if (f.analyze_only) {
    if (f.skip_locked) opts.emplace_back("SKIP_LOCKED");
    if (!f.buffer_usage_limit.empty()) opts.push_back("BUFFER_USAGE_LIMIT " + quote_literal(f.buffer_usage_limit));
  } else {
    if (f.full) opts.emplace_back("FULL");
    if (f.freeze) opts.emplace_back("FREEZE");
    if (f.analyze) opts.emplace_back("ANALYZE");
    if (f.skip_locked) opts.emplace_back("SKIP_LOCKED");
    if (f.disable_page_skipping) opts.emplace_back("DISABLE_PAGE_SKIPPING");
    if (f.no_index_cleanup) opts.emplace_back("INDEX_CLEANUP OFF");
    if (f.no_truncate) opts.emplace_back("TRUNCATE OFF");
    if (f.no_process_toast) opts.emplace_back("PROCESS_TOAST OFF");
    if (f.parallel >= 0) opts.push_back("PARALLEL " + std::to_string(f.parallel));
    if (!f.buffer_usage_limit.empty()) opts.push_back("BUFFER_USAGE_LIMIT " + quote_literal(f.buffer_usage_limit));
  }
  std::string sql = f.analyze_only ? "ANALYZE" : "VACUUM";
  if (!opts.empty()) {
    sql += " (";
    for (std::size_t i = 0; i < opts.size(); ++i)
      sql += (i == 0 ? "" : ", ") + opts[i];
    sql += ")";
  }
  sql += " " + qualified;
  if (!columns.empty()) {
    sql += " (";
    for (std::size_t i = 0; i < columns.size(); ++i)
      sql += (i == 0 ? "" : ", ") + quote_ident(columns[i]);
    sql += ")";
  }
  return sql;
}

std::string reindex_statement(const std::string& kind, const std::string& qualified, bool concurrently,
                              const std::string& tablespace) {
  std::string sql = "REINDEX ";
  if (!tablespace.empty()) sql += "(TABLESPACE " + quote_ident(tablespace) + ") ";
  sql += kind + " ";
  if (concurrently) sql += "CONCURRENTLY ";
  return sql + qualified;
}

std::string cluster_statement(const std::string& qualified_table, const std::string& index) {
  return "CLUSTER " + qualified_table + (index.empty() ? "" : " USING " + index);
}

}  // namespace pgdba
