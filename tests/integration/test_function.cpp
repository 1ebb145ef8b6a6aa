// function list / function call against the test cluster.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

namespace {

const char* const kSetup = R"sql(
create schema "fn s";
create function "fn s".add(a int, b int default 10) returns int language sql immutable as 'select a + b';
create function "fn s".add(a text, b text) returns text language sql as 'select a || b';
create function "fn s".echo(x text) returns text language sql as 'select x';
create function "fn s".split(a int, out q int, inout r int) language sql
  as 'select a / r, a % r';
create function "fn s".series(n int) returns table(i int, label text) language sql
  as 'select g, ''row '' || g from generate_series(1, n) g';
create function "fn s".jsonish(j jsonb, arr int[]) returns jsonb language sql as 'select j || jsonb_build_object(''n'', cardinality(arr))';
create function "fn s"."Mixed; name"(t timestamptz) returns text security definer language sql as 'select t::date::text';
create table "fn s".log (step int);
create procedure "fn s".commit_twice(n int) language plpgsql as $$
begin
  insert into "fn s".log values (n); commit;
  insert into "fn s".log values (n + 1); commit;
end $$;
create procedure "fn s".double_it(inout v int) language plpgsql as $$ begin v := v * 2; end $$;
create aggregate "fn s".total(int) (sfunc = int4pl, stype = int);
create function "fn s".sum_all(variadic v int[]) returns int language sql as 'select sum(x)::int from unnest(v) x';
)sql";

}  // namespace

