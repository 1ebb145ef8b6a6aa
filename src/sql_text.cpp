#include "src/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <regex>
#include <set>

#include "src/conninfo.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"

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

std::string code_mask(std::string_view sql, bool standard_strings) {
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
      const bool escapes = (!standard_strings && !(i > 0 && sql[i - 1] == ':')) ||
                           (i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2])));
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
  if (s.combined) return false;
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

namespace {

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}

bool equals_nocase(std::string_view a, const char* b) {
  std::size_t i = 0;
  for (; i < a.size() && b[i] != '\0'; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return i == a.size() && b[i] == '\0';
}

// psql's lexer over a whole script; see lex_script.
class ScriptLexer {
 public:
  explicit ScriptLexer(std::string_view s) : s_(s), n_(s.size()) {}

  std::vector<ScriptItem> run() {
    while (i_ < n_) {
      const char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
        if (copy_pending_) read_copy_data();
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '-' && next_is('-')) {
        skip_to_line_end();
      } else if (c == '/' && next_is('*')) {
        block_comment();
      } else if (c == '\'') {
        code_start();
        quoted('\'', !standard_strings_ && !(i_ > 0 && s_[i_ - 1] == ':'));
      } else if (c == '"') {
        code_start();
        quoted('"', false);
      } else if (c == '$' && dollar_quote()) {
        // consumed
      } else if (c == '\\') {
        backslash();
      } else if (c == ';') {
        code_start();
        ++i_;
        if (parens_ <= 0 && begins_ <= 0) end_statement(i_, {});
      } else if (ident_start(c)) {
        word();
      } else {
        code_start();
        if (c == '(') ++parens_;
        if (c == ')' && parens_ > 0) --parens_;
        ++i_;
      }
    }
    if (start_ != npos) end_statement(n_, {});
    return std::move(out_);
  }

 private:
  static constexpr std::size_t npos = std::string_view::npos;

  bool next_is(char c) const { return i_ + 1 < n_ && s_[i_ + 1] == c; }

  // The first code character of a statement fixes its start and line.
  void code_start() {
    if (start_ != npos) return;
    start_ = i_;
    start_line_ = line_;
    parens_ = 0;
    begins_ = 0;
    idents_ = 0;
    combined_ = false;
    std::fill(std::begin(first_), std::end(first_), '\0');
  }

  void skip_to_line_end() {
    while (i_ < n_ && s_[i_] != '\n')
      ++i_;
  }

  void block_comment() {
    int depth = 0;
    while (i_ < n_) {
      if (s_[i_] == '/' && next_is('*')) {
        ++depth;
        i_ += 2;
      } else if (s_[i_] == '*' && next_is('/')) {
        i_ += 2;
        if (--depth == 0) return;
      } else {
        if (s_[i_] == '\n') ++line_;
        ++i_;
      }
    }
  }

  // '...' or "..." (the quote doubled inside); with `escapes`, a backslash
  // escapes the next character.
  void quoted(char q, bool escapes) {
    ++i_;
    while (i_ < n_) {
      const char c = s_[i_];
      if (c == '\n') ++line_;
      if (escapes && c == '\\' && i_ + 1 < n_) {
        if (s_[i_ + 1] == '\n') ++line_;
        i_ += 2;
      } else if (c == q) {
        if (next_is(q)) {
          i_ += 2;
        } else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
  }

  // $tag$ ... $tag$ at i_ (not inside an identifier: word() consumes those).
  bool dollar_quote() {
    std::size_t j = i_ + 1;
    if (j < n_ && std::isdigit(static_cast<unsigned char>(s_[j]))) return false;  // $1
    while (j < n_ && ident_char(s_[j]))
      ++j;
    if (j >= n_ || s_[j] != '$') return false;
    code_start();
    const std::string_view tag = s_.substr(i_, j - i_ + 1);
    const std::size_t close = s_.find(tag, j + 1);
    const std::size_t end = close == npos ? n_ : close + tag.size();
    for (std::size_t k = i_; k < end; ++k)
      if (s_[k] == '\n') ++line_;
    i_ = end;
    return true;
  }

  // An identifier or keyword (with $ inside), or a string prefix: E'..',
  // U&'..', U&"..", B'..', X'..', N'..'.
  void word() {
    code_start();
    const std::size_t b = i_;
    while (i_ < n_ && (ident_char(s_[i_]) || s_[i_] == '$'))
      ++i_;
    const std::string_view w = s_.substr(b, i_ - b);
    if (i_ < n_ && s_[i_] == '\'' && w.size() == 1) {
      const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(w[0])));
      if (p == 'e') return quoted('\'', true);
      if (p == 'b' || p == 'x') return quoted('\'', false);
      if (p == 'n') return quoted('\'', !standard_strings_);
    }
    if (w.size() == 1 && (w[0] == 'u' || w[0] == 'U') && i_ + 1 < n_ && s_[i_] == '&' &&
        (s_[i_ + 1] == '\'' || s_[i_ + 1] == '"')) {
      ++i_;
      return quoted(s_[i_], false);
    }
    track_body_depth(w);
  }

  // psql's heuristic: in CREATE [OR REPLACE] FUNCTION|PROCEDURE, a BEGIN
  // (ATOMIC) body runs to its END, and CASE ... END nests inside it.
  void track_body_depth(std::string_view w) {
    if (idents_ < 4) {
      for (const char* k : {"create", "or", "replace", "function", "procedure"}) {
        if (equals_nocase(w, k)) first_[idents_] = k[0];
      }
    }
    ++idents_;
    const bool routine =
        first_[0] == 'c' && (first_[1] == 'f' || first_[1] == 'p' ||
                             (first_[1] == 'o' && first_[2] == 'r' && (first_[3] == 'f' || first_[3] == 'p')));
    if (!routine || parens_ != 0) return;
    if (equals_nocase(w, "begin")) {
      ++begins_;
    } else if (equals_nocase(w, "case")) {
      if (begins_ > 0) ++begins_;
    } else if (equals_nocase(w, "end")) {
      if (begins_ > 0) --begins_;
    }
  }

  void backslash() {
    if (next_is(';') || next_is(':')) {  // psql's \; and \: stay part of the statement
      code_start();
      if (next_is(';')) combined_ = true;
      i_ += 2;
      return;
    }
    MetaCommand m;
    m.line = line_;
    const std::size_t at = i_;
    ++i_;
    const std::size_t b = i_;
    while (i_ < n_ && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != '\\')
      ++i_;
    if (i_ == b && i_ < n_ && s_[i_] == '\\') ++i_;  // "\\": the separator
    m.name = std::string(s_.substr(b, i_ - b));
    const std::size_t ab = i_;
    char q = '\0';
    while (i_ < n_ && s_[i_] != '\n') {
      const char c = s_[i_];
      if (q != '\0') {
        if (c == '\\' && q == '\'' && i_ + 1 < n_ && s_[i_ + 1] != '\n')
          ++i_;
        else if (c == q)
          q = '\0';
      } else if (c == '\'' || c == '"' || c == '`') {
        q = c;
      } else if (c == '\\') {
        break;
      }
      ++i_;
    }
    std::string_view args = s_.substr(ab, i_ - ab);
    while (!args.empty() && std::isspace(static_cast<unsigned char>(args.front())))
      args.remove_prefix(1);
    while (!args.empty() && std::isspace(static_cast<unsigned char>(args.back())))
      args.remove_suffix(1);
    m.args = std::string(args);
    if (m.name == "\\") return;  // the separator between meta-commands on one line
    if (m.name == "g" || m.name == "gset") {
      if (start_ != npos) {
        end_statement(at, m);
      } else if (last_ != npos) {  // an empty buffer: psql sends the previous statement again
        ScriptItem again = out_[last_];
        again.statement.sent_by = m;
        again.statement.copy_in = false;
        last_ = out_.size();
        out_.push_back(std::move(again));
        if (out_.back().statement.keyword == "COPY") mark_copy(out_.back().statement);
      }
      return;
    }
    if (start_ != npos) cuts_.emplace_back(at, i_);  // psql keeps it out of the query buffer
    ScriptItem item;
    item.is_meta = true;
    item.meta = std::move(m);
    out_.push_back(std::move(item));
  }

  void end_statement(std::size_t end, MetaCommand sent_by) {
    if (start_ == npos) return;
    ScriptItem item;
    Statement& st = item.statement;
    std::size_t e = end;
    if (sent_by.name.empty() && e > start_ && s_[e - 1] == ';') --e;
    while (e > start_ && std::isspace(static_cast<unsigned char>(s_[e - 1])))
      --e;
    st.sql = without_cuts(start_, end);
    st.text = without_cuts(start_, e);
    cuts_.clear();
    if (!sent_by.name.empty()) {
      // psql sends the buffer without the meta-command and its trailing blanks.
      st.sql = st.text;
    }
    st.line = start_line_;
    st.standard_strings = standard_strings_;
    st.combined = combined_;
    st.sent_by = std::move(sent_by);
    const std::string mask = code_mask(st.text, standard_strings_);
    for (std::size_t k = 0; k < mask.size() && (std::isalpha(static_cast<unsigned char>(mask[k])) || mask[k] == '_');
         ++k)
      st.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(mask[k])));
    if (st.keyword.empty() && !mask.empty() && mask[0] == '(') st.keyword = "SELECT";
    start_ = npos;
    if (!st.text.empty()) {
      track_standard_strings(st, mask);
      mark_copy(st);
      last_ = out_.size();
      out_.push_back(std::move(item));
    }
  }

  // The script from `b` to `e` without the meta-commands inside it.
  std::string without_cuts(std::size_t b, std::size_t e) const {
    std::string out;
    for (const auto& [cb, ce] : cuts_) {
      if (cb >= e) break;
      out.append(s_.substr(b, cb - b));
      b = ce;
    }
    if (b < e) out.append(s_.substr(b, e - b));
    return out;
  }

  void mark_copy(Statement& st) {
    if (st.keyword != "COPY") return;
    static const std::regex from_stdin(R"(\bfrom\s+stdin\b)", std::regex::icase);
    if (!std::regex_search(code_mask(st.text, st.standard_strings), from_stdin)) return;
    st.copy_in = true;
    copy_pending_ = true;
    copy_item_ = out_.size();
    // The data starts on the next line; at the end of the script there is none.
    if (i_ >= n_) {
      st.data_begin = st.data_end = n_;
      copy_pending_ = false;
    }
  }

  // At the start of the line after COPY ... FROM STDIN: the data lines up to
  // a line that is only "\.", or the end of the script.
  void read_copy_data() {
    copy_pending_ = false;
    Statement& st = out_[copy_item_].statement;
    st.data_begin = i_;
    while (i_ < n_) {
      std::size_t eol = s_.find('\n', i_);
      const std::size_t stop = eol == npos ? n_ : eol;
      std::string_view l = s_.substr(i_, stop - i_);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l == "\\.") {
        st.data_end = i_;
        i_ = eol == npos ? n_ : eol + 1;
        ++line_;
        return;
      }
      i_ = eol == npos ? n_ : eol + 1;
      ++line_;
    }
    st.data_end = n_;
  }

  void track_standard_strings(const Statement& st, const std::string& mask) {
    if (st.keyword != "SET" && st.keyword != "RESET") return;
    static const std::regex set(R"(^\s*set\s+(session\s+)?standard_conforming_strings\s*(=|\bto\b)\s*'?\s*(\w+))",
                                std::regex::icase);
    static const std::regex reset(R"(^\s*reset\s+(standard_conforming_strings|all)\s*$)", std::regex::icase);
    std::cmatch m;
    if (std::regex_search(st.text.c_str(), m, set)) {
      const std::string v = lower(m[3].str());
      if (v == "off" || v == "false" || v == "no" || v == "0" || v == "of")
        standard_strings_ = false;
      else if (v == "on" || v == "true" || v == "yes" || v == "1" || v == "default")
        standard_strings_ = true;
    } else if (std::regex_search(mask.c_str(), reset)) {
      standard_strings_ = true;
    }
  }

  std::string_view s_;
  std::size_t n_;
  std::size_t i_ = 0;
  int line_ = 1;
  bool standard_strings_ = true;
  std::vector<ScriptItem> out_;
  std::size_t start_ = npos;  // first code character of the statement being read
  int start_line_ = 1;
  int parens_ = 0;
  int begins_ = 0;
  int idents_ = 0;
  char first_[4] = {};
  bool combined_ = false;
  std::vector<std::pair<std::size_t, std::size_t>> cuts_;  // meta-commands inside the statement
  std::size_t last_ = npos;                                // the last statement in out_
  bool copy_pending_ = false;
  std::size_t copy_item_ = 0;
};

}  // namespace

