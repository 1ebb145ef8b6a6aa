#include <catch2/catch.hpp>

#include <string>

#include "src/errors.hpp"
#include "src/quote.hpp"

using namespace pgdba;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

// The usage error check_identifier throws, or "" if it accepted the name.
std::string name_refusal(std::string_view name) {
  try {
    check_identifier("database", name);
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("quote_ident always double-quotes and doubles quotes", "[quote]") {
  CHECK(quote_ident("app") == "\"app\"");
  CHECK(quote_ident("Mixed Case") == "\"Mixed Case\"");
  CHECK(quote_ident("a\"b") == "\"a\"\"b\"");
  CHECK(quote_ident("\"") == "\"\"\"\"");
  CHECK(quote_ident("x\"; DROP TABLE y; --") == "\"x\"\"; DROP TABLE y; --\"");
  CHECK(quote_ident("données_日本") == "\"données_日本\"");
  CHECK(quote_ident("") == "\"\"");
}

TEST_CASE("quote_literal doubles quotes and uses E'' for backslashes", "[quote]") {
  CHECK(quote_literal("abc") == "'abc'");
  CHECK(quote_literal("") == "''");
  CHECK(quote_literal("it's") == "'it''s'");
  CHECK(quote_literal("''") == "''''''");
  CHECK(quote_literal("a\\b") == "E'a\\\\b'");
  CHECK(quote_literal("it's C:\\dir\\") == "E'it''s C:\\\\dir\\\\'");
  CHECK(quote_literal("\\'; DROP TABLE t; --") == "E'\\\\''; DROP TABLE t; --'");
  CHECK(quote_literal("日本") == "'日本'");
}

TEST_CASE("check_identifier accepts names up to 63 bytes", "[quote]") {
  CHECK(name_refusal("app") == "");
  CHECK(name_refusal(std::string(63, 'a')) == "");
  // 31 two-byte characters and one ASCII byte: 63 bytes, 32 characters
  CHECK(name_refusal(repeat("é", 31) + "a") == "");
  // 21 three-byte characters: 63 bytes
  CHECK(name_refusal(repeat("日", 21)) == "");
  CHECK(name_refusal("a;b \"c\"") == "");
}

TEST_CASE("check_identifier refuses empty, NUL and over-long names", "[quote]") {
  CHECK_THAT(name_refusal(""), Catch::Contains("database") && Catch::Contains("empty"));
  CHECK_THAT(name_refusal(std::string_view("ab\0c", 4)), Catch::Contains("NUL"));
  const std::string long_name = std::string(64, 'a');
  CHECK_THAT(name_refusal(long_name), Catch::Contains("64 bytes") && Catch::Contains(std::string(63, 'a')));
  CHECK_THAT(name_refusal(repeat("é", 32)), Catch::Contains("64 bytes"));
  CHECK_THAT(name_refusal(repeat("日", 22)), Catch::Contains("66 bytes"));
}

TEST_CASE("check_identifier names the object PostgreSQL would really use", "[quote]") {
  // PostgreSQL truncates to 63 bytes without splitting a character.
  // 32 x é = 64 bytes: the 32nd character is dropped.
  CHECK_THAT(name_refusal(repeat("é", 32)), Catch::Contains("\"" + repeat("é", 31) + "\" instead"));
  // "a" + 32 x é = 65 bytes: the first 63 bytes are "a" + 31 whole characters.
  CHECK_THAT(name_refusal("a" + repeat("é", 32)), Catch::Contains("\"a" + repeat("é", 31) + "\" instead"));
  // 22 x 日 = 66 bytes: the first 63 bytes are 21 whole characters.
  CHECK_THAT(name_refusal(repeat("日", 22)), Catch::Contains("\"" + repeat("日", 21) + "\" instead"));
}

TEST_CASE("text_array_literal and quote_qualified", "[quote]") {
  CHECK(pgdba::text_array_literal({}) == "{}");
  CHECK(pgdba::text_array_literal({"a", "b c", "d\"e", "f\\g", "ü,{}"}) == R"({"a","b c","d\"e","f\\g","ü,{}"})");
  CHECK(pgdba::quote_qualified("we'ird", "T\"1") == R"("we'ird"."T""1")");
}