TEST_CASE("function list shows signatures, kinds, language, volatility, owner", "[function][matrix]") {
  it::ScratchDb db("fn");
  db.exec(kSetup);
  const auto r = db.pgdba({"function", "list", "--schema", "fn s", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  bool add_int = false, proc = false, agg = false, definer = false;
  for (const auto& row : rows) {
    CHECK(row["schema"] == "fn s");
    CHECK(row["owner"] == "postgres");
    if (row["name"] == "add" && row["arguments"] == "a integer, b integer") {
      add_int = true;
      CHECK(row["result"] == "integer");
      CHECK(row["kind"] == "function");
      CHECK(row["language"] == "sql");
      CHECK(row["volatility"] == "immutable");
      CHECK(row["security_definer"] == false);
    }
    if (row["name"] == "commit_twice") {
      proc = true;
      CHECK(row["kind"] == "procedure");
      CHECK(row["result"].is_null());
      CHECK(row["language"] == "plpgsql");
    }
    if (row["name"] == "total") agg = row["kind"] == "aggregate";
    if (row["name"] == "Mixed; name") definer = row["security_definer"] == true;
  }
  CHECK(add_int);
  CHECK(proc);
  CHECK(agg);
  CHECK(definer);
  const auto table = db.pgdba({"function", "list", "--schema", "fn s"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find("commit_twice") != std::string::npos);
  CHECK(db.pgdba({"function", "list", "--help"}).code == 0);
}

TEST_CASE("function call: overloads, defaults, OUT/INOUT, set-returning, typed arguments", "[function][matrix]") {
  it::ScratchDb db("fn");
  db.exec(kSetup);
  // Two arguments: add(int, int) and add(text, text) both fit.
  const auto ambiguous = db.pgdba({"function", "call", "\"fn s\".add", "1", "2"});
  CHECK(ambiguous.code == 2);
  CHECK(ambiguous.err.find("add(a integer, b integer)") != std::string::npos);
  CHECK(ambiguous.err.find("add(a text, b text)") != std::string::npos);
  CHECK(ambiguous.err.find("--signature") != std::string::npos);

  const auto ints = db.pgdba({"function", "call", "\"fn s\".add", "1", "2", "--signature", "int, int", "-o", "json"});
  INFO(ints.err);
  REQUIRE(ints.code == 0);
  CHECK(it::parse_json(ints.out)[0]["add"] == 3);
  const auto texts = db.pgdba({"function", "call", "\"fn s\".add", "1", "2", "--signature", "text,text", "-o", "json"});
  REQUIRE(texts.code == 0);
  CHECK(it::parse_json(texts.out)[0]["add"] == "12");
  // One argument: only add(int, int default 10) fits.
  const auto dflt = db.pgdba({"function", "call", "\"fn s\".add", "5", "-o", "json"});
  REQUIRE(dflt.code == 0);
  CHECK(it::parse_json(dflt.out)[0]["add"] == 15);

  // A value that would be SQL if pasted is only a value.
  const auto echo = db.pgdba({"function", "call", "\"fn s\".echo", "x'); drop table \"fn s\".log; --", "-o", "json"});
  REQUIRE(echo.code == 0);
  CHECK(it::parse_json(echo.out)[0]["echo"] == "x'); drop table \"fn s\".log; --");
  CHECK(db.value("select count(*) from \"fn s\".log") == "0");
  const auto null = db.pgdba({"function", "call", "\"fn s\".echo", "NULL", "--null", "NULL", "-o", "json"});
  REQUIRE(null.code == 0);
  CHECK(it::parse_json(null.out)[0]["echo"].is_null());

  const auto out = db.pgdba({"function", "call", "\"fn s\".split", "17", "5", "-o", "json"});
  INFO(out.err);
  REQUIRE(out.code == 0);
  CHECK(it::parse_json(out.out)[0]["q"] == 3);
  CHECK(it::parse_json(out.out)[0]["r"] == 2);

  const auto srf = db.pgdba({"function", "call", "\"fn s\".series", "3", "-o", "json"});
  REQUIRE(srf.code == 0);
  const auto rows = it::parse_json(srf.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[2]["i"] == 3);
  CHECK(rows[2]["label"] == "row 3");

  const auto js = db.pgdba({"function", "call", "\"fn s\".jsonish", "{\"a\": 1}", "{1,2,3}", "-o", "json"});
  REQUIRE(js.code == 0);
  CHECK(it::parse_json(js.out)[0]["jsonish"]["n"] == 3);
  const auto variadic = db.pgdba({"function", "call", "\"fn s\".sum_all", "{1,2,3,4}", "-o", "json"});
  INFO(variadic.err);
  REQUIRE(variadic.code == 0);
  CHECK(it::parse_json(variadic.out)[0]["sum_all"] == 10);
  const auto mixed = db.pgdba({"function", "call", "\"fn s\".\"Mixed; name\"", "2024-02-29 10:00:00+00"});
  REQUIRE(mixed.code == 0);
  CHECK(mixed.out.find("2024-02-29") != std::string::npos);
}

TEST_CASE("function call: a procedure that commits, INOUT results, errors", "[function]") {
  it::ScratchDb db("fn");
  db.exec(kSetup);
  const auto p = db.pgdba({"function", "call", "\"fn s\".commit_twice", "7", "--procedure"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(db.value("select string_agg(step::text, ',' order by step) from \"fn s\".log") == "7,8");
  const auto inout = db.pgdba({"function", "call", "\"fn s\".double_it", "21", "-o", "json"});
  INFO(inout.err);
  REQUIRE(inout.code == 0);
  CHECK(it::parse_json(inout.out)[0]["v"] == 42);

  const auto dry = db.pgdba({"function", "call", "\"fn s\".commit_twice", "1", "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("CALL \"fn s\".\"commit_twice\"($1::integer)") != std::string::npos);
  CHECK(db.value("select count(*) from \"fn s\".log") == "2");

  const auto missing = db.pgdba({"function", "call", "nope"});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("function \"nope\" does not exist") != std::string::npos);
  const auto count = db.pgdba({"function", "call", "\"fn s\".echo", "a", "b", "c"});
  CHECK(count.code == 1);
  CHECK(count.err.find("takes 3 argument(s)") != std::string::npos);
  CHECK(db.pgdba({"function", "call", "\"fn s\".echo", "--procedure", "x"}).code == 1);
  CHECK(db.pgdba({"function", "call", "\"fn s\".total", "1"}).code == 2);
  const auto bad = db.pgdba({"function", "call", "\"fn s\".add", "x", "--signature", "int, int", "-o", "json"});
  CHECK(bad.code == 1);
  CHECK(it::parse_json(bad.err)["error"]["sqlstate"] == "22P02");
  CHECK(db.pgdba({"function", "call", "--help"}).code == 0);
}
