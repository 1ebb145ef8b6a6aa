#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

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

TEST_CASE("terminal_text shows control characters instead of sending them", "[format][terminal]") {
  CHECK(terminal_text("plain text, 100%") == "plain text, 100%");
  CHECK(terminal_text("a\nb\r\tc") == "a\\nb\\r\\tc");
  // C0 controls and DEL: ESC starts terminal commands, BEL rings, BS overwrites
  CHECK(terminal_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
  CHECK(terminal_text("ding\x07") == "ding\\x07");
  CHECK(terminal_text("abc\x08\x08X") == "abc\\x08\\x08X");
  CHECK(terminal_text(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(terminal_text("\x1f\x7f") == "\\x1f\\x7f");
  // C1 controls in UTF-8: U+009B is a one-character CSI for some terminals
  CHECK(terminal_text("\xc2\x9b"
                      "31m") == "\\u009b31m");
  CHECK(terminal_text("\xc2\x80\xc2\x85\xc2\x9f") == "\\u0080\\u0085\\u009f");
  // U+00A0 is the first character past C1 and passes, as does all real text
  CHECK(terminal_text("\xc2\xa0") == "\xc2\xa0");
  CHECK(terminal_text("données 日本 😀") == "données 日本 😀");
}

TEST_CASE("terminal_text shows each byte of ill-formed UTF-8 as a hex escape", "[format][terminal]") {
  CHECK(terminal_text("\xff") == "\\xff");
  CHECK(terminal_text("a\x80z") == "a\\x80z");                         // lone continuation byte
  CHECK(terminal_text("\xe6\x97") == "\\xe6\\x97");                    // truncated at the end
  CHECK(terminal_text("\xe6\x97z") == "\\xe6\\x97z");                  // truncated before ASCII
  CHECK(terminal_text("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
  CHECK(terminal_text("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");           // overlong, three bytes
  CHECK(terminal_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // UTF-16 surrogate
  CHECK(terminal_text("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  CHECK(terminal_text("\xf0\x9f\x98") == "\\xf0\\x9f\\x98");           // emoji cut short
}

TEST_CASE("terminal_text output is always safe: escaping it again changes nothing", "[format][terminal]") {
  // Every byte value, alone and after a lead byte, and some random strings.
  std::vector<std::string> inputs;
  for (int b = 0; b < 256; ++b) {
    inputs.emplace_back(1, static_cast<char>(b));
    for (const char lead : {'\xc2', '\xe6', '\xf0'})
      inputs.push_back(std::string(1, lead) + static_cast<char>(b));
  }
  unsigned seed = 12345;
  for (int n = 0; n < 200; ++n) {
    std::string s;
    for (int k = 0; k < 16; ++k) {
      seed = seed * 1103515245 + 12345;
      s.push_back(static_cast<char>((seed >> 16) & 0xFF));
    }
    inputs.push_back(s);
  }
  for (const auto& in : inputs) {
    const std::string out = terminal_text(in);
    INFO(out);
    for (const char c : out) {
      const auto u = static_cast<unsigned char>(c);
      CHECK((u >= 0x20 && u != 0x7F));
    }
    CHECK(terminal_text(out) == out);
  }
}

TEST_CASE("fit_width cuts to terminal columns with an ellipsis", "[format][terminal]") {
  CHECK(fit_width("abcdef", 0) == "abcdef");
  CHECK(fit_width("abcdef", 6) == "abcdef");
  CHECK(fit_width("abcdef", 4) == "abc\u2026");
  CHECK(display_width(fit_width("日本語テキスト", 5)) <= 5);
  CHECK(fit_width("日本語テキスト", 5) == "日本\u2026");
}

TEST_CASE("display_width counts terminal columns and survives bad UTF-8", "[format][terminal]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("ü") == 1);
  CHECK(display_width("日本") == 4);
  CHECK(display_width("😀") == 2);
  CHECK(display_width("\xff\xfe") == 2);
  CHECK(display_width("\xe6\x97") == 2);  // a cut sequence: one column per byte, never past the end
  CHECK(display_width("\xf0") == 1);
}

TEST_CASE("append_compact_json drops whitespace outside strings only", "[format][json]") {
  const auto compact = [](std::string_view in) {
    std::string out = "=";
    append_compact_json(out, in);
    return out.substr(1);
  };
  CHECK(compact("{\n\"a\": 1}") == "{\"a\":1}");
  CHECK(compact(" \t\r\n[ ]\n") == "[]");
  CHECK(compact(R"({"a b": " x  y ", "c": [1, {"d": null}]})") == R"({"a b":" x  y ","c":[1,{"d":null}]})");
  // quotes and backslashes inside strings do not end them
  CHECK(compact(R"({"k": "say \"hi\" \\", "n": [1, 2]})") == R"({"k":"say \"hi\" \\","n":[1,2]})");
  CHECK(compact(R"(["\u00e9 \n", "日本"])") == R"(["\u00e9 \n","日本"])");
  // numbers are copied, never parsed: no rounding, no overflow
  CHECK(compact("[1e400, 12345678901234567890.5, -0.0, 1E-7]") == "[1e400,12345678901234567890.5,-0.0,1E-7]");
  // a raw line break inside a string (not valid JSON) still cannot split the line
  CHECK(compact("\"a\nb\"") == "\"a\\u000ab\"");
  CHECK(compact("").empty());
}

TEST_CASE("local times carry their offset and the fraction asked for", "[format]") {
  const char* old = std::getenv("TZ");
  const std::string saved = old != nullptr ? old : "";
  const auto at = std::chrono::system_clock::time_point(std::chrono::microseconds(1767323045678901LL));
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(local_time_text(at, 'T', 3) == "2026-01-02T03:04:05.678+00:00");
  CHECK(local_time_text(at, ' ', 6) == "2026-01-02 03:04:05.678901+00:00");
  setenv("TZ", "XST-5:30", 1);  // POSIX: 5h30 east of UTC, no zone file needed
  tzset();
  CHECK(local_time_text(at, 'T', 1) == "2026-01-02T08:34:05.6+05:30");
  if (old != nullptr) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}
