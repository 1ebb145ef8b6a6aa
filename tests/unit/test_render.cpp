// Renderers end to end: a Result through make_renderer into an in-memory FILE*.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/render.hpp"
#include "src/result.hpp"

using namespace pgdba;
using std::nullopt;

namespace {

std::string render(const Result& result, RenderOptions o) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  REQUIRE(f != nullptr);
  {
    auto sink = make_renderer(o, f);
    emit_result(result, *sink);
  }
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

RenderOptions fmt(Format f) {
  RenderOptions o;
  o.format = f;
  return o;
}

// One typed value as JSON, the way every JSON renderer writes a cell.
std::string json_of(Column c, const char* text, bool numeric_as_number = false) {
  std::string out;
  CellView cell = text == nullptr ? CellView{} : CellView{text, std::char_traits<char>::length(text), false};
  append_json_value(out, c, cell, numeric_as_number);
  return out;
}

Column col(Kind k) {
  return Column{"c", k, Kind::Text};
}
Column arr(Kind element) {
  return Column{"c", Kind::Array, element};
}

// A table with one column of every kind, one full row and one all-NULL row.
Table typed_table() {
  Table t("typed", {Column{"id", Kind::Integer, Kind::Text}, Column{"amount", Kind::Numeric, Kind::Text},
                    Column{"ok", Kind::Boolean, Kind::Text}, Column{"doc", Kind::Json, Kind::Text},
                    Column{"tags", Kind::Array, Kind::Text}, Column{"ts", Kind::Timestamp, Kind::Text},
                    Column{"dur", Kind::Interval, Kind::Text}, Column{"raw", Kind::Bytea, Kind::Text},
                    Column{"size", Kind::Bytes, Kind::Text}, Column{"secs", Kind::Seconds, Kind::Text},
                    Column{"note", Kind::Text, Kind::Text}});
  t.add_row({std::string("42"), std::string("12.50"), std::string("t"), std::string(R"({"a": [1, 2]})"),
             std::string(R"({a,"b,c","say \"hi\"",NULL,"NULL"})"), std::string("2026-01-02 03:04:05.6+00"),
             std::string("1 day 02:03:04.5"), std::string("\\x00ff"), std::string("8192"), std::string("1.5"),
             std::string("tab\there")});
  t.add_row({nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt, nullopt});
  return t;
}

}  // namespace

TEST_CASE("parse_format knows the four formats and refuses others", "[render]") {
  CHECK(parse_format("table") == Format::Table);
  CHECK(parse_format("json") == Format::Json);
  CHECK(parse_format("jsonl") == Format::Jsonl);
  CHECK(parse_format("csv") == Format::Csv);
  try {
    parse_format("yaml");
    FAIL("yaml accepted");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    CHECK_THAT(e.what(), Catch::Contains("yaml"));
  }
}

TEST_CASE("JSON typing: scalars", "[render][json]") {
  CHECK(json_of(col(Kind::Integer), "42") == "42");
  CHECK(json_of(col(Kind::Integer), "-7") == "-7");
  CHECK(json_of(col(Kind::Float), "1.5e+20") == "1.5e+20");
  CHECK(json_of(col(Kind::Float), "NaN") == "\"NaN\"");
  CHECK(json_of(col(Kind::Float), "-Infinity") == "\"-Infinity\"");
  // numeric keeps its exact digits as a string unless asked otherwise
  CHECK(json_of(col(Kind::Numeric), "12.50") == "\"12.50\"");
  CHECK(json_of(col(Kind::Numeric), "12.50", true) == "12.50");
  CHECK(json_of(col(Kind::Numeric), "NaN", true) == "\"NaN\"");
  CHECK(json_of(col(Kind::Boolean), "t") == "true");
  CHECK(json_of(col(Kind::Boolean), "f") == "false");
  CHECK(json_of(col(Kind::Json), R"({"a": [1, {"b": null}]})") == R"({"a": [1, {"b": null}]})");
  CHECK(json_of(col(Kind::Json), "\"s\"") == "\"s\"");
  CHECK(json_of(col(Kind::Text), "say \"hi\"\n") == R"("say \"hi\"\n")");
  CHECK(json_of(col(Kind::Bytea), "\\x00ff") == R"("\\x00ff")");
  CHECK(json_of(col(Kind::Bytes), "8192") == "8192");
  CHECK(json_of(col(Kind::Seconds), "0.25") == "0.25");
  for (Kind k : {Kind::Text, Kind::Integer, Kind::Numeric, Kind::Boolean, Kind::Json, Kind::Timestamp, Kind::Interval,
                 Kind::Bytea, Kind::Array, Kind::Bytes, Kind::Seconds}) {
    CHECK(json_of(col(k), nullptr) == "null");
  }
}

