// How each log format is split into entries. The stderr format has no
// delimiters of its own: a line is a new message when log_line_prefix and a
// level ("ERROR:  ") match at its start, its DETAIL/HINT/CONTEXT/STATEMENT
// follow as prefixed lines of the same process, and continuation lines start
// with a tab (elog.c). The prefix is matched by a small backtracking matcher
// rather than std::regex, whose recursion can overflow the stack on long
// lines; each variable-width field is bounded, so a line costs little.
#include "commands/logs/log_parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace pgdba {

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Log fields are padded with spaces only.
std::string trim_spaces(std::string_view v) {
  std::size_t b = 0, e = v.size();
  while (b < e && v[b] == ' ')
    ++b;
  while (e > b && v[e - 1] == ' ')
    --e;
  return std::string(v.substr(b, e - b));
}

struct LevelName {
  const char* name;
  int rank;
  bool secondary;  // belongs to the message before it
};

// Server-side names as elog.c writes them ("DEBUG" is DEBUG1 in the log).
constexpr std::array<LevelName, 18> kLevels{{{"DEBUG5", 0, false},
                                             {"DEBUG4", 1, false},
                                             {"DEBUG3", 2, false},
                                             {"DEBUG2", 3, false},
                                             {"DEBUG1", 4, false},
                                             {"DEBUG", 4, false},
                                             {"INFO", 5, false},
                                             {"LOG", 6, false},
                                             {"NOTICE", 7, false},
                                             {"WARNING", 8, false},
                                             {"ERROR", 9, false},
                                             {"FATAL", 10, false},
                                             {"PANIC", 11, false},
                                             {"DETAIL", -1, true},
                                             {"HINT", -1, true},
                                             {"QUERY", -1, true},
                                             {"CONTEXT", -1, true},
                                             {"STATEMENT", -1, true}}};

const LevelName* find_level(std::string_view name) {
  for (const auto& l : kLevels)
    if (name == l.name) return &l;
  if (name == "LOCATION") {
    static const LevelName location{"LOCATION", -1, true};
    return &location;
  }
  return nullptr;
}

// "LEVEL:  " at `pos`: the level and where the message starts.
bool level_at(std::string_view line, std::size_t pos, const LevelName*& level, std::size_t& msg) {
  std::size_t e = pos;
  while (e < line.size() && e - pos < 10 &&
         (std::isupper(static_cast<unsigned char>(line[e])) || std::isdigit(static_cast<unsigned char>(line[e]))))
    ++e;
  if (e == pos || line.compare(e, 3, ":  ") != 0) return false;
  level = find_level(line.substr(pos, e - pos));
  if (!level) return false;
  msg = e + 3;
  return true;
}

bool digits(std::string_view s, std::size_t& pos, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i, ++pos)
    if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) return false;
  return true;
}

bool literal(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// "2026-11-24 00:14:38[.123] TZ" (log_timezone's abbreviation, no spaces).
bool timestamp_at(std::string_view s, std::size_t& pos, bool millis) {
  if (!(digits(s, pos, 4) && literal(s, pos, '-') && digits(s, pos, 2) && literal(s, pos, '-') && digits(s, pos, 2) &&
        literal(s, pos, ' ') && digits(s, pos, 2) && literal(s, pos, ':') && digits(s, pos, 2) &&
        literal(s, pos, ':') && digits(s, pos, 2)))
    return false;
  if (millis && !(literal(s, pos, '.') && digits(s, pos, 3))) return false;
  if (!literal(s, pos, ' ')) return false;
  const std::size_t tz = pos;
  while (pos < s.size() && s[pos] != ' ')
    ++pos;
  return pos > tz;
}

bool epoch_at(std::string_view s, std::size_t& pos) {
  const std::size_t b = pos;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
    ++pos;
  return pos > b && literal(s, pos, '.') && digits(s, pos, 3);
}

}  // namespace

