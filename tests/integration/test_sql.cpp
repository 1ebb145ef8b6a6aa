// sql -c / -f / --param / --single-transaction / --batch against the test cluster.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

struct SqlScratch {
  std::string db = it::unique("sqltest");
  SqlScratch() { REQUIRE(pgdba({"db", "create", db}).code == 0); }
  ~SqlScratch() { pgdba({"db", "drop", db, "--yes", "--force"}); }
  it::Run sql(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"-d", db, "sql"});
    return pgdba(args, input);
  }
  std::string value(const std::string& q) const { return it::query_value(q, db); }
};

// Splits CSV text the way RFC 4180 does (quoted fields may hold newlines).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  bool in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("sql -c returns typed JSON", "[sql]") {
  SqlScratch s;
  const auto r = s.sql({"-c",
                        "select 1::int8 as i, 2.50::numeric as n, 1.5::float8 as f, true as b, null::text as nul, "
                        "'{\"k\": [1, 2]}'::jsonb as j, array[1,2,null] as arr, array['a,b','c\"d'] as txt, "
                        "'\\x00ff'::bytea as raw, timestamptz '2026-01-02 03:04:05+00' as ts, "
                        "interval '1 day 00:00:01.5' as iv, 'données' as u",
                        "-o", "json"});
  REQUIRE(r.code == 0);
  const auto row = it::parse_json(r.out).at(0);
  CHECK(row["i"] == 1);
  CHECK(row["n"] == "2.50");
  CHECK(row["f"] == 1.5);
  CHECK(row["b"] == true);
  CHECK(row["nul"].is_null());
  CHECK(row["j"]["k"][1] == 2);
  CHECK(row["arr"] == nlohmann::json::parse("[1,2,null]"));
  CHECK(row["txt"] == nlohmann::json::parse(R"(["a,b","c\"d"])"));
  CHECK(row["raw"] == "\\x00ff");
  CHECK(row["ts"].get<std::string>().find("T") == 10);
  CHECK(row["iv"] == 86401.5);
  CHECK(row["u"] == "données");
  const auto piped = s.sql({"-f", "-", "-o", "json"}, "select 41 + 1 as x");
  CHECK(it::parse_json(piped.out)[0]["x"] == 42);
  const auto num = s.sql({"-c", "select 2.50::numeric as n", "-o", "json", "--numeric-as-number"});
  CHECK(it::parse_json(num.out)[0]["n"] == 2.5);
}

TEST_CASE("sql --param values are bound, never spliced into the SQL", "[sql][safety]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c", "create table victim(t text)"}).code == 0);
  const std::string hostile = "x'); drop table victim; --";
  const auto r = s.sql({"-c", "insert into victim values ($1) returning t", "--param", hostile, "-o", "json"});
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out)[0]["t"] == hostile);
  CHECK(s.value("select t from victim") == hostile);
  const auto sel = s.sql({"-c", "select $1::int + $2::int as sum", "--param", "40", "--param", "2", "-o", "json"});
  CHECK(it::parse_json(sel.out)[0]["sum"] == 42);
  const auto two = s.sql({"-c", "select $1; select 2", "--param", "1"});
  CHECK(two.code == 2);
}

TEST_CASE("sql -f runs statement by statement and names the failing one and its line", "[sql]") {
  SqlScratch s;
  const std::string script =
      "create table t(id int primary key);\n"
      "-- a comment; with a semicolon\n"
      "insert into t values (1);\n"
      "insert into t values ('it''s; not a number');\n"
      "insert into t values (3);\n";
  const std::string file = it::temp_file(script, ".sql");
  const auto r = s.sql({"-f", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("statement 3 (line 4)") != std::string::npos);
  CHECK(r.err.find("invalid input syntax for type integer") != std::string::npos);
  CHECK(s.value("select string_agg(id::text, ',' order by id) from t") == "1");

  const auto cont = s.sql({"-f", file, "--on-error", "continue", "-o", "json"});
  CHECK(cont.code == 4);
  CHECK(s.value("select string_agg(id::text, ',' order by id) from t") == "1,3");
  const auto sections = it::parse_json(cont.out);
  CHECK(sections.contains("statement_4"));
  // The failed statement's section holds its error, so stdout stays a
  // complete JSON document that says what failed.
  REQUIRE(sections.contains("statement_3"));
  CHECK(sections["statement_3"].size() == 1);
  CHECK(sections["statement_3"][0]["error"]["sqlstate"] == "22P02");
}

TEST_CASE("sql --single-transaction rolls everything back on error", "[sql]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c", "create table t(id int)"}).code == 0);
  const auto r = s.sql({"-c", "insert into t values (1); insert into t values (1/0)", "--single-transaction"});
  CHECK(r.code == 1);
  CHECK(r.err.find("division by zero") != std::string::npos);
  CHECK(s.value("select count(*) from t") == "0");
  CHECK(s.sql({"-c", "insert into t values (1); insert into t values (2)", "--single-transaction"}).code == 0);
  CHECK(s.value("select count(*) from t") == "2");
  CHECK(s.sql({"-c", "select 1", "--single-transaction", "--on-error", "continue"}).code == 2);
}

