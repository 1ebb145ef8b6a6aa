// Judging samples against Nagios ranges, and the one-line message a pager
// shows: what is wrong and where, before anything else.
#include <algorithm>
#include <cstdio>

#include "commands/check/check.hpp"
#include "src/format.hpp"

namespace pgdba {

namespace {

int rank(CheckStatus s) {
  switch (s) {
    case CheckStatus::Critical:
      return 3;
    case CheckStatus::Warning:
      return 2;
    case CheckStatus::Unknown:
      return 1;
    case CheckStatus::Ok:
      break;
  }
  return 0;
}

// A range like "90:" alerts on low values: the lowest sample is the worst.
bool lower_is_worse(const Range& warning, const Range& critical) {
  const Range& r = warning.set ? warning : critical;
  return r.set && !r.inside && r.has_start && !r.has_end;
}

std::string label_of(const CheckDef& def, const CheckSample& s) {
  if (s.database.empty() && s.object.empty()) return def.name;
  if (s.database.empty()) return s.object;
  if (s.object.empty()) return s.database;
  return s.database + "/" + s.object;
}

}  // namespace

const char* status_word(CheckStatus s) {
  switch (s) {
    case CheckStatus::Ok:
      return "OK";
    case CheckStatus::Warning:
      return "WARNING";
    case CheckStatus::Critical:
      return "CRITICAL";
    case CheckStatus::Unknown:
      break;
  }
  return "UNKNOWN";
}

CheckStatus worse(CheckStatus a, CheckStatus b) {
  return rank(a) >= rank(b) ? a : b;
}

std::string format_measure(Measure m, double value) {
  switch (m) {
    case Measure::Bytes:
      return format_size(value);
    case Measure::Seconds:
      return format_duration(value);
    case Measure::Percent: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f%%", value);
      return buf;
    }
    case Measure::Count:
      break;
  }
  return perf_number(value);
}

CheckOutcome judge(const CheckDef& def, const Range& warning, const Range& critical, std::vector<CheckSample> samples,
                   const std::vector<std::string>& errors) {
  CheckOutcome o;
  o.check = def.name;
  o.def = &def;
  o.warning = warning;
  o.critical = critical;
  const bool low_bad = lower_is_worse(warning, critical);
  for (auto& s : samples) {
    CheckMetric m;
    m.label = label_of(def, s);
    m.status = s.status                   ? *s.status
               : critical.alerts(s.value) ? CheckStatus::Critical
               : warning.alerts(s.value)  ? CheckStatus::Warning
                                          : CheckStatus::Ok;
    m.sample = std::move(s);
    o.metrics.push_back(std::move(m));
  }
  std::stable_sort(o.metrics.begin(), o.metrics.end(), [low_bad](const CheckMetric& a, const CheckMetric& b) {
    if (rank(a.status) != rank(b.status)) return rank(a.status) > rank(b.status);
    return low_bad ? a.sample.value < b.sample.value : a.sample.value > b.sample.value;
  });

  std::size_t alerting = 0;
  for (const auto& m : o.metrics) {
    o.status = worse(o.status, m.status);
    alerting += m.status != CheckStatus::Ok ? 1 : 0;
  }
  if (!errors.empty()) o.status = worse(o.status, CheckStatus::Unknown);

  std::string msg;
  const auto value_text = [&def](const CheckSample& s) {
    std::string v = format_measure(def.measure, s.value);
    if (s.max && def.measure != Measure::Percent) v += " of " + format_measure(def.measure, *s.max);
    return v;
  };
  // The sample for the server as a whole (backends' total), if any, heads
  // the message unless another one alerts worse.
  const auto headline = std::find_if(o.metrics.begin(), o.metrics.end(), [](const CheckMetric& m) {
    return m.sample.database.empty() && m.sample.object.empty();
  });
  if (o.metrics.empty()) {
    if (errors.empty()) msg = "no " + def.what;
  } else if (headline != o.metrics.end() && rank(headline->status) >= rank(o.metrics.front().status)) {
    msg = def.what + " " + value_text(headline->sample);
    if (!headline->sample.detail.empty()) msg += " (" + headline->sample.detail + ")";
    if (alerting > (headline->status != CheckStatus::Ok ? 1U : 0U)) {
      msg += "; " + std::to_string(alerting) + " of " + std::to_string(o.metrics.size()) + " alerting";
    }
  } else {
    const CheckMetric& w = o.metrics.front();
    const std::string n = std::to_string(o.metrics.size()) + " " + def.what;
    if (alerting > 0) {
      msg = std::to_string(alerting) + " of " + n + " alerting; worst " + w.label + ": " + value_text(w.sample);
    } else {
      msg = n + "; " + (low_bad ? "lowest " : "highest ") + w.label + ": " + value_text(w.sample);
    }
  }
  if (!o.metrics.empty() && !o.metrics.front().sample.detail.empty() && o.metrics.front().status != CheckStatus::Ok &&
      (headline == o.metrics.end() || rank(headline->status) < rank(o.metrics.front().status))) {
    msg += " (" + o.metrics.front().sample.detail + ")";
  }
  if (!errors.empty()) {
    if (!msg.empty()) msg += "; ";
    msg += "cannot check: " + errors.front();
    if (errors.size() > 1) msg += " (and " + std::to_string(errors.size() - 1) + " more)";
  }
  o.message = msg;
  return o;
}

int exit_code(const std::vector<CheckOutcome>& outcomes) {
  CheckStatus s = CheckStatus::Ok;
  for (const auto& o : outcomes)
    s = worse(s, o.status);
  return static_cast<int>(s);
}

}  // namespace pgdba