TEST_CASE("JSON typing: timestamps are ISO 8601 strings with an offset", "[render][json]") {
  CHECK(json_of(col(Kind::Timestamp), "2026-01-02 03:04:05.6+00") == "\"2026-01-02T03:04:05.6+00:00\"");
  CHECK(json_of(col(Kind::Timestamp), "2026-01-02 03:04:05-08") == "\"2026-01-02T03:04:05-08:00\"");
  CHECK(json_of(col(Kind::Timestamp), "2026-01-02 03:04:05+05:30") == "\"2026-01-02T03:04:05+05:30\"");
  CHECK(json_of(col(Kind::Timestamp), "infinity") == "\"infinity\"");
}

TEST_CASE("JSON typing: intervals become seconds", "[render][json]") {
  CHECK(json_of(col(Kind::Interval), "1 day 02:03:04.5") == "93784.5");
  CHECK(json_of(col(Kind::Interval), "-00:00:01.25") == "-1.25");
  CHECK(json_of(col(Kind::Interval), "00:05:00") == "300");
  CHECK(json_of(col(Kind::Interval), "3 mons") == "7776000");
  // whatever the digits, the value parses back to the right number
  CHECK(nlohmann::json::parse(json_of(col(Kind::Interval), "00:00:00.1")).get<double>() == Approx(0.1));
  // unparsable interval text stays a string rather than becoming garbage
  CHECK(json_of(col(Kind::Interval), "P1D") == "\"P1D\"");
}

TEST_CASE("JSON typing: arrays", "[render][json]") {
  CHECK(json_of(arr(Kind::Integer), "{1,2,3}") == "[1,2,3]");
  CHECK(json_of(arr(Kind::Integer), "{{1,2},{3,NULL}}") == "[[1,2],[3,null]]");
  CHECK(json_of(arr(Kind::Integer), "[0:1]={7,8}") == "[7,8]");
  CHECK(json_of(arr(Kind::Integer), "{}") == "[]");
  CHECK(json_of(arr(Kind::Text), R"({a,"b,c","say \"hi\"",NULL,"NULL",""})") ==
        R"(["a","b,c","say \"hi\"",null,"NULL",""])");
  // a backslash inside an element is escaped in array text: {"a\\b"} is a\b
  CHECK(json_of(arr(Kind::Text), R"({"a\\b","{x}"})") == R"(["a\\b","{x}"])");
  CHECK(json_of(arr(Kind::Boolean), "{t,f,NULL}") == "[true,false,null]");
  CHECK(json_of(arr(Kind::Numeric), "{1.10,NaN}") == R"(["1.10","NaN"])");
  CHECK(json_of(arr(Kind::Numeric), "{1.10,NaN}", true) == R"([1.10,"NaN"])");
  CHECK(json_of(arr(Kind::Timestamp), R"({"2026-01-02 03:04:05+00",NULL})") == R"(["2026-01-02T03:04:05+00:00",null])");
  CHECK(json_of(arr(Kind::Interval), R"({"1 day",00:00:01})") == "[86400,1]");
  CHECK(json_of(arr(Kind::Json), R"({"{\"a\": 1}","[1, 2]"})") == R"([{"a": 1},[1, 2]])");
  // malformed array text is kept, as a string
  CHECK(json_of(arr(Kind::Integer), "{1,2") == R"("{1,2")");
  CHECK(json_of(arr(Kind::Text), R"({"unterminated})") == R"("{\"unterminated}")");
}

TEST_CASE("append_json_array: elements go through the callback, bad text leaves out alone", "[render][json]") {
  const auto tag = [](std::string& out, std::string_view v, int kind) {
    out += "<" + std::string(v) + ":" + std::to_string(kind) + ">";
  };
  std::string out = "x=";
  CHECK(append_json_array(out, R"({a,"b c",NULL,{d}})", tag, 7));
  CHECK(out == "x=[<a:7>,<b c:7>,null,[<d:7>]]");
  for (const char* bad : {"", "1,2", "{1,2", "{1}x", "{\"a}", "[1:2]{1,2}", "{{1}"}) {
    INFO(bad);
    out = "x=";
    CHECK_FALSE(append_json_array(out, bad, tag, 0));
    CHECK(out == "x=");
  }
}

TEST_CASE("json renders one table as an array of objects that parses back", "[render][json]") {
  const std::string out = render({typed_table()}, fmt(Format::Json));
  const std::string row1 =
      R"({"id":42,"amount":"12.50","ok":true,"doc":{"a": [1, 2]},"tags":["a","b,c","say \"hi\"",null,"NULL"],)"
      R"("ts":"2026-01-02T03:04:05.6+00:00","dur":93784.5,"raw":"\\x00ff","size":8192,"secs":1.5,"note":"tab\there"})";
  const std::string row2 =
      R"({"id":null,"amount":null,"ok":null,"doc":null,"tags":null,"ts":null,"dur":null,"raw":null,)"
      R"("size":null,"secs":null,"note":null})";
  CHECK(out == "[\n  " + row1 + ",\n  " + row2 + "\n]\n");

  const auto j = nlohmann::json::parse(out);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  CHECK(j[0]["id"] == 42);
  CHECK(j[0]["amount"] == "12.50");
  CHECK(j[0]["ok"] == true);
  CHECK(j[0]["doc"]["a"][1] == 2);
  CHECK(j[0]["tags"][1] == "b,c");
  CHECK(j[0]["tags"][3].is_null());
  CHECK(j[0]["dur"].get<double>() == Approx(93784.5));
  CHECK(j[0]["raw"] == "\\x00ff");
  CHECK(j[0]["size"] == 8192);
  CHECK(j[0]["note"] == "tab\there");
  CHECK(j[1]["id"].is_null());

  RenderOptions o = fmt(Format::Json);
  o.numeric_as_number = true;
  const auto n = nlohmann::json::parse(render({typed_table()}, o));
  CHECK(n[0]["amount"].is_number());
  CHECK(n[0]["amount"].get<double>() == Approx(12.5));
}

