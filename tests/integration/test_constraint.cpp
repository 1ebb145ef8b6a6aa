// constraint list/add/drop against the test cluster: keys from concurrently
// built indexes, foreign keys and checks NOT VALID then validated.
#include <catch2/catch.hpp>

#include <string>

#include "tests/integration/harness.hpp"

TEST_CASE("constraint add: primary key from a concurrent index, foreign key and check NOT VALID then validated",
          "[constraint][matrix]") {
  it::ScratchDb db("con_add");
  db.exec(
      "create table \"Par; 日本\" (id int, code text); insert into \"Par; 日本\" select g, 'c' || g from "
      "generate_series(1, 100) g; "
      "create table ch (id int, par_id int); insert into ch select g, g from generate_series(1, 50) g");
  const std::string par = "\"Par; 日本\"";

  it::ServerLog log;
  const auto pk = db.pgdba({"constraint", "add", par, "--primary-key", "id", "-o", "json"});
  INFO(pk.err);
  REQUIRE(pk.code == 0);
  CHECK(log.saw("CREATE UNIQUE INDEX CONCURRENTLY \"Par; 日本_pkey\" ON \"public\".\"Par; 日本\" \\(\"id\"\\)"));
  CHECK(log.saw("ADD CONSTRAINT \"Par; 日本_pkey\" PRIMARY KEY USING INDEX \"Par; 日本_pkey\""));
  CHECK(log.saw("VALIDATE CONSTRAINT \"id_not_null_pgdba\""));  // NOT NULL without the long lock first
  CHECK(db.value("select contype from pg_constraint where conname = 'Par; 日本_pkey'") == "p");

  const auto fk = db.pgdba({"constraint", "add", "ch", "--foreign-key", "par_id", "--references", par, "--on-delete",
                            "cascade", "--name", "ch's fk"});
  INFO(fk.err);
  REQUIRE(fk.code == 0);
  CHECK(
      log.saw("ADD CONSTRAINT \"ch's fk\" FOREIGN KEY \\(\"par_id\"\\) REFERENCES \"public\".\"Par; 日本\" ON DELETE "
              "CASCADE NOT VALID"));
  CHECK(log.saw("ALTER TABLE \"public\".\"ch\" VALIDATE CONSTRAINT \"ch's fk\""));
  CHECK(db.value("select convalidated from pg_constraint where conname = 'ch''s fk'") == "t");

  // --no-validate leaves it NOT VALID; --validate-only validates it later.
  REQUIRE(db.pgdba({"constraint", "add", "ch", "--check", "id > 0", "--no-validate"}).code == 0);
  auto list = it::parse_json(db.pgdba({"constraint", "list", "--table", "ch", "-o", "json"}).out);
  CHECK(it::row_for(list, "name", "ch_check")["validated"] == false);
  CHECK(it::row_for(list, "name", "ch_check")["definition"] == "CHECK (id > 0) NOT VALID");
  CHECK(it::row_for(list, "name", "ch's fk")["references"] == "public.\"Par; 日本\"");
  REQUIRE(db.pgdba({"constraint", "add", "ch", "--validate-only", "ch_check"}).code == 0);
  list = it::parse_json(db.pgdba({"constraint", "list", "--table", "ch", "-o", "json"}).out);
  CHECK(it::row_for(list, "name", "ch_check")["validated"] == true);

  // A check existing rows break: added NOT VALID, validation fails and says so.
  const auto bad = db.pgdba({"constraint", "add", "ch", "--check", "id < 10", "--name", "small"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("stays NOT VALID"));
  CHECK(db.value("select convalidated from pg_constraint where conname = 'small'") == "f");

  // Everything in the database, or one schema.
  const auto all = db.pgdba({"constraint", "list", "-o", "json"});
  REQUIRE(all.code == 0);
  CHECK(it::parse_json(all.out).size() >= 4);

  // drop: asks first; missing ones are named.
  CHECK(db.pgdba({"constraint", "drop", "ch", "small"}).code == 2);
  REQUIRE(db.pgdba({"constraint", "drop", "ch", "small", "--yes"}).code == 0);
  CHECK(db.value("select count(*) from pg_constraint where conname = 'small'") == "0");
  CHECK(db.pgdba({"constraint", "drop", "ch", "small", "--yes"}).code == 1);
  CHECK(db.pgdba({"constraint", "drop", "ch", "small", "--yes", "--if-exists"}).code == 0);
  const auto key_dep = db.pgdba({"constraint", "drop", par, "Par; 日本_pkey", "--yes"});
  CHECK(key_dep.code == 1);  // the foreign key depends on it
  CHECK_THAT(key_dep.err, Catch::Contains("depend"));
}

TEST_CASE("constraint add --unique on duplicate keys fails and drops the invalid index it left", "[constraint]") {
  it::ScratchDb db("con_unique");
  db.exec("create table t (a int, b int); insert into t values (1, 1), (1, 2)");
  const auto r = db.pgdba({"constraint", "add", "t", "--unique", "a"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("duplicated"));
  CHECK(db.value("select count(*) from pg_index where indrelid = 't'::regclass") == "0");
  const auto ok = db.pgdba({"constraint", "add", "t", "--unique", "a,b", "-o", "json"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(db.value("select conname from pg_constraint where conrelid = 't'::regclass") == "t_a_b_key");
  CHECK(db.value("select indisvalid from pg_index where indrelid = 't'::regclass") == "t");

  // Bad combinations are refused before connecting.
  CHECK(db.pgdba({"constraint", "add", "t"}).code == 2);
  CHECK(db.pgdba({"constraint", "add", "t", "--unique", "a", "--check", "a > 0"}).code == 2);
  CHECK(db.pgdba({"constraint", "add", "t", "--foreign-key", "a"}).code == 2);
  CHECK(db.pgdba({"constraint", "add", "t", "--unique", "a", "--no-validate"}).code == 2);
  CHECK(db.pgdba({"constraint", "add", "t", "--unique", "a,b"}).code == 1);  // exists
  CHECK(db.pgdba({"constraint", "add", "missing_t", "--unique", "a"}).code == 1);
}
