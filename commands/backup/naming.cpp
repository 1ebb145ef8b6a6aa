#include "commands/backup/naming.hpp"

#include <cstdio>
#include <ctime>

#include "src/errors.hpp"

namespace pgdba::backup {

std::string encode_component(const std::string& name) {
  if (name.empty()) return "%";
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '-' || (c == '.' && i > 0);
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

namespace {

std::tm utc(Clock::time_point t) {
  const std::time_t s = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

}  // namespace

std::string utc_stamp(Clock::time_point t) {
  const std::tm tm = utc(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string iso_utc(Clock::time_point t) {
  const std::tm tm = utc(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

Clock::time_point parse_iso_utc(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  char z = 0;
  int used = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used);
  if (n != 6) throw failure("not a UTC timestamp: \"" + text + "\"");
  const std::string rest = text.substr(static_cast<std::size_t>(used));
  if (rest == "Z") {
    ms = 0;
  } else if (std::sscanf(rest.c_str(), ".%3d%c", &ms, &z) != 2 || z != 'Z' || rest.size() != 5) {
    throw failure("not a UTC timestamp: \"" + text + "\"");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t s = timegm(&tm);
  return Clock::from_time_t(s) + std::chrono::milliseconds(ms);
}

std::string format_ext(const std::string& format) {
  if (format == "custom") return "dump";
  if (format == "directory") return "dir";
  if (format == "plain") return "sql";
  throw usage_error("unknown backup format \"" + format + "\" (custom, directory or plain)");
}

std::string manifest_name(const std::string& backup_name) {
  const auto dot = backup_name.rfind('.');
  return (dot == std::string::npos ? backup_name : backup_name.substr(0, dot)) + kManifestSuffix;
}

}  // namespace pgdba::backup
