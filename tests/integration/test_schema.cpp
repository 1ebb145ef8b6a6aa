// schema list/create/drop/rename against the test cluster.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

bool schema_exists(const std::string& db, const std::string& name) {
  auto c = it::connect(db);
  pqxx::nontransaction tx(c);
  return !tx.exec_params("select 1 from pg_namespace where nspname = $1", name).empty();
}

// Each test works in a database of its own, dropped at the end.
struct SchemaScratch {
  std::string db = it::unique("schemas");
  SchemaScratch() { REQUIRE(pgdba({"db", "create", db}).code == 0); }
  ~SchemaScratch() { pgdba({"db", "drop", db, "--yes", "--force"}); }
};

}  // namespace

TEST_CASE("schema create, list, rename, drop with hostile names", "[schema]") {
  SchemaScratch s;
  for (const std::string name : {"a\"b", "x; drop table y", "données_日本", "Mixed Case"}) {
    DYNAMIC_SECTION(name) {
      REQUIRE(pgdba({"-d", s.db, "schema", "create", name}).code == 0);
      CHECK(schema_exists(s.db, name));
      const auto list = pgdba({"-d", s.db, "schema", "list", "-o", "json"});
      REQUIRE(list.code == 0);
      bool found = false;
      for (const auto& r : it::parse_json(list.out)) {
        if (r["name"] == name) {
          found = true;
          CHECK(r["owner"] == "postgres");
          CHECK(r["tables"] == 0);
          CHECK(r["size"] == 0);
        }
      }
      CHECK(found);
      REQUIRE(pgdba({"-d", s.db, "schema", "rename", name, name + "2"}).code == 0);
      CHECK(schema_exists(s.db, name + "2"));
      CHECK_FALSE(schema_exists(s.db, name));
      REQUIRE(pgdba({"-d", s.db, "schema", "drop", name + "2", "--yes"}).code == 0);
      CHECK_FALSE(schema_exists(s.db, name + "2"));
    }
  }
}

TEST_CASE("schema list counts tables and their size, system schemas on request", "[schema][matrix]") {
  SchemaScratch s;
  REQUIRE(pgdba({"-d", s.db, "sql", "-c",
                 "create schema app; create table app.t(id int); "
                 "insert into app.t select generate_series(1, 1000)"})
              .code == 0);
  const auto list = pgdba({"-d", s.db, "schema", "list", "-o", "json"});
  REQUIRE(list.code == 0);
  const auto rows = it::parse_json(list.out);
  bool found = false;
  for (const auto& r : rows) {
    CHECK(r["name"] != "pg_catalog");
    if (r["name"] == "app") {
      found = true;
      CHECK(r["tables"] == 1);
      CHECK(r["size"].get<long long>() == std::stoll(it::query_value("select pg_total_relation_size('app.t')", s.db)));
    }
  }
  CHECK(found);
  const auto all = pgdba({"-d", s.db, "schema", "list", "--system"});
  CHECK(all.out.find("pg_catalog") != std::string::npos);
}

