#include "commands/data/sql_batch.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <optional>
#include <regex>
#include <set>

#include "commands/data/sql.hpp"
#include "src/csv_reader.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

namespace {

constexpr int kMaxRowsPerChunk = 1000;
constexpr int kMaxBindParameters = 65535;  // the protocol's limit per statement

bool has_param(const std::string& mask, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < mask.size(); ++i) {
    if (mask[i] == '$' && i + 1 < mask.size() && std::isdigit(static_cast<unsigned char>(mask[i + 1]))) return true;
  }
  return false;
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Functions whose result depends only on their arguments (or is fixed for the
// transaction, like now()), so a row may be computed in a multi-row INSERT.
bool stable_function(const std::string& w) {
  static const std::set<std::string> names = {"lower", "upper",     "coalesce", "nullif", "trim",    "btrim",
                                              "ltrim", "rtrim",     "now",      "abs",    "round",   "greatest",
                                              "least", "length",    "concat",   "md5",    "to_date", "to_timestamp",
                                              "cast",  "to_number", "replace",  "substr", "left",    "right"};
  return names.count(w) != 0;
}

bool constant_word(const std::string& w) {
  static const std::set<std::string> words = {
      "null",         "true",           "false",        "default",      "current_timestamp",
      "current_date", "localtimestamp", "current_user", "session_user", "as"};
  return words.count(w) != 0;
}

// Skips a type name after '::' or CAST(... AS: words, dots, [] and a typmod.
std::size_t skip_type(const std::string& m, std::size_t i, std::size_t end) {
  while (i < end) {
    const char c = m[i];
    if (word_char(c) || c == '.' || c == '[' || c == ']' || c == ' ' || c == '\n' || c == '\t') {
      ++i;
    } else if (c == '(') {
      const std::size_t close = m.find(')', i);
      if (close == std::string::npos || close >= end) return i;
      i = close + 1;
    } else {
      break;
    }
  }
  return i;
}

// Whether repeating the VALUES group in one INSERT means exactly what running
// the statement once per row means: the group holds only parameters,
// constants, casts, operators and functions of their arguments. A subquery
// or a volatile function would see (or miss) the earlier rows differently.
bool group_is_rowwise(const std::string& m, std::size_t open, std::size_t close) {
  for (std::size_t i = open + 1; i < close;) {
    const char c = m[i];
    // The E of E'...' is skipped like punctuation: the string follows.
    const bool e_string = (c == 'e' || c == 'E') && i + 1 < close && m[i + 1] == '\'' && !word_char(m[i - 1]);
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ')' || c == '+' || c == '-' || c == '*' ||
        c == '/' || c == '|' || c == '%' || e_string) {
      ++i;
    } else if (c == '\'') {
      const std::size_t q = m.find('\'', i + 1);
      if (q == std::string::npos || q >= close) return false;
      i = q + 1;
    } else if (c == '$' && i + 1 < close && std::isdigit(static_cast<unsigned char>(m[i + 1]))) {
      ++i;
      while (i < close && std::isdigit(static_cast<unsigned char>(m[i])))
        ++i;
    } else if (c == '$') {
      // $tag$ ... $tag$: a dollar-quoted constant (its inside is blanked)
      const std::size_t tag_end = m.find('$', i + 1);
      if (tag_end == std::string::npos || tag_end >= close) return false;
      const std::string tag = m.substr(i, tag_end - i + 1);
      const std::size_t end = m.find(tag, tag_end + 1);
      if (end == std::string::npos || end >= close) return false;
      i = end + tag.size();
    } else if (c == ':' && i + 1 < close && m[i + 1] == ':') {
      i = skip_type(m, i + 2, close);
    } else if (c == '(') {
      // Grouping parentheses, or the call of a function allowed below.
      std::size_t b = i;
      while (b > open && std::isspace(static_cast<unsigned char>(m[b - 1])))
        --b;
      const char prev = m[b - 1];
      if (!(b - 1 == open || prev == '(' || prev == ',' || prev == '+' || prev == '-' || prev == '*' || prev == '/' ||
            prev == '|')) {
        std::size_t w = b;
        while (w > open + 1 && word_char(m[w - 1]))
          --w;
        if (!stable_function(m.substr(w, b - w))) return false;
      }
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (i < close && (word_char(m[i]) || m[i] == '.'))
        ++i;
    } else if (word_char(c)) {
      std::size_t e = i;
      while (e < close && word_char(m[e]))
        ++e;
      const std::string w = m.substr(i, e - i);
      if (!constant_word(w) && !stable_function(w)) return false;
      i = w == "as" ? skip_type(m, e, close) : e;
    } else {
      return false;  // a quoted name, a subscript, anything else
    }
  }
  return true;
}

}  // namespace

