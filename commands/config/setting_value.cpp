#include "commands/config/setting_value.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

enum class UnitKind { None, Memory, Time };

// A unit of PostgreSQL's conversion table: memory in bytes, time in
// milliseconds (guc.c's memory_unit_conversion_table and
// time_unit_conversion_table hold the same ratios).
struct UnitInfo {
  UnitKind kind = UnitKind::None;
  double factor = 1;
};

UnitInfo unit_info(const std::string& unit) {
  static const std::pair<const char*, UnitInfo> table[] = {
      {"B", {UnitKind::Memory, 1.0}},
      {"kB", {UnitKind::Memory, 1024.0}},
      {"MB", {UnitKind::Memory, 1024.0 * 1024}},
      {"GB", {UnitKind::Memory, 1024.0 * 1024 * 1024}},
      {"TB", {UnitKind::Memory, 1024.0 * 1024 * 1024 * 1024}},
      {"us", {UnitKind::Time, 0.001}},
      {"ms", {UnitKind::Time, 1.0}},
      {"s", {UnitKind::Time, 1000.0}},
      {"min", {UnitKind::Time, 60.0 * 1000}},
      {"h", {UnitKind::Time, 3600.0 * 1000}},
      {"d", {UnitKind::Time, 86400.0 * 1000}},
  };
  for (const auto& [name, info] : table)
    if (unit == name) return info;
  return {};
}

// A pg_settings unit: a base unit, possibly with a count in front ("8kB",
// the block size; "16MB" on old servers).
UnitInfo setting_unit(const std::string& unit) {
  std::size_t i = 0;
  while (i < unit.size() && std::isdigit(static_cast<unsigned char>(unit[i])) != 0)
    ++i;
  UnitInfo base = unit_info(unit.substr(i));
  if (base.kind == UnitKind::None) return {};
  if (i > 0) base.factor *= std::strtod(unit.substr(0, i).c_str(), nullptr);
  return base;
}

const char* valid_units(UnitKind kind) {
  return kind == UnitKind::Memory ? "B, kB, MB, GB and TB" : "us, ms, s, min, h and d";
}

bool space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
  if (v == std::rint(v) && std::fabs(v) < 1e18) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

[[noreturn]] void refuse(const SettingSpec& spec, const std::string& value, const std::string& why) {
  throw usage_error("invalid value \"" + value + "\" for " + spec.name + ": " + why);
}

// " ms", or " × 8kB" for a unit that counts blocks.
std::string unit_suffix(const std::string& unit) {
  if (unit.empty()) return "";
  return (std::isdigit(static_cast<unsigned char>(unit[0])) != 0 ? " × " : " ") + unit;
}

// "16 .. 1073741823 (128kB .. 8589934584kB)", the range in the parameter's
// unit and readable.
std::string range_text(const SettingSpec& spec) {
  const auto end = [&](const std::optional<double>& v) { return v ? number_text(*v) : std::string("?"); };
  std::string out = end(spec.min) + " .. " + end(spec.max);
  if (!spec.unit.empty() && setting_unit(spec.unit).kind != UnitKind::None) {
    out += unit_suffix(spec.unit);
    if (spec.min && spec.max)
      out += " (" + format_setting_amount(*spec.min, spec.unit) + " .. " + format_setting_amount(*spec.max, spec.unit) +
             ")";
  }
  return out;
}

// guc.c's parse_int/parse_real: the number (strtol base 0 for integers, so
// 0x10 and 010 read as C reads them, strtod when it has a fraction or an
// exponent), then an optional unit converted to the parameter's.
double parse_amount(const SettingSpec& spec, const std::string& value, bool integer) {
  const char* start = value.c_str();
  char* end = nullptr;
  double v = 0;
  errno = 0;
  if (integer) {
    const long long l = std::strtoll(start, &end, 0);
    v = static_cast<double>(l);
    if (end != start && (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE)) {
      errno = 0;
      v = std::strtod(start, &end);
    }
  } else {
    v = std::strtod(start, &end);
  }
  if (end == start || std::isnan(v)) refuse(spec, value, std::string("not ") + (integer ? "an integer" : "a number"));
  // strtod reads "inf" and hexadecimal floats too; PostgreSQL's integers do
  // not, and "infinity" is no amount anyone means for a setting.
  if (std::isinf(v)) refuse(spec, value, "not a finite number");
  while (*end != '\0' && space(*end))
    ++end;
  const UnitInfo target = setting_unit(spec.unit);
  if (*end != '\0') {
    std::string unit;
    while (*end != '\0' && std::isalpha(static_cast<unsigned char>(*end)) != 0)
      unit += *end++;
    while (*end != '\0' && space(*end))
      ++end;
    if (*end != '\0' || unit.empty())
      refuse(spec, value, std::string("not ") + (integer ? "an integer" : "a number") + " with an optional unit");
    if (target.kind == UnitKind::None) refuse(spec, value, "this parameter takes no unit");
    const UnitInfo given = unit_info(unit);
    if (given.kind != target.kind)
      refuse(spec, value,
             "unknown unit \"" + unit + "\": valid units for this parameter are " + valid_units(target.kind));
    v = v * given.factor / target.factor;
  }
  if (integer) {
    v = std::rint(v);
    if (v > INT_MAX || v < INT_MIN)
      refuse(spec, value, "out of range for an integer parameter; allowed: " + range_text(spec));
  }
  return v;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// pg_dump's variable_is_guc_list_quote: the parameters whose elements the
// server quotes one by one (GUC_LIST_QUOTE).
bool is_quoted_list(const std::string& name) {
  const std::string n = lower(name);
  for (const char* l : {"local_preload_libraries", "search_path", "session_preload_libraries",
                        "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories"})
    if (n == l) return true;
  return false;
}

}  // namespace