TEST_CASE("schema drop asks first, refuses non-empty without --cascade", "[schema][safety]") {
  SchemaScratch s;
  REQUIRE(pgdba({"-d", s.db, "sql", "-c", "create schema full_one; create table full_one.t(id int)"}).code == 0);
  CHECK(pgdba({"-d", s.db, "schema", "drop", "full_one"}).code == 2);
  CHECK(schema_exists(s.db, "full_one"));
  const auto r = pgdba({"-d", s.db, "schema", "drop", "full_one", "--yes"});
  CHECK(r.code == 1);
  CHECK(r.err.find("other objects depend on it") != std::string::npos);
  CHECK(r.err.find("HINT: Use DROP ... CASCADE") != std::string::npos);
  CHECK(schema_exists(s.db, "full_one"));
  const auto dry = pgdba({"-d", s.db, "schema", "drop", "full_one", "--cascade", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK(dry.out.find("DROP SCHEMA \"full_one\" CASCADE") != std::string::npos);
  CHECK(schema_exists(s.db, "full_one"));
  CHECK(pgdba({"-d", s.db, "schema", "drop", "full_one", "--cascade", "--yes"}).code == 0);
  CHECK_FALSE(schema_exists(s.db, "full_one"));
}

TEST_CASE("schema errors: missing, exists, 64 bytes", "[schema]") {
  SchemaScratch s;
  const auto missing = pgdba({"-d", s.db, "schema", "drop", "nope", "--yes"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "pgdba: error: schema \"nope\" does not exist\n");
  CHECK(pgdba({"-d", s.db, "schema", "drop", "nope", "--yes", "--if-exists"}).code == 0);
  REQUIRE(pgdba({"-d", s.db, "schema", "create", "dup"}).code == 0);
  CHECK(pgdba({"-d", s.db, "schema", "create", "dup"}).code == 1);
  CHECK(pgdba({"-d", s.db, "schema", "create", "dup", "--if-not-exists"}).code == 0);
  const auto longname = pgdba({"-d", s.db, "schema", "create", std::string(64, 's')});
  CHECK(longname.code == 2);
  CHECK_FALSE(schema_exists(s.db, std::string(63, 's')));
}

TEST_CASE("schema create --owner and the lock timeout", "[schema]") {
  SchemaScratch s;
  const std::string role = it::unique("owner");
  {
    auto c = it::connect();
    pqxx::nontransaction tx(c);
    tx.exec("create role " + c.quote_name(role));
  }
  REQUIRE(pgdba({"-d", s.db, "schema", "create", "owned", "--owner", role}).code == 0);
  CHECK(it::query_value("select nspowner::regrole::text from pg_namespace where nspname = 'owned'", s.db) == role);

  // Another session holds a lock the rename needs: pgdba gives up after --lock-timeout.
  auto holder = it::connect(s.db);
  pqxx::work tx(holder);
  tx.exec("lock table pg_namespace in access exclusive mode");
  const auto r = pgdba({"-d", s.db, "schema", "rename", "owned", "owned2", "--lock-timeout", "200ms"});
  CHECK(r.code == 1);
  CHECK(r.err.find("lock timeout") != std::string::npos);
  tx.abort();
  CHECK(schema_exists(s.db, "owned"));
  pgdba({"-d", s.db, "schema", "drop", "owned", "--yes"});
  auto c = it::connect();
  pqxx::nontransaction t2(c);
  t2.exec("drop role " + c.quote_name(role));
}

TEST_CASE("table size: heap, indexes, TOAST and total, largest first, per schema", "[table][matrix]") {
  it::ScratchDb db("tsize");
  db.exec(
      "create schema \"we'ird\"; create table \"we'ird\".big(i int primary key, t text); "
      "insert into \"we'ird\".big select g, repeat('x', 3000) from generate_series(1, 2000) g; "
      "create table public.small(i int)");
  const auto r = db.pgdba({"table", "size", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["schema"] == "we'ird");
  CHECK(rows[0]["table"] == "big");
  const auto& big = rows[0];
  CHECK(big["total"].get<long long>() == std::stoll(db.value("select pg_total_relation_size('\"we''ird\".big')")));
  CHECK(big["indexes"].get<long long>() == std::stoll(db.value("select pg_indexes_size('\"we''ird\".big')")));
  CHECK(big["toast"].get<long long>() > 0);  // 3000-byte strings compress but stay
  CHECK(big["heap"].get<long long>() + big["indexes"].get<long long>() + big["toast"].get<long long>() ==
        big["total"].get<long long>());
  const auto only = db.pgdba({"table", "size", "-n", "public", "--top", "5", "-o", "json"});
  REQUIRE(only.code == 0);
  REQUIRE(it::parse_json(only.out).size() == 1);
  CHECK(it::parse_json(only.out)[0]["table"] == "small");
  CHECK(db.pgdba({"table", "size", "--top", "0"}).code == 2);
}