LogFormat log_format_of(const std::string& file_name) {
  if (ends_with(file_name, ".csv")) return LogFormat::Csv;
  if (ends_with(file_name, ".json")) return LogFormat::Json;
  return LogFormat::Stderr;
}

const char* log_format_name(LogFormat f) {
  switch (f) {
    case LogFormat::Csv:
      return "csvlog";
    case LogFormat::Json:
      return "jsonlog";
    case LogFormat::Stderr:
      break;
  }
  return "stderr";
}

int log_level_rank(const std::string& level) {
  std::string up;
  for (char c : level)
    up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const LevelName* l = find_level(up);
  return l && !l->secondary ? l->rank : -1;
}

// log_line_prefix compiled into literals and fields.
struct LogParser::Prefix {
  enum class Kind { Literal, Time, TimeMillis, Epoch, SessionStart, Field, QStop };
  struct Token {
    Kind kind;
    std::string text;                        // Literal
    std::string LogEntry::*field = nullptr;  // Field, Time*: where the value goes (null: dropped)
  };
  std::vector<Token> tokens;

  explicit Prefix(const std::string& fmt) {
    for (std::size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] != '%' || i + 1 == fmt.size()) {
        add_literal(fmt[i]);
        continue;
      }
      ++i;
      bool padded = false;  // %-10u: the value is padded with spaces
      while (i < fmt.size() && (fmt[i] == '-' || std::isdigit(static_cast<unsigned char>(fmt[i])))) {
        padded = true;
        ++i;
      }
      if (i == fmt.size()) break;
      const char c = fmt[i];
      switch (c) {
        case '%':
          add_literal('%');
          break;
        case 'm':
          tokens.push_back({padded ? Kind::Field : Kind::TimeMillis, "", &LogEntry::time});
          break;
        case 't':
          tokens.push_back({padded ? Kind::Field : Kind::Time, "", &LogEntry::time});
          break;
        case 'n':
          tokens.push_back({padded ? Kind::Field : Kind::Epoch, "", &LogEntry::time});
          break;
        case 's':
          tokens.push_back({padded ? Kind::Field : Kind::SessionStart, "", nullptr});
          break;
        case 'q':
          tokens.push_back({Kind::QStop, "", nullptr});
          break;
        case 'a':
          tokens.push_back({Kind::Field, "", &LogEntry::application});
          break;
        case 'u':
          tokens.push_back({Kind::Field, "", &LogEntry::user});
          break;
        case 'd':
          tokens.push_back({Kind::Field, "", &LogEntry::database});
          break;
        case 'r':
        case 'h':
          tokens.push_back({Kind::Field, "", &LogEntry::client});
          break;
        case 'b':
          tokens.push_back({Kind::Field, "", &LogEntry::backend_type});
          break;
        case 'p':
          tokens.push_back({Kind::Field, "", &LogEntry::pid});
          break;
        case 'e':
          tokens.push_back({Kind::Field, "", &LogEntry::sqlstate});
          break;
        case 'c':
        case 'l':
        case 'v':
        case 'x':
        case 'i':
        case 'Q':
        case 'P':
        case 'L':
          tokens.push_back({Kind::Field, "", nullptr});
          break;
        default:
          break;  // the server writes nothing for an unknown escape
      }
    }
  }

  void add_literal(char c) {
    if (!tokens.empty() && tokens.back().kind == Kind::Literal)
      tokens.back().text += c;
    else
      tokens.push_back({Kind::Literal, std::string(1, c), nullptr});
  }

  bool has_time() const {
    return std::any_of(tokens.begin(), tokens.end(), [](const Token& t) { return t.field == &LogEntry::time; });
  }

  // Matches tokens[ti..] and then a level at line[pos..]. Values are stored
  // on the way back from a match, so a failed branch leaves nothing behind.
  bool match(std::string_view line, std::size_t ti, std::size_t pos, LogEntry& e, const LevelName*& level,
             std::size_t& msg) const {
    if (ti == tokens.size()) return level_at(line, pos, level, msg);
    const Token& t = tokens[ti];
    switch (t.kind) {
      case Kind::Literal:
        return line.compare(pos, t.text.size(), t.text) == 0 && match(line, ti + 1, pos + t.text.size(), e, level, msg);
      case Kind::QStop:
        // Processes without a session write nothing from %q on.
        return match(line, ti + 1, pos, e, level, msg) || level_at(line, pos, level, msg);
      case Kind::Time:
      case Kind::TimeMillis:
      case Kind::SessionStart:
      case Kind::Epoch: {
        std::size_t end = pos;
        const bool ok =
            t.kind == Kind::Epoch ? epoch_at(line, end) : timestamp_at(line, end, t.kind == Kind::TimeMillis);
        if (!ok || !match(line, ti + 1, end, e, level, msg)) return false;
        if (t.field) e.*t.field = std::string(line.substr(pos, end - pos));
        return true;
      }
      case Kind::Field:
        break;
    }
    // A value of unknown width: the shortest that lets the rest match.
    // Names are at most 63 bytes, client addresses a little more.
    const std::string* next =
        ti + 1 < tokens.size() && tokens[ti + 1].kind == Kind::Literal ? &tokens[ti + 1].text : nullptr;
    const std::size_t max_end = std::min(line.size(), pos + 300);
    for (std::size_t end = pos; end <= max_end; ++end) {
      if (next) {
        end = line.find(*next, end);
        if (end == std::string_view::npos || end > max_end) return false;
      }
      if (match(line, ti + 1, end, e, level, msg)) {
        if (t.field) e.*t.field = trim_spaces(line.substr(pos, end - pos));
        return true;
      }
    }
    return false;
  }
};

