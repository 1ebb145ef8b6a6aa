// vacuum and analyze against the test cluster, checked through the server.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/integration/harness.hpp"

namespace {

// Counters in pg_stat_user_tables reach the view when the backend reports
// them; this makes them visible now (PostgreSQL 15+) or waits for them.
void flush_stats(const it::ScratchDb& db) {
  if (std::stol(db.value("select current_setting('server_version_num')")) >= 150000) {
    db.exec("select pg_stat_force_next_flush()");
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
}

nlohmann::json row_for(const nlohmann::json& rows, const std::string& table) {
  for (const auto& r : rows)
    if (r["table"] == table) return r;
  return nullptr;
}

}  // namespace

TEST_CASE("vacuum processes every table and the server records it", "[vacuum][matrix]") {
  it::ScratchDb db("vac_all");
  db.exec(
      "create table a(i int); insert into a select generate_series(1, 1000); create schema \"we'ird\"; "
      "create table \"we'ird\".\"Ta;ble\"(\"B\" int)");
  const auto r = db.pgdba({"vacuum", "-n", "public", "-n", "we'ird", "--jobs", "2", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["table"] == "a");  // largest first
  for (const auto& row : rows) {
    CHECK(row["status"] == "done");
    CHECK(row["seconds"].is_number());
  }
  // Through the server: both tables have a manual vacuum recorded.
  flush_stats(db);
  CHECK(db.value("select count(*) from pg_stat_user_tables where last_vacuum is not null") == "2");
}

TEST_CASE("vacuum --min-dead-ratio does only the tables that need it, and says why", "[vacuum][matrix]") {
  it::ScratchDb db("vac_need");
  db.exec(
      "create table churned(i int) with (autovacuum_enabled = off); insert into churned select generate_series(1, "
      "10000); "
      "delete from churned where i % 2 = 0; "
      "create table calm(i int) with (autovacuum_enabled = off); insert into calm select generate_series(1, 10000)");
  flush_stats(db);
  const auto dry = db.pgdba({"vacuum", "-n", "public", "--min-dead-ratio", "20%", "--dry-run", "-o", "json"});
  INFO(dry.err);
  REQUIRE(dry.code == 0);
  const auto planned = it::parse_json(dry.out);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0]["table"] == "churned");
  CHECK(planned[0]["status"] == "would run");
  CHECK_THAT(planned[0]["reason"].get<std::string>(), Catch::StartsWith("dead ratio 0.5"));
  // --dry-run changed nothing.
  CHECK(db.value("select count(*) from pg_stat_user_tables where last_vacuum is not null") == "0");

  const auto run = db.pgdba({"vacuum", "-n", "public", "--min-dead-ratio", "0.2", "-o", "json"});
  REQUIRE(run.code == 0);
  CHECK(it::parse_json(run.out).size() == 1);
  flush_stats(db);
  CHECK(db.value("select relname from pg_stat_user_tables where last_vacuum is not null") == "churned");
}

TEST_CASE("analyze with a column list, and a table that does not exist", "[vacuum]") {
  it::ScratchDb db("vac_cols");
  db.exec("create table t(\"B\" int, c int); insert into t values (1, 2)");
  const auto r = db.pgdba({"analyze", "-t", "public.t(\"B\", C)", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["statement"] == "ANALYZE \"public\".\"t\" (\"B\", \"c\")");
  CHECK(db.value("select string_agg(attname, ',' order by attname) from pg_stats where tablename = 't'") == "B,c");

  const auto missing = db.pgdba({"vacuum", "-t", "nosuch"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("\"nosuch\" does not exist"));
  const auto cols_without_analyze = db.pgdba({"vacuum", "-t", "t(c)"});
  CHECK(cols_without_analyze.code == 2);
}

TEST_CASE("vacuum --skip-locked reports a locked table as skipped-locked", "[vacuum]") {
  it::ScratchDb db("vac_locked");
  db.exec("create table held(i int); create table free(i int)");
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("lock table held in access exclusive mode");
  const auto r = db.pgdba({"vacuum", "-n", "public", "--skip-locked", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(row_for(rows, "held")["status"] == "skipped-locked");
  CHECK(row_for(rows, "free")["status"] == "done");
  tx.abort();
}

TEST_CASE("vacuum --all-databases covers every database and --exclude-database", "[vacuum]") {
  it::ScratchDb one("vac_db1");
  it::ScratchDb two("vac_db2");
  one.exec("create table x(i int)");
  two.exec("create table y(i int)");
  const auto r = it::pgdba(
      {"vacuum", "--all-databases", "--exclude-database", two.name(), "-n", "public", "--jobs", "2", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  bool saw_one = false;
  for (const auto& row : it::parse_json(r.out)) {
    CHECK(row["database"] != two.name());
    saw_one = saw_one || (row["database"] == one.name() && row["table"] == "x");
  }
  CHECK(saw_one);
}

TEST_CASE("vacuum: a table dropped while the run waits for it is reported, and the run goes on", "[vacuum]") {
  it::ScratchDb db("vac_dropped");
  db.exec("create table doomed(i int); insert into doomed select generate_series(1, 100000); "
          "create table kept(i int)");
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("lock table doomed in access exclusive mode");
  // pgdba lists both tables, then waits for doomed's lock (largest first)
  // while this session drops it.
  std::thread dropper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    tx.exec("drop table doomed");
    tx.commit();
  });
  const auto r = db.pgdba({"--lock-timeout", "30s", "vacuum", "-n", "public", "-o", "json"});
  dropper.join();
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(row_for(rows, "doomed")["status"] == "skipped-dropped");
  CHECK(row_for(rows, "kept")["status"] == "done");
  CHECK(r.err.find("was dropped meanwhile") != std::string::npos);
}
