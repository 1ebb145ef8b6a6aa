// The server's log files read through the connection (pg_ls_logdir,
// pg_current_logfile, pg_read_binary_file), so no shell on the server is
// needed. Errors name the privilege that is missing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/logs/log_parse.hpp"

namespace pgdba {

class Session;

struct LogSettings {
  std::string line_prefix, destination, directory;
  bool collector = false;
  std::string since_time;  // "YYYY-MM-DD HH:MM:SS.mmm" in log_timezone
  double since_epoch = 0;
};

struct LogFile {
  std::string name, path, modification;
  long long size = 0;
  LogFormat format = LogFormat::Stderr;
  bool current = false;  // the server writes to it now
  bool recent = true;    // written to within the --since window
};

// `since_seconds`: the --since window, if any. Fails clearly when the server
// writes no files pgdba can read (logging_collector off).
LogSettings log_settings(Session& s, std::optional<double> since_seconds);

// Every file of the log directory, oldest first, the current ones marked,
// and those written to in the last `since_seconds` (if given).
std::vector<LogFile> log_files(Session& s, std::optional<double> since_seconds = std::nullopt);

// The path of the file the server writes `format` to now, or "" if none.
std::string current_log_path(Session& s, LogFormat format);

// Up to `length` bytes of `path` from `offset`: shorter at the end of the
// file, nullopt when the file is gone.
std::optional<std::string> read_log_bytes(Session& s, const std::string& path, long long offset, long long length);

}  // namespace pgdba
