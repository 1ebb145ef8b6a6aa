// Renderers end to end: a Result through make_renderer into an in-memory FILE*.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

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
  CHECK(json_of(col(Kind::Json), R"({"a": [1, {"b": null}]})") == R"({"a":[1,{"b":null}]})");
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
  CHECK(json_of(arr(Kind::Json), R"({"{\"a\": 1}","[1, 2]"})") == R"([{"a":1},[1,2]])");
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
      R"({"id":42,"amount":"12.50","ok":true,"doc":{"a":[1,2]},"tags":["a","b,c","say \"hi\"",null,"NULL"],)"
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

TEST_CASE("csv: the value backslash-dot is quoted only alone on its line, as COPY quotes it", "[render][csv]") {
  Table one("t", {Column{"v", Kind::Text, Kind::Text}});
  one.add_row({std::string("\\.")});
  CHECK(render({one}, fmt(Format::Csv)) == "v\n\"\\.\"\n");
  Table two("t", {Column{"v", Kind::Text, Kind::Text}, Column{"w", Kind::Text, Kind::Text}});
  two.add_row({std::string("\\."), std::string("x")});
  CHECK(render({two}, fmt(Format::Csv)) == "v,w\n\\.,x\n");
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

// ---- hostile data: control characters, json text, duplicate names --------

namespace {

// Whatever `feed` does to a fresh renderer, as the bytes it wrote.
std::string capture(RenderOptions o, const std::function<void(ResultSink&)>& feed) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  REQUIRE(f != nullptr);
  {
    auto sink = make_renderer(o, f);
    feed(*sink);
  }
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

Table one_column(const std::string& name, Kind kind, const std::vector<const char*>& values) {
  Table t(name, {Column{"a", kind, Kind::Text}});
  for (const char* v : values)
    t.add_row({v == nullptr ? std::optional<std::string>() : std::string(v)});
  return t;
}

// Lines of text, without their '\n'.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace

TEST_CASE("table: control characters in values and names are shown, never sent", "[render][table][terminal]") {
  const std::string esc_name = "\x1b[31m";
  Table t("\x1b]0;pwned\x07", {Column{esc_name, Kind::Text, Kind::Text}, Column{"n", Kind::Integer, Kind::Text}});
  t.add_row({std::string("\x1b[2J\x07\x08\x7f"), std::string("1")});
  t.add_row({std::string("c1:\xc2\x9b"
                         "2J"),
             std::string("2")});
  t.add_row({std::string("bad:\xff\xe6\x97"), std::string("3")});
  t.add_row({std::string(std::string("nul:\0.", 6)), std::string("4")});
  Table other("other", {Column{"b", Kind::Text, Kind::Text}});
  const std::string out = render({t, other}, fmt(Format::Table));
  CHECK(out ==
        "\\x1b]0;pwned\\x07\n"
        "\\x1b[31m             n\n"
        "-------------------  -\n"
        "\\x1b[2J\\x07\\x08\\x7f  1\n"
        "c1:\\u009b2J          2\n"
        "bad:\\xff\\xe6\\x97     3\n"
        "nul:\\x00.            4\n"
        "(4 rows)\n"
        "\n"
        "other\n"
        "b\n"
        "-\n"
        "(0 rows)\n");
  for (const char c : out) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((c == '\n' || (u >= 0x20 && u != 0x7F)));
  }
}

TEST_CASE("json and jsonl: json values are compact, so one row is one line", "[render][json][jsonl]") {
  CHECK(json_of(col(Kind::Json), "{\n\"a\": 1}") == R"({"a":1})");
  CHECK(json_of(col(Kind::Json), "[1e400, 12345678901234567890.5]") == "[1e400,12345678901234567890.5]");
  // a json[] element keeps its line breaks inside the array text's quotes
  CHECK(json_of(arr(Kind::Json), "{\"{\n\\\"a\\\": 1}\",NULL}") == R"([{"a":1},null])");

  Table t("t", {Column{"doc", Kind::Json, Kind::Text}, Column{"docs", Kind::Array, Kind::Json}});
  t.add_row({std::string("{\n  \"n\": 1e400,\n  \"m\": 12345678901234567890.5,\n  \"s\": \"a  b\"\n}"),
             std::string("{\"[1,\n 2]\",\"{\\\"x\\\":\n1}\"}")});
  t.add_row({std::string("\"just a string\""), nullopt});
  const std::string jsonl = render({t}, fmt(Format::Jsonl));
  const auto lines = lines_of(jsonl);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == R"({"doc":{"n":1e400,"m":12345678901234567890.5,"s":"a  b"},"docs":[[1,2],{"x":1}]})");
  CHECK(nlohmann::json::parse(lines[1])["doc"] == "just a string");
  const std::string json = render({t}, fmt(Format::Json));
  CHECK(json == "[\n  " + lines[0] + ",\n  " + lines[1] + "\n]\n");
}

