// copy in / copy out against the test cluster: round trips that must give
// back exactly what was there, all-or-nothing loads, atomic files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace {

namespace fs = std::filesystem;

// Every common type, with the values that break naive CSV: quotes, commas,
// tabs, newlines, backslashes, unicode, NULL beside the empty string.
const char* const kCreate =
    "create table %s (id int primary key, n numeric(20,6), t text, b bytea, j json, jb jsonb, ia int[], "
    "ta text[], ts timestamptz, tsn timestamp, d date, f float8, flag bool)";

std::string create_sql(const std::string& name) {
  char buf[512];
  std::snprintf(buf, sizeof buf, kCreate, name.c_str());
  return buf;
}

void fill(const it::ScratchDb& db, const std::string& name) {
  db.exec(create_sql(name));
  db.exec("insert into " + name +
          " values "
          "(1, 12345678901234.123456, 'plain', '\\x00ff10', '{\"a\": [1, 2]}', '{\"k\": \"v\"}', '{1,2,NULL}', "
          "'{\"a,b\",\"c\\\"d\",NULL,\"\"}', '2024-02-29 13:14:15.123456+00', '2024-02-29 13:14:15', '2024-02-29', "
          "1.5e300, true),"
          "(2, -0.000001, '', '\\x', 'null', '[]', '{}', '{}', '-infinity', 'infinity', '0001-01-01 BC', "
          "'NaN', false),"
          "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
          "(4, 0, E'quote \" and '' comma, tab\\there\\nnew line\\r\\nCRLF back\\\\slash \\\\N', "
          "'\\x5c0a0d09', '\"text\"', '{\"日本\": \"données\"}', '{-1}', '{\"\\\\N\",\"x y\"}', "
          "'2000-01-01 00:00:00+05:30', '1999-12-31 23:59:59.999999', '2000-01-01', '-Infinity', NULL),"
          "(5, 1, E'日本語 données ünïcödé 🎉', '\\x', '{}', '{}', NULL, '{\"\"}', now(), now(), now(), 0, true)");
  db.exec("insert into " + name +
          " select g, g * 1.5, 'row ' || g || case when g % 7 = 0 then ', \"q\"' else '' end, "
          "decode(md5(g::text), 'hex'), json_build_object('g', g), jsonb_build_object('g', g), array[g, g+1], "
          "array['x' || g], timestamptz '2024-01-01' + g * interval '1 minute', "
          "timestamp '2024-01-01' + g * interval '1 second', date '2024-01-01' + g % 100, g / 3.0, g % 2 = 0 "
          "from generate_series(6, 2000) g");
}

std::string checksum(const it::ScratchDb& db, const std::string& name) {
  return db.value("select md5(string_agg(x::text, '|' order by x.id)) || ':' || count(*) from " + name + " x");
}