BatchPlan plan_batch(const std::string& statement) {
  BatchPlan p;
  p.params = max_parameter(statement);
  const std::string mask = code_mask(statement);
  std::string lower;
  for (char c : mask)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::regex insert_values(R"(^\s*insert\s+into\b[\s\S]*?\bvalues\s*\()");
  std::smatch m;
  if (p.params == 0 || !std::regex_search(lower, m, insert_values)) return p;
  const std::size_t open = static_cast<std::size_t>(m.position(0) + m.length(0)) - 1;
  int depth = 0;
  std::size_t close = std::string::npos;
  for (std::size_t i = open; i < mask.size(); ++i) {
    if (mask[i] == '(') ++depth;
    if (mask[i] == ')' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string::npos) return p;
  // Only one VALUES row, and every parameter inside it.
  std::size_t after = close + 1;
  while (after < lower.size() && std::isspace(static_cast<unsigned char>(lower[after])))
    ++after;
  if (after < lower.size() && lower[after] == ',') return p;
  if (has_param(mask, 0, open) || has_param(mask, close + 1, mask.size())) return p;
  if (!group_is_rowwise(lower, open, close)) return p;
  // ON CONFLICT DO UPDATE cannot touch one row twice in a statement, and
  // RETURNING rows would come back per chunk: both stay row by row.
  static const std::regex rest(R"(^\s*(on\s+conflict\b[\s\S]*\bdo\s+nothing\s*)?$)");
  if (!std::regex_match(lower.substr(close + 1), rest)) return p;
  p.multi_row = true;
  p.group_begin = open;
  p.group_end = close + 1;
  return p;
}

std::string multi_row_statement(const std::string& statement, const BatchPlan& plan, int rows) {
  const std::string group = statement.substr(plan.group_begin, plan.group_end - plan.group_begin);
  const std::string mask = code_mask(group);
  std::string out = statement.substr(0, plan.group_begin);
  for (int r = 0; r < rows; ++r) {
    if (r > 0) out += ", ";
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (mask[i] == '$' && i + 1 < group.size() && std::isdigit(static_cast<unsigned char>(mask[i + 1]))) {
        std::size_t j = i + 1;
        int k = 0;
        while (j < group.size() && std::isdigit(static_cast<unsigned char>(mask[j])))
          k = k * 10 + (mask[j++] - '0');
        out += "$" + std::to_string(k + r * plan.params);
        i = j - 1;
      } else {
        out += group[i];
      }
    }
  }
  out += statement.substr(plan.group_end);
  return out;
}

namespace {

using Row = std::vector<std::optional<std::string>>;

// Chunks go through libpq's pipeline mode: the next chunk is read from
// the CSV and queued while the server still works on earlier ones, so the
// client's work and the round trips hide behind the server's. Each chunk
// runs under its own savepoint; the one that fails is rolled back to its
// start and run again row by row to name the CSV line at fault.
class BatchRunner {
 public:
  BatchRunner(Session& s, const std::string& statement, const SqlOptions& o)
      : s_(s), statement_(statement), o_(o), plan_(plan_batch(statement)) {
    if (plan_.params == 0) throw usage_error("--batch needs a statement with parameters ($1, $2, ...)");
    chunk_rows_ = plan_.multi_row ? std::min(kMaxRowsPerChunk, kMaxBindParameters / plan_.params) : kMaxRowsPerChunk;
  }

  Result run() {
    const auto t0 = std::chrono::steady_clock::now();
    CsvReader reader(o_.batch);
    Row fields;
    if (o_.batch_header) reader.next(fields);
    Transaction tx(s_, "starting the batch transaction");
    // The single-row form finds the bad row when a chunk fails.
    s_.exec("PREPARE pgdba_batch_one AS " + statement_, "preparing the batch statement");
    if (plan_.multi_row) prepare_multi_row(chunk_rows_);
    const auto failure = s_.pipeline(
        [&](PipelineQueue& q) {
          // The chunks older than the window are confirmed: only the
          // unconfirmed ones are kept for finding a failed row.
          while (in_flight_.size() > kWindow + 1) {
            in_flight_.pop_front();
            ++first_in_flight_;
          }
          Chunk c = read_chunk(reader, fields);
          if (c.rows.empty()) return false;
          queue_chunk(q, c);
          in_flight_.push_back(std::move(c));
          return true;
        },
        kWindow, "running the statement");
    if (failure) {
      const Chunk& c = in_flight_[failure->segment - first_in_flight_];
      if (failure->error.kind == ErrorKind::Connect) throw failure->error;
      s_.exec("ROLLBACK TO SAVEPOINT pgdba_chunk", "finding the failed row");
      locate_failure(c, failure->error);
    }
    s_.exec("DEALLOCATE pgdba_batch_one", "cleaning up");
    tx.commit("committing the batch");
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Table t("batch", {Column{"rows", Kind::Integer, Kind::Text}, Column{"chunks", Kind::Integer, Kind::Text},
                      Column{"method", Kind::Text, Kind::Text}, Column{"seconds", Kind::Seconds, Kind::Text}});
    t.add_row({std::to_string(rows_), std::to_string(chunks_),
               std::string(plan_.multi_row ? "multi-row insert" : "prepared execute"), std::to_string(secs)});
    return {t};
  }