TEST_CASE("unique_column_names: repeats get the first suffix no real column has", "[render]") {
  const auto names = [](std::vector<std::string> in, const std::vector<std::string>& reserved = {}) {
    std::vector<Column> cols;
    for (auto& n : in)
      cols.push_back(Column{n, Kind::Text, Kind::Text});
    return unique_column_names(cols, reserved);
  };
  using V = std::vector<std::string>;
  CHECK(names({"a", "b"}) == V{"a", "b"});
  CHECK(names({"a", "a", "a"}) == V{"a", "a_2", "a_3"});
  CHECK(names({"a", "a", "a_2"}) == V{"a", "a_3", "a_2"});
  CHECK(names({"a_2", "a", "a"}) == V{"a_2", "a", "a_3"});
  CHECK(names({"a", "a_2", "a", "a_2"}) == V{"a", "a_2", "a_3", "a_2_2"});
  CHECK(names({"?column?", "?column?"}) == V{"?column?", "?column?_2"});
  CHECK(names({"A", "a"}) == V{"A", "a"});  // JSON keys are case-sensitive
  CHECK(names({"section", "x"}, {"section"}) == V{"section_2", "x"});
  CHECK(names({}).empty());
}

TEST_CASE("duplicate column names get the same suffixes in json, jsonl, csv and table", "[render]") {
  Table t("t", {Column{"a", Kind::Integer, Kind::Text}, Column{"a", Kind::Integer, Kind::Text},
                Column{"a_2", Kind::Integer, Kind::Text}});
  t.add_row({std::string("1"), std::string("2"), std::string("3")});
  const std::string json = render({t}, fmt(Format::Json));
  CHECK(json == "[\n  {\"a\":1,\"a_3\":2,\"a_2\":3}\n]\n");
  CHECK(nlohmann::json::parse(json)[0].size() == 3);
  CHECK(render({t}, fmt(Format::Jsonl)) == "{\"a\":1,\"a_3\":2,\"a_2\":3}\n");
  CHECK(render({t}, fmt(Format::Csv)) == "a,a_3,a_2\n1,2,3\n");
  CHECK(render({t}, fmt(Format::Table)) == "a  a_3  a_2\n-  ---  ---\n1    2    3\n(1 row)\n");

  // a column called "section" would clash with jsonl's section field
  Table s("first", {Column{"section", Kind::Integer, Kind::Text}});
  s.add_row({std::string("7")});
  CHECK(render({s, s}, fmt(Format::Jsonl)) ==
        "{\"section\":\"first\",\"section_2\":7}\n{\"section\":\"first\",\"section_2\":7}\n");
}

TEST_CASE("table: past kTableBufferRows rows, the first rows size the columns and the rest stream", "[render][table]") {
  // Exactly kTableBufferRows rows render as a whole: the last row sizes too.
  std::vector<const char*> values(kTableBufferRows, "x");
  values.back() = "wider";
  std::string out = render({one_column("t", Kind::Text, values)}, fmt(Format::Table));
  auto lines = lines_of(out);
  REQUIRE(lines.size() == kTableBufferRows + 3);
  CHECK(lines[1] == "-----");
  CHECK(lines.back() == "(" + std::to_string(kTableBufferRows) + " rows)");

  // One row more: widths come from the first kTableBufferRows rows.
  values.back() = "x";
  values.push_back("much wider");
  Table t("t", {Column{"a", Kind::Text, Kind::Text}, Column{"n", Kind::Integer, Kind::Text}});
  for (std::size_t i = 0; i < values.size(); ++i)
    t.add_row({std::string(values[i]), std::to_string(i % 10)});
  t.add_row({std::string("y"), std::string("12345")});
  out = render({t}, fmt(Format::Table));
  lines = lines_of(out);
  REQUIRE(lines.size() == kTableBufferRows + 5);
  CHECK(lines[0] == "a  n");
  CHECK(lines[1] == "-  -");
  CHECK(lines[2] == "x  0");
  CHECK(lines[kTableBufferRows + 2] == "much wider  0");  // a wider cell pushes its line
  CHECK(lines[kTableBufferRows + 3] == "y  12345");
  CHECK(lines.back() == "(" + std::to_string(kTableBufferRows + 2) + " rows)");
}

