#include <catch2/catch.hpp>

#include <string>

#include "src/duration.hpp"
#include "src/errors.hpp"

using namespace pgdba;

TEST_CASE("durations take PostgreSQL's time units", "[duration]") {
  CHECK(parse_duration("--x", "30s") == Approx(30));
  CHECK(parse_duration("--x", "5min") == Approx(300));
  CHECK(parse_duration("--x", "2h") == Approx(7200));
  CHECK(parse_duration("--x", "1.5h") == Approx(5400));
  CHECK(parse_duration("--x", "1d") == Approx(86400));
  CHECK(parse_duration("--x", "250ms") == Approx(0.25));
  CHECK(parse_duration("--x", "500us") == Approx(0.0005));
  CHECK(parse_duration("--x", "0s") == 0);
  CHECK(parse_duration("--x", "0") == 0);
}

TEST_CASE("durations without a unit or with another are refused, naming the option", "[duration]") {
  for (const std::string bad : {"", "30", "-5s", "5 min", "5m", "s", "1.s", "1e3s", "5sec", "5mins", "0x10s"}) {
    INFO(bad);
    try {
      parse_duration("--running-for", bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind == ErrorKind::Usage);
      CHECK(std::string(e.what()).find("--running-for") != std::string::npos);
    }
  }
}
