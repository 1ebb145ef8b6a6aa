#include "src/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "src/conninfo.hpp"
#include "src/errors.hpp"

namespace pgdba {

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}

void blank(std::string& m, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < m.size(); ++i) {
    if (m[i] != '\n') m[i] = ' ';
  }
}

}  // namespace

std::string code_mask(std::string_view sql) {
  std::string m(sql);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t e = sql.find('\n', i);
      if (e == std::string_view::npos) e = n;
      blank(m, i, e);
      i = e;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 1;
      std::size_t j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      blank(m, i, j);
      i = j;
    } else if (c == '\'') {
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      blank(m, i + 1, j);  // keep the quotes themselves as code
      i = j + 1;
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      blank(m, i + 1, j);
      i = j + 1;
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) && i + 1 < n &&
               !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      // $tag$ ... $tag$
      std::size_t j = i + 1;
      while (j < n && ident_char(sql[j]) && sql[j] != '$')
        ++j;
      if (j < n && sql[j] == '$') {
        const std::string tag(sql.substr(i, j - i + 1));
        const std::size_t end = sql.find(tag, j + 1);
        const std::size_t stop = end == std::string_view::npos ? n : end;
        blank(m, j + 1, stop);
        i = end == std::string_view::npos ? n : end + tag.size();
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  return m;
}

std::vector<Statement> split_statements(std::string_view script) {
  const std::string mask = code_mask(script);
  std::vector<Statement> out;
  std::size_t start = 0;
  int line = 1;  // line at `start`
  const auto flush = [&](std::size_t end) {
    std::size_t b = start;
    int l = line;
    while (b < end && std::isspace(static_cast<unsigned char>(mask[b]))) {
      if (mask[b] == '\n') ++l;
      ++b;
    }
    if (b < end) {
      if (mask[b] == '\\') {
        std::size_t e = b;
        while (e < end && !std::isspace(static_cast<unsigned char>(mask[e])))
          ++e;
        throw usage_error("line " + std::to_string(l) + ": psql meta-command " + std::string(script.substr(b, e - b)) +
                          " is not supported; pgdba sql runs SQL statements only");
      }
      Statement s;
      std::size_t e = end;
      while (e > b && std::isspace(static_cast<unsigned char>(script[e - 1])))
        --e;
      s.text = std::string(script.substr(b, e - b));
      s.line = l;
      std::size_t k = b;
      while (k < end && (std::isalpha(static_cast<unsigned char>(mask[k])) || mask[k] == '_')) {
        s.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(mask[k])));
        ++k;
      }
      if (s.keyword.empty() && mask[b] == '(') s.keyword = "SELECT";
      out.push_back(std::move(s));
    }
    for (std::size_t i = start; i < end && i < script.size(); ++i) {
      if (script[i] == '\n') ++line;
    }
  };
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] == ';') {
      flush(i);
      if (script[i] == '\n') ++line;
      start = i + 1;
    }
  }
  flush(mask.size());
  return out;
}

int max_parameter(std::string_view sql) {
  const std::string mask = code_mask(sql);
  int best = 0;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != '$' || (i > 0 && ident_char(mask[i - 1]))) continue;
    std::size_t j = i + 1;
    int v = 0;
    while (j < mask.size() && std::isdigit(static_cast<unsigned char>(mask[j])) && v < 100000) {
      v = v * 10 + (mask[j] - '0');
      ++j;
    }
    if (j > i + 1) best = std::max(best, v);
  }
  return best;
}

