// column add/drop/rename/set-type/set-default/drop-default/set-not-null/
// drop-not-null against the test cluster: what each says it will do to the
// table, and what the server did.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/harness.hpp"

namespace {

nlohmann::json row_for(const nlohmann::json& rows, const std::string& key, const std::string& value) {
  for (const auto& r : rows)
    if (r.contains(key) && r[key] == value) return r;
  return nullptr;
}

std::string filenode(const it::ScratchDb& db, const std::string& table) {
  return db.value("select pg_relation_filenode('" + table + "')");
}

}  // namespace

TEST_CASE("column set-type warns of a rewrite for int to text, not for varchar(10) to varchar(20)",
          "[column][matrix]") {
  it::ScratchDb db("col_type");
  db.exec(
      "create table t (id int, v varchar(10), n int); "
      "insert into t select g, 'x', g from generate_series(1, 1000) g; create index t_n on t (n)");
  const std::string before = filenode(db, "t");

  // Binary-coercible: catalog only, no question asked.
  const auto widen = db.pgdba({"column", "set-type", "t", "v", "varchar(20)", "-o", "json"});
  INFO(widen.err);
  REQUIRE(widen.code == 0);
  CHECK(widen.err.find("rewrites") == std::string::npos);
  CHECK(row_for(it::parse_json(widen.out), "action", "analyse")["impact"] == "catalog-only");
  CHECK(db.value("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 't'::regclass and "
                 "attname = 'v'") == "character varying(20)");
  CHECK(filenode(db, "t") == before);

  // int -> text rewrites: said on stderr with the size, refused without --yes.
  const auto refused = db.pgdba({"column", "set-type", "t", "n", "text"});
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("rewrites \"public\".\"t\""));
  CHECK_THAT(refused.err, Catch::Contains("kB"));
  CHECK_THAT(refused.err, Catch::Contains("--yes"));
  CHECK(filenode(db, "t") == before);
  CHECK(db.value("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 't'::regclass and "
                 "attname = 'n'") == "integer");

  const auto dry = db.pgdba({"column", "set-type", "t", "n", "text", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK_THAT(dry.out, Catch::Contains("-- rewrites \"public\".\"t\""));
  CHECK_THAT(dry.out, Catch::Contains("rebuilds 1 index"));
  CHECK_THAT(dry.out, Catch::Contains("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"n\" TYPE text"));

  const auto done = db.pgdba({"column", "set-type", "t", "n", "text", "--yes", "-o", "json"});
  INFO(done.err);
  REQUIRE(done.code == 0);
  const auto rows = it::parse_json(done.out);
  CHECK(row_for(rows, "action", "analyse")["impact"] == "rewrite");
  CHECK(row_for(rows, "action", "analyse")["table_bytes"].get<long long>() > 0);
  CHECK(filenode(db, "t") != before);

  // A change the server refuses fails on the copy, before the real table.
  it::ServerLog log;
  const auto bad = db.pgdba({"column", "set-type", "t", "v", "int", "--yes"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("nothing was changed"));
  CHECK(log.never_saw("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"v\" TYPE int"));
  const auto with_using =
      db.pgdba({"column", "set-type", "t", "v", "int", "--using", "length(v)", "--yes", "-o", "json"});
  INFO(with_using.err);
  CHECK(with_using.code == 0);
  CHECK(db.value("select sum(v) from t") == "1000");
  CHECK(db.pgdba({"column", "set-type", "t", "missing", "int"}).code == 1);
}

TEST_CASE("column set-type: no rewrite but an index rebuilt is a scan, asked first", "[column][matrix]") {
  it::ScratchDb db("col_scan");
  db.exec(
      "create table t (id int, at timestamp); create index t_at on t (at); "
      "insert into t select g, now() from generate_series(1, 1000) g");
  const std::string table = filenode(db, "t"), index = filenode(db, "t_at");
  // In UTC, timestamp -> timestamptz keeps the rows (12+) but the index's
  // operator class changes: it is built again from the whole table.
  const it::Env utc{{"PGTZ", "UTC"}};
  const auto refused = db.pgdba({"column", "set-type", "t", "at", "timestamptz"}, "", utc);
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("scans \"public\".\"t\"") && Catch::Contains("rebuilds 1 index") &&
                              Catch::Contains("--yes"));
  const auto done = db.pgdba({"column", "set-type", "t", "at", "timestamptz", "--yes", "-o", "json"}, "", utc);
  INFO(done.err);
  REQUIRE(done.code == 0);
  CHECK(row_for(it::parse_json(done.out), "action", "analyse")["impact"] == "scan");
  CHECK(filenode(db, "t") == table);
  CHECK(filenode(db, "t_at") != index);
}

TEST_CASE("column set-not-null goes through CHECK NOT VALID and VALIDATE, and cleans up when rows are NULL",
          "[column][matrix]") {
  it::ScratchDb db("col_notnull");
  db.exec("create table t (id int, \"Odd \"\"c\"\"\" int); insert into t select g, g from generate_series(1, 100) g");
  it::ServerLog log;
  const auto r = db.pgdba({"column", "set-not-null", "t", "Odd \"c\"", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(log.saw("ADD CONSTRAINT \"Odd \"\"c\"\"_not_null_pgdba\" CHECK \\(\"Odd \"\"c\"\"\" IS NOT NULL\\) NOT VALID"));
  CHECK(log.saw("VALIDATE CONSTRAINT \"Odd \"\"c\"\"_not_null_pgdba\""));
  CHECK(log.saw("ALTER COLUMN \"Odd \"\"c\"\"\" SET NOT NULL"));
  CHECK(log.saw("DROP CONSTRAINT \"Odd \"\"c\"\"_not_null_pgdba\""));
  CHECK(db.value("select attnotnull from pg_attribute where attrelid = 't'::regclass and attname = 'Odd \"c\"'") ==
        "t");
  CHECK(db.value("select count(*) from pg_constraint where conrelid = 't'::regclass and contype = 'c'") == "0");
  CHECK(it::parse_json(r.out).size() == 5);

  // NULLs: validation fails, the helper check is gone again, the column unchanged.
  db.exec("update t set id = null where id = 5");
  const auto fails = db.pgdba({"column", "set-not-null", "t", "id"});
  CHECK(fails.code == 1);
  CHECK_THAT(fails.err, Catch::Contains("violated"));
  CHECK(db.value("select count(*) from pg_constraint where conrelid = 't'::regclass and contype = 'c'") == "0");
  CHECK(db.value("select attnotnull from pg_attribute where attrelid = 't'::regclass and attname = 'id'") == "f");

  // --direct scans under the table's lock: asks first.
  db.exec("update t set id = 5 where id is null");
  const auto direct = db.pgdba({"column", "set-not-null", "t", "id", "--direct"});
  CHECK(direct.code == 2);
  CHECK_THAT(direct.err, Catch::Contains("scans \"public\".\"t\""));
  REQUIRE(db.pgdba({"column", "set-not-null", "t", "id", "--direct", "--yes"}).code == 0);
  const auto again = db.pgdba({"column", "set-not-null", "t", "id", "-o", "json"});
  CHECK(it::parse_json(again.out)[0]["status"] == "already not null");

  REQUIRE(db.pgdba({"column", "drop-not-null", "t", "id"}).code == 0);
  CHECK(db.value("select attnotnull from pg_attribute where attrelid = 't'::regclass and attname = 'id'") == "f");
}

TEST_CASE("column add, rename, set-default, drop-default, drop with hostile names", "[column]") {
  it::ScratchDb db("col_ddl");
  db.exec(
      "create schema \"s; x\"; create table \"s; x\".\"T 日本\" (id int); "
      "insert into \"s; x\".\"T 日本\" select generate_series(1, 10)");
  const std::string t = "\"s; x\".\"T 日本\"";

  // A constant default: catalog only (11+), no question.
  const auto add = db.pgdba({"column", "add", t, "c'ol", "text", "--default", "'none'", "--not-null", "-o", "json"});
  INFO(add.err);
  REQUIRE(add.code == 0);
  CHECK(row_for(it::parse_json(add.out), "action", "analyse")["impact"] == "catalog-only");
  CHECK(db.value("select count(*) from \"s; x\".\"T 日本\" where \"c'ol\" = 'none'") == "10");
  // A volatile default rewrites: asks first.
  const auto vol = db.pgdba({"column", "add", t, "r", "float8", "--default", "random()"});
  CHECK(vol.code == 2);
  CHECK_THAT(vol.err, Catch::Contains("rewrites"));
  CHECK_THAT(vol.err, Catch::Contains("volatile"));
  CHECK(db.pgdba({"column", "add", t, "c'ol", "text"}).code == 1);
  CHECK(db.pgdba({"column", "add", t, "c'ol", "text", "--if-not-exists"}).code == 0);

  REQUIRE(db.pgdba({"column", "rename", t, "c'ol", "Ren \"x\""}).code == 0);
  CHECK(db.value("select count(*) from pg_attribute where attrelid = '" + std::string("\"s; x\".\"T 日本\"") +
                 "'::regclass and attname = 'Ren \"x\"'") == "1");
  REQUIRE(db.pgdba({"column", "set-default", t, "Ren \"x\"", "'d'"}).code == 0);
  CHECK(
      db.value("select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = '\"s; x\".\"T 日本\"'::regclass") ==
      "'d'::text");
  REQUIRE(db.pgdba({"column", "drop-default", t, "Ren \"x\""}).code == 0);
  CHECK(db.value("select count(*) from pg_attrdef where adrelid = '\"s; x\".\"T 日本\"'::regclass") == "0");

  CHECK(db.pgdba({"column", "drop", t, "Ren \"x\""}).code == 2);  // asks first
  REQUIRE(db.pgdba({"column", "drop", t, "Ren \"x\"", "--yes"}).code == 0);
  CHECK(db.value("select count(*) from pg_attribute where attrelid = '\"s; x\".\"T 日本\"'::regclass and attnum > 0 "
                 "and not attisdropped") == "1");
  CHECK(db.pgdba({"column", "drop", t, "Ren \"x\"", "--yes"}).code == 1);
  CHECK(db.pgdba({"column", "drop", t, "Ren \"x\"", "--yes", "--if-exists"}).code == 0);
  CHECK(db.pgdba({"column", "add", "nope", "a", "int"}).code == 1);
}

TEST_CASE("column add on a table another session holds fails within the lock timeout, then succeeds", "[column]") {
  it::ScratchDb db("col_locked");
  db.exec("create table held (id int)");
  {
    auto c = it::connect(db.name());
    pqxx::work tx(c);
    tx.exec("select * from held");  // ACCESS SHARE: ALTER TABLE must wait for it
    const auto start = std::chrono::steady_clock::now();
    const auto r = db.pgdba({"--lock-timeout", "300ms", "column", "add", "held", "extra", "int"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("lock timeout"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    tx.abort();
  }
  const auto ok = db.pgdba({"--lock-timeout", "300ms", "column", "add", "held", "extra", "int"});
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(db.value("select count(*) from pg_attribute where attrelid = 'held'::regclass and attname = 'extra'") == "1");
}

TEST_CASE("column add --retries succeeds once the other session lets the table go", "[column]") {
  it::ScratchDb db("col_retry");
  db.exec("create table held (id int)");
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("select * from held");  // ACCESS SHARE until the transaction ends
  const auto bg = it::start_pgdba({"-d", db.name(), "--lock-timeout", "200ms", "column", "add", "held", "extra", "int",
                                   "--retries", "20", "--retry-pause", "200ms"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  tx.abort();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("trying again"));
  CHECK(db.value("select count(*) from pg_attribute where attrelid = 'held'::regclass and attname = 'extra'") == "1");
  CHECK(db.pgdba({"column", "add", "held", "x", "int", "--retries", "-1"}).code == 2);
  CHECK(db.pgdba({"column", "add", "held", "x", "int", "--retry-pause", "5"}).code == 2);
}
