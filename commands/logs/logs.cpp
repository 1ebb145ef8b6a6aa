// logs list|show|tail: the server log read through the connection, parsed
// into entries (time, pid, user, database, level, sqlstate, message, detail,
// ...) from stderr (with log_line_prefix), csvlog or jsonlog files.
#include <regex.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "commands/logs/log_parse.hpp"
#include "commands/logs/log_source.hpp"
#include "src/cancel.hpp"
#include "src/command.hpp"
#include "src/context.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/reconnect.hpp"
#include "src/render.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

constexpr long long kChunk = 4 << 20;  // bytes per pg_read_binary_file call

struct LogOptions {
  std::string file;        // show: one file of `logs list`
  std::string level;       // this level and above
  std::string since;       // a duration: entries newer than this
  std::string grep;        // POSIX extended regular expression
  std::string log_format;  // stderr, csvlog, jsonlog; "" = what the server writes
  int lines = 10;          // tail
  bool follow = false;     // tail
  std::string timeout;     // tail --follow: stop after this long

  std::optional<double> since_seconds() const {
    if (since.empty()) return std::nullopt;
    return parse_duration("--since", since);
  }
  void validate() const {
    if (!level.empty() && log_level_rank(level) < 0)
      throw usage_error("--level: unknown level \"" + level +
                        "\" (DEBUG5..DEBUG1, INFO, LOG, NOTICE, WARNING, ERROR, FATAL, PANIC)");
    since_seconds();
    if (!timeout.empty()) parse_duration("--timeout", timeout);
    if (!timeout.empty() && !follow) throw usage_error("--timeout goes with --follow");
    if (lines < 0) throw usage_error("--lines must be 0 or more");
    if (file.find('/') != std::string::npos || file == "." || file == "..")
      throw usage_error("FILE is a name from `pgdba logs list`, not a path: \"" + file + "\"");
  }
};

// --grep, compiled once: POSIX ERE (grep -E), which has no recursion limit to
// hit on a long logged statement as std::regex does.
class Pattern {
 public:
  explicit Pattern(const std::string& re) {
    if (re.empty()) return;
    const int rc = regcomp(&re_, re.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char buf[256];
      regerror(rc, &re_, buf, sizeof buf);
      throw usage_error("--grep: " + std::string(buf) + ": " + re);
    }
    compiled_ = true;
  }
  ~Pattern() {
    if (compiled_) regfree(&re_);
  }
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;
  bool matches(const LogEntry& e) const {
    if (!compiled_) return true;
    for (const std::string* part : {&e.message, &e.detail, &e.hint, &e.context, &e.statement})
      if (!part->empty() && regexec(&re_, part->c_str(), 0, nullptr, 0) == 0) return true;
    return false;
  }

 private:
  regex_t re_{};
  bool compiled_ = false;
};

// What --level, --since and --grep keep. The log is in time order, so once
// one entry is inside the --since window every later one is (lines that
// carry no time of their own follow the entry before them).
class Filter {
 public:
  Filter(const LogOptions& o, const LogSettings& settings)
      : min_rank_(o.level.empty() ? -1 : log_level_rank(o.level)),
        in_window_(o.since.empty()),
        since_time_(settings.since_time),
        since_epoch_(settings.since_epoch),
        pattern_(o.grep) {}

  bool keep(const LogEntry& e) {
    if (!in_window_ && !e.time.empty()) in_window_ = after_cutoff(e.time);
    if (!in_window_) return false;
    if (min_rank_ >= 0 && log_level_rank(e.level) < min_rank_) return false;
    return pattern_.matches(e);
  }

 private:
  bool after_cutoff(const std::string& t) const {
    if (t.find('-') == std::string::npos) {  // %n: seconds since the epoch
      try {
        return std::stod(t) >= since_epoch_;
      } catch (const std::exception&) {
        return true;
      }
    }
    // "YYYY-MM-DD HH:MM:SS[.mmm] TZ" against the cut-off in the same zone.
    const std::size_t n = t.size() > 19 && t[19] == '.' ? 23 : 19;
    return t.compare(0, n, since_time_, 0, n) >= 0;
  }

  int min_rank_;
  bool in_window_;
  std::string since_time_;
  double since_epoch_;
  Pattern pattern_;
};