 private:
  static constexpr std::size_t kWindow = 4;  // chunks waiting for results

  struct Chunk {
    std::vector<Row> rows;
    std::vector<long> lines;
  };

  Chunk read_chunk(CsvReader& reader, Row& fields) {
    Chunk c;
    while (static_cast<int>(c.rows.size()) < chunk_rows_ && reader.next(fields)) {
      // An empty line (one NULL field) is a stray newline, unless the
      // statement takes exactly one parameter and it means NULL.
      if (fields.size() == 1 && !fields[0] && plan_.params != 1) continue;
      if (static_cast<int>(fields.size()) != plan_.params) {
        throw usage_error(o_.batch + ": line " + std::to_string(reader.line()) + " has " +
                          std::to_string(fields.size()) + " field(s); the statement takes " +
                          std::to_string(plan_.params) + " parameter(s)");
      }
      c.rows.push_back(fields);
      c.lines.push_back(reader.line());
    }
    return c;
  }

  static std::string multi_row_name(int rows) { return "pgdba_batch_" + std::to_string(rows); }

  void prepare_multi_row(int rows) {
    s_.exec("PREPARE " + multi_row_name(rows) + " AS " + multi_row_statement(statement_, plan_, rows),
            "preparing the batch statement");
  }

  void queue_chunk(PipelineQueue& q, const Chunk& c) {
    const int n = static_cast<int>(c.rows.size());
    q.exec("SAVEPOINT pgdba_chunk");
    Params params;
    if (plan_.multi_row) {
      // Only the last chunk is shorter; its statement is prepared in line.
      if (n != chunk_rows_) {
        q.exec("PREPARE " + multi_row_name(n) + " AS " + multi_row_statement(statement_, plan_, n));
      }
      params.reserve(c.rows.size() * static_cast<std::size_t>(plan_.params));
      for (const auto& row : c.rows)
        for (const auto& f : row)
          params.push_back(f ? f->c_str() : nullptr);
      q.exec_prepared(multi_row_name(n), params);
    } else {
      for (const auto& row : c.rows) {
        params.clear();
        for (const auto& f : row)
          params.push_back(f ? f->c_str() : nullptr);
        q.exec_prepared("pgdba_batch_one", params);
      }
    }
    q.exec("RELEASE SAVEPOINT pgdba_chunk");
    rows_ += n;
    ++chunks_;
  }

  static std::string execute_one(const Row& row) {
    std::string sql = "EXECUTE pgdba_batch_one(";
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += row[i] ? quote_literal(*row[i]) : "NULL";
    }
    return sql + ")";
  }

  // Runs the failed chunk again row by row to name the CSV line at fault.
  [[noreturn]] void locate_failure(const Chunk& c, const Error& original) {
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      try {
        s_.exec(execute_one(c.rows[i]), "");
      } catch (const Error& e) {
        throw with_prefix(e, o_.batch + ": line " + std::to_string(c.lines[i]), "; nothing was committed");
      }
    }
    throw with_prefix(
        original,
        o_.batch + ": rows at lines " + std::to_string(c.lines.front()) + "-" + std::to_string(c.lines.back()),
        "; nothing was committed");
  }

  Session& s_;
  const std::string& statement_;
  const SqlOptions& o_;
  BatchPlan plan_;
  int chunk_rows_ = 0;
  long rows_ = 0;
  long chunks_ = 0;
  std::deque<Chunk> in_flight_;
  std::size_t first_in_flight_ = 0;  // the segment index of in_flight_.front()
};

}  // namespace

Result run_batch(Context&, Session& s, const std::string& statement, const SqlOptions& o) {
  return BatchRunner(s, statement, o).run();
}

}  // namespace pgdba
