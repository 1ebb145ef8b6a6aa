// copy in, copy out: COPY between a table (or a query) and a file or the
// standard streams, at the speed of the protocol: the data passes through
// one fixed buffer, never whole in memory, and is never parsed by pgdba.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "commands/objects/relation.hpp"
#include "src/command.hpp"
#include "src/durable.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/progress.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

constexpr std::size_t kBuffer = std::size_t{256} * 1024;
// What copy in sends per CopyData message. Small messages keep the server
// parsing while the next leaves: measured on 1M text rows, 256 kB chunks
// loaded 1.19x slower than psql's \copy, 64 kB 1.11x, 16 kB on par.
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

struct CopyOptions {
  std::string table;
  std::string query;  // copy out --query
  std::vector<std::string> columns;
  std::string file;  // --from / --to
  std::string format = "csv";
  bool header = false;
  std::string delimiter, quote, null, encoding;
  bool has_delimiter = false, has_quote = false, has_null = false;
  std::string where;  // copy in
  bool out = false;

  void validate() const {
    if (out) {
      if (table.empty() == query.empty()) throw usage_error("give exactly one of TABLE or --query SQL");
      if (!query.empty() && !columns.empty()) throw usage_error("--columns applies to a TABLE, not to --query");
      if (file.empty()) throw usage_error("--to FILE is required (- for standard output)");
    } else {
      if (table.empty()) throw usage_error("copy in needs the TABLE to load");
      if (file.empty()) throw usage_error("--from FILE is required (- for standard input)");
    }
    if (format == "binary") {
      if (header) throw usage_error("--header applies to csv and text, not binary");
      if (!delimiter.empty() || !quote.empty() || !null.empty())
        throw usage_error("--delimiter, --quote and --null apply to csv and text, not binary");
    }
    if (!quote.empty() && format != "csv") throw usage_error("--quote applies to --format csv only");
    if (!delimiter.empty() && delimiter.size() != 1) throw usage_error("--delimiter must be one single-byte character");
    if (!quote.empty() && quote.size() != 1) throw usage_error("--quote must be one single-byte character");
  }
};

// WITH (FORMAT ..., HEADER ..., ...): every value a quoted literal.
std::string copy_options(const CopyOptions& o, bool given_null) {
  std::string w = " WITH (FORMAT " + quote_ident(o.format);
  if (o.header) w += ", HEADER true";
  if (!o.delimiter.empty()) w += ", DELIMITER " + quote_literal(o.delimiter);
  if (!o.quote.empty()) w += ", QUOTE " + quote_literal(o.quote);
  if (given_null) w += ", NULL " + quote_literal(o.null);
  if (!o.encoding.empty()) w += ", ENCODING " + quote_literal(o.encoding);
  w += ")";
  return w;
}

std::string column_list(const std::vector<std::string>& columns) {
  if (columns.empty()) return "";
  std::string l = " (";
  for (std::size_t i = 0; i < columns.size(); ++i)
    l += (i == 0 ? "" : ", ") + quote_ident(columns[i]);
  return l + ")";
}

Table summary(const std::string& object, std::uint64_t rows, std::uint64_t bytes, double seconds) {
  Table t("result", {Column{"table", Kind::Text, Kind::Text}, Column{"rows", Kind::Integer, Kind::Text},
                     Column{"bytes", Kind::Bytes, Kind::Text}, Column{"seconds", Kind::Seconds, Kind::Text}});
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", seconds);
  t.add_row({object, std::to_string(rows), std::to_string(bytes), std::string(secs)});
  return t;
}

// Reads `fd` in fixed chunks for Session::copy_in.
class Reader {
 public:
  Reader(int fd, std::string name) : fd_(fd), name_(std::move(name)), buf_(kReadChunk) {}
  bool next(std::string_view& chunk) {
    for (;;) {
      const ssize_t n = read(fd_, buf_.data(), buf_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw failure("cannot read " + name_ + ": " + std::strerror(errno));
      if (n == 0) return false;
      bytes += static_cast<std::uint64_t>(n);
      chunk = std::string_view(buf_.data(), static_cast<std::size_t>(n));
      return true;
    }
  }
  std::uint64_t bytes = 0;

 private:
  int fd_;
  std::string name_;
  std::vector<char> buf_;
};

// Collects copy_out's rows into one buffer and writes it out when full.
class CopyWriter {
 public:
  CopyWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) { buf_.reserve(kBuffer + 65536); }
  void add(std::string_view row) {
    if (buf_.size() + row.size() > kBuffer && !buf_.empty()) flush();
    if (row.size() > kBuffer) {
      write_all(row.data(), row.size());
    } else {
      buf_.append(row.data(), row.size());
    }
    bytes += row.size();
  }
  void flush() {
    write_all(buf_.data(), buf_.size());
    buf_.clear();
  }
  std::uint64_t bytes = 0;