// Long texts are cut in tables for people (whole in JSON and CSV).
std::vector<Column> log_columns() {
  std::vector<Column> cols;
  for (const char* n : {"time", "pid", "user", "database", "level", "sqlstate", "message", "detail", "hint", "context",
                        "statement", "application", "client", "backend_type", "file"})
    cols.push_back(Column{n, std::string(n) == "pid" ? Kind::Integer : Kind::Text, Kind::Text});
  cols[6].max_width = 100;
  for (std::size_t i = 7; i <= 10; ++i)
    cols[i].max_width = 40;
  return cols;
}

// The fields in log_columns()' order; a field the format or the prefix does
// not carry is null, not "".
std::vector<std::optional<std::string>> entry_row(const LogEntry& e, const std::string& file) {
  std::vector<std::optional<std::string>> row;
  for (const std::string* f : {&e.time, &e.pid, &e.user, &e.database, &e.level, &e.sqlstate, &e.message, &e.detail,
                               &e.hint, &e.context, &e.statement, &e.application, &e.client, &e.backend_type, &file})
    row.push_back(f->empty() ? std::nullopt : std::optional<std::string>(*f));
  // "[unknown]" is what the server writes before authentication.
  if (row[1] && row[1]->find_first_not_of("0123456789") != std::string::npos) row[1].reset();
  return row;
}

// The format to read: the one asked for, or the most structured the server
// writes now (jsonlog, then csvlog, then stderr).
LogFormat pick_format(const LogOptions& o, const std::vector<LogFile>& files, const LogSettings& settings) {
  if (!o.log_format.empty()) {
    for (LogFormat f : {LogFormat::Stderr, LogFormat::Csv, LogFormat::Json})
      if (o.log_format == log_format_name(f)) return f;
  }
  for (LogFormat f : {LogFormat::Json, LogFormat::Csv, LogFormat::Stderr})
    for (const auto& file : files)
      if (file.current && file.format == f) return f;
  throw failure("the server writes no log file now (log_destination = '" + settings.destination + "')");
}

// Reads `path` from `offset` to its end (as far as it is written now),
// feeding entries to `each`. `carry` holds the bytes of an entry that may
// go on; `final` parses it anyway. Returns the new offset, or -1 when the
// file is gone.
template <class Each>
long long read_to_end(Session& s, const std::string& path, long long offset, LogParser& parser, std::string& carry,
                      bool final, Each&& each) {
  std::vector<LogEntry> entries;
  for (;;) {
    cancel::check();
    const auto data = read_log_bytes(s, path, offset, kChunk);
    if (!data) return -1;
    offset += static_cast<long long>(data->size());
    carry += *data;
    const bool at_end = static_cast<long long>(data->size()) < kChunk;
    const bool whole = at_end && (final || (!carry.empty() && carry.back() == '\n'));
    carry.erase(0, parser.feed(carry, whole, entries));
    for (auto& e : entries)
      each(e);
    entries.clear();
    if (at_end) return offset;
  }
}

Result list_logs(Unit& u, const LogOptions&) {
  Session& s = u.session();
  log_settings(s, std::nullopt);
  Table t("log_files", {Column{"name", Kind::Text, Kind::Text}, Column{"format", Kind::Text, Kind::Text},
                        Column{"size", Kind::Bytes, Kind::Text}, Column{"modified", Kind::Timestamp, Kind::Text},
                        Column{"current", Kind::Boolean, Kind::Text}});
  for (const auto& f : log_files(s))
    t.add_row({f.name, std::string(log_format_name(f.format)), std::to_string(f.size), f.modification,
               std::string(f.current ? "t" : "f")});
  return {t};
}

Result show_logs(Unit& u, const LogOptions& o) {
  Session& s = u.session();
  const auto since = o.since_seconds();
  const LogSettings settings = log_settings(s, since);
  const std::vector<LogFile> files = log_files(s, since);
  std::vector<const LogFile*> chosen;
  if (!o.file.empty()) {
    for (const auto& f : files)
      if (f.name == o.file) chosen.push_back(&f);
    if (chosen.empty())
      throw failure("no log file \"" + o.file + "\" in " + settings.directory + " (see pgdba logs list)");
  } else {
    const LogFormat format = pick_format(o, files, settings);
    for (const auto& f : files)
      if (f.format == format && (since ? f.recent : f.current)) chosen.push_back(&f);
  }
  Table t("log", log_columns());
  for (const LogFile* f : chosen) {
    LogParser parser(f->format, settings.line_prefix);
    Filter filter(o, settings);
    if (f->format == LogFormat::Stderr && since && !parser.prefix_has_time())
      throw failure("--since needs the time in log_line_prefix (%m, %t or %n); it is '" + settings.line_prefix + "'");
    std::string carry;
    read_to_end(s, f->path, 0, parser, carry, true, [&](const LogEntry& e) {
      if (filter.keep(e)) t.add_row(entry_row(e, f->name));
    });
  }
  return {t};
}