TEST_CASE("a script's own BEGIN/COMMIT survives queries read through the cursor", "[sql]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c", "create table t(id int)"}).code == 0);
  const auto r =
      s.sql({"-c", "begin; insert into t values (1); select count(*) from t; rollback; select count(*) as n from t",
             "-o", "json"});
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out);
  CHECK(j["statement_3"][0]["count"] == 1);
  CHECK(j["statement_5"][0]["n"] == 0);
}

TEST_CASE("psql meta-commands are refused with their line", "[sql]") {
  SqlScratch s;
  const auto r = s.sql({"-f", it::temp_file("select 1;\n\\dt\n", ".sql")});
  CHECK(r.code == 2);
  CHECK(r.err.find("line 2") != std::string::npos);
  CHECK(r.err.find("\\dt") != std::string::npos);
}

TEST_CASE("large results stream: jsonl and csv match the server row for row", "[sql][stream]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c",
                 "create table big as select g as id, md5(g::text) as h, "
                 "case when g % 7 = 0 then null else 'line\n' || g || ',\"q\"' end as t, "
                 "g / 3.0 as n from generate_series(1, 50000) g"})
              .code == 0);
  const std::string q = "select id, h, t, n from big order by id";

  const auto jl = s.sql({"-c", q, "-o", "jsonl", "--fetch-size", "999"});
  REQUIRE(jl.code == 0);
  const auto csv = s.sql({"-c", q, "-o", "csv"});
  REQUIRE(csv.code == 0);

  auto c = it::connect(s.db);
  pqxx::nontransaction tx(c);
  const auto rows = tx.exec(q);
  REQUIRE(rows.size() == 50000);

  std::istringstream lines(jl.out);
  std::string line;
  std::size_t i = 0;
  std::size_t mismatches = 0;
  while (std::getline(lines, line)) {
    REQUIRE(i < rows.size());
    const auto o = it::parse_json(line);
    const auto& r = rows[static_cast<pqxx::result::size_type>(i)];
    if (o["id"].get<long long>() != r[0].as<long long>() || o["h"] != r[1].c_str() ||
        (r[2].is_null() ? !o["t"].is_null() : o["t"] != r[2].c_str()) || o["n"] != r[3].c_str()) {
      ++mismatches;
    }
    ++i;
  }
  CHECK(i == rows.size());
  CHECK(mismatches == 0);

  const auto parsed = parse_csv(csv.out);
  REQUIRE(parsed.size() == rows.size() + 1);
  CHECK(parsed[0] == std::vector<std::string>{"id", "h", "t", "n"});
  mismatches = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& r = rows[static_cast<pqxx::result::size_type>(k)];
    const auto& p = parsed[k + 1];
    if (p.size() != 4 || p[0] != r[0].c_str() || p[1] != r[1].c_str() || p[2] != (r[2].is_null() ? "" : r[2].c_str()) ||
        p[3] != r[3].c_str()) {
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the cursor really streams: the server sees one FETCH per --fetch-size rows", "[sql][stream]") {
  SqlScratch s;
  const std::string log = it::temp_file("");
  // (-o csv goes through COPY instead: see the test after this one.)
  const auto r = pgdba({"-d", s.db, "-vv", "--log-file", log, "sql", "-c", "select generate_series(1, 2500) as g",
                        "--fetch-size", "1000", "-o", "jsonl"});
  REQUIRE(r.code == 0);
  CHECK(it::count_lines(r.out) == 2500);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.find("DECLARE pgdba_cursor") != std::string::npos);
  // The first batch alone (its column types may need a catalog lookup),
  // the rest pipelined.
  CHECK(text.find("FETCH FORWARD 1000 FROM pgdba_cursor (x2, pipelined)") != std::string::npos);

  // What the server saw (the harness logs every statement): three FETCHes.
  std::size_t fetches = 0;
  const std::string marker = "@" + s.db + "/pgdba ";
  for (const auto& f : std::filesystem::directory_iterator(it::cluster().at("PGDBA_CLUSTER_DIR") + "/data/log")) {
    std::ifstream server_log(f.path());
    for (std::string line; std::getline(server_log, line);) {
      if (line.find(marker) != std::string::npos &&
          line.find("FETCH FORWARD 1000 FROM pgdba_cursor") != std::string::npos) {
        ++fetches;
      }
    }
  }
  CHECK(fetches == 3);
}

