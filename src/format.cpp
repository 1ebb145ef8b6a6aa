#include "src/format.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace pgdba {

std::string format_size(double bytes) {
  static const char* const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  const bool negative = bytes < 0;
  double v = std::fabs(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[64];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%s%.0f B", negative ? "-" : "", v);
  } else {
    std::snprintf(buf, sizeof buf, "%s%.1f %s", negative ? "-" : "", v, units[u]);
  }
  return buf;
}

std::string format_duration(double seconds) {
  if (std::isnan(seconds)) return "NaN";
  const char* sign = seconds < 0 ? "-" : "";
  double s = std::fabs(seconds);
  char buf[64];
  if (s < 1.0) {
    std::snprintf(buf, sizeof buf, "%s%.3gs", sign, s);
  } else if (s < 60.0) {
    std::snprintf(buf, sizeof buf, "%s%.1fs", sign, s);
  } else if (s < 3600.0) {
    const auto t = static_cast<long long>(s);
    std::snprintf(buf, sizeof buf, "%s%lldm%02llds", sign, t / 60, t % 60);
  } else if (s < 86400.0) {
    const auto t = static_cast<long long>(s);
    std::snprintf(buf, sizeof buf, "%s%lldh%02lldm", sign, t / 3600, (t % 3600) / 60);
  } else {
    const auto t = static_cast<long long>(s);
    std::snprintf(buf, sizeof buf, "%s%lldd%02lldh", sign, t / 86400, (t % 86400) / 3600);
  }
  return buf;
}

std::optional<double> interval_seconds(std::string_view text) {
  double total = 0;
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ')
      ++i;
  };
  skip_spaces();
  if (i == text.size()) return std::nullopt;
  while (i < text.size()) {
    // Either "N unit" or "[-]HH:MM:SS[.frac]".
    const std::size_t start = i;
    if (text[i] == '-' || text[i] == '+') ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start) return std::nullopt;
    const std::string number(text.substr(start, i - start));
    if (i < text.size() && text[i] == ':') {
      const bool negative = number[0] == '-';
      const double hours = std::fabs(std::strtod(number.c_str(), nullptr));
      ++i;
      const std::size_t m0 = i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
      if (i == m0) return std::nullopt;
      const double minutes = std::strtod(std::string(text.substr(m0, i - m0)).c_str(), nullptr);
      double secs = 0;
      if (i < text.size() && text[i] == ':') {
        ++i;
        const std::size_t s0 = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
          ++i;
        secs = std::strtod(std::string(text.substr(s0, i - s0)).c_str(), nullptr);
      }
      const double t = hours * 3600 + minutes * 60 + secs;
      total += negative ? -t : t;
    } else {
      const double n = std::strtod(number.c_str(), nullptr);
      skip_spaces();
      const std::size_t u0 = i;
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
        ++i;
      const std::string_view unit = text.substr(u0, i - u0);
      if (unit == "year" || unit == "years") {
        total += n * 365.25 * 86400;
      } else if (unit == "mon" || unit == "mons") {
        total += n * 30 * 86400;
      } else if (unit == "day" || unit == "days") {
        total += n * 86400;
      } else {
        return std::nullopt;
      }
    }
    skip_spaces();
  }
  return total;
}

std::string iso_timestamp(std::string_view text) {
  std::string out(text);
  // Only "YYYY-MM-DD HH:MM:SS..." is rewritten; infinity and BC dates pass.
  if (out.size() < 19 || out[10] != ' ' || out[4] != '-' || out.find(" BC") != std::string::npos) return out;
  out[10] = 'T';
  const auto sign = out.find_first_of("+-", 19);
  if (sign != std::string::npos) {
    const std::size_t digits = out.size() - sign - 1;
    if (digits == 2) out += ":00";
  }
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

bool is_json_number(std::string_view t) {
  std::size_t i = 0;
  if (i < t.size() && t[i] == '-') ++i;
  if (i == t.size() || !std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  if (t[i] == '0' && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1]))) return false;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
    ++i;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (i == t.size() || !std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
      ++i;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (i == t.size() || !std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
      ++i;
  }
  return i == t.size();
}

namespace {

struct ArrayParser {
  std::string_view t;
  std::size_t i = 0;
  std::string& out;
  void (*element)(std::string&, std::string_view, int);
  int kind;