// The last `o.lines` entries (after filtering) of the current file: read
// from the end in growing windows until there are enough.
struct TailStart {
  std::vector<LogEntry> entries;
  LogFile file;
  long long end = 0;  // offset read up to
};

TailStart tail_start(Session& s, const LogOptions& o, const LogSettings& settings) {
  const std::vector<LogFile> files = log_files(s);
  const LogFormat format = pick_format(o, files, settings);
  TailStart out;
  for (const auto& f : files)
    if (f.current && f.format == format) out.file = f;
  if (out.file.name.empty())
    throw failure(std::string("the server writes no ") + log_format_name(format) + " log file now");
  long long window = 64 << 10;
  for (;;) {
    const long long start = std::max(0LL, out.file.size - window);
    LogParser parser(format, settings.line_prefix);
    Filter filter(o, settings);
    std::string text;
    for (long long at = start; at < out.file.size;) {
      const auto data = read_log_bytes(s, out.file.path, at, std::min(kChunk, out.file.size - at));
      if (!data || data->empty()) break;
      at += static_cast<long long>(data->size());
      text += *data;
    }
    const std::size_t skip = start > 0 ? parser.resync(text) : 0;
    std::vector<LogEntry> all;
    parser.feed(std::string_view(text).substr(skip), true, all);
    out.entries.clear();
    for (auto& e : all)
      if (filter.keep(e)) out.entries.push_back(std::move(e));
    out.end = start + static_cast<long long>(text.size());
    if (static_cast<int>(out.entries.size()) >= o.lines || start == 0) break;
    window *= 4;
  }
  if (static_cast<int>(out.entries.size()) > o.lines)
    out.entries.erase(out.entries.begin(), out.entries.end() - o.lines);
  return out;
}

Result tail_logs(Unit& u, const LogOptions& o) {
  Session& s = u.session();
  const LogSettings settings = log_settings(s, o.since_seconds());
  const TailStart start = tail_start(s, o, settings);
  Table t("log", log_columns());
  for (const auto& e : start.entries)
    t.add_row(entry_row(e, start.file.name));
  return {t};
}

// tail --follow: the last lines, then every new entry as it is written,
// across rotation (when the server moves to a new file, the old one is read
// to its end first). A stream like listen: each row flushed at once.
void follow_logs(Context& ctx, const VerbRecord& rec, const LogOptions& o) {
  if (!ctx.targets().empty())
    throw usage_error("logs tail --follow reads one server; it cannot be combined with targets");
  const double timeout = o.timeout.empty() ? -1 : parse_duration("--timeout", o.timeout);
  Unit u(ctx, rec, "", "", nullptr);
  Session* s = &u.session();
  std::unique_ptr<Session> reopened;  // after a lost connection
  const LogSettings settings = log_settings(*s, o.since_seconds());
  TailStart start = tail_start(*s, o, settings);

  RenderOptions ro = ctx.render_options();
  if (ro.format == Format::Json) ro.format = Format::Jsonl;
  auto sink = make_renderer(ro, stdout);
  sink->start(false);
  const std::vector<Column> cols = log_columns();
  sink->begin_table("log", cols);
  std::string file = start.file.name, path = start.file.path;
  const auto emit = [&](const LogEntry& e) {
    const auto row = entry_row(e, file);
    std::vector<CellView> cells;
    for (const auto& c : row)
      cells.push_back(c ? CellView{c->data(), c->size(), false} : CellView{});
    sink->row(cells.data());
  };
  for (const auto& e : start.entries)
    emit(e);
  sink->flush();

  const LogFormat format = start.file.format;
  auto parser = std::make_unique<LogParser>(format, settings.line_prefix);
  Filter filter(o, settings);
  long long offset = start.end;
  std::string carry;
  const auto t0 = std::chrono::steady_clock::now();
  const auto keep_and_emit = [&](const LogEntry& e) {
    if (filter.keep(e)) emit(e);
  };
  using Clock = std::chrono::steady_clock;
  const auto deadline =
      timeout >= 0
          ? std::optional(t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout)))
          : std::nullopt;
  for (;;) {
    try {
      const long long before = offset;
      offset = read_to_end(*s, path, offset, *parser, carry, false, keep_and_emit);
      sink->flush();
      if (offset == before || offset < 0) {
        // Nothing new: has the server moved on to another file?
        const std::string now = current_log_path(*s, format);
        if (!now.empty() && now != path) {
          if (offset >= 0) read_to_end(*s, path, offset, *parser, carry, true, keep_and_emit);
          path = now;
          file = now.substr(now.rfind('/') + 1);
          offset = 0;
          carry.clear();
          parser = std::make_unique<LogParser>(format, settings.line_prefix);
          sink->flush();
          continue;
        }
        if (offset < 0) offset = 0;
      }
    } catch (const Error& e) {
      // A restarted server: the rest of the old file is read, then the new one.
      if (e.kind != ErrorKind::Connect) throw;
      log::warn(std::string(e.what()) + "; reconnecting");
      reopened = reconnect(ctx, SessionKind::Catalog, {}, deadline);
      if (!reopened) break;
      s = reopened.get();
      log::warn("reconnected: following the log again");
      continue;
    }
    for (int i = 0; i < 5; ++i) {
      cancel::check();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - t0;
    if (timeout >= 0 && spent.count() >= timeout) break;
  }
  sink->end_table();
  sink->finish();
}

