#include <catch2/catch.hpp>

#include "src/format.hpp"

using namespace pgdba;

TEST_CASE("sizes are 1024-based and readable", "[format]") {
  CHECK(format_size(0) == "0 B");
  CHECK(format_size(1023) == "1023 B");
  CHECK(format_size(1024) == "1.0 kB");
  CHECK(format_size(8.0 * 1024 * 1024 + 100 * 1024) == "8.1 MB");
  CHECK(format_size(1.25 * 1024 * 1024 * 1024) == "1.2 GB");
  CHECK(format_size(-2048) == "-2.0 kB");
}

TEST_CASE("durations read like 3m12s", "[format]") {
  CHECK(format_duration(0.25) == "0.25s");
  CHECK(format_duration(12.04) == "12.0s");
  CHECK(format_duration(192) == "3m12s");
  CHECK(format_duration(2 * 3600 + 5 * 60 + 7) == "2h05m");
  CHECK(format_duration(3 * 86400 + 4 * 3600) == "3d04h");
  CHECK(format_duration(-61) == "-1m01s");
}

TEST_CASE("intervals become seconds the way extract(epoch) counts them", "[format]") {
  CHECK(*interval_seconds("00:00:01") == Approx(1));
  CHECK(*interval_seconds("1 day 02:03:04.5") == Approx(86400 + 7384.5));
  CHECK(*interval_seconds("-00:00:01.25") == Approx(-1.25));
  CHECK(*interval_seconds("3 mons") == Approx(3 * 30 * 86400.0));
  CHECK(*interval_seconds("1 year 2 mons -3 days +04:00:00") ==
        Approx(365.25 * 86400 + 60 * 86400 - 3 * 86400 + 4 * 3600));
  CHECK_FALSE(interval_seconds("").has_value());
  CHECK_FALSE(interval_seconds("P1D").has_value());
  CHECK_FALSE(interval_seconds("1 fortnight").has_value());
}

TEST_CASE("timestamps become ISO 8601 with a full offset", "[format]") {
  CHECK(iso_timestamp("2026-01-02 03:04:05.6+00") == "2026-01-02T03:04:05.6+00:00");
  CHECK(iso_timestamp("2026-01-02 03:04:05+05:30") == "2026-01-02T03:04:05+05:30");
  CHECK(iso_timestamp("2026-01-02 03:04:05-08") == "2026-01-02T03:04:05-08:00");
  CHECK(iso_timestamp("2026-01-02 03:04:05") == "2026-01-02T03:04:05");
  CHECK(iso_timestamp("infinity") == "infinity");
  CHECK(iso_timestamp("0044-03-15 12:00:00+00 BC") == "0044-03-15 12:00:00+00 BC");
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[format]") {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\nd\te\x01", 10));
  CHECK(out == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  out.clear();
  append_json_string(out, "données 日本");
  CHECK(out == "\"données 日本\"");
}

TEST_CASE("only real JSON numbers pass as numbers", "[format]") {
  CHECK(is_json_number("0"));
  CHECK(is_json_number("-12.5e+3"));
  CHECK_FALSE(is_json_number("NaN"));
  CHECK_FALSE(is_json_number("Infinity"));
  CHECK_FALSE(is_json_number("01"));
  CHECK_FALSE(is_json_number("1."));
  CHECK_FALSE(is_json_number(""));
}
