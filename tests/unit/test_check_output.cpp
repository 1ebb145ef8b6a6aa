// Checks' judging and output: Nagios plugin output (status line, perfdata
// grammar of the Monitoring Plugins guidelines), Prometheus exposition
// (each family once, HELP and TYPE first), without a server.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "commands/check/check.hpp"

using namespace pgdba;

namespace {

CheckDef def(Measure m = Measure::Count) {
  CheckDef d;
  d.name = "things";
  d.help = "Things \\ counted";
  d.measure = m;
  d.metric = m == Measure::Bytes ? "things_bytes" : "things";
  d.what = "things";
  return d;
}

CheckSample check_sample(std::string db, std::string object, double v, std::string detail = "") {
  CheckSample s;
  s.database = std::move(db);
  s.object = std::move(object);
  s.value = v;
  s.detail = std::move(detail);
  return s;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

// One perfdata item: 'label'=value[UOM];[warn];[crit];[min];[max]
const std::regex kPerf(R"('([^']|'')+'=-?[0-9.]+(s|%|B|c)?(;[@~:0-9.-]*){0,4})");

}  // namespace

TEST_CASE("check judge: each sample's status, the worst first, the message names it", "[check]") {
  const CheckDef d = def();
  const auto w = parse_range("-w", "10", Measure::Count);
  const auto c = parse_range("-c", "20", Measure::Count);
  const auto o =
      judge(d, w, c,
            {check_sample("db1", "a", 5), check_sample("db2", "b", 25, "held by x"), check_sample("db1", "c", 15)}, {});
  CHECK(o.status == CheckStatus::Critical);
  REQUIRE(o.metrics.size() == 3);
  CHECK(o.metrics[0].label == "db2/b");
  CHECK(o.metrics[0].status == CheckStatus::Critical);
  CHECK(o.metrics[1].status == CheckStatus::Warning);
  CHECK(o.metrics[2].status == CheckStatus::Ok);
  CHECK(o.message == "2 of 3 things alerting; worst db2/b: 25 (held by x)");
  CHECK(exit_code({o}) == 2);

  const auto none = judge(d, w, c, {}, {});
  CHECK(none.status == CheckStatus::Ok);
  CHECK(none.message == "no things");

  const auto err = judge(d, w, c, {check_sample("", "", 1)}, {"db3: permission denied"});
  CHECK(err.status == CheckStatus::Unknown);
  CHECK(err.message.find("cannot check: db3: permission denied") != std::string::npos);
  // A CRITICAL sample outranks an UNKNOWN part.
  CHECK(judge(d, w, c, {check_sample("", "x", 99)}, {"db3: gone"}).status == CheckStatus::Critical);
}

TEST_CASE("check judge: a range like 90: alerts low, and the lowest is the worst", "[check]") {
  const CheckDef d = def(Measure::Percent);
  const auto o = judge(d, parse_range("-w", "90:", Measure::Percent), parse_range("-c", "80:", Measure::Percent),
                       {check_sample("a", "", 99), check_sample("b", "", 85), check_sample("c", "", 95)}, {});
  CHECK(o.status == CheckStatus::Warning);
  CHECK(o.metrics.front().label == "b");
  const auto ok = judge(d, parse_range("-w", "90:", Measure::Percent), Range{},
                        {check_sample("a", "", 99), check_sample("c", "", 95)}, {});
  CHECK(ok.message == "2 things; lowest c: 95.0%");
}

TEST_CASE("check nagios: status line, perfdata grammar, long output", "[check]") {
  const CheckDef d = def(Measure::Bytes);
  auto o = judge(d, parse_range("-w", "1kB", Measure::Bytes), parse_range("-c", "1MB", Measure::Bytes),
                 {check_sample("db", "it's=a|b", 2048, "line\nbreak"), check_sample("db", "small", 10)}, {});
  const auto text = nagios_text({o}, "things");
  const auto ls = lines(text);
  REQUIRE(ls.size() == 2);
  const std::regex status(R"(^PGDBA THINGS (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*) \| (.*)$)");
  std::smatch m;
  REQUIRE(std::regex_match(ls[0], m, status));
  CHECK(m[1] == "WARNING");
  const std::string perf = m[3];
  // Items separated by single spaces (labels are quoted, so split on "' ").
  std::size_t items = 0;
  for (std::sregex_iterator it(perf.begin(), perf.end(), kPerf), end; it != end; ++it)
    ++items;
  CHECK(items == 2);
  CHECK(perf.find("'db/it''s_a_b'=2048B;1024;1048576;0") != std::string::npos);
  CHECK(ls[1] == "WARNING: db/it's=a/b 2.0 kB (line break)");
}

TEST_CASE("check nagios: several checks get a summary line, worst first, long perfdata after a pipe", "[check]") {
  const CheckDef d = def();
  auto a = judge(d, parse_range("-w", "10", Measure::Count), Range{}, {check_sample("", "", 1)}, {});
  a.check = "alpha";
  auto b = judge(d, parse_range("-w", "10", Measure::Count), Range{}, {check_sample("", "", 11)}, {});
  b.check = "beta";
  const auto ls = lines(nagios_text({a, b}, "all"));
  REQUIRE(ls.size() >= 3);
  CHECK(ls[0] == "PGDBA ALL WARNING - 2 checks: 0 critical, 1 warning, 0 unknown, 1 ok");
  CHECK(ls[1].rfind("WARNING: beta - ", 0) == 0);
  CHECK(ls[2].find("OK: alpha - ") == 0);
  CHECK(ls[2].find(" | 'beta:things'=11;10") != std::string::npos);
  CHECK(ls[3] == "'alpha:things'=1;10;;0");
  CHECK(exit_code({a, b}) == 1);
}

TEST_CASE("check prometheus: each family once with HELP and TYPE, labels escaped, percent as ratio", "[check]") {
  CheckDef d = def(Measure::Percent);
  d.metric = "things_ratio";
  auto o1 = judge(d, Range{}, Range{}, {check_sample("d\"b", "x\\y", 50), check_sample("db", "", 25)}, {});
  o1.target = "prod-1";
  auto o2 = o1;
  o2.target = "prod-2";
  const std::string text = prometheus_text({o1, o2});
  std::set<std::string> help, type;
  std::string last_family;
  for (const auto& l : lines(text)) {
    if (l.rfind("# HELP ", 0) == 0) {
      const std::string name = l.substr(7, l.find(' ', 7) - 7);
      CHECK(help.insert(name).second);  // never twice
    } else if (l.rfind("# TYPE ", 0) == 0) {
      CHECK(type.insert(l.substr(7, l.find(' ', 7) - 7)).second);
    }
  }
  CHECK(help == type);
  CHECK(help.count("pgdba_things_ratio") == 1);
  CHECK(text.find("pgdba_things_ratio{target=\"prod-1\",database=\"d\\\"b\",object=\"x\\\\y\"} 0.5\n") !=
        std::string::npos);
  CHECK(text.find("pgdba_things_ratio{target=\"prod-2\",database=\"db\"} 0.25\n") != std::string::npos);
  CHECK(text.find("# HELP pgdba_things_ratio Things \\\\ counted (as a ratio: 1 is 100%)") != std::string::npos);
  CHECK(text.find("pgdba_check_status{check=\"things\",target=\"prod-1\"} 0") != std::string::npos);
}

TEST_CASE("check catalog: at least 50 checks, unique names and metric families with unit suffixes", "[check]") {
  const auto& cat = check_catalog();
  CHECK(cat.size() >= 50);
  std::set<std::string> names, metrics;
  const std::regex metric_name("^[a-z_][a-z0-9_]*$");
  for (const auto& d : cat) {
    INFO(d.name);
    CHECK(names.insert(d.name).second);
    CHECK(metrics.insert(d.metric).second);
    CHECK(std::regex_match(d.metric, metric_name));
    const auto ends = [&](const std::string& s) {
      return d.metric.size() > s.size() && d.metric.compare(d.metric.size() - s.size(), s.size(), s) == 0;
    };
    if (d.measure == Measure::Bytes) CHECK((ends("_bytes") || ends("_bytes_per_second")));
    if (d.measure == Measure::Seconds) CHECK(ends("_seconds"));
    if (d.measure == Measure::Percent) CHECK(ends("_ratio"));
    // Defaults parse in the check's own measure.
    CHECK_NOTHROW(parse_range("w", d.warning, d.measure));
    CHECK_NOTHROW(parse_range("c", d.critical, d.measure));
    CHECK(!d.what.empty());
    CHECK((d.probe || !d.sql.empty()));
  }
}
