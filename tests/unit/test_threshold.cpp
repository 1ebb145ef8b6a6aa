// Nagios ranges (Monitoring Plugins guidelines, "Threshold and ranges")
// with the units a check's measure takes.
#include <catch2/catch.hpp>

#include "src/errors.hpp"
#include "src/threshold.hpp"

using pgdba::Measure;
using pgdba::parse_range;

TEST_CASE("threshold: the guideline's range forms alert where they say", "[threshold]") {
  const auto r10 = parse_range("-w", "10", Measure::Count);  // outside 0..10
  CHECK_FALSE(r10.alerts(0));
  CHECK_FALSE(r10.alerts(10));
  CHECK(r10.alerts(10.5));
  CHECK(r10.alerts(-1));
  const auto from10 = parse_range("-w", "10:", Measure::Count);  // below 10
  CHECK(from10.alerts(9.9));
  CHECK_FALSE(from10.alerts(1e12));
  const auto upto10 = parse_range("-w", "~:10", Measure::Count);  // above 10
  CHECK(upto10.alerts(11));
  CHECK_FALSE(upto10.alerts(-1e12));
  const auto between = parse_range("-w", "10:20", Measure::Count);
  CHECK(between.alerts(9));
  CHECK_FALSE(between.alerts(15));
  CHECK(between.alerts(21));
  const auto inside = parse_range("-w", "@10:20", Measure::Count);
  CHECK_FALSE(inside.alerts(9));
  CHECK(inside.alerts(10));
  CHECK(inside.alerts(20));
  CHECK_FALSE(inside.alerts(21));
  CHECK_FALSE(parse_range("-w", "", Measure::Count).alerts(1e300));
}

TEST_CASE("threshold: units of the measure, and perfdata in base units", "[threshold]") {
  const auto size = parse_range("-w", "10MB", Measure::Bytes);
  CHECK(size.end == 10.0 * 1024 * 1024);
  CHECK(size.text == "10485760");
  const auto dur = parse_range("-w", "5m", Measure::Seconds);
  CHECK(dur.end == 300);
  CHECK(parse_range("-w", "1h", Measure::Seconds).end == 3600);
  CHECK(parse_range("-w", "2d", Measure::Seconds).end == 172800);
  CHECK(parse_range("-w", "250ms", Measure::Seconds).end == Approx(0.25));
  CHECK(parse_range("-w", "7d:", Measure::Seconds).text == "604800:");
  CHECK(parse_range("-w", "80%", Measure::Percent).end == 80);
  CHECK(parse_range("-w", "@1GB:2GB", Measure::Bytes).text == "@1073741824:2147483648");
  CHECK(parse_range("-w", "~:5", Measure::Count).text == "~:5");
  CHECK(parse_range("-w", "0:", Measure::Count).text == "0:");
}

TEST_CASE("threshold: a bad range is a usage error naming the option", "[threshold]") {
  for (const auto& [text, m] : std::vector<std::pair<std::string, Measure>>{{"10MB", Measure::Count},
                                                                            {"5x", Measure::Seconds},
                                                                            {"abc", Measure::Percent},
                                                                            {"20:10", Measure::Count},
                                                                            {"10:2GB:", Measure::Bytes},
                                                                            {"nan", Measure::Count}}) {
    INFO(text);
    try {
      parse_range("--warning", text, m);
      FAIL("accepted");
    } catch (const pgdba::Error& e) {
      CHECK(e.kind == pgdba::ErrorKind::Usage);
      CHECK(std::string(e.what()).find("--warning") != std::string::npos);
    }
  }
}

TEST_CASE("threshold: perfdata numbers have no exponent and no trailing zeros", "[threshold]") {
  CHECK(pgdba::perf_number(1.5) == "1.5");
  CHECK(pgdba::perf_number(1048576) == "1048576");
  CHECK(pgdba::perf_number(0) == "0");
  CHECK(pgdba::perf_number(-0.0) == "0");
  CHECK(pgdba::perf_number(1e15) == "1000000000000000");
  CHECK(pgdba::perf_number(0.0000004) == "0");
}
