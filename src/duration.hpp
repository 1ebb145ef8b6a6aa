// Durations the user types for options such as --min-duration and
// --running-for. Pure, no server.
#pragma once

#include <chrono>
#include <string>

namespace pgdba {

// A number with one of PostgreSQL's time units, as in its settings: us, ms,
// s, min, h, d ("30s", "5min", "1.5h", "250ms"); "0" alone is zero. Returns
// seconds. Throws a usage Error naming `option` for anything else, including
// a number without a unit (PostgreSQL would read 30 as 30ms in one setting
// and 30s in another).
double parse_duration(const std::string& option, const std::string& value);

// Seconds from `t0` to now, for the durations pgdba reports.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace pgdba
