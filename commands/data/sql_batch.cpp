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
#include "src/sql_catalog.hpp"
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

// The trimmed pieces of mask[from, to) between top-level commas.
std::vector<std::pair<std::size_t, std::size_t>> split_top_level(const std::string& mask, std::size_t from,
                                                                 std::size_t to) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  int depth = 0;
  std::size_t start = from;
  const auto add = [&](std::size_t b, std::size_t e) {
    while (b < e && std::isspace(static_cast<unsigned char>(mask[b])))
      ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(mask[e - 1])))
      --e;
    out.emplace_back(b, e);
  };
  for (std::size_t i = from; i < to; ++i) {
    if (mask[i] == '(') ++depth;
    if (mask[i] == ')') --depth;
    if (mask[i] == ',' && depth == 0) {
      add(start, i);
      start = i + 1;
    }
  }
  add(start, to);
  return out;
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
  // The table and its column list, which the server checks.
  static const std::regex head(
      R"re(^\s*insert\s+into\s+((?:"[^"]*"|[a-z_][a-z0-9_$]*)(?:\s*\.\s*(?:"[^"]*"|[a-z_][a-z0-9_$]*)){0,2})\s*(?:\(([^()]*)\))?\s*values\s*\($)re");
  std::smatch h;
  const std::string head_text = lower.substr(0, open + 1);
  if (!std::regex_match(head_text, h, head)) return p;
  p.multi_row = true;
  p.group_begin = open;
  p.group_end = close + 1;
  p.target = statement.substr(static_cast<std::size_t>(h.position(1)), static_cast<std::size_t>(h.length(1)));
  if (h[2].matched) {
    static const std::regex name(R"re(^(?:"[^"]*"|[a-z_][a-z0-9_$]*)$)re");
    for (const auto& [b, e] : split_top_level(lower, static_cast<std::size_t>(h.position(2)),
                                              static_cast<std::size_t>(h.position(2) + h.length(2)))) {
      if (!std::regex_match(lower.substr(b, e - b), name)) {
        p.columns.clear();  // a subscript or a field: no COPY
        return p;
      }
      p.columns.push_back(statement.substr(b, e - b));
    }
  }
  // Bare parameters only, each once, nothing after the group.
  if (!std::all_of(lower.begin() + static_cast<std::ptrdiff_t>(close) + 1, lower.end(),
                   [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
    return p;
  }
  std::vector<int> at;
  std::set<int> seen;
  static const std::regex bare(R"(^\$([0-9]+)$)");
  for (const auto& [b, e] : split_top_level(lower, open + 1, close)) {
    std::smatch pm;
    const std::string item = lower.substr(b, e - b);
    if (!std::regex_match(item, pm, bare)) return p;
    const int k = std::stoi(pm[1]);
    if (!seen.insert(k).second) return p;
    at.push_back(k);
  }
  if (static_cast<int>(at.size()) != p.params || (!p.columns.empty() && p.columns.size() != at.size())) return p;
  p.copy_params = at;
  return p;
}

std::string copy_statement(const BatchPlan& plan, const std::vector<std::string>& columns) {
  std::vector<std::string> in_order(plan.copy_params.size());
  for (std::size_t i = 0; i < plan.copy_params.size() && i < columns.size(); ++i)
    in_order[static_cast<std::size_t>(plan.copy_params[i] - 1)] = columns[i];
  std::string sql = "COPY " + plan.target + " (";
  for (std::size_t i = 0; i < in_order.size(); ++i)
    sql += (i > 0 ? ", " : "") + in_order[i];
  return sql + ") FROM STDIN";
}

std::string identifier_name(const std::string& written) {
  if (written.size() >= 2 && written.front() == '"' && written.back() == '"') {
    std::string name;
    for (std::size_t i = 1; i + 1 < written.size(); ++i) {
      name += written[i];
      if (written[i] == '"') ++i;  // "" stands for one "
    }
    return name;
  }
  std::string name = written;
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name;
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
  }

  Result run() {
    const auto t0 = std::chrono::steady_clock::now();
    CsvReader reader(o_.batch);
    Row fields;
    if (o_.batch_header) reader.next(fields);
    Transaction tx(s_, "starting the batch transaction");
    // The single-row form finds the bad row when a chunk fails.
    s_.exec("PREPARE pgdba_batch_one AS " + statement_, "preparing the batch statement");
    choose_method();
    if (!copy_sql_.empty()) {
      run_copy(reader, fields);
    } else {
      run_pipeline(reader, fields);
    }
    s_.exec("DEALLOCATE pgdba_batch_one", "cleaning up");
    tx.commit("committing the batch");
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Table t("batch", {Column{"rows", Kind::Integer, Kind::Text}, Column{"chunks", Kind::Integer, Kind::Text},
                      Column{"method", Kind::Text, Kind::Text}, Column{"seconds", Kind::Seconds, Kind::Text}});
    const std::string method = !copy_sql_.empty() ? "copy" : plan_.multi_row ? "multi-row insert" : "prepared execute";
    t.add_row({std::to_string(rows_), std::to_string(chunks_), method, std::to_string(secs)});
    return {t};
  }

 private:
  static constexpr std::size_t kWindow = 4;  // chunks waiting for results
  // A COPY per chunk: each statement costs a few milliseconds more than the
  // data alone, and a failed chunk is run again row by row.
  static constexpr std::size_t kCopyRows = 100000;
  static constexpr std::size_t kCopyBytes = 16 << 20;

  struct Chunk {
    std::vector<Row> rows;
    std::vector<long> lines;
  };

  // Set-based only where the server says it keeps the per-row meaning; COPY
  // where the INSERT is bare parameters into columns COPY writes the same.
  void choose_method() {
    if (plan_.multi_row) {
      const Rows cols = s_.exec(sql_text("data/batch_target"), {plan_.target.c_str()}, "looking up the batch's table");
      if (cols.empty() || cols[0]["set_based"].str() != "t") {
        plan_.multi_row = false;
      } else if (!plan_.copy_params.empty() && cols[0]["copy"].str() == "t") {
        std::vector<std::string> at;  // the column at each VALUES position
        bool identity = false;
        const std::size_t n = plan_.copy_params.size();
        for (std::size_t i = 0; i < cols.size(); ++i) {
          const bool always = cols[i]["always_identity"].str() == "t";
          if (plan_.columns.empty() && i < n) {
            at.push_back(cols[i]["quoted"].str());
            identity = identity || always;
          }
          for (const auto& c : plan_.columns)
            identity = identity || (always && cols[i]["name"].str() == identifier_name(c));
        }
        if (!plan_.columns.empty()) at = plan_.columns;
        if (at.size() == n && !identity) copy_sql_ = copy_statement(plan_, at);
      }
    }
    chunk_rows_ = plan_.multi_row ? std::min(kMaxRowsPerChunk, kMaxBindParameters / plan_.params) : kMaxRowsPerChunk;
  }

  // COPY text format: tab-separated, \N for NULL, backslash escapes.
  static void encode(const Row& row, std::string& out) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += '\t';
      if (!row[i]) {
        out += "\\N";
        continue;
      }
      for (char ch : *row[i]) {
        switch (ch) {
          case '\\':
            out += "\\\\";
            break;
          case '\t':
            out += "\\t";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          default:
            out += ch;
        }
      }
    }
    out += '\n';
  }

  // COPY in chunks of up to kCopyRows rows or kCopyBytes of data, each
  // under its savepoint. The CSV is read as the data goes out, so the server
  // loads while pgdba reads; a chunk keeps only its encoded data and line
  // numbers, decoded again only to find a failed row.
  void run_copy(CsvReader& reader, Row& fields) {
    for (bool more = true; more;) {
      std::string data;
      std::vector<long> lines;
      std::size_t sent = 0;
      Savepoint chunk_start(s_, "pgdba_chunk", "starting a chunk");
      try {
        s_.copy_in(
            copy_sql_,
            [&](std::string_view& out) {
              while (more && data.size() - sent < 65536 && lines.size() < kCopyRows && data.size() < kCopyBytes) {
                more = read_row(reader, fields);
                if (!more) break;
                encode(fields, data);
                lines.push_back(reader.line());
              }
              out = std::string_view(data).substr(sent);
              sent = data.size();
              return !out.empty();
            },
            "loading rows");
      } catch (const Error& e) {
        if (e.kind == ErrorKind::Connect || e.kind == ErrorKind::Usage || lines.empty()) throw;
        chunk_start.rollback("finding the failed row");
        locate_failure(decode(data, lines), e);
      }
      chunk_start.release("ending a chunk");
      rows_ += static_cast<long>(lines.size());
      if (!lines.empty()) ++chunks_;
    }
  }

  // The rows of COPY text `data` again, with their lines.
  static Chunk decode(const std::string& data, const std::vector<long>& lines) {
    Chunk c;
    c.lines = lines;
    Row row;
    std::optional<std::string> field = std::string();
    for (std::size_t i = 0; i < data.size(); ++i) {
      const char ch = data[i];
      if (ch == '\t' || ch == '\n') {
        row.push_back(std::move(field));
        field = std::string();
        if (ch == '\n') {
          c.rows.push_back(std::move(row));
          row.clear();
        }
      } else if (ch == '\\' && i + 1 < data.size()) {
        const char e = data[++i];
        if (e == 'N') {
          field.reset();
        } else {
          *field += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
        }
      } else {
        *field += ch;
      }
    }
    return c;
  }

  void run_pipeline(CsvReader& reader, Row& fields) {
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
  }

  // Reads the next row into `fields`, checked; false at the end of the file.
  bool read_row(CsvReader& reader, Row& fields) {
    while (reader.next(fields)) {
      // An empty line (one NULL field) is a stray newline, unless the
      // statement takes exactly one parameter and it means NULL.
      if (fields.size() == 1 && !fields[0] && plan_.params != 1) continue;
      if (static_cast<int>(fields.size()) != plan_.params) {
        throw usage_error(o_.batch + ": line " + std::to_string(reader.line()) + " has " +
                          std::to_string(fields.size()) + " field(s); the statement takes " +
                          std::to_string(plan_.params) + " parameter(s)");
      }
      return true;
    }
    return false;
  }

  Chunk read_chunk(CsvReader& reader, Row& fields) {
    Chunk c;
    while (static_cast<int>(c.rows.size()) < chunk_rows_ && read_row(reader, fields)) {
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

  // As EXECUTE text: Session::exec_prepared reaches only statements made
  // by Session::prepare, and this one was made with PREPARE for the pipeline.
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
  std::string copy_sql_;  // set when the rows go through COPY
  std::deque<Chunk> in_flight_;
  std::size_t first_in_flight_ = 0;  // the segment index of in_flight_.front()
};

}  // namespace

Result run_batch(Context&, Session& s, const std::string& statement, const SqlOptions& o) {
  return BatchRunner(s, statement, o).run();
}

}  // namespace pgdba
