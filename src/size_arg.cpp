#include "src/size_arg.hpp"

#include <cctype>
#include <cstdlib>

#include "src/errors.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// The leading decimal number of `s` and where it ends; false if none.
bool leading_number(const std::string& s, double& value, std::size_t& end) {
  std::size_t i = 0;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    ++i;
    digits = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      digits = true;
    }
  }
  if (!digits) return false;
  value = std::strtod(s.substr(0, i).c_str(), nullptr);
  end = i;
  return true;
}

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

double parse_size(const std::string& option, const std::string& value) {
  const std::string v = trim(value);
  double n = 0;
  std::size_t end = 0;
  const auto bad = [&] {
    return usage_error(option + " takes a size such as 8192, 512kB, 10MB or 1.5GB, not \"" + value + "\"");
  };
  if (!leading_number(v, n, end)) throw bad();
  const std::string unit = lower(trim(v.substr(end)));
  static const std::pair<const char*, double> units[] = {
      {"", 1},
      {"b", 1},
      {"bytes", 1},
      {"kb", 1024.0},
      {"mb", 1024.0 * 1024},
      {"gb", 1024.0 * 1024 * 1024},
      {"tb", 1024.0 * 1024 * 1024 * 1024},
      {"pb", 1024.0 * 1024 * 1024 * 1024 * 1024},
  };
  for (const auto& [name, factor] : units) {
    if (unit == name) return n * factor;
  }
  throw bad();
}

double parse_ratio(const std::string& option, const std::string& value) {
  const std::string v = trim(value);
  double n = 0;
  std::size_t end = 0;
  const auto bad = [&] {
    return usage_error(option + " takes a fraction between 0 and 1 (0.2) or a percentage (20%), not \"" + value + "\"");
  };
  if (!leading_number(v, n, end)) throw bad();
  const std::string rest = trim(v.substr(end));
  if (rest == "%") {
    n /= 100;
  } else if (!rest.empty()) {
    throw bad();
  }
  if (n > 1) throw bad();
  return n;
}

}  // namespace pgdba