 private:
  void write_all(const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw failure("cannot write " + name_ + ": " + std::strerror(errno));
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  int fd_;
  std::string name_;
  std::string buf_;
};

// "1.2 GB of 3.4 GB (35%)", or "1.2 GB" when the total is not known (a pipe).
std::string progress_text(std::uint64_t done, std::uint64_t total) {
  std::string t = format_size(static_cast<double>(done));
  if (total > 0) {
    t += " of " + format_size(static_cast<double>(total)) + " (" +
         std::to_string(static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total))) + "%)";
  }
  return t;
}

std::string shown_file(const std::string& file, bool in) {
  if (file == "-") return in ? "standard input" : "standard output";
  return "\"" + file + "\"";
}

// Line `n` (1-based) of a text file, cut to 200 bytes; nullopt if it has fewer.
std::optional<std::string> line_of(const std::string& path, unsigned long n) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (unsigned long i = 1; std::getline(in, line); ++i) {
    if (i < n) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
  }
  return std::nullopt;
}

// A bad line: the server's message names it (COPY t, line N...); from a
// file the line itself is added, so the user sees what to fix.
Error explain_bad_line(Error e, const CopyOptions& o) {
  static const std::regex line_no(R"(\(COPY [^)]*, line ([0-9]+))");
  std::smatch m;
  const std::string msg = e.what();
  if (o.file == "-" || o.format == "binary" || !std::regex_search(msg, m, line_no)) return e;
  const auto content = line_of(o.file, std::stoul(m[1].str()));
  if (!content) return e;
  const std::string shown = "line " + m[1].str() + " of " + shown_file(o.file, true) + ": " + *content;
  e.detail = e.detail.empty() ? shown : e.detail + "; " + shown;
  return e;
}

Result copy_in(Unit& u, const CopyOptions& o) {
  Context& ctx = u.ctx();
  Session& s = u.session();
  const RelationRef rel = require_relation(u, o.table, "rpfv", "table");
  std::string sql = "COPY " + rel.qualified() + column_list(o.columns);
  sql += " FROM STDIN";
  sql += copy_options(o, o.has_null);
  if (!o.where.empty()) sql += " WHERE " + user_sql(o.where);

  int fd = STDIN_FILENO;
  if (o.file != "-") {
    fd = open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw failure("cannot open " + shown_file(o.file, true) + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd != STDIN_FILENO) close(fd);
    }
  } closer{fd};
  const std::string audited = sql + " -- from " + (o.file == "-" ? std::string("standard input") : o.file);
  if (ctx.dry_run()) {
    ctx.plan(sql);
    ctx.record_audit(s, audited, "dry-run");
    return {};
  }
  Reader reader(fd, shown_file(o.file, true));
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t rows = 0;
  ProgressLine progress(ctx.options().quiet);
  struct stat st {};
  const std::uint64_t total = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
  const std::string into = "copying into " + rel.qualified();
  try {
    // One COPY is one statement: a bad line anywhere loads nothing.
    rows = s.copy_in(
        sql,
        [&](std::string_view& chunk) {
          if (progress.due()) progress.show(into + ": " + progress_text(reader.bytes, total));
          return reader.next(chunk);
        },
        into);
    progress.clear();
  } catch (const Error& e) {
    ctx.record_audit(s, audited, std::string("error: ") + e.what());
    if (e.kind == ErrorKind::Connect) throw;
    throw explain_bad_line(e, o);
  }
  ctx.record_audit(s, audited, "ok");
  return {summary(rel.schema + "." + rel.name, rows, reader.bytes, seconds_since(t0))};
}

// COPY ... TO STDOUT into `fd`; returns rows and bytes.
std::pair<std::uint64_t, std::uint64_t> copy_to_fd(Session& s, const std::string& sql, int fd, const std::string& name,
                                                   const std::string& what, bool quiet) {
  CopyWriter w(fd, name);
  ProgressLine progress(quiet);
  std::uint64_t seen = 0;
  const std::uint64_t rows = s.copy_out(
      sql,
      [&](std::string_view row) {
        w.add(row);
        // The clock is read every 4096 rows only: rows arrive by the million.
        if ((++seen & 4095U) == 0 && progress.due())
          progress.show(what + ": " + format_size(static_cast<double>(w.bytes)) + ", " + std::to_string(seen) +
                        " rows");
      },
      what);
  progress.clear();
  w.flush();
  return {rows, w.bytes};
}

// The file appears under its name only once complete and on disk.
std::pair<std::uint64_t, std::uint64_t> copy_to_file(Session& s, const std::string& sql, const std::string& path,
                                                     const std::string& what, bool quiet) {
  std::pair<std::uint64_t, std::uint64_t> done;
  write_stream_atomic(path, [&](int fd) { done = copy_to_fd(s, sql, fd, "\"" + path + "\"", what, quiet); });
  return done;
}

