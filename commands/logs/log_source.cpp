#include "commands/logs/log_source.hpp"

#include <functional>

#include "src/errors.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

// The functions are superuser-only unless granted: say which grants do it.
template <class F>
auto with_privilege_hint(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.sqlstate != "42501") throw;
    Error hinted = e;
    hinted.hint = std::string(what) +
                  " needs a superuser, or a role with pg_monitor (the log settings and pg_ls_logdir) and EXECUTE on "
                  "pg_read_binary_file(text, bigint, bigint, boolean)";
    throw hinted;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string from_hex(const char* hex, std::size_t n) {
  std::string out;
  out.reserve(n / 2);
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) throw failure("internal error: the server sent a log chunk that is not hex");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

LogSettings log_settings(Session& s, std::optional<double> since_seconds) {
  const std::string since = since_seconds ? std::to_string(*since_seconds) : "";
  const Rows rows = with_privilege_hint("reading the log settings", [&] {
    return s.exec(sql_text("logs/settings", s.server_version()), Params{since_seconds ? since.c_str() : nullptr},
                  "reading the log settings");
  });
  const auto r = rows[0];
  LogSettings out;
  out.line_prefix = r["line_prefix"].str();
  out.destination = r["destination"].str();
  out.collector = r["collector"].as<bool>();
  out.directory = r["directory"].str();
  out.since_time = r["since_time"].str();
  out.since_epoch = r["since_epoch"].as<double>();
  if (!out.collector) {
    Error e = failure("the server writes no log files to read: logging_collector is off");
    e.hint =
        "its log goes to the standard error of the postmaster (or to syslog/eventlog), which only the server's "
        "host can read; set logging_collector = on (a restart is needed) to read the log through pgdba";
    throw e;
  }
  return out;
}

namespace {

// The files the server writes to now, per format (stderr, csvlog, jsonlog):
// pg_current_logfile when the role may call it (superusers, or EXECUTE
// granted), otherwise the newest file of each format in the directory,
// which is the one the server moved to at its last rotation. `files` lists
// the directory, only when that fallback needs it (tail --follow asks every
// half second).
std::vector<std::string> current_paths(Session& s, const std::function<Rows()>& files) {
  try {
    const Rows current = s.exec(sql_text("logs/current", s.server_version()), "asking for the current log file");
    std::vector<std::string> out;
    for (const char* c : {"stderr", "csvlog", "jsonlog"})
      out.push_back(current[0][c].is_null() ? "" : current[0][c].str());
    return out;
  } catch (const Error& e) {
    if (e.sqlstate != "42501") throw;
  }
  std::vector<std::string> out(3);
  for (const auto& r : files()) {  // oldest first: the last one of a format wins
    const std::string name = r["name"].str();
    out[static_cast<std::size_t>(log_format_of(name))] = r["path"].str();
  }
  return out;
}

Rows list_directory(Session& s, std::optional<double> since_seconds) {
  const std::string since = since_seconds ? std::to_string(*since_seconds) : "";
  return with_privilege_hint("listing the log directory", [&] {
    return s.exec(sql_text("logs/files", s.server_version()), Params{since_seconds ? since.c_str() : nullptr},
                  "listing the log directory");
  });
}

}  // namespace

std::vector<LogFile> log_files(Session& s, std::optional<double> since_seconds) {
  const Rows rows = list_directory(s, since_seconds);
  std::vector<std::string> now;
  for (const auto& p : current_paths(s, [&] { return rows; }))
    if (!p.empty()) now.push_back(base_name(p));
  std::vector<LogFile> out;
  for (const auto& r : rows) {
    LogFile f;
    f.name = r["name"].str();
    f.path = r["path"].str();
    f.size = r["size"].as<long long>();
    f.modification = r["modification"].str();
    f.format = log_format_of(f.name);
    f.recent = r["recent"].as<bool>();
    for (const auto& n : now)
      f.current = f.current || n == f.name;
    out.push_back(std::move(f));
  }
  return out;
}

std::string current_log_path(Session& s, LogFormat format) {
  return current_paths(s, [&] { return list_directory(s, std::nullopt); })[static_cast<std::size_t>(format)];
}

std::optional<std::string> read_log_bytes(Session& s, const std::string& path, long long offset, long long length) {
  const std::string from = std::to_string(offset), len = std::to_string(length);
  const Rows rows = with_privilege_hint("reading a log file", [&] {
    return s.exec(sql_text("logs/read", s.server_version()), Params{path.c_str(), from.c_str(), len.c_str()},
                  "reading log file " + path);
  });
  const auto d = rows[0][0];
  if (d.is_null()) return std::nullopt;
  return from_hex(d.c_str(), d.size());
}

}  // namespace pgdba