bool is_plain_query(const Statement& s) {
  if (s.keyword != "SELECT" && s.keyword != "VALUES" && s.keyword != "TABLE" && s.keyword != "WITH") return false;
  static const std::regex writes(R"(\b(into|insert|update|delete|merge)\b)", std::regex::icase);
  return !std::regex_search(code_mask(s.text), writes);
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The word of code that ends just before `pos` (skipping blanks), lower case.
std::string word_before(const std::string& mask, std::size_t pos) {
  std::size_t e = pos;
  while (e > 0 && std::isspace(static_cast<unsigned char>(mask[e - 1])))
    --e;
  std::size_t b = e;
  while (b > 0 && ident_char(mask[b - 1]))
    --b;
  return lower(std::string_view(mask).substr(b, e - b));
}

struct Literal {
  std::size_t begin;  // the opening quote, or the E of E'...'
  std::size_t end;    // just past the closing quote or tag
};

// String and dollar-quoted literals, from the mask: their delimiters are the
// only quote and dollar characters code_mask keeps around blanked insides.
std::vector<Literal> literals(std::string_view sql, const std::string& mask) {
  std::vector<Literal> out;
  const std::size_t n = sql.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (mask[i] == '\'' && sql[i] == '\'') {
      // Doubled and escaped quotes inside are blanked: the next kept quote closes it.
      std::size_t j = mask.find('\'', i + 1);
      if (j == std::string::npos) j = n;
      const bool e_prefix = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      out.push_back({e_prefix ? i - 1 : i, std::min(j + 1, n)});
      i = j;
    } else if (mask[i] == '$' && (i == 0 || !ident_char(sql[i - 1])) && i + 1 < n &&
               !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::size_t j = i + 1;
      while (j < n && ident_char(sql[j]) && sql[j] != '$')
        ++j;
      if (j >= n || sql[j] != '$') continue;
      const std::string tag(sql.substr(i, j - i + 1));
      const std::size_t close = sql.find(tag, j + 1);
      const std::size_t end = close == std::string_view::npos ? n : close + tag.size();
      out.push_back({i, end});
      i = end - 1;
    }
  }
  return out;
}

}  // namespace

std::string redact_secrets(std::string_view sql) {
  const std::string mask = code_mask(sql);
  std::string out;
  std::size_t copied = 0;
  for (const Literal& lit : literals(sql, mask)) {
    out.append(sql.substr(copied, lit.begin - copied));
    const std::string before = word_before(mask, lit.begin);
    if (before == "password") {
      out += "'***'";
    } else {
      out += redact_password_text(std::string(sql.substr(lit.begin, lit.end - lit.begin)));
    }
    copied = lit.end;
  }
  out.append(sql.substr(copied));
  return out;
}

std::vector<std::string> called_functions(std::string_view sql) {
  // Words that take a parenthesis without being a function call.
  static const std::set<std::string> keywords = {
      "in",        "exists",    "any",       "some",     "all",     "values",   "array",        "cast",
      "over",      "filter",    "within",    "using",    "on",      "as",       "from",         "join",
      "select",    "where",     "and",       "or",       "not",     "case",     "when",         "then",
      "else",      "row",       "lateral",   "interval", "numeric", "decimal",  "varchar",      "char",
      "character", "varying",   "timestamp", "time",     "table",   "by",       "with",         "union",
      "intersect", "except",    "group",     "order",    "having",  "limit",    "offset",       "is",
      "distinct",  "between",   "like",      "ilike",    "similar", "escape",   "partition",    "rows",
      "range",     "groups",    "grouping",  "sets",     "cube",    "rollup",   "materialized", "only",
      "recursive", "returning", "into",      "set",      "float",   "bit",      "zone",         "precision",
      "coalesce",  "nullif",    "greatest",  "least",    "extract", "position", "substring",    "overlay",
      "trim"};
  const std::string mask = code_mask(sql);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != '(') continue;
    std::size_t b = i;
    while (b > 0 && std::isspace(static_cast<unsigned char>(mask[b - 1])))
      --b;
    if (b > 0 && mask[b - 1] == '"') {
      out.emplace_back();  // "quoted"(...): a call whose name the mask hides
      continue;
    }
    std::string w = word_before(mask, i);
    if (w.empty() || std::isdigit(static_cast<unsigned char>(w[0])) || keywords.count(w) != 0) continue;
    out.push_back(w);
  }
  return out;
}