std::vector<ScriptItem> lex_script(std::string_view script) {
  return ScriptLexer(script).run();
}

std::vector<Statement> split_statements(std::string_view script) {
  std::vector<Statement> out;
  for (auto& item : lex_script(script)) {
    if (item.is_meta || !item.statement.sent_by.name.empty()) {
      const MetaCommand& m = item.is_meta ? item.meta : item.statement.sent_by;
      throw usage_error("line " + std::to_string(m.line) + ": psql meta-command \\" + m.name +
                        " is not supported here; pgdba sql runs SQL statements only");
    }
    out.push_back(std::move(item.statement));
  }
  return out;
}

std::string prepare_sql(std::string_view sql, bool standard_strings,
                        const std::function<const std::string*(const std::string&)>& lookup) {
  const std::string mask = code_mask(sql, standard_strings);
  std::string out;
  out.reserve(sql.size());
  const std::size_t n = sql.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = mask[i];
    if (c == '\\' && i + 1 < n && (mask[i + 1] == ';' || mask[i + 1] == ':')) {
      out += mask[i + 1];
      ++i;
      continue;
    }
    if (c != ':' || i + 1 >= n) {
      out += sql[i];
      continue;
    }
    if (mask[i + 1] == ':') {  // a cast
      out += "::";
      ++i;
      continue;
    }
    const char q = sql[i + 1];
    std::size_t b = i + 1;
    std::size_t e = b;
    std::string name;
    bool exists_test = false;
    if (q == '\'' || q == '"') {
      e = b + 1;
      while (e < n && ident_char(sql[e]))
        ++e;
      if (e >= n || sql[e] != q || e == b + 1) {
        out += sql[i];
        continue;
      }
      name = std::string(sql.substr(b + 1, e - b - 1));
      ++e;
    } else if (q == '{' && i + 2 < n && sql[i + 2] == '?') {
      e = b + 2;
      while (e < n && ident_char(sql[e]))
        ++e;
      if (e >= n || sql[e] != '}' || e == b + 2) {
        out += sql[i];
        continue;
      }
      name = std::string(sql.substr(b + 2, e - b - 2));
      exists_test = true;
      ++e;
    } else {
      while (e < n && ident_char(sql[e]))
        ++e;
      if (e == b) {
        out += sql[i];
        continue;
      }
      name = std::string(sql.substr(b, e - b));
    }
    const std::string* v = lookup(name);
    if (exists_test) {
      out += v != nullptr ? "TRUE" : "FALSE";
    } else if (v == nullptr) {
      out.append(sql.substr(i, e - i));
    } else if (q == '\'') {
      out += quote_literal(*v);
    } else if (q == '"') {
      out += '"';
      for (char ch : *v) {
        if (ch == '"') out += '"';
        out += ch;
      }
      out += '"';
    } else {
      out += *v;
    }
    i = e - 1;
  }
  return out;
}

