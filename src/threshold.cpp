#include "src/threshold.hpp"

#include <cmath>
#include <cstdio>

#include "src/errors.hpp"
#include "src/size_arg.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// One end of a range: a number in the measure's units.
double parse_bound(const std::string& option, const std::string& raw, Measure measure) {
  const std::string v = trim(raw);
  const auto bad = [&](const std::string& expected) {
    return usage_error(option + " takes a Nagios range of " + expected + " (10, 10:, ~:10, 10:20, @10:20), not \"" +
                       raw + "\"");
  };
  std::size_t end = 0;
  double n = 0;
  try {
    n = std::stod(v, &end);
  } catch (const std::exception&) {
    throw bad(measure == Measure::Bytes     ? "sizes such as 10MB"
              : measure == Measure::Seconds ? "durations such as 5m or 30s"
              : measure == Measure::Percent ? "percentages such as 80%"
                                            : "numbers");
  }
  if (!std::isfinite(n)) throw bad("finite numbers");
  const std::string unit = trim(v.substr(end));
  switch (measure) {
    case Measure::Count:
      if (unit.empty()) return n;
      throw bad("plain numbers");
    case Measure::Percent:
      if (unit.empty() || unit == "%") return n;
      throw bad("percentages such as 80%");
    case Measure::Bytes:
      if (n < 0) {
        if (unit.empty()) return n;
        throw bad("sizes such as 10MB");
      }
      return parse_size(option, v);
    case Measure::Seconds: {
      static const std::pair<const char*, double> units[] = {{"", 1},   {"s", 1},    {"sec", 1},  {"ms", 0.001},
                                                             {"m", 60}, {"min", 60}, {"h", 3600}, {"d", 86400}};
      for (const auto& [name, factor] : units)
        if (unit == name) return n * factor;
      throw bad("durations such as 5m or 30s");
    }
  }
  return n;
}

}  // namespace

bool Range::alerts(double value) const {
  if (!set) return false;
  const bool in = (!has_start || value >= start) && (!has_end || value <= end);
  return inside ? in : !in;
}

Range parse_range(const std::string& option, const std::string& text, Measure measure) {
  Range r;
  std::string t = trim(text);
  if (t.empty()) return r;
  r.set = true;
  r.text = t;
  if (t[0] == '@') {
    r.inside = true;
    t = t.substr(1);
  }
  const std::size_t colon = t.find(':');
  if (colon == std::string::npos) {
    r.start = 0;
    r.end = parse_bound(option, t, measure);
  } else {
    const std::string lo = trim(t.substr(0, colon));
    const std::string hi = trim(t.substr(colon + 1));
    if (lo == "~") {
      r.has_start = false;
    } else {
      r.start = lo.empty() ? 0 : parse_bound(option, lo, measure);
    }
    if (hi.empty()) {
      r.has_end = false;
    } else {
      r.end = parse_bound(option, hi, measure);
    }
  }
  if (r.has_start && r.has_end && r.start > r.end) {
    throw usage_error(option + ": the range \"" + text + "\" starts after it ends");
  }
  // Perfdata carries the range in base units, so a reader need not know ours.
  std::string base = r.inside ? "@" : "";
  if (!r.has_start) {
    base += "~:";
  } else if (colon != std::string::npos && r.start != 0) {
    base += perf_number(r.start) + ":";
  } else if (colon != std::string::npos && !r.has_end) {
    base += "0:";
  }
  if (r.has_end) base += perf_number(r.end);
  r.text = base;
  return r;
}

std::string perf_number(double value) {
  if (!std::isfinite(value)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

const char* perf_uom(Measure measure) {
  switch (measure) {
    case Measure::Bytes:
      return "B";
    case Measure::Seconds:
      return "s";
    case Measure::Percent:
      return "%";
    case Measure::Count:
      break;
  }
  return "";
}

}  // namespace pgdba