std::optional<bool> parse_setting_bool(const std::string& value) {
  // parse_bool_with_len: a prefix of a word is enough where it is unique;
  // "o" alone could be on or off.
  const std::string v = lower(value);
  const auto prefix_of = [&](const char* word, std::size_t min_len) {
    return v.size() >= min_len && v.size() <= std::strlen(word) && std::strncmp(word, v.c_str(), v.size()) == 0;
  };
  if (v.empty()) return std::nullopt;
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || v == "1") return true;
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0") return false;
  return std::nullopt;
}

CheckedSetting check_setting_value(const SettingSpec& spec, const std::string& value) {
  if (spec.vartype == "bool") {
    if (!parse_setting_bool(value)) refuse(spec, value, "a boolean is on or off (true/false, yes/no, 1/0)");
    return {};
  }
  if (spec.vartype == "enum") {
    for (const auto& e : spec.enumvals)
      if (lower(e) == lower(value)) return {};
    // Enums with on and off also take the other boolean spellings, hidden
    // from enumvals (synchronous_commit, huge_pages, constraint_exclusion).
    const bool boolish = std::count(spec.enumvals.begin(), spec.enumvals.end(), "on") != 0 &&
                         std::count(spec.enumvals.begin(), spec.enumvals.end(), "off") != 0;
    if (boolish && parse_setting_bool(value)) return {};
    refuse(spec, value, "allowed values: " + join(spec.enumvals));
  }
  if (spec.vartype == "integer" || spec.vartype == "real") {
    const double v = parse_amount(spec, value, spec.vartype == "integer");
    if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
      std::string as = number_text(v);
      as += unit_suffix(spec.unit);
      refuse(spec, value, as + " is outside the allowed range " + range_text(spec));
    }
    return {v};
  }
  return {};
}

std::string format_setting_amount(double amount, const std::string& unit) {
  const UnitInfo u = setting_unit(unit);
  if (u.kind == UnitKind::None || amount < 0 || amount != std::rint(amount)) return number_text(amount);
  const double base = amount * u.factor;
  static const std::vector<std::string> memory = {"TB", "GB", "MB", "kB", "B"};
  static const std::vector<std::string> time = {"d", "h", "min", "s", "ms", "us"};
  if (base == 0) return "0";
  for (const auto& name : u.kind == UnitKind::Memory ? memory : time) {
    const double f = unit_info(name).factor;
    const double n = base / f;
    if (n == std::rint(n) && std::fabs(base - std::rint(n) * f) < 1e-9) return number_text(n) + name;
  }
  return number_text(amount) + unit;
}

std::vector<std::string> similar_setting_names(const std::string& name, const std::vector<std::string>& names,
                                               std::size_t max) {
  const std::string want = lower(name);
  const std::size_t limit = std::max<std::size_t>(2, want.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& n : names) {
    const std::string l = lower(n);
    std::size_t d = edit_distance(want, l);
    // A part of the name ("buffers") finds shared_buffers and its kin.
    if (want.size() >= 4 && l.find(want) != std::string::npos) d = std::min<std::size_t>(d, 1);
    if (d <= limit) scored.emplace_back(d, n);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < max; ++i)
    out.push_back(scored[i].second);
  return out;
}

std::string setting_value_sql(const std::string& name, const std::string& value) {
  if (!is_quoted_list(name)) return quote_literal(value);
  if (trim(value).empty()) return quote_literal("");
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = value.find(',', start);
    std::string item = trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    // A double-quoted element as the server writes it back ("$user").
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
    if (item.empty()) throw usage_error("an empty element in the list \"" + value + "\" for " + name);
    out += (out.empty() ? "" : ", ") + quote_literal(item);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace pgdba