LogParser::LogParser(LogFormat format, const std::string& line_prefix)
    : format_(format), prefix_(std::make_unique<Prefix>(line_prefix)) {}

LogParser::~LogParser() = default;

bool LogParser::prefix_has_time() const {
  return prefix_->has_time();
}

namespace {

// Appends a continuation line to whichever part of the entry came last.
void append_line(std::string& to, std::string_view line) {
  if (!to.empty()) to += '\n';
  to += line;
}

struct Pending {
  LogEntry entry;
  std::size_t start = 0;                  // offset of its first line
  std::string LogEntry::*last = nullptr;  // the part continuation lines extend
};

std::size_t feed_stderr(const LogParser::Prefix& prefix, std::string_view text, bool complete,
                        std::vector<LogEntry>& out) {
  std::vector<Pending> entries;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (!complete) break;  // the rest of this line is still being written
      nl = text.size();
    }
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t start = pos;
    pos = nl + 1;
    if (!line.empty() && line[0] == '\t' && !entries.empty() && entries.back().last) {
      append_line(entries.back().entry.*entries.back().last, line.substr(1));
      continue;
    }
    LogEntry e;
    const LevelName* level = nullptr;
    std::size_t msg = 0;
    if (prefix.match(line, 0, 0, e, level, msg)) {
      const std::string_view body = line.substr(msg);
      if (level->secondary && !entries.empty() && entries.back().entry.pid == e.pid) {
        Pending& p = entries.back();
        std::string LogEntry::*part = &LogEntry::detail;
        const std::string name = level->name;
        if (name == "HINT") part = &LogEntry::hint;
        if (name == "CONTEXT" || name == "QUERY") part = &LogEntry::context;
        if (name == "STATEMENT") part = &LogEntry::statement;
        if (name == "LOCATION") {
          p.last = nullptr;  // where in the server's source: not kept
          continue;
        }
        append_line(p.entry.*part, body);
        p.last = part;
        continue;
      }
      e.level = level->name;
      e.message = std::string(body);
      entries.push_back({std::move(e), start, &LogEntry::message});
      continue;
    }
    // Not a message of the server's own (a library's output, a crash
    // report): kept as it is, so nothing in the file is lost.
    LogEntry raw;
    raw.message = std::string(line);
    entries.push_back({std::move(raw), start, &LogEntry::message});
  }
  // The last entry may have more lines to come unless the text is whole.
  const bool hold_last = !entries.empty() && !(complete && pos >= text.size());
  const std::size_t used = hold_last ? entries.back().start : std::min(pos, text.size());
  if (hold_last) entries.pop_back();
  for (auto& p : entries)
    out.push_back(std::move(p.entry));
  return used;
}