void copy_out(Context& ctx, const VerbRecord& rec, const CopyOptions& o) {
  o.validate();
  if (!ctx.targets().empty()) throw usage_error("copy runs on one database; it cannot be combined with targets");
  Unit u(ctx, rec, "", "", nullptr);
  Session& s = u.session();
  std::string sql;
  std::string object;
  if (!o.query.empty()) {
    sql = "COPY " + user_sql(o.query);
    object = "(query)";
  } else {
    const RelationRef rel = require_relation(u, o.table, "rpfvm", "table");
    object = rel.schema + "." + rel.name;
    if (rel.kind == 'r') {
      sql = "COPY " + rel.qualified() + column_list(o.columns);
    } else {
      // Views, partitioned tables, foreign tables, materialized views:
      // COPY TO reads plain tables only.
      std::string cols = "*";
      if (!o.columns.empty()) {
        cols.clear();
        for (const auto& c : o.columns)
          cols += (cols.empty() ? "" : ", ") + quote_ident(c);
      }
      sql = "COPY (SELECT ";
      sql += cols;
      sql += " FROM " + quote_qualified(rel.schema, rel.name) + ")";
    }
  }
  sql += " TO STDOUT";
  sql += copy_options(o, o.has_null);
  const std::string what = o.query.empty() ? "copying from " + object : std::string("copying the query");
  const auto t0 = std::chrono::steady_clock::now();
  const auto [rows, bytes] = o.file == "-"
                                 ? copy_to_fd(s, sql, STDOUT_FILENO, "standard output", what, ctx.options().quiet)
                                 : copy_to_file(s, sql, o.file, what, ctx.options().quiet);
  const Result r{summary(object, rows, bytes, seconds_since(t0))};
  if (o.file == "-") {
    // The data is on standard output: the summary goes to standard error,
    // in the format asked for.
    auto err = make_renderer(ctx.render_options(), stderr);
    emit_result(r, *err);
  } else {
    ctx.emit(r);
  }
}

const char* const kWhereHelp =
    "SQL condition: only rows for which it is true are loaded (your own SQL, sent as written)";

template <class V>
void common_options(V& v, CopyOptions* o, const std::string& dir) {
  v.option("--columns", &o->columns, "columns to " + dir + ", comma-separated (default: all, in table order)")
      .option("--format", &o->format, "csv (default), text or binary: COPY's formats")
      .choices({"csv", "text", "binary"})
      .flag("--header", &o->header, "the first line is a header line (csv; text on PostgreSQL 15+)")
      .option("--delimiter", &o->delimiter, "field separator, one character (default: comma for csv, tab for text)")
      .option("--quote", &o->quote, "csv quoting character (default \")")
      .option("--null", &o->null, "the string that means NULL (default: empty unquoted field for csv, \\N for text)")
      .option("--encoding", &o->encoding, "the file's encoding (default: the client encoding)");
}

}  // namespace

void register_copy(CommandTable& table) {
  Noun copy = table.noun("copy", "COPY between tables and files: in, out (csv, text, binary; streamed)");

  auto in = std::make_shared<CopyOptions>();
  Verb vin = copy.raw("in",
                      "Load a file into a table with COPY FROM, all or nothing (one statement: a bad line loads "
                      "nothing and is named)",
                      {Need::User, Effect::Change});
  const VerbRecord* rin = &vin.record();
  vin.arg("table", &in->table, "table to load (schema.table as SQL spells it)")
      .option("--from", &in->file, "file to read, - for standard input");
  common_options(vin, in.get(), "load");
  vin.option("--where", &in->where, kWhereHelp).run([in, rin](Context& ctx) {
    in->has_null = rin->given && rin->given("--null");
    in->validate();
    if (!ctx.targets().empty()) throw usage_error("copy runs on one database; it cannot be combined with targets");
    in->columns = split_names(in->columns, "column");
    run_verb(ctx, *rin, [&](Unit& u) { return copy_in(u, *in); });
  });

  auto out = std::make_shared<CopyOptions>();
  out->out = true;
  Verb vout = copy.raw("out",
                       "Write a table or a query to a file with COPY TO: streamed, the file replaced only when "
                       "complete; with --to - the summary goes to standard error",
                       {Need::User, Effect::Read});
  const VerbRecord* rout = &vout.record();
  vout.arg("table", &out->table, "table, view or materialized view to write (schema.table)", false)
      .option("--query", &out->query, "a query to write instead of a table (your own SQL, sent as written)")
      .option("--to", &out->file, "file to write, - for standard output");
  common_options(vout, out.get(), "write");
  vout.run([out, rout](Context& ctx) {
    out->has_null = rout->given && rout->given("--null");
    out->columns = split_names(out->columns, "column");
    copy_out(ctx, *rout, *out);
  });
}

}  // namespace pgdba
