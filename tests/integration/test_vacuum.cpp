// vacuum and analyze against the test cluster, checked through the server.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <fstream>
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
  db.exec(
      "create table doomed(i int); insert into doomed select generate_series(1, 100000); "
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

TEST_CASE("vacuum --max-replication-lag waits while a standby's replay is behind and goes on when it catches up",
          "[vacuum][replication]") {
  it::PrivateCluster primary;
  it::PrivateCluster standby(primary, it::PrivateCluster::Standby{});
  auto pc = primary.connect();
  auto sc = standby.connect();
  const auto on = [](pqxx::connection& c, const std::string& q) {
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(q);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].c_str();
  };
  on(pc, "create table t_lag (a int)");
  REQUIRE(it::wait_for(
      [&] { return on(pc, "select count(*) from pg_stat_replication where replay_lsn is not null") == "1"; }));
  on(sc, "select pg_wal_replay_pause()");
  REQUIRE(it::wait_for([&] { return on(sc, "select pg_is_wal_replay_paused()") == "t"; }));
  on(pc, "insert into t_lag select g from generate_series(1, 20000) g");
  REQUIRE(it::wait_for([&] {
    return on(pc, "select max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) > 65536 from pg_stat_replication") ==
           "t";
  }));

  const auto bg = it::start_pgdba({"-v", "vacuum", "--table", "t_lag", "--max-replication-lag", "64kB"}, primary.env());
  const auto err_text = [&] {
    std::ifstream in(bg.err_path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const bool waited = it::wait_for([&] { return err_text().find("waiting before") != std::string::npos; });
  // Waiting, not vacuuming: the server has not seen the table vacuumed.
  const std::string count_while_waiting =
      on(pc, "select vacuum_count from pg_stat_user_tables where relname = 't_lag'");
  on(sc, "select pg_wal_replay_resume()");
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(waited);
  CHECK(count_while_waiting == "0");
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("done"));
  REQUIRE(it::wait_for(
      [&] { return on(pc, "select vacuum_count from pg_stat_user_tables where relname = 't_lag'") == "1"; }));
}

TEST_CASE("vacuum --full refuses a rewrite its tablespace has no room for, and --no-disk-check shows why",
          "[vacuum][fault][matrix]") {
  char dir[] = "/tmp/pgdba-vac-disk-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string mnt = std::string(dir) + "/mnt";
  if (it::shell("mkdir " + mnt + " && mount -t tmpfs -o size=3m tmpfs " + mnt).code != 0) {
    it::shell("rm -rf " + std::string(dir));
    WARN("cannot mount a tmpfs here (not root?): the disk check is not exercised");
    return;
  }
  struct Unmount {
    std::string dir, mnt;
    ~Unmount() { it::shell("umount " + mnt + "; rm -rf " + dir); }
  } unmount{dir, mnt};
  // The server runs as the postgres OS user when the tests run as root.
  it::shell("chmod 755 " + std::string(dir) + "; chown postgres " + mnt + " 2>/dev/null || chmod 777 " + mnt);
  it::ScratchDb db("vac_disk");
  const std::string spc = it::unique("small_spc");
  db.exec("create tablespace " + spc + " location '" + mnt + "'");
  db.exec("create table t (a int, b text) tablespace " + spc);
  db.exec("insert into t select g, repeat('x', 200) from generate_series(1, 8000) g");  // about 2 MB of 3
  const std::string before = db.value("select pg_relation_filenode('t')");

  const auto refused = db.pgdba({"vacuum", "--full", "--table", "t", "--yes", "-o", "json"});
  INFO(refused.out << refused.err);
  CHECK(refused.code == 1);
  const auto rows = it::parse_json(refused.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == "skipped-disk");
  CHECK_THAT(rows[0]["error"].get<std::string>(), Catch::Contains("free in tablespace " + spc));
  CHECK(db.value("select pg_relation_filenode('t')") == before);  // never started

  // Without the check the server runs out of space half-way: the table is
  // as it was, and the error says why.
  const auto forced = db.pgdba({"vacuum", "--full", "--table", "t", "--yes", "--no-disk-check", "-o", "json"});
  INFO(forced.out << forced.err);
  CHECK(forced.code == 1);
  const auto frows = it::parse_json(forced.out);
  REQUIRE(frows.size() == 1);
  CHECK(frows[0]["status"] == "failed");
  CHECK_THAT(frows[0]["error"].get<std::string>(), Catch::Contains("No space left on device"));
  CHECK(db.value("select count(*) from t") == "8000");

  db.exec("drop table t");
  db.exec("drop tablespace " + spc);
}
