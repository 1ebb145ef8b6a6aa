// The server log's three formats (stderr with log_line_prefix, csvlog,
// jsonlog) read into entries. Pure: no server, so unit tests cover it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// The values index per-format arrays in this order.
enum class LogFormat { Stderr = 0, Csv = 1, Json = 2 };

// What a log file's name says it holds: .csv csvlog, .json jsonlog, any
// other stderr (PostgreSQL names them so: log_filename with the suffix
// replaced).
LogFormat log_format_of(const std::string& file_name);
const char* log_format_name(LogFormat f);  // "stderr", "csvlog", "jsonlog"

// One message of the log with its DETAIL, HINT, CONTEXT and STATEMENT. Fields
// the format or the prefix does not carry are empty.
struct LogEntry {
  std::string time;  // as logged, in log_timezone: "2026-11-24 00:14:38.123 UTC"
  std::string pid, user, database, application, client, backend_type;
  std::string level;  // ERROR, LOG, ...; "" for a line that is not a message
  std::string sqlstate;
  std::string message, detail, hint, context, statement;
};

// The rank of a level for --level: DEBUG5 lowest, PANIC highest, LOG just
// above INFO (its place in client_min_messages: a DBA asking for ERROR
// wants errors, not every logged statement). -1 for an unknown name.
int log_level_rank(const std::string& level);

// Splits log text into entries, chunk after chunk. An entry that may go on
// in the next chunk is kept back: feed() returns how many bytes of `text`
// it used, and the caller passes the rest again, followed by more.
class LogParser {
 public:
  // `line_prefix` is log_line_prefix, used for the stderr format only.
  LogParser(LogFormat format, const std::string& line_prefix);
  ~LogParser();
  LogParser(const LogParser&) = delete;
  LogParser& operator=(const LogParser&) = delete;

  // `complete`: the text ends where the writer stopped (end of file), so an
  // entry at its end is whole if its last line ends in a newline.
  std::size_t feed(std::string_view text, bool complete, std::vector<LogEntry>& out);

  // Where the first whole entry starts in text read from the middle of a
  // file (tail): after the partial line, and past the rest of an entry whose
  // start was cut off. text.size() if none starts in it.
  std::size_t resync(std::string_view text) const;

  // Whether log_line_prefix carries the time (%m, %t or %n): --since needs it
  // for stderr logs.
  bool prefix_has_time() const;

  struct Prefix;

 private:
  LogFormat format_;
  std::unique_ptr<Prefix> prefix_;
};

// A csvlog or jsonlog record (one line of jsonlog, one CSV record) as an
// entry; false when the text is not one. Exposed for tests.
bool parse_csvlog_record(const std::vector<std::string>& fields, LogEntry& e);
bool parse_jsonlog_line(std::string_view line, LogEntry& e);

}  // namespace pgdba