TEST_CASE("sql -o csv of a query goes through COPY, byte for byte the renderer's CSV and psql's copy",
          "[sql][matrix]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c",
                 "create table t as select g as id, case g % 5 when 0 then null when 1 then '' when 2 then "
                 "'a,\"b\"' || chr(10) || 'c' when 3 then '\\.' else 'ü' || g end as v, g / 3.0 as n, "
                 "now()::date + g as d, array[g, null] as a, jsonb_build_object('k', g) as j, "
                 "decode('00ff', 'hex') as b, g % 2 = 0 as f from generate_series(1, 500) g"})
              .code == 0);
  const std::string q = "select * from t where id > 0 order by id -- a trailing comment";
  it::ServerLog log;
  const auto copied = s.sql({"-c", q, "-o", "csv"});
  INFO(copied.err);
  REQUIRE(copied.code == 0);
  CHECK(log.saw("COPY \\(select \\* from t where id > 0 order by id"));
  // With a bound parameter COPY cannot be used: the cursor and the renderer.
  const auto rendered = s.sql({"-c", "select * from t where id > $1 order by id", "--param", "0", "-o", "csv"});
  REQUIRE(rendered.code == 0);
  CHECK(copied.out == rendered.out);
  CHECK(it::count_lines(copied.out) > 500);
  // \. alone on its line is quoted by both, as COPY does.
  const auto alone = s.sql({"-c", "select v from t where id = 3", "-o", "csv"});
  const auto alone_cursor = s.sql({"-c", "select v from t where id = $1", "--param", "3", "-o", "csv"});
  CHECK(alone.out == "v\n\"\\.\"\n");
  CHECK(alone_cursor.out == alone.out);
  // The same as psql's \copy (query) to stdout with csv header.
  const auto& env = it::cluster();
  std::string psql = "psql";
  if (env.count("PGDBA_PG_BINDIR") != 0u && access((env.at("PGDBA_PG_BINDIR") + "/psql").c_str(), X_OK) == 0)
    psql = env.at("PGDBA_PG_BINDIR") + "/psql";
  const auto ref = it::shell(psql + " -X -q -d " + s.db +
                             " -c \"set datestyle = iso; set extra_float_digits = 1\" -c '\\copy (select * from t "
                             "where id > 0 order by id) to stdout with (format csv, header)'");
  REQUIRE(ref.code == 0);
  CHECK(copied.out == ref.out);
  // --no-header leaves the header out.
  const auto bare = s.sql({"-c", "select id from t where id <= 2 order by id", "-o", "csv", "--no-header"});
  CHECK(bare.out == "1\n2\n");
  // An error part-way: the rows so far, then a failure.
  const auto failed = s.sql({"-c", "select 10 / (3 - g) as x from generate_series(1, 5) g", "-o", "csv"});
  CHECK(failed.code == 1);
  CHECK(failed.err.find("division by zero") != std::string::npos);
}

TEST_CASE("sql --batch inserts every CSV row in one transaction", "[sql][batch]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c", "create table b(id int primary key, t text, f float8)"}).code == 0);
  std::string csv = "id,t,f\n";
  for (int i = 1; i <= 2500; ++i) {
    csv += std::to_string(i) + ",\"v," + std::to_string(i) + "\"\"\"," + (i % 10 == 0 ? "" : "1.5") + "\n";
  }
  const std::string file = it::temp_file(csv, ".csv");
  const auto r = s.sql({"-c", "insert into b values ($1, $2, $3)", "--batch", file, "--batch-header", "-o", "json"});
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out)[0];
  CHECK(j["rows"] == 2500);
  CHECK(j["method"] == "copy");
  CHECK(s.value("select count(*) from b") == "2500");
  CHECK(s.value("select t from b where id = 7") == "v,7\"");
  CHECK(s.value("select count(*) from b where f is null") == "250");

  // Not an INSERT ... VALUES: prepared EXECUTEs, many per round trip.
  std::string updates;
  for (int i = 1; i <= 1200; ++i)
    updates += std::to_string(i) + ",'new " + std::to_string(i) + "'\n";
  const auto u =
      s.sql({"-c", "update b set t = $2 where id = $1::int", "--batch", it::temp_file(updates, ".csv"), "-o", "json"});
  REQUIRE(u.code == 0);
  CHECK(it::parse_json(u.out)[0]["method"] == "prepared execute");
  CHECK(it::parse_json(u.out)[0]["rows"] == 1200);
  CHECK(s.value("select t from b where id = 7") == "'new 7'");
  CHECK(s.value("select t from b where id = 1201") == "v,1201\"");
}

