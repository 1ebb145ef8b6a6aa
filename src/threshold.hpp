// Monitoring thresholds as the Nagios plugin guidelines define them
// ("10", "10:", "~:10", "10:20", "@10:20"), with the units a DBA types for
// the quantity a check measures (10MB, 5m, 80%). Pure, no server.
#pragma once

#include <string>

namespace pgdba {

// What a check's value measures; decides the units a threshold may carry,
// the perfdata unit of measure and the Prometheus metric suffix.
enum class Measure { Count, Bytes, Seconds, Percent };

// A range of values; a value outside it alerts (inside it, with '@').
struct Range {
  bool set = false;       // false: never alerts
  bool inside = false;    // '@': alert when start <= v <= end
  bool has_start = true;  // false: "~" (minus infinity)
  bool has_end = true;    // false: "10:" (plus infinity)
  double start = 0;
  double end = 0;
  std::string text;  // as given, for perfdata

  bool alerts(double value) const;
};

// Parses a threshold given to `option` for a value measured in `measure`:
// plain numbers are in the measure's base unit (bytes, seconds, percent);
// sizes take kB/MB/GB/TB, durations s/m/min/h/d/ms, percentages a '%'.
// "" is an unset range. Throws a usage Error naming the option otherwise.
Range parse_range(const std::string& option, const std::string& text, Measure measure);

// A value in the measure's base unit as perfdata prints it: no exponent,
// at most 6 decimals, no trailing zeros ("1.5", "1048576", "0").
std::string perf_number(double value);

// The perfdata unit of measure: "B", "s", "%" or "" for counts.
const char* perf_uom(Measure measure);

}  // namespace pgdba