Statement slash_copy_statement(const MetaCommand& m) {
  const std::string where = "line " + std::to_string(m.line) + ": \\copy";
  const std::string& a = m.args;
  // The first FROM or TO outside quotes and parentheses splits what is
  // copied from where.
  std::size_t split = std::string::npos;
  bool from = false;
  int depth = 0;
  char quote = 0;
  const auto word_at = [&](std::size_t i, const char* w) {
    const std::size_t n = std::strlen(w);
    if (a.size() < i + n) return false;
    for (std::size_t k = 0; k < n; ++k)
      if (std::tolower(static_cast<unsigned char>(a[i + k])) != w[k]) return false;
    const bool before = i == 0 || std::isspace(static_cast<unsigned char>(a[i - 1])) || a[i - 1] == ')';
    const bool after = i + n == a.size() || std::isspace(static_cast<unsigned char>(a[i + n])) || a[i + n] == '\'';
    return before && after;
  };
  for (std::size_t i = 0; i < a.size() && split == std::string::npos; ++i) {
    const char c = a[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && i > 0 && (word_at(i, "from") || word_at(i, "to"))) {
      split = i;
      from = std::tolower(static_cast<unsigned char>(c)) == 'f';
    }
  }
  if (split == std::string::npos) throw usage_error(where + " needs FROM or TO: \\copy " + a + "; nothing was run");
  const std::string what = a.substr(0, split);
  std::size_t i = split + (from ? 4 : 2);
  while (i < a.size() && std::isspace(static_cast<unsigned char>(a[i])))
    ++i;
  std::string target;
  if (i < a.size() && a[i] == '\'') {
    for (++i; i < a.size(); ++i) {
      if (a[i] == '\'' && i + 1 < a.size() && a[i + 1] == '\'') {
        target += '\'';
        ++i;
      } else if (a[i] == '\'') {
        ++i;
        break;
      } else {
        target += a[i];
      }
    }
  } else {
    const std::size_t b = i;
    while (i < a.size() && !std::isspace(static_cast<unsigned char>(a[i])))
      ++i;
    std::string word = a.substr(b, i - b);
    for (char& c : word)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "program")
      throw usage_error(where + " ... program runs a shell command: not supported by pgdba sql; nothing was run");
    if (word == "stdin" || word == "pstdin")
      throw usage_error(where + " ... from " + word +
                        " is not supported by pgdba sql: write COPY ... FROM STDIN with the data after it; "
                        "nothing was run");
    if (word == "stdout" || word == "pstdout") word.clear();
    target = word.empty() ? "" : a.substr(b, i - b);
  }
  if (from && target.empty()) throw usage_error(where + " from needs a file; nothing was run");
  Statement st;
  st.keyword = "COPY";
  st.line = m.line;
  st.text = "\\copy " + a;
  st.sql = "COPY " + what + (from ? "FROM STDIN" : "TO STDOUT") + a.substr(i);
  st.copy_in = from;
  st.client_file = target;
  return st;
}

