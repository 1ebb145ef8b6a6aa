// A check's result in the formats monitoring reads: the Nagios plugin
// output (Monitoring Plugins development guidelines, "Plugin Output" and
// "Performance data"), the Prometheus text exposition format, and tables.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "commands/check/check.hpp"
#include "src/prometheus.hpp"

namespace pgdba {

namespace {

// Perfdata entries per check on the Nagios line, worst first: a check over
// every sequence of 200 databases must still fit a monitoring system's
// buffer (JSON and Prometheus carry them all).
constexpr std::size_t kPerfdataPerCheck = 50;
// Long output lines per check (the alerting samples, worst first).
constexpr std::size_t kDetailLines = 20;

// Plugin output is one line per field and '|' starts the perfdata.
std::string nagios_safe(const std::string& s) {
  std::string out;
  for (char c : s)
    out += c == '|' ? '/' : (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

// "label can contain any characters except the equals sign or single
// quote"; quoted always, a quote doubled, '=' replaced.
std::string perf_label(const std::string& label) {
  std::string out = "'";
  for (char c : label) {
    if (c == '\'') {
      out += "''";
    } else if (c == '=' || c == '\n' || c == '\r' || c == '|') {
      out += '_';
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string perfdata(const CheckOutcome& o, const CheckMetric& m, const std::string& prefix) {
  const Measure measure = o.def->measure;
  std::string p = perf_label(prefix + m.label) + "=" + perf_number(m.sample.value) + perf_uom(measure) + ";" +
                  o.warning.text + ";" + o.critical.text + ";";
  if (measure == Measure::Percent) {
    p += "0;100";
  } else {
    p += measure == Measure::Count && m.sample.value < 0 ? "" : "0";
    p += ";";
    if (m.sample.max) p += perf_number(*m.sample.max);
  }
  // Trailing empty fields may be dropped.
  while (!p.empty() && p.back() == ';')
    p.pop_back();
  return p;
}

std::string upper_name(const std::string& s) {
  std::string out;
  for (char c : s)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string where(const CheckOutcome& o) {
  return o.target.empty() ? o.check : o.target + "/" + o.check;
}

std::string labels(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (v.empty()) continue;  // an empty label is an absent one
    out += (out.empty() ? "{" : ",") + k + "=\"" + prometheus_label_value(v) + "\"";
  }
  return out.empty() ? out : out + "}";
}

struct Family {
  std::string help;
  std::vector<std::string> samples;
};

}  // namespace

std::string nagios_text(const std::vector<CheckOutcome>& outcomes, const std::string& service) {
  std::string out;
  if (outcomes.size() == 1) {
    const CheckOutcome& o = outcomes.front();
    out = "PGDBA " + upper_name(service) + " " + status_word(o.status) + " - " + nagios_safe(o.message);
    std::string perf;
    std::size_t n = 0;
    for (const auto& m : o.metrics) {
      if (n++ == kPerfdataPerCheck) break;
      perf += (perf.empty() ? "" : " ") + perfdata(o, m, "");
    }
    if (!perf.empty()) out += " | " + perf;
    out += "\n";
    std::size_t lines = 0;
    for (const auto& m : o.metrics) {
      if (m.status == CheckStatus::Ok || lines++ == kDetailLines) break;
      out += std::string(status_word(m.status)) + ": " + nagios_safe(m.label) + " " +
             format_measure(o.def->measure, m.sample.value) +
             (m.sample.detail.empty() ? "" : " (" + nagios_safe(m.sample.detail) + ")") + "\n";
    }
    return out;
  }
  int counts[4] = {0, 0, 0, 0};
  for (const auto& o : outcomes)
    ++counts[static_cast<int>(o.status)];
  out = "PGDBA " + upper_name(service) + " " + status_word(static_cast<CheckStatus>(exit_code(outcomes))) + " - " +
        std::to_string(outcomes.size()) + " checks: " + std::to_string(counts[2]) + " critical, " +
        std::to_string(counts[1]) + " warning, " + std::to_string(counts[3]) + " unknown, " +
        std::to_string(counts[0]) + " ok\n";
  // Alerting checks first, so the pager's first lines say what is wrong.
  std::vector<const CheckOutcome*> order;
  for (const auto& o : outcomes)
    order.push_back(&o);
  std::stable_sort(order.begin(), order.end(), [](const CheckOutcome* a, const CheckOutcome* b) {
    return worse(a->status, b->status) == a->status && a->status != b->status;
  });
  for (const CheckOutcome* o : order)
    out += std::string(status_word(o->status)) + ": " + where(*o) + " - " + nagios_safe(o->message) + "\n";
  std::string perf;
  for (const CheckOutcome* o : order) {
    std::size_t n = 0;
    for (const auto& m : o->metrics) {
      if (n++ == kPerfdataPerCheck) break;
      perf += perfdata(*o, m, where(*o) + ":") + "\n";
    }
  }
  // Long perfdata: after a '|' on a long-output line, then one per line.
  if (!perf.empty()) {
    out.pop_back();
    out += " | " + perf;
  }
  return out;
}

std::string prometheus_text(const std::vector<CheckOutcome>& outcomes) {
  std::map<std::string, Family> families;
  std::vector<std::string> order;
  const auto add = [&](const std::string& name, const std::string& help, const std::string& sample) {
    auto [it, fresh] = families.try_emplace(name);
    if (fresh) {
      it->second.help = help;
      order.push_back(name);
    }
    it->second.samples.push_back(sample);
  };
  for (const auto& o : outcomes) {
    add("pgdba_check_status", "Nagios status of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        "pgdba_check_status" + labels({{"check", o.check}, {"target", o.target}}) + " " +
            std::to_string(static_cast<int>(o.status)));
    add("pgdba_check_duration_seconds", "How long the check took.",
        "pgdba_check_duration_seconds" + labels({{"check", o.check}, {"target", o.target}}) + " " +
            perf_number(o.seconds));
    if (o.def == nullptr || o.def->metric.empty()) continue;
    const std::string name = "pgdba_" + o.def->metric;
    const double scale = o.def->measure == Measure::Percent ? 0.01 : 1;
    std::set<std::string> seen;
    for (const auto& m : o.metrics) {
      const std::string l =
          labels({{"target", o.target}, {"database", m.sample.database}, {"object", m.sample.object}});
      // Two samples of one series would make the exposition invalid.
      if (!seen.insert(l).second) continue;
      add(name, o.def->help + (scale != 1 ? " (as a ratio: 1 is 100%)" : ""),
          name + l + " " + perf_number(m.sample.value * scale));
    }
  }
  std::string out;
  for (const auto& name : order) {
    const Family& f = families[name];
    out += "# HELP " + name + " " + prometheus_help(f.help) + "\n# TYPE " + name + " gauge\n";
    for (const auto& s : f.samples)
      out += s + "\n";
  }
  return out;
}

Result check_tables(const std::vector<CheckOutcome>& outcomes) {
  const bool fleet = std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return !o.target.empty(); });
  std::vector<Column> cc;
  if (fleet) cc.push_back({"target"});
  for (const char* c : {"check", "status", "message"})
    cc.push_back({c});
  cc.push_back({"seconds", Kind::Seconds});
  Table checks("checks", cc);
  std::vector<Column> mc;
  if (fleet) mc.push_back({"target"});
  for (const char* c : {"check", "database", "object", "status"})
    mc.push_back({c});
  mc.push_back({"value", Kind::Float});
  for (const char* c : {"uom", "warning", "critical"})
    mc.push_back({c});
  mc.push_back({"detail"});
  Table metrics("metrics", mc);
  for (const auto& o : outcomes) {
    std::vector<std::optional<std::string>> row;
    if (fleet) row.emplace_back(o.target);
    row.insert(row.end(), {o.check, std::string(status_word(o.status)), o.message, perf_number(o.seconds)});
    checks.add_row(std::move(row));
    for (const auto& m : o.metrics) {
      std::vector<std::optional<std::string>> r;
      if (fleet) r.emplace_back(o.target);
      const auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
      r.insert(r.end(), {o.check, opt(m.sample.database), opt(m.sample.object), std::string(status_word(m.status)),
                         perf_number(m.sample.value), std::string(perf_uom(o.def->measure)), opt(o.warning.text),
                         opt(o.critical.text), opt(m.sample.detail)});
      metrics.add_row(std::move(r));
    }
  }
  return {checks, metrics};
}

}  // namespace pgdba