TEST_CASE("table: a long table is written while it streams, not held to the end", "[render][table]") {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  REQUIRE(f != nullptr);
  {
    auto sink = make_renderer(fmt(Format::Table), f);
    sink->start(false);
    sink->begin_table("t", {Column{"a", Kind::Text, Kind::Text}});
    const std::string value(100, 'x');
    const CellView cell{value.data(), value.size(), false};
    // enough rows past the buffer to fill the writer's 64 kB chunk twice
    for (std::size_t i = 0; i < kTableBufferRows + 2000; ++i)
      sink->row(&cell);
    std::fflush(f);
    CHECK(len > 100 * (kTableBufferRows + 1000));
    sink->end_table();
    sink->finish();
  }
  std::fclose(f);
  CHECK(std::string(buf, len).find("(" + std::to_string(kTableBufferRows + 2000) + " rows)\n") != std::string::npos);
  std::free(buf);
}

// ---- fail(): the document stays well-formed whatever happens ----------------

namespace {

SinkError division_by_zero() {
  SinkError e;
  e.message = "division by zero";
  e.sqlstate = "22012";
  e.severity = "ERROR";
  e.hint = "don't";
  return e;
}

nlohmann::json error_json() {
  return {{"error",
           {{"message", "division by zero"},
            {"sqlstate", "22012"},
            {"severity", "ERROR"},
            {"detail", nullptr},
            {"hint", "don't"},
            {"target", nullptr}}}};
}

void rows_a(ResultSink& s, const std::string& name, std::initializer_list<const char*> values) {
  s.begin_table(name, {Column{"a", Kind::Integer, Kind::Text}});
  for (const char* v : values) {
    const CellView c{v, std::char_traits<char>::length(v), false};
    s.row(&c);
  }
}

}  // namespace

TEST_CASE("json fail(): a failed table ends with the error and the document parses", "[render][json][fail]") {
  const auto e = division_by_zero();
  // mid-table
  std::string out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(false);
    rows_a(s, "result", {"1", "2"});
    s.fail(e, "result");
    s.finish();
  });
  CHECK(nlohmann::json::parse(out) == nlohmann::json::array({{{"a", 1}}, {{"a", 2}}, error_json()}));
  CHECK(out.find("{\"error\":{\"message\":\"division by zero\",\"sqlstate\":\"22012\",\"severity\":\"ERROR\","
                 "\"detail\":null,\"hint\":\"don't\",\"target\":null}}") != std::string::npos);
  // before any row, and before start()
  out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.fail(e);
    s.finish();
  });
  CHECK(nlohmann::json::parse(out) == nlohmann::json::array({error_json()}));
  // after the table ended (a failed COMMIT): the error still joins the rows
  out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(false);
    rows_a(s, "result", {"1"});
    s.end_table();
    s.fail(e, "result");
    s.finish();
  });
  CHECK(nlohmann::json::parse(out) == nlohmann::json::array({{{"a", 1}}, error_json()}));
  // without finish() the document is not closed: the caller must call it
  out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(false);
    rows_a(s, "result", {"1"});
    s.fail(e, "result");
  });
  CHECK_THROWS(nlohmann::json::parse(out));
}