std::vector<std::string> meta_args(std::string_view raw,
                                   const std::function<const std::string*(const std::string&)>& lookup) {
  std::vector<std::string> out;
  const std::size_t n = raw.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && std::isspace(static_cast<unsigned char>(raw[i])))
      ++i;
    if (i >= n) break;
    std::string arg;
    while (i < n && !std::isspace(static_cast<unsigned char>(raw[i]))) {
      const char c = raw[i];
      if (c == '`') throw usage_error("backquoted shell commands in psql meta-commands are not supported");
      if (c == '\'') {
        ++i;
        while (i < n) {
          if (raw[i] == '\'') {
            if (i + 1 < n && raw[i + 1] == '\'') {
              arg += '\'';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (raw[i] == '\\' && i + 1 < n) {
            const char e = raw[i + 1];
            i += 2;
            switch (e) {
              case 'n':
                arg += '\n';
                break;
              case 't':
                arg += '\t';
                break;
              case 'b':
                arg += '\b';
                break;
              case 'r':
                arg += '\r';
                break;
              case 'f':
                arg += '\f';
                break;
              default:
                arg += e;
                break;
            }
            continue;
          }
          arg += raw[i++];
        }
      } else if (c == '"') {
        const std::size_t e = raw.find('"', i + 1);
        const std::size_t stop = e == std::string_view::npos ? n : e + 1;
        arg.append(raw.substr(i, stop - i));
        i = stop;
      } else if (c == ':' && i + 1 < n && raw[i + 1] != ':') {
        const std::size_t close = raw.find_first_of(" \t", i + 1);
        std::string_view rest = raw.substr(i, (close == std::string_view::npos ? n : close) - i);
        // Re-use the SQL interpolation on this one token.
        std::size_t len = 1;
        const char q = raw[i + 1];
        if (q == '{') {
          const std::size_t e = raw.find('}', i);
          len = e == std::string_view::npos ? 1 : e + 1 - i;
        } else if (q == '\'' || q == '"') {
          std::size_t e = i + 2;
          while (e < n && ident_char(raw[e]))
            ++e;
          len = (e < n && raw[e] == q) ? e + 1 - i : 1;
        } else {
          std::size_t e = i + 1;
          while (e < n && ident_char(raw[e]))
            ++e;
          len = e - i;
        }
        rest = raw.substr(i, len);
        arg += len > 1 ? prepare_sql(rest, true, lookup) : std::string(":");
        i += len;
      } else {
        arg += c;
        ++i;
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::optional<bool> parse_psql_bool(std::string_view value) {
  const std::string v = lower(value);
  if (v.empty()) return std::nullopt;
  const auto prefix_of = [&](const char* word) { return std::string_view(word).substr(0, v.size()) == v; };
  if (prefix_of("true") || prefix_of("yes")) return true;
  if (prefix_of("false") || prefix_of("no")) return false;
  if (v.size() >= 2 && prefix_of("on")) return true;
  if (v.size() >= 2 && prefix_of("off")) return false;
  if (v == "1") return true;
  if (v == "0") return false;
  return std::nullopt;
}

}  // namespace pgdba