TEST_CASE("sql --batch: COPY, multi-row INSERT or row by row, as the table allows, and the same rows stored",
          "[sql][batch]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c",
                 "create table via_copy(a int, t text); create table via_values(a int, t text); "
                 "create table counted(a int); create table calls(n int); "
                 "create function count_call() returns trigger language plpgsql as "
                 "$$ begin insert into calls values (1); return null; end $$; "
                 "create trigger per_statement after insert on counted "
                 "for each statement execute function count_call(); "
                 "create table ident(id int generated always as identity, a int); "
                 "create table secured(a int); alter table secured enable row level security; "
                 "create policy everyone on secured using (true)"})
              .code == 0);
  // Hostile text: tabs, backslashes, \N spelled out, newlines, CR, quotes,
  // unicode, an empty string and a NULL.
  const std::string csv =
      "1,\"tab\there\"\n2,back\\slash \\N\n3,\"two\nlines\r\"\n4,\"\"\"quoted\"\"\"\n"
      "5,ünïcödé ☃\n6,\"\"\n7,\n";
  const std::string file = it::temp_file(csv, ".csv");
  const std::string numbers = it::temp_file("1\n2\n3\n4\n5\n6\n7\n", ".csv");
  const auto method = [&](const std::string& sql) {
    const bool one = sql.find("$2") == std::string::npos;
    const auto r = s.sql({"-c", sql, "--batch", one ? numbers : file, "-o", "json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    return it::parse_json(r.out)[0]["method"].get<std::string>();
  };
  CHECK(method("insert into via_copy values ($1, $2)") == "copy");
  CHECK(method("insert into via_values values ($1, ($2))") == "multi-row insert");
  const std::string digest = "select md5(string_agg(a || ':' || coalesce(t, '<null>'), '|' order by a)) from ";
  CHECK(s.value(digest + "via_copy") == s.value(digest + "via_values"));
  CHECK(s.value("select count(*) from via_copy where t is null") == "1");
  CHECK(s.value("select t from via_copy where a = 2") == "back\\slash \\N");
  CHECK(s.value("select t from via_copy where a = 3") == "two\nlines\r");
  // A bad row after them: the chunk is run again row by row from what
  // COPY was sent, and names the line (two lines down for the line break).
  const auto bad =
      s.sql({"-c", "insert into via_copy values ($1, $2)", "--batch", it::temp_file(csv + "oops,x\n", ".csv")});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("line 9") && Catch::Contains("oops"));
  CHECK(s.value("select count(*) from via_copy") == "7");

  // A statement trigger fires once per row, as executemany fires it.
  CHECK(method("insert into counted values ($1)") == "prepared execute");
  CHECK(s.value("select count(*) from calls") == "7");
  // COPY would write a GENERATED ALWAYS identity as given, where INSERT refuses.
  const auto refused =
      s.sql({"-c", "insert into ident (id, a) values ($1, $2)", "--batch", it::temp_file("1,1\n", ".csv")});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("GENERATED ALWAYS"));
  CHECK(method("insert into ident (a) values ($1)") == "copy");
  // Row-level security refuses COPY: a multi-row INSERT instead.
  CHECK(method("insert into secured values ($1)") == "multi-row insert");
  CHECK(s.value("select count(*) from secured") == "7");
}

TEST_CASE("sql --batch: the session killed mid-batch, pipelined or through COPY, exits 3 and commits nothing",
          "[sql][batch][hostile]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c",
                 "create table slow(id int primary key, t text); "
                 "insert into slow select g, 'x' from generate_series(1, 5000) g; "
                 "create function nap() returns trigger language plpgsql as "
                 "$$ begin perform pg_sleep(0.001); return new; end $$; "
                 "create table loaded(id int, t text); "
                 "create trigger nap before insert on loaded for each row execute function nap()"})
              .code == 0);
  std::string rows;
  for (int i = 1; i <= 5000; ++i)
    rows += std::to_string(i) + ",y\n";
  const std::string file = it::temp_file(rows, ".csv");
  for (const std::string sql : {"update slow set t = $2 where id = $1::int and pg_sleep(0.001) is not null",
                                "insert into loaded values ($1, $2)"}) {
    INFO(sql);
    const auto bg = it::start_pgdba({"-d", s.db, "sql", "-c", sql, "--batch", file});
    const std::string mine = "select pid from pg_stat_activity where datname = '" + s.db +
                             "' and application_name = 'pgdba' and state = 'active'";
    REQUIRE(it::wait_for([&] { return !s.value(mine).empty(); }));
    s.value("select pg_terminate_backend((" + mine + " limit 1))");
    const auto r = it::wait_pgdba(bg);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("connection"));
    CHECK(it::count_lines(r.err) <= 2);
  }
  CHECK(s.value("select count(*) from slow where t = 'y'") == "0");
  CHECK(s.value("select count(*) from loaded") == "0");
}