TEST_CASE("json fail(): sectioned output gets the error in the failed statement's section", "[render][json][fail]") {
  const auto e = division_by_zero();
  // statement 2 fails mid-table, statement 3 (--on-error continue) before its table
  std::string out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(true);
    rows_a(s, "statement_1", {"1"});
    s.end_table();
    rows_a(s, "statement_2", {});
    s.fail(e, "statement_2");
    s.fail(e, "statement_3");
    rows_a(s, "statement_4", {"4"});
    s.end_table();
    s.finish();
  });
  nlohmann::json expected = {{"statement_1", {{{"a", 1}}}},
                             {"statement_2", {error_json()}},
                             {"statement_3", {error_json()}},
                             {"statement_4", {{{"a", 4}}}}};
  CHECK(nlohmann::json::parse(out) == expected);

  // a section that already ended takes its own late error; an unnamed one is "error"
  out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(true);
    rows_a(s, "statement_1", {"1"});
    s.end_table();
    s.fail(e, "statement_1");
    s.fail(e);
    s.fail(e);
    s.finish();
    s.finish();  // idempotent
  });
  expected = {{"statement_1", {{{"a", 1}}, error_json()}}, {"error", {error_json(), error_json()}}};
  CHECK(nlohmann::json::parse(out) == expected);

  // before start(): the document starts unsectioned
  out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.fail(e, "statement_1");
    s.finish();
  });
  CHECK(nlohmann::json::parse(out) == nlohmann::json::array({error_json()}));
}

TEST_CASE("json: sections keep unique keys and finish() stands alone", "[render][json][fail]") {
  std::string out = capture(fmt(Format::Json), [&](ResultSink& s) {
    s.start(true);
    rows_a(s, "x", {"1"});
    s.end_table();
    rows_a(s, "x", {"2"});
    s.end_table();
    s.finish();
  });
  CHECK(nlohmann::json::parse(out) == nlohmann::json({{"x", {{{"a", 1}}}}, {"x_2", {{{"a", 2}}}}}));
  CHECK(capture(fmt(Format::Json), [](ResultSink& s) { s.finish(); }) == "[]\n");
  CHECK(capture(fmt(Format::Json), [](ResultSink& s) {
          s.finish();
          s.finish();
        }) == "[]\n");
  // a sink dropped before finish() (an exception) stays as far as it got
  CHECK(capture(fmt(Format::Json), [](ResultSink& s) { rows_a(s, "t", {"1"}); }) == "[\n  {\"a\":1}");
}

TEST_CASE("jsonl fail(): the error is one more line, with its section when sectioned", "[render][jsonl][fail]") {
  const auto e = division_by_zero();
  std::string out = capture(fmt(Format::Jsonl), [&](ResultSink& s) {
    s.start(false);
    rows_a(s, "result", {"1"});
    s.fail(e, "result");
    s.finish();
    s.finish();
  });
  auto lines = lines_of(out);
  REQUIRE(lines.size() == 2);
  CHECK(nlohmann::json::parse(lines[1]) == error_json());

  out = capture(fmt(Format::Jsonl), [&](ResultSink& s) {
    s.start(true);
    rows_a(s, "statement_1", {"1"});
    s.fail(e, "statement_1");
    s.fail(e, "statement_2");
    s.fail(e);
    s.finish();
  });
  lines = lines_of(out);
  REQUIRE(lines.size() == 4);
  CHECK(nlohmann::json::parse(lines[0]) == nlohmann::json({{"section", "statement_1"}, {"a", 1}}));
  for (const auto& [line, section] : {std::pair{1, "statement_1"}, {2, "statement_2"}, {3, "error"}}) {
    auto expected = error_json();
    expected["section"] = section;
    CHECK(nlohmann::json::parse(lines[static_cast<std::size_t>(line)]) == expected);
  }

  // before start(), without a name, unsectioned: no section field
  CHECK(nlohmann::json::parse(capture(fmt(Format::Jsonl), [&](ResultSink& s) {
          s.fail(e);
          s.finish();
        })) == error_json());
  CHECK(capture(fmt(Format::Jsonl), [](ResultSink& s) { s.finish(); }).empty());
}

TEST_CASE("csv and table fail(): what was written stands, closed as usual", "[render][csv][table][fail]") {
  const auto e = division_by_zero();
  const auto feed = [&](ResultSink& s) {
    s.start(true);
    rows_a(s, "statement_1", {"1", "2"});
    s.fail(e, "statement_1");
    s.fail(e, "statement_2");
    s.finish();
    s.finish();
  };
  CHECK(capture(fmt(Format::Csv), feed) == "a\n1\n2\n");
  CHECK(capture(fmt(Format::Table), feed) == "statement_1\na\n-\n1\n2\n(2 rows)\n");
  for (Format f : {Format::Csv, Format::Table}) {
    CHECK(capture(fmt(f), [&](ResultSink& s) {
            s.fail(e);
            s.finish();
          }).empty());
    CHECK(capture(fmt(f), [](ResultSink& s) { s.finish(); }).empty());
  }
}