  bool parse_array() {
    if (i >= t.size() || t[i] != '{') return false;
    ++i;
    out.push_back('[');
    bool first = true;
    if (i < t.size() && t[i] == '}') {
      ++i;
      out.push_back(']');
      return true;
    }
    while (i < t.size()) {
      if (!first) out.push_back(',');
      first = false;
      if (t[i] == '{') {
        if (!parse_array()) return false;
      } else if (t[i] == '"') {
        ++i;
        std::string value;
        while (i < t.size() && t[i] != '"') {
          if (t[i] == '\\' && i + 1 < t.size()) ++i;
          value.push_back(t[i++]);
        }
        if (i >= t.size()) return false;
        ++i;
        element(out, value, kind);
      } else {
        const std::size_t s = i;
        while (i < t.size() && t[i] != ',' && t[i] != '}')
          ++i;
        const std::string_view value = t.substr(s, i - s);
        if (value == "NULL") {
          out += "null";
        } else {
          element(out, value, kind);
        }
      }
      if (i >= t.size()) return false;
      if (t[i] == ',') {
        ++i;
        continue;
      }
      if (t[i] == '}') {
        ++i;
        out.push_back(']');
        return true;
      }
      return false;
    }
    return false;
  }
};

}  // namespace

bool append_json_array(std::string& out, std::string_view text, void (*element)(std::string&, std::string_view, int),
                       int kind) {
  // Arrays with explicit bounds print as "[0:1]={...}"; the bounds are dropped.
  if (!text.empty() && text[0] == '[') {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) return false;
    text.remove_prefix(eq + 1);
  }
  const std::size_t mark = out.size();
  ArrayParser p{text, 0, out, element, kind};
  if (!p.parse_array() || p.i != text.size()) {
    out.resize(mark);
    return false;
  }
  return true;
}

void append_compact_json(std::string& out, std::string_view json) {
  static const char hex[] = "0123456789abcdef";
  bool in_string = false;
  std::size_t run = 0;  // start of the bytes not yet copied
  const auto copy_up_to = [&](std::size_t i) {
    out.append(json.data() + run, i - run);
    run = i + 1;
  };
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto c = static_cast<unsigned char>(json[i]);
    if (c < 0x20 && in_string) {
      copy_up_to(i);
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else if (in_string) {
      // The escaped character is skipped unless it could break the line.
      if (c == '\\' && i + 1 < json.size() && static_cast<unsigned char>(json[i + 1]) >= 0x20) {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c <= 0x20) {
      copy_up_to(i);
    }
  }
  out.append(json.data() + run, json.size() - run);
}

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF) and its code point; 0 if the
// byte there does not start one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned b = byte(0);
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  std::size_t len = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xBF;  // the range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    lo = b == 0xE0 ? 0xA0 : 0x80;
    hi = b == 0xED ? 0x9F : 0xBF;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    lo = b == 0xF0 ? 0x90 : 0x80;
    hi = b == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (byte(1) < lo || byte(1) > hi) return 0;
  cp = b & (0x7Fu >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  return len;
}

void append_hex_escape(std::string& out, const char* prefix, unsigned value) {
  static const char hex[] = "0123456789abcdef";
  out += prefix;
  out.push_back(hex[(value >> 4) & 15]);
  out.push_back(hex[value & 15]);
}

// East Asian wide and fullwidth ranges take two terminal columns.
bool wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

}  // namespace

std::string terminal_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, cp);
    if (b == '\n') {
      out += "\\n";
    } else if (b == '\r') {
      out += "\\r";
    } else if (b == '\t') {
      out += "\\t";
    } else if (len <= 1) {
      append_hex_escape(out, "\\x", b);  // C0, DEL, or a stray byte
    } else if (cp <= 0x9F) {
      append_hex_escape(out, "\\u00", static_cast<unsigned>(cp));  // C1
    } else {
      out.append(text.data() + i, len);
    }
    i += len == 0 ? 1 : len;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, cp);
    w += len > 0 && wide(cp) ? 2 : 1;
    i += len == 0 ? 1 : len;
  }
  return w;
}

std::string fit_width(std::string_view text, std::size_t width) {
  if (width == 0 || display_width(text) <= width) return std::string(text);
  std::size_t w = 0, i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, cp);
    const std::size_t cw = len > 0 && wide(cp) ? 2 : 1;
    if (w + cw > width - 1) break;  // room for the ellipsis
    w += cw;
    i += len == 0 ? 1 : len;
  }
  return std::string(text.substr(0, i)) + "\u2026";
}

std::string local_time_text(std::chrono::system_clock::time_point t, char separator, int fraction_digits) {
  const int digits = fraction_digits < 1 ? 1 : fraction_digits > 6 ? 6 : fraction_digits;
  long long scale = 1;
  for (int i = digits; i < 6; ++i)
    scale *= 10;
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  const long long us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char date[64];
  const char format[] = {'%', 'Y', '-', '%', 'm', '-', '%', 'd', separator,
                         '%', 'H', ':', '%', 'M', ':', '%', 'S', '\0'};
  std::strftime(date, sizeof date, format, &tm);
  char zone[16];
  std::strftime(zone, sizeof zone, "%z", &tm);
  std::string z(zone);
  if (z.size() == 5) z.insert(3, ":");
  char out[112];
  std::snprintf(out, sizeof out, "%s.%0*lld%s", date, digits, (us < 0 ? us + 1000000 : us) / scale, z.c_str());
  return out;
}

}  // namespace pgdba