const char* kLevelHelp =
    "only entries at this level or above (--level ERROR: ERROR, FATAL and PANIC; LOG ranks between INFO and NOTICE "
    "as in client_min_messages)";

// The options show and tail share, bound to `o`.
Verb& add_filters(Verb& v, LogOptions* o) {
  return v.option("--level", &o->level, kLevelHelp)
      .option("--since", &o->since, "only entries of the last DURATION (30s, 15min, 2h, 1d)")
      .option("--grep", &o->grep,
              "only entries whose message, detail, hint, context or statement matches this POSIX extended "
              "regular expression (grep -E)")
      .option("--log-format", &o->log_format,
              "read the stderr, csvlog or jsonlog files (default: jsonlog, csvlog, then stderr, whichever the "
              "server writes now)")
      .choices({"stderr", "csvlog", "jsonlog"});
}

}  // namespace

void register_logs(CommandTable& table) {
  Noun logs = table.noun("logs",
                         "The server log through the connection (pg_ls_logdir, pg_read_binary_file): no shell on the "
                         "server needed; stderr, csvlog and jsonlog parsed into entries");
  logs.verb<LogOptions>("list", "The log files: name, format, size, last written, whether the server writes it now",
                        {Need::Catalog, Effect::Read})
      .run(list_logs);
  auto show_o = std::make_shared<LogOptions>();
  Verb show =
      logs.raw("show", "Entries of the current log file, or of FILE, or of every file written in the --since window",
               {Need::Catalog, Effect::Read});
  const VerbRecord* show_rec = &show.record();
  show.arg("file", &show_o->file, "a log file from `pgdba logs list` (default: the current one)", false);
  add_filters(show, show_o.get()).run([show_o, show_rec](Context& ctx) {
    show_o->validate();
    run_verb(ctx, *show_rec, [&](Unit& u) { return show_logs(u, *show_o); });
  });

  auto o = std::make_shared<LogOptions>();
  Verb tail = logs.raw("tail",
                       "The last entries of the current log file; --follow prints new ones as they are written, "
                       "across log rotation",
                       {Need::Catalog, Effect::Read});
  const VerbRecord* rec = &tail.record();
  tail.option("-n,--lines", &o->lines, "how many entries (default 10)")
      .flag("-f,--follow", &o->follow, "keep printing entries as the server writes them (Ctrl-C ends)")
      .option("--timeout", &o->timeout, "with --follow: stop after this long (30s, 5min)");
  add_filters(tail, o.get()).run([o, rec](Context& ctx) {
    o->validate();
    if (o->follow)
      follow_logs(ctx, *rec, *o);
    else
      run_verb(ctx, *rec, [&](Unit& u) { return tail_logs(u, *o); });
  });
}

}  // namespace pgdba
