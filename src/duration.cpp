#include "src/duration.hpp"

#include <map>
#include <regex>

#include "src/errors.hpp"

namespace pgdba {

double parse_duration(const std::string& option, const std::string& value) {
  static const std::regex pattern(R"(^([0-9]+(\.[0-9]+)?)(us|ms|s|min|h|d)$)");
  static const std::map<std::string, double> seconds_per_unit = {{"us", 1e-6}, {"ms", 1e-3}, {"s", 1},
                                                                 {"min", 60},  {"h", 3600},  {"d", 86400}};
  if (value == "0") return 0;
  std::smatch m;
  if (!std::regex_match(value, m, pattern)) {
    throw usage_error("invalid value \"" + value + "\" for " + option +
                      ": use a number with a unit (us, ms, s, min, h, d), such as 30s, 5min or 2h");
  }
  return std::stod(m[1].str()) * seconds_per_unit.at(m[3].str());
}

}  // namespace pgdba