TEST_CASE("json: an empty table and an empty result are []", "[render][json]") {
  CHECK(render({Table("t", {Column{"a", Kind::Integer, Kind::Text}})}, fmt(Format::Json)) == "[]\n");
  CHECK(render({}, fmt(Format::Json)) == "[]\n");
}

TEST_CASE("json: several tables render as an object of sections", "[render][json]") {
  Table a("first", {Column{"x", Kind::Integer, Kind::Text}});
  a.add_row({std::string("1")});
  a.add_row({std::string("2")});
  Table b("second", {Column{"y", Kind::Text, Kind::Text}});
  Table c("third", {Column{"z", Kind::Boolean, Kind::Text}});
  c.add_row({std::string("f")});
  const std::string out = render({a, b, c}, fmt(Format::Json));
  CHECK(out ==
        "{\n\"first\": [\n  {\"x\":1},\n  {\"x\":2}\n],\n\"second\": [],\n\"third\": [\n  {\"z\":false}\n]\n}\n");
  const auto j = nlohmann::json::parse(out);
  CHECK(j["first"][1]["x"] == 2);
  CHECK(j["second"].empty());
  CHECK(j["third"][0]["z"] == false);
}

TEST_CASE("jsonl: one object per line, sections named in a field", "[render][jsonl]") {
  const std::string out = render({typed_table()}, fmt(Format::Jsonl));
  const auto nl = out.find('\n');
  REQUIRE(nl != std::string::npos);
  CHECK(out.back() == '\n');
  CHECK(nlohmann::json::parse(out.substr(0, nl))["tags"][2] == "say \"hi\"");
  CHECK(nlohmann::json::parse(out.substr(nl + 1))["ok"].is_null());

  Table a("first", {Column{"x", Kind::Integer, Kind::Text}});
  a.add_row({std::string("1")});
  Table b("second", {Column{"y", Kind::Text, Kind::Text}});
  b.add_row({std::string("a\"b")});
  b.add_row({nullopt});
  CHECK(render({a, b}, fmt(Format::Jsonl)) ==
        "{\"section\":\"first\",\"x\":1}\n"
        "{\"section\":\"second\",\"y\":\"a\\\"b\"}\n"
        "{\"section\":\"second\",\"y\":null}\n");
  // a single table has no section field
  CHECK(render({a}, fmt(Format::Jsonl)) == "{\"x\":1}\n");
  CHECK(render({Table("t", {Column{"a", Kind::Integer, Kind::Text}})}, fmt(Format::Jsonl)) == "");
}

TEST_CASE("csv: RFC 4180 quoting, NULL empty, empty string quoted", "[render][csv]") {
  Table t("t", {Column{"id", Kind::Integer, Kind::Text}, Column{"name, full", Kind::Text, Kind::Text},
                Column{"doc", Kind::Json, Kind::Text}});
  t.add_row({std::string("1"), std::string("a,b"), std::string(R"({"k": "v"})")});
  t.add_row({std::string("2"), std::string("say \"hi\""), std::string("[1,2]")});
  t.add_row({std::string("3"), std::string("line1\nline2"), std::string("x\ry")});
  t.add_row({std::string("4"), std::string(""), nullopt});
  t.add_row({nullopt, std::string("plain"), std::string("{}")});
  const std::string expected_rows =
      "1,\"a,b\",\"{\"\"k\"\": \"\"v\"\"}\"\n"
      "2,\"say \"\"hi\"\"\",\"[1,2]\"\n"
      "3,\"line1\nline2\",\"x\ry\"\n"
      "4,\"\",\n"
      ",plain,{}\n";
  CHECK(render({t}, fmt(Format::Csv)) == "id,\"name, full\",doc\n" + expected_rows);

  RenderOptions no_header = fmt(Format::Csv);
  no_header.header = false;
  CHECK(render({t}, no_header) == expected_rows);
}

