// reindex and cluster against the test cluster, checked through the server:
// a rebuilt index gets a new relfilenode, CLUSTER rewrites the table and
// remembers its index, an invalid index is found (and only it), a locked
// table times out and is retried as many times as asked.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

namespace {

std::string filenode(const it::ScratchDb& db, const std::string& rel) {
  std::string literal = "'";
  for (char c : rel)
    literal += c == '\'' ? std::string("''") : std::string(1, c);
  return db.value("select pg_relation_filenode(" + literal + "'::regclass)");
}

}  // namespace

TEST_CASE("reindex rebuilds every index of the named tables, hostile names included", "[reindex][matrix]") {
  it::ScratchDb db("reidx_tables");
  db.exec(
      "create schema \"we'ird\"; create table \"we'ird\".\"Ta;ble\"(\"Ké\" int primary key, b text); "
      "create index \"idx \"\"q\"\"\" on \"we'ird\".\"Ta;ble\"(b); "
      "insert into \"we'ird\".\"Ta;ble\" select g, g::text from generate_series(1, 2000) g; "
      "create table other(i int primary key)");
  const std::string pk = R"("we'ird"."Ta;ble_pkey")";
  const std::string b = R"("we'ird"."idx ""q""")";
  const std::string before_pk = filenode(db, pk), before_b = filenode(db, b), before_other = filenode(db, "other_pkey");
  const auto r = db.pgdba({"reindex", "-t", R"("we'ird"."Ta;ble")", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["table"] == "Ta;ble");
  CHECK(rows[0]["schema"] == "we'ird");
  CHECK(rows[0]["status"] == "done");
  CHECK(rows[0]["size_after"].get<long long>() > 0);
  CHECK(filenode(db, pk) != before_pk);
  CHECK(filenode(db, b) != before_b);
  CHECK(filenode(db, "other_pkey") == before_other);
}

TEST_CASE("reindex --index --concurrently rebuilds just that index and it stays valid", "[reindex][matrix]") {
  it::ScratchDb db("reidx_conc");
  db.exec(
      "create table t(i int primary key, b int); create index t_b on t(b); "
      "insert into t select g, g from generate_series(1, 1000) g");
  const std::string before_b = filenode(db, "t_b"), before_pk = filenode(db, "t_pkey");
  it::ServerLog log;
  const auto r = db.pgdba({"reindex", "-i", "t_b", "--concurrently", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "t_b");
  CHECK(rows[0]["statement"] == "REINDEX INDEX CONCURRENTLY \"public\".\"t_b\"");
  CHECK(log.saw("REINDEX INDEX CONCURRENTLY \"public\".\"t_b\""));
  CHECK(filenode(db, "t_b") != before_b);
  CHECK(filenode(db, "t_pkey") == before_pk);
  CHECK(db.value("select indisvalid from pg_index where indexrelid = 't_b'::regclass") == "t");
}

TEST_CASE("reindex --invalid-only finds the index a failed concurrent build left, rebuilds or drops it",
          "[reindex][matrix]") {
  it::ScratchDb db("reidx_invalid");
  db.exec("create table t(i int, j int); insert into t values (1, 0), (1, 0), (2, 0); create index t_ok on t(i)");
  // A unique index built concurrently over duplicates fails and stays, invalid.
  {
    auto c = it::connect(db.name());
    pqxx::nontransaction tx(c);
    CHECK_THROWS(tx.exec("create unique index concurrently t_u on t(i)"));
  }
  REQUIRE(db.value("select indisvalid from pg_index where indexrelid = 't_u'::regclass") == "f");

  const auto dry = db.pgdba({"reindex", "--invalid-only", "--dry-run", "-o", "json"});
  INFO(dry.err);
  REQUIRE(dry.code == 0);
  auto rows = it::parse_json(dry.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "t_u");
  CHECK(rows[0]["status"] == "would run");

  // Still duplicates: the rebuild fails, says why, exits 1.
  const auto fails = db.pgdba({"reindex", "--invalid-only", "-o", "json"});
  CHECK(fails.code == 1);
  rows = it::parse_json(fails.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == "failed");
  CHECK(rows[0]["error"].get<std::string>().find("could not create unique index") != std::string::npos);

  db.exec("delete from t where ctid = (select max(ctid) from t where i = 1)");
  const auto fixed = db.pgdba({"reindex", "--invalid-only", "-o", "json"});
  INFO(fixed.err);
  REQUIRE(fixed.code == 0);
  CHECK(db.value("select indisvalid from pg_index where indexrelid = 't_u'::regclass") == "t");

  {
    auto c = it::connect(db.name());
    pqxx::nontransaction tx(c);
    CHECK_THROWS(tx.exec("create unique index concurrently t_u2 on t(j)"));
  }
  const auto dropped = db.pgdba({"reindex", "--invalid-only", "--drop-invalid", "-o", "json"});
  INFO(dropped.err);
  REQUIRE(dropped.code == 0);
  rows = it::parse_json(dropped.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["statement"] == "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"t_u2\"");
  CHECK(db.value("select count(*) from pg_class where relname = 't_u2'") == "0");
  CHECK(db.value("select count(*) from pg_class where relname in ('t_u', 't_ok')") == "2");
}

TEST_CASE("reindex --lock-timeout gives up on a locked table after --retries more tries", "[reindex]") {
  it::ScratchDb db("reidx_locked");
  db.exec("create table held(i int primary key); create table free(i int primary key)");
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("lock table held in access exclusive mode");
  it::ServerLog log;
  const auto r = db.pgdba(
      {"reindex", "--lock-timeout", "100ms", "--retries", "2", "--retry-pause", "50ms", "--jobs", "2", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(it::row_for(rows, "table", "held")["status"] == "skipped-locked");
  CHECK(it::row_for(rows, "table", "held")["error"].get<std::string>().find("lock timeout") != std::string::npos);
  CHECK(it::row_for(rows, "table", "free")["status"] == "done");
  CHECK(r.err.find("3 tries") != std::string::npos);
  tx.abort();
}

TEST_CASE("reindex --max-indexes and --min-size bound the run, bad options are refused", "[reindex]") {
  it::ScratchDb db("reidx_bounds");
  db.exec(
      "create table big(i int primary key); insert into big select generate_series(1, 20000); "
      "create table small(i int primary key); analyze");
  auto r = db.pgdba({"reindex", "--max-indexes", "1", "--dry-run", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "big_pkey");
  r = db.pgdba({"reindex", "--min-size", "100kB", "--dry-run", "-o", "json"});
  REQUIRE(r.code == 0);
  rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "big_pkey");
  CHECK(db.pgdba({"reindex", "--system", "--concurrently"}).code == 2);
  CHECK(db.pgdba({"reindex", "--drop-invalid"}).code == 2);
  CHECK(db.pgdba({"reindex", "-t", "big", "-n", "public"}).code == 2);
  const auto missing = db.pgdba({"reindex", "-t", "no_such_table"});
  CHECK(missing.code != 0);
  CHECK(missing.err.find("table \"no_such_table\" does not exist") != std::string::npos);
}

TEST_CASE("reindex --system rebuilds the catalogs' indexes", "[reindex]") {
  it::ScratchDb db("reidx_system");
  const std::string before = filenode(db, "pg_catalog.pg_type_oid_index");
  const auto r = db.pgdba({"reindex", "--system", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out)[0]["status"] == "done");
  CHECK(filenode(db, "pg_catalog.pg_type_oid_index") != before);
}

TEST_CASE("cluster re-sorts on the named index, remembers it, and redoes it next time", "[cluster][matrix]") {
  it::ScratchDb db("clu");
  db.exec(
      "create table t(i int, j int); create index t_j on t(j); "
      "insert into t select g, 1000 - g from generate_series(1, 1000) g; create table never(i int)");
  const std::string before = filenode(db, "t");
  auto r = db.pgdba({"cluster", "-i", "t_j", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["statement"] == "CLUSTER \"public\".\"t\" USING \"t_j\"");
  CHECK(rows[0]["status"] == "done");
  CHECK(filenode(db, "t") != before);
  CHECK(db.value("select indisclustered from pg_index where indexrelid = 't_j'::regclass") == "t");
  // Physical order now follows j: the first row read is the smallest j.
  CHECK(db.value("select j from t limit 1") == "0");

  const std::string second = filenode(db, "t");
  r = db.pgdba({"cluster", "-o", "json"});
  REQUIRE(r.code == 0);
  rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);  // only the table clustered before
  CHECK(rows[0]["statement"] == "CLUSTER \"public\".\"t\"");
  CHECK(filenode(db, "t") != second);

  r = db.pgdba({"cluster", "-t", "never", "-o", "json"});
  CHECK(r.code == 1);
  rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["error"].get<std::string>().find("no clustering index") != std::string::npos);
}

TEST_CASE("reindex --bloated-over picks the bloated index, measured by pgstattuple, and shrinks it",
          "[reindex][matrix]") {
  it::ScratchDb db("reidx_bloat");
  db.exec(
      "create extension pgstattuple; "
      "create table b(i int) with (autovacuum_enabled = off); create index b_i on b(i); "
      "insert into b select generate_series(1, 100000); delete from b where i % 10 <> 0; "
      "create table tidy(i int) with (autovacuum_enabled = off); create index tidy_i on tidy(i); "
      "insert into tidy select generate_series(1, 100000)");
  db.exec("vacuum analyze b");
  db.exec("vacuum analyze tidy");
  const auto r = db.pgdba({"reindex", "--bloated-over", "50%", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "b_i");
  CHECK(rows[0]["reason"].get<std::string>().find("measured by pgstattuple") != std::string::npos);
  CHECK(rows[0]["size_after"].get<long long>() * 4 < rows[0]["size"].get<long long>());
  CHECK(db.pgdba({"reindex", "--bloated-over", "2"}).code == 2);
}

TEST_CASE("reindex --cooldown leaves alone what pgdba rebuilt lately, per server and database", "[reindex]") {
  it::ScratchDb db("reidx_cool");
  db.exec("create table t(i int); create index t_i on t(i); insert into t select generate_series(1, 1000)");
  const std::string history = it::temp_file("");
  auto r = db.pgdba({"reindex", "-i", "t_i", "--history", history, "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(it::parse_json(r.out).size() == 1);
  const std::string rebuilt = filenode(db, "t_i");

  r = db.pgdba({"reindex", "-i", "t_i", "--cooldown", "1h", "--history", history, "-o", "json"});
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out).empty());
  CHECK(filenode(db, "t_i") == rebuilt);

  // Another database's index of the same name is not the same index.
  it::ScratchDb other("reidx_cool2");
  other.exec("create table t(i int); create index t_i on t(i)");
  r = other.pgdba({"reindex", "-i", "t_i", "--cooldown", "1h", "--history", history, "-o", "json"});
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out).size() == 1);

  CHECK(db.pgdba({"reindex", "--cooldown", "soon"}).code == 2);
}
