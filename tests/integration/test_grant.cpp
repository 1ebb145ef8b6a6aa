// grant and revoke against the test cluster, checked with has_*_privilege.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

namespace {

bool grant_yes(const it::ScratchDb& db, const std::string& sql) {
  return db.value(sql) == "t";
}

}  // namespace

TEST_CASE("grant and revoke on a table, its columns, a sequence, a function and a schema", "[grant][matrix]") {
  it::ScratchDb db("grant_objs");
  const std::string role = it::unique("g_role");
  db.exec("create role " + role +
          "; create schema \"we'ird\"; create table \"we'ird\".\"T;1\"(a int, \"B\" int); create sequence s; "
          "create function f(int) returns int language sql as 'select $1'; revoke execute on function f(int) from "
          "public; create procedure p() language sql as 'select 1'; revoke execute on procedure p() from public");
  const std::string t = R"("we'ird"."T;1")";
  const auto g = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "grant");
    const auto r = db.pgdba(args);
    INFO(r.err);
    CHECK(r.code == 0);
  };
  g({"select,insert", "--table", t, "--to", role});
  CHECK(grant_yes(db, "select has_table_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'SELECT,INSERT')"));
  CHECK_FALSE(grant_yes(db, "select has_table_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'DELETE')"));
  g({"update", "--table", t, "--column", "B", "--to", role});
  CHECK(grant_yes(db, "select has_column_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'B', 'UPDATE')"));
  CHECK_FALSE(grant_yes(db, "select has_column_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'a', 'UPDATE')"));
  g({"usage", "--sequence", "s", "--to", role});
  CHECK(grant_yes(db, "select has_sequence_privilege('" + role + "', 's', 'USAGE')"));
  g({"execute", "--function", "f(int)", "--to", role});
  CHECK(grant_yes(db, "select has_function_privilege('" + role + "', 'f(int)', 'EXECUTE')"));
  g({"execute", "--function", "p", "--to", role});
  CHECK(grant_yes(db, "select has_function_privilege('" + role + "', 'p()', 'EXECUTE')"));
  g({"usage", "--schema", "we'ird", "--to", role});
  CHECK(grant_yes(db, "select has_schema_privilege('" + role + "', 'we''ird', 'USAGE')"));

  auto r = db.pgdba({"revoke", "insert", "--table", t, "--from", role});
  CHECK(r.code == 2);  // destructive: needs --yes off a terminal
  r = db.pgdba({"revoke", "insert", "--table", t, "--from", role, "--yes", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out)[0]["status"] == "revoked");
  CHECK_FALSE(grant_yes(db, "select has_table_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'INSERT')"));
  CHECK(grant_yes(db, "select has_table_privilege('" + role + "', '\"we''ird\".\"T;1\"', 'SELECT')"));

  // Bad input: a privilege the kind lacks, no object, two objects, a missing table.
  CHECK(db.pgdba({"grant", "execute", "--table", t, "--to", role}).code == 2);
  CHECK(db.pgdba({"grant", "select", "--to", role}).code == 2);
  CHECK(db.pgdba({"grant", "select", "--table", t, "--schema", "x", "--to", role}).code == 2);
  CHECK(db.pgdba({"grant", "select", "--table", "s", "--to", role}).code == 2);  // a sequence
  CHECK(db.pgdba({"grant", "select", "--table", "nope", "--to", role}).code == 1);
  db.exec("drop owned by " + role + "; drop role " + role);
}

TEST_CASE("grant on every table of a schema, to PUBLIC, and default privileges for future tables", "[grant][matrix]") {
  it::ScratchDb db("grant_all");
  const std::string reader = it::unique("g_reader");
  db.exec("create role " + reader + "; create schema app; create table app.a(i int); create table app.b(i int)");
  auto r = db.pgdba({"grant", "select", "--all-tables-in-schema", "app", "--to", reader});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(grant_yes(db, "select has_table_privilege('" + reader + "', 'app.a', 'SELECT') and has_table_privilege('" +
                          reader + "', 'app.b', 'SELECT')"));
  r = db.pgdba({"grant", "select", "--on-future", "tables", "--default-for-role", "postgres", "--in-schema", "app",
                "--to", reader});
  REQUIRE(r.code == 0);
  db.exec("create table app.later(i int)");
  CHECK(grant_yes(db, "select has_table_privilege('" + reader + "', 'app.later', 'SELECT')"));
  r = db.pgdba({"grant", "usage", "--schema", "app", "--to", "PUBLIC"});
  REQUIRE(r.code == 0);
  CHECK(grant_yes(db, "select has_schema_privilege('public', 'app', 'USAGE')"));
  r = db.pgdba({"revoke", "select", "--on-future", "tables", "--default-for-role", "postgres", "--in-schema", "app",
                "--from", reader, "--yes"});
  REQUIRE(r.code == 0);
  db.exec("create table app.later2(i int)");
  CHECK_FALSE(grant_yes(db, "select has_table_privilege('" + reader + "', 'app.later2', 'SELECT')"));
  db.exec("drop owned by " + reader + "; drop role " + reader);
}