TEST_CASE("csv: values are PostgreSQL text, sections separated by a blank line", "[render][csv]") {
  Table t("t", {Column{"b", Kind::Boolean, Kind::Text}, Column{"tags", Kind::Array, Kind::Text},
                Column{"size", Kind::Bytes, Kind::Text}, Column{"ts", Kind::Timestamp, Kind::Text}});
  t.add_row(
      {std::string("t"), std::string(R"({a,"b c"})"), std::string("8192"), std::string("2026-01-02 03:04:05+00")});
  CHECK(render({t}, fmt(Format::Csv)) == "b,tags,size,ts\nt,\"{a,\"\"b c\"\"}\",8192,2026-01-02 03:04:05+00\n");

  Table a("a", {Column{"x", Kind::Integer, Kind::Text}});
  a.add_row({std::string("1")});
  Table b("b", {Column{"y", Kind::Text, Kind::Text}});
  b.add_row({std::string("z")});
  CHECK(render({a, b}, fmt(Format::Csv)) == "x\n1\n\ny\nz\n");
}

TEST_CASE("table: aligned columns, readable sizes and durations, row count", "[render][table]") {
  Table t("t", {Column{"name", Kind::Text, Kind::Text}, Column{"n", Kind::Integer, Kind::Text},
                Column{"size", Kind::Bytes, Kind::Text}, Column{"took", Kind::Seconds, Kind::Text}});
  t.add_row({std::string("alpha"), std::string("5"), std::string("8192"), std::string("192")});
  t.add_row({std::string("b"), std::string("12345"), std::string("512"), std::string("0.25")});
  t.add_row({std::string("ü"), nullopt, nullopt, nullopt});
  CHECK(render({t}, fmt(Format::Table)) ==
        "name       n    size   took\n"
        "-----  -----  ------  -----\n"
        "alpha      5  8.0 kB  3m12s\n"
        "b      12345   512 B  0.25s\n"
        "ü                          \n"
        "(3 rows)\n");

  RenderOptions no_header = fmt(Format::Table);
  no_header.header = false;
  CHECK(render({t}, no_header) ==
        "alpha      5  8.0 kB  3m12s\n"
        "b      12345   512 B  0.25s\n"
        "ü                          \n");
}

TEST_CASE("table: one row, no rows, control characters shown", "[render][table]") {
  Table t("t", {Column{"v", Kind::Text, Kind::Text}, Column{"w", Kind::Text, Kind::Text}});
  CHECK(render({t}, fmt(Format::Table)) == "v  w\n-  -\n(0 rows)\n");
  t.add_row({std::string("a\nb\tc"), std::string("x")});
  CHECK(render({t}, fmt(Format::Table)) ==
        "v        w\n"
        "-------  -\n"
        "a\\nb\\tc  x\n"
        "(1 row)\n");
}

TEST_CASE("table: several tables are titled sections", "[render][table]") {
  Table a("first", {Column{"x", Kind::Integer, Kind::Text}});
  a.add_row({std::string("10")});
  Table b("second", {Column{"y", Kind::Text, Kind::Text}});
  b.add_row({std::string("z")});
  b.add_row({std::string("zz")});
  CHECK(render({a, b}, fmt(Format::Table)) ==
        "first\n"
        " x\n"
        "--\n"
        "10\n"
        "(1 row)\n"
        "\n"
        "second\n"
        "y\n"
        "--\n"
        "z\n"
        "zz\n"
        "(2 rows)\n");
}

TEST_CASE("table: double-width characters keep the columns aligned", "[render][table]") {
  // psql pads by display width: 日本 takes four terminal columns.
  Table t("t", {Column{"name", Kind::Text, Kind::Text}, Column{"n", Kind::Integer, Kind::Text}});
  t.add_row({std::string("日本"), std::string("1")});
  t.add_row({std::string("abcdef"), std::string("2")});
  CHECK(render({t}, fmt(Format::Table)) ==
        "name    n\n"
        "------  -\n"
        "日本    1\n"
        "abcdef  2\n"
        "(2 rows)\n");
}