std::string temp_path(const std::string& suffix) {
  return (fs::temp_directory_path() / it::unique("pgdba_copy")).string() + suffix;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Files beside `path` whose name starts with its name (temporary files).
int leftovers(const std::string& path) {
  int n = 0;
  const fs::path p(path);
  for (const auto& e : fs::directory_iterator(p.parent_path())) {
    const std::string f = e.path().filename().string();
    if (f.rfind(p.filename().string(), 0) == 0) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("copy out then copy in gives back every value, in csv, text and binary", "[copy][matrix]") {
  it::ScratchDb db("copy");
  fill(db, "src");
  const std::string want = checksum(db, "src");
  for (const std::string format : {"csv", "text", "binary"}) {
    DYNAMIC_SECTION(format) {
      const std::string file = temp_path("." + format);
      std::vector<std::string> out = {"copy", "out", "src", "--to", file, "--format", format, "-o", "json"};
      if (format == "csv") out.push_back("--header");
      const auto o = db.pgdba(out);
      INFO(o.err);
      REQUIRE(o.code == 0);
      const auto summary = it::parse_json(o.out);
      REQUIRE(summary.size() == 1);
      CHECK(summary[0]["table"] == "public.src");
      CHECK(summary[0]["rows"] == 2000);
      CHECK(summary[0]["bytes"] == static_cast<long>(fs::file_size(file)));
      CHECK(leftovers(file) == 1);

      db.exec(create_sql("dst_" + format));
      std::vector<std::string> in = {"copy", "in", "dst_" + format, "--from", file, "--format", format, "-o", "json"};
      if (format == "csv") in.push_back("--header");
      const auto i = db.pgdba(in);
      INFO(i.err);
      REQUIRE(i.code == 0);
      CHECK(it::parse_json(i.out)[0]["rows"] == 2000);
      CHECK(checksum(db, "dst_" + format) == want);
      fs::remove(file);
    }
  }
}

TEST_CASE("copy out to standard output keeps stdout for the data, copy in reads standard input", "[copy]") {
  it::ScratchDb db("copy");
  fill(db, "src");
  const auto o = db.pgdba({"copy", "out", "src", "--to", "-", "--format", "text", "-o", "json"});
  REQUIRE(o.code == 0);
  CHECK(it::count_lines(o.out) == 2000);
  // The summary is on standard error, as JSON since -o json asked for it.
  CHECK(o.err.find("\"rows\":2000") != std::string::npos);
  db.exec(create_sql("dst"));
  const auto i = db.pgdba({"copy", "in", "dst", "--from", "-", "--format", "text"}, o.out);
  INFO(i.err);
  REQUIRE(i.code == 0);
  CHECK(i.out.find("2000") != std::string::npos);  // the table summary
  CHECK(checksum(db, "dst") == checksum(db, "src"));
}

TEST_CASE("copy in: a bad line loads nothing and is named with its content", "[copy]") {
  it::ScratchDb db("copy");
  db.exec("create table t (id int, label text)");
  const std::string file = temp_path(".csv");
  {
    std::ofstream f(file);
    for (int i = 1; i <= 60000; ++i) {
      if (i == 50001) {
        f << "oops,this is the bad one\n";
      } else {
        f << i << ",label " << i << "\n";
      }
    }
  }
  const auto r = db.pgdba({"copy", "in", "t", "--from", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("line 50001") != std::string::npos);
  CHECK(r.err.find("oops,this is the bad one") != std::string::npos);
  CHECK(r.err.find("invalid input syntax for type integer") != std::string::npos);
  CHECK(db.value("select count(*) from t") == "0");

  const auto json = db.pgdba({"copy", "in", "t", "--from", file, "-o", "json"});
  CHECK(json.code == 1);
  const auto e = it::parse_json(json.err)["error"];
  CHECK(e["sqlstate"] == "22P02");
  CHECK(e["detail"].get<std::string>().find("line 50001") != std::string::npos);
  fs::remove(file);
}

TEST_CASE("copy with hostile table and column names, --columns, --where and options", "[copy]") {
  it::ScratchDb db("copy");
  db.exec(
      "create schema \"s \"\"x\"; create table \"s \"\"x\".\"T; drop\" (\"Col,1\" int, \"a\"\"b\" text, other text)");
  const std::string table = "\"s \"\"x\".\"T; drop\"";
  const std::string file = temp_path(".txt");
  {
    std::ofstream f(file);
    f << "1|one\n2|-\n3|three\n";
  }
  const auto i = db.pgdba({"copy", "in", table, "--columns", "\"Col,1\", a\"b", "--from", file, "--format", "text",
                           "--delimiter", "|", "--null", "-", "--where", "\"Col,1\" < 3"});
  INFO(i.err);
  REQUIRE(i.code == 0);
  CHECK(db.value("select count(*) from \"s \"\"x\".\"T; drop\"") == "2");
  CHECK(db.value("select count(*) from \"s \"\"x\".\"T; drop\" where \"a\"\"b\" is null and \"Col,1\" = 2") == "1");

  const auto o = db.pgdba({"copy", "out", table, "--columns", "a\"b", "--to", "-", "--header", "--quote", "'"});
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.out == "a\"b\none\n\n");

  const auto q = db.pgdba({"copy", "out", "--query", "select 'x''y' as v, 2 as w", "--to", "-"});
  REQUIRE(q.code == 0);
  CHECK(q.out == "x'y,2\n");
  fs::remove(file);
}

TEST_CASE("copy: missing table, bad options, --dry-run, --help", "[copy]") {
  it::ScratchDb db("copy");
  db.exec("create table t (id int)");
  const std::string file = it::temp_file("1\n2\n");

  const auto missing = db.pgdba({"copy", "in", "nope", "--from", file});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("table \"nope\" does not exist") != std::string::npos);
  CHECK(db.pgdba({"copy", "out", "nope", "--to", "-"}).code == 1);

  CHECK(db.pgdba({"copy", "in", "t", "--from", file, "--format", "binary", "--header"}).code == 2);
  CHECK(db.pgdba({"copy", "in", "t"}).code == 2);
  CHECK(db.pgdba({"copy", "out", "t", "--query", "select 1", "--to", "-"}).code == 2);
  CHECK(db.pgdba({"copy", "out", "t", "--to", "-", "--format", "xml"}).code == 2);
  CHECK(db.pgdba({"copy", "in", "t", "--from", "/nonexistent/file"}).code == 1);
  CHECK(db.pgdba({"copy", "in", "t", "--from", file, "--delimiter", "||"}).code == 2);

  const auto dry = db.pgdba({"copy", "in", "t", "--from", file, "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("COPY \"public\".\"t\" FROM STDIN WITH (FORMAT \"csv\")") != std::string::npos);
  CHECK(db.value("select count(*) from t") == "0");

  for (const std::string verb : {"in", "out"}) {
    const auto h = it::pgdba({"copy", verb, "--help"});
    CHECK(h.code == 0);
    CHECK(h.out.find("--format") != std::string::npos);
  }
}

TEST_CASE("copy out to a file never leaves a half file under the final name", "[copy]") {
  it::ScratchDb db("copy");
  const std::string file = temp_path(".csv");
  {
    std::ofstream f(file);
    f << "old content\n";
  }
  // Fails after many rows have been sent.
  const auto r =
      db.pgdba({"copy", "out", "--query",
                "select case when g = 150000 then 1 / 0 else g end from generate_series(1, 200000) g", "--to", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("division by zero") != std::string::npos);
  CHECK(read_file(file) == "old content\n");
  CHECK(leftovers(file) == 1);

  const auto ok = db.pgdba({"copy", "out", "--query", "select g from generate_series(1, 3) g", "--to", file});
  REQUIRE(ok.code == 0);
  CHECK(read_file(file) == "1\n2\n3\n");
  CHECK(ok.out.find("(query)") != std::string::npos);
  fs::remove(file);
}