// One CSV record starting at `pos`: false if it does not end in `text`.
bool csv_record(std::string_view text, std::size_t& pos, bool complete, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false;
  for (std::size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        fields.back() += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (i + 1 == text.size() && !complete) {
        return false;  // "" may be split across chunks
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      pos = i + 1;
      return true;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (complete && !quoted && pos < text.size()) {
    pos = text.size();
    return true;
  }
  return false;
}

std::size_t feed_csv(std::string_view text, bool complete, std::vector<LogEntry>& out) {
  std::size_t pos = 0;
  std::vector<std::string> fields;
  while (pos < text.size()) {
    std::size_t next = pos;
    if (!csv_record(text, next, complete, fields)) break;
    LogEntry e;
    if (!parse_csvlog_record(fields, e)) {
      e = LogEntry{};
      e.message = std::string(text.substr(pos, next - pos));
      while (!e.message.empty() && (e.message.back() == '\n' || e.message.back() == '\r'))
        e.message.pop_back();
    }
    out.push_back(std::move(e));
    pos = next;
  }
  return pos;
}

std::size_t feed_json(std::string_view text, bool complete, std::vector<LogEntry>& out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (!complete) break;
      nl = text.size();
    }
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    LogEntry e;
    if (!parse_jsonlog_line(line, e)) {
      e = LogEntry{};
      e.message = std::string(line);
    }
    out.push_back(std::move(e));
  }
  return std::min(pos, text.size());
}

}  // namespace

std::size_t LogParser::feed(std::string_view text, bool complete, std::vector<LogEntry>& out) {
  switch (format_) {
    case LogFormat::Csv:
      return feed_csv(text, complete, out);
    case LogFormat::Json:
      return feed_json(text, complete, out);
    case LogFormat::Stderr:
      break;
  }
  return feed_stderr(*prefix_, text, complete, out);
}

std::size_t LogParser::resync(std::string_view text) const {
  std::size_t pos = text.find('\n');
  if (pos == std::string_view::npos) return text.size();
  ++pos;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    LogEntry e;
    bool starts = false;
    if (format_ == LogFormat::Json) {
      starts = true;
    } else if (format_ == LogFormat::Csv) {
      std::size_t next = pos;
      std::vector<std::string> fields;
      starts = csv_record(text, next, false, fields) && parse_csvlog_record(fields, e);
    } else {
      const LevelName* level = nullptr;
      std::size_t msg = 0;
      starts = prefix_->match(line, 0, 0, e, level, msg) && !level->secondary;
    }
    if (starts) return pos;
    pos = nl + 1;
  }
  return text.size();
}

bool parse_csvlog_record(const std::vector<std::string>& fields, LogEntry& e) {
  // csvlog's columns (config.sgml, "Using CSV-Format Log Output"); 13 has
  // 24, 14+ 26. The time must look like one, so a record read from the middle
  // of a quoted field is not taken for a message.
  if (fields.size() < 23) return false;
  std::size_t pos = 0;
  if (!timestamp_at(fields[0] + " ", pos, true)) return false;
  e.time = fields[0];
  e.user = fields[1];
  e.database = fields[2];
  e.pid = fields[3];
  e.client = fields[4];
  e.level = fields[11];
  e.sqlstate = fields[12];
  e.message = fields[13];
  e.detail = fields[14];
  e.hint = fields[15];
  e.context = fields[18];
  if (!fields[16].empty()) append_line(e.context, fields[16]);
  e.statement = fields[19];
  e.application = fields[22];
  if (fields.size() > 23) e.backend_type = fields[23];
  return true;
}

}  // namespace pgdba
