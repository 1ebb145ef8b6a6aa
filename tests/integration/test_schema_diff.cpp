// schema diff between two databases of the test cluster: identical ones
// match, and each kind of change shows as exactly the rows it should.
#include <catch2/catch.hpp>

#include <set>

#include "tests/integration/harness.hpp"

namespace {

const char* kSchema = R"(
create schema "sch'; é";
create table "sch'; é".t (id int primary key, name text not null default 'x', amount numeric(10,2));
create index t_name on "sch'; é".t (name);
create table "sch'; é".gone (a int, b int);
create function "sch'; é".f(a int) returns int language sql as 'select a + 1';
create view "sch'; é".v as select id, name from "sch'; é".t;
create table other (a int);
)";

std::set<std::string> rows_of(const nlohmann::json& doc) {
  std::set<std::string> out;
  for (const auto& r : doc["differences"])
    out.insert(r["kind"].get<std::string>() + " " + r["object"].get<std::string>() + " " +
               r["attribute"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("schema diff: identical databases match, each change is the rows it should be", "[schema][matrix]") {
  it::ScratchDb a("sdiff_a");
  it::ScratchDb b("sdiff_b");
  a.exec(kSchema);
  b.exec(kSchema);

  auto r = it::pgdba({"schema", "diff", "--db", a.name(), "--db", b.name(), "--exit-code", "-o", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  auto doc = it::parse_json(r.out);
  CHECK(doc["differences"].empty());
  CHECK(doc["sides"].size() == 2);

  b.exec(R"(
alter table "sch'; é".t alter column amount type numeric(12,2);
alter table "sch'; é".t alter column name drop not null;
create index t_amount on "sch'; é".t (amount);
drop table "sch'; é".gone;
create or replace function "sch'; é".f(a int) returns int language sql as 'select a + 2';
alter table "sch'; é".t add constraint positive check (amount > 0) not valid;
)");
  a.exec(R"(alter table "sch'; é".t add constraint positive check (amount > 0);)");

  r = it::pgdba({"schema", "diff", "--db", a.name(), "--db", b.name(), "--exit-code", "-o", "json"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  doc = it::parse_json(r.out);
  const std::string s = "\"sch'; é\"";
  CHECK(rows_of(doc) == std::set<std::string>{
                            "column " + s + ".t.amount type", "column " + s + ".t.name not null",
                            "index " + s + ".t_amount exists",
                            "relation " + s + ".gone exists",  // not its columns one by one
                            "function " + s + ".f(a integer) source (md5)",
                            "constraint " + s + ".t.positive definition",  // NOT VALID on one side
                        });
  for (const auto& row : doc["differences"]) {
    if (row["attribute"] == "type") {
      CHECK(row["left"] == "numeric(10,2)");
      CHECK(row["right"] == "numeric(12,2)");
    }
    if (row["object"] == s + ".gone") {
      CHECK(row["left"] == "yes");
      CHECK(row["right"].is_null());
    }
  }

  // --schema: only that schema; the table in public is never looked at.
  b.exec("drop table other");
  r = it::pgdba({"schema", "diff", "--db", a.name(), "--db", b.name(), "--schema", "public", "-o", "json"});
  REQUIRE(r.code == 0);
  CHECK(rows_of(it::parse_json(r.out)) == std::set<std::string>{"relation public.other exists"});

  // --with: this connection against another.
  r = a.pgdba({"schema", "diff", "--with", "dbname=" + b.name(), "--schema", "public", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(rows_of(it::parse_json(r.out)).size() == 1);
}

TEST_CASE("schema diff: bad input is refused before connecting, a missing database is named", "[schema]") {
  CHECK(it::pgdba({"schema", "diff"}).code == 2);
  CHECK(it::pgdba({"schema", "diff", "--db", "postgres"}).code == 2);
  CHECK(it::pgdba({"schema", "diff", "--db", "a", "--db", "b", "--db", "c"}).code == 2);
  CHECK(it::pgdba({"schema", "diff", "--db", "postgres", "--db", "postgres", "--schema", ""}).code == 2);
  const std::string missing = it::unique("sdiff_missing");
  const auto r = it::pgdba({"schema", "diff", "--db", "postgres", "--db", missing});
  CHECK(r.code != 0);
  CHECK(r.code != 2);
  CHECK_THAT(r.err, Catch::Contains(missing));
}