TEST_CASE("sql --batch: a bad row names its line and nothing is committed", "[sql][batch]") {
  SqlScratch s;
  REQUIRE(s.sql({"-c", "create table b(id int primary key, t text)"}).code == 0);
  std::string csv;
  for (int i = 1; i <= 1500; ++i)
    csv += std::to_string(i == 1234 ? 5 : i) + ",x\n";
  const auto dup = s.sql({"-c", "insert into b values ($1, $2)", "--batch", it::temp_file(csv, ".csv")});
  CHECK(dup.code == 1);
  CHECK(dup.err.find("line 1234") != std::string::npos);
  CHECK(dup.err.find("duplicate key") != std::string::npos);
  CHECK(s.value("select count(*) from b") == "0");

  const std::string audit = it::temp_file("", ".jsonl");
  const auto wide = pgdba({"-d", s.db, "--audit-log", audit, "sql", "-c", "insert into b values ($1, $2)", "--batch",
                           it::temp_file("1,a\n2,b,c\n", ".csv")});
  std::ifstream audit_in(audit);
  std::string record;
  REQUIRE(std::getline(audit_in, record));
  CHECK(it::parse_json(record)["result"].get<std::string>().find("error: ") == 0);
  CHECK(it::parse_json(record)["sql"].get<std::string>().find("once per row of") != std::string::npos);
  CHECK(wide.code == 2);
  CHECK(wide.err.find("line 2 has 3 field(s)") != std::string::npos);
  CHECK(s.value("select count(*) from b") == "0");

  const auto typed =
      s.sql({"-c", "update b set t = $2 where id = $1::int", "--batch", it::temp_file("1,a\nnope,b\n", ".csv")});
  CHECK(typed.code == 1);
  CHECK(typed.err.find("line 2") != std::string::npos);

  // Many chunks in flight in the pipeline: an early one fails while later
  // ones are already sent; a short line far on fails after chunks went.
  std::string many;
  for (int i = 1; i <= 10000; ++i)
    many += std::to_string(i) + ",x\n";
  REQUIRE(s.sql({"-c", "insert into b values ($1, $2)", "--batch", it::temp_file(many, ".csv")}).code == 0);
  std::string updates;
  for (int i = 1; i <= 10000; ++i)
    updates += (i == 2345 ? std::string("2345x") : std::to_string(i)) + ",y\n";
  const auto early = s.sql({"-c", "update b set t = $2 where id = $1::int", "--batch", it::temp_file(updates, ".csv")});
  CHECK(early.code == 1);
  CHECK(early.err.find("line 2345") != std::string::npos);
  std::string short_line = many;
  short_line.replace(short_line.find("\n9000,x\n") + 1, 7, "9000\n");
  const auto late = s.sql({"-c", "update b set t = $2 where id = $1", "--batch", it::temp_file(short_line, ".csv")});
  CHECK(late.code == 2);
  CHECK(late.err.find("line 9000 has 1 field(s)") != std::string::npos);
  CHECK(s.value("select count(*) from b where t <> 'x'") == "0");
}

TEST_CASE("sql --dry-run lists the statements and runs none", "[sql][safety]") {
  SqlScratch s;
  const auto r = s.sql({"-c", "create table never(id int); drop table also_never", "--dry-run", "-o", "json"});
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[1]["sql"] == "drop table also_never");
  CHECK(s.value("select count(*) from pg_class where relname = 'never'") == "0");
}

TEST_CASE("statement timeout cancels a long statement", "[sql]") {
  SqlScratch s;
  const auto r = s.sql({"-c", "select pg_sleep(5)", "--statement-timeout", "100ms", "-o", "json"});
  CHECK(r.code == 1);
  CHECK(it::parse_json(r.err)["error"]["sqlstate"] == "57014");
  CHECK(s.sql({"-c", "select 1", "--statement-timeout", "1;drop"}).code == 2);
}