bool is_read_only(const Statement& s) {
  if (s.keyword == "SHOW") return true;
  if (s.keyword == "EXPLAIN") {
    static const std::regex analyze(R"(\banalyze\b)", std::regex::icase);
    return !std::regex_search(code_mask(s.text), analyze);
  }
  if (!is_plain_query(s)) return false;
  static const std::regex locking(R"(\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b)", std::regex::icase);
  if (std::regex_search(code_mask(s.text), locking)) return false;
  // Functions known to change nothing; anything else (pg_terminate_backend,
  // setval, nextval, a user's function) may, so it is audited.
  static const std::set<std::string> pure = {"count",
                                             "sum",
                                             "avg",
                                             "min",
                                             "max",
                                             "array_agg",
                                             "string_agg",
                                             "json_agg",
                                             "jsonb_agg",
                                             "json_object_agg",
                                             "jsonb_object_agg",
                                             "bool_and",
                                             "bool_or",
                                             "every",
                                             "stddev",
                                             "variance",
                                             "percentile_cont",
                                             "percentile_disc",
                                             "mode",
                                             "now",
                                             "statement_timestamp",
                                             "clock_timestamp",
                                             "transaction_timestamp",
                                             "lower",
                                             "upper",
                                             "length",
                                             "char_length",
                                             "octet_length",
                                             "substr",
                                             "replace",
                                             "concat",
                                             "concat_ws",
                                             "format",
                                             "to_char",
                                             "to_date",
                                             "to_timestamp",
                                             "to_number",
                                             "date_trunc",
                                             "date_part",
                                             "age",
                                             "abs",
                                             "round",
                                             "floor",
                                             "ceil",
                                             "ceiling",
                                             "trunc",
                                             "mod",
                                             "power",
                                             "sqrt",
                                             "generate_series",
                                             "unnest",
                                             "array_length",
                                             "cardinality",
                                             "array_to_string",
                                             "string_to_array",
                                             "json_build_object",
                                             "jsonb_build_object",
                                             "json_build_array",
                                             "jsonb_build_array",
                                             "row_to_json",
                                             "to_json",
                                             "to_jsonb",
                                             "jsonb_pretty",
                                             "row_number",
                                             "rank",
                                             "dense_rank",
                                             "lag",
                                             "lead",
                                             "first_value",
                                             "last_value",
                                             "pg_size_pretty",
                                             "pg_database_size",
                                             "pg_relation_size",
                                             "pg_total_relation_size",
                                             "pg_table_size",
                                             "pg_indexes_size",
                                             "current_setting",
                                             "version",
                                             "current_database",
                                             "current_schema",
                                             "pg_backend_pid",
                                             "pg_is_in_recovery",
                                             "pg_current_wal_lsn",
                                             "pg_last_wal_replay_lsn",
                                             "pg_wal_lsn_diff",
                                             "pg_postmaster_start_time",
                                             "pg_blocking_pids",
                                             "pg_get_userbyid",
                                             "pg_get_viewdef",
                                             "pg_get_indexdef",
                                             "pg_get_constraintdef",
                                             "pg_get_functiondef",
                                             "format_type",
                                             "obj_description",
                                             "col_description",
                                             "has_table_privilege",
                                             "has_database_privilege",
                                             "has_schema_privilege",
                                             "pg_has_role",
                                             "quote_ident",
                                             "quote_literal",
                                             "md5",
                                             "repeat",
                                             "left",
                                             "right",
                                             "split_part",
                                             "regexp_replace",
                                             "regexp_matches",
                                             "strpos",
                                             "random",
                                             "txid_current_snapshot",
                                             "pg_typeof",
                                             "host",
                                             "inet",
                                             "to_hex",
                                             "encode",
                                             "decode",
                                             "mxid_age",
                                             "pg_xact_commit_timestamp",
                                             "sha256",
                                             "starts_with",
                                             "btrim",
                                             "ltrim",
                                             "rtrim",
                                             "lpad",
                                             "rpad",
                                             "initcap",
                                             "reverse",
                                             "chr",
                                             "ascii",
                                             "exp",
                                             "ln",
                                             "log",
                                             "sign",
                                             "pi",
                                             "date",
                                             "justify_interval",
                                             "make_interval",
                                             "make_date",
                                             "make_timestamp",
                                             "make_timestamptz",
                                             "array_position",
                                             "array_remove",
                                             "array_append",
                                             "array_cat",
                                             "array_prepend",
                                             "jsonb_array_elements",
                                             "json_array_elements",
                                             "jsonb_each",
                                             "json_each",
                                             "jsonb_object_keys",
                                             "jsonb_typeof",
                                             "json_typeof",
                                             "jsonb_path_query",
                                             "regexp_split_to_table",
                                             "pg_column_size",
                                             "pg_stat_get_activity"};
  for (const auto& f : called_functions(s.text)) {
    if (pure.count(f) == 0) return false;
  }
  return true;
}

}  // namespace pgdba
