// maintenance plan and run on a crafted set of tables: one near its freeze
// limit, an invalid index, one full of dead tuples, one never analyzed; the
// ranking, the run and its window, checked through the server.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/integration/harness.hpp"

namespace {

void flush_stats(const it::ScratchDb& db) {
  if (std::stol(db.value("select current_setting('server_version_num')")) >= 150000) {
    db.exec("select pg_stat_force_next_flush()");
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
}

// The four needs, in the order they should rank.
void craft(const it::ScratchDb& db) {
  db.exec(
      "create table old(i int) with (autovacuum_enabled = off, autovacuum_freeze_max_age = 100000); "
      "insert into old values (1); "
      "create table dead(i int) with (autovacuum_enabled = off); "
      "insert into dead select generate_series(1, 2000); analyze dead; delete from dead where i > 500; "
      "create table fresh(i int) with (autovacuum_enabled = off); insert into fresh values (1), (2); "
      "create table dup(i int) with (autovacuum_enabled = off); insert into dup values (1), (1); analyze dup");
  {
    auto c = it::connect(db.name());
    pqxx::nontransaction tx(c);
    CHECK_THROWS(tx.exec("create unique index concurrently dup_u on dup(i)"));
  }
  // 1500 transactions: "old" is then 1.5% of the way to its own freeze max
  // age of 100000, every other table a tiny share of the server's.
  db.exec("do $$ begin for i in 1..1500 loop perform pg_catalog.txid_current(); commit; end loop; end $$");
  flush_stats(db);
}

std::vector<nlohmann::json> public_rows(const nlohmann::json& rows) {
  std::vector<nlohmann::json> out;
  for (const auto& r : rows)
    if (r["schema"] == "public") out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("maintenance plan ranks freeze, invalid index, vacuum, analyze and says why", "[maintenance][matrix]") {
  it::ScratchDb db("mplan");
  craft(db);
  const auto r = db.pgdba({"maintenance", "plan", "--freeze-at", "1%", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = public_rows(it::parse_json(r.out));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["table"] == "old");
  CHECK(rows[0]["action"] == "freeze-analyze");
  CHECK(rows[0]["statement"] == "VACUUM (FREEZE, ANALYZE) \"public\".\"old\"");
  CHECK(rows[1]["index"] == "dup_u");
  CHECK(rows[1]["action"] == "reindex");
  CHECK(rows[1]["statement"] == "REINDEX INDEX CONCURRENTLY \"public\".\"dup_u\"");
  CHECK(rows[2]["table"] == "dead");
  CHECK(rows[2]["action"] == "vacuum-analyze");  // the deletes are modifications too
  CHECK(rows[2]["reason"].get<std::string>().find("1500 dead tuples") != std::string::npos);
  CHECK(rows[3]["table"] == "fresh");
  CHECK(rows[3]["action"] == "analyze");
  CHECK(rows[3]["reason"] == "never analyzed");
  CHECK(rows[3]["command"].get<std::string>().find("analyze -t '\"public\".\"fresh\"'") != std::string::npos);
  for (std::size_t i = 1; i < rows.size(); ++i)
    CHECK(rows[i - 1]["priority"].get<double>() >= rows[i]["priority"].get<double>());
}

TEST_CASE("maintenance run does the plan in order, the server shows it done", "[maintenance][matrix]") {
  it::ScratchDb db("mrun");
  craft(db);
  db.exec("delete from dup where ctid = (select max(ctid) from dup)");  // the rebuild can now succeed
  const std::string frozen_before = db.value("select relfrozenxid::text from pg_class where relname = 'old'");
  const auto r = db.pgdba({"maintenance", "run", "--freeze-at", "1%", "--jobs", "2", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  int ours = 0;
  for (const auto& row : it::parse_json(r.out)) {
    CHECK(row["status"] == "done");
    if (row["schema"] == "public") ++ours;
  }
  CHECK(ours == 4);
  flush_stats(db);
  // Frozen: vacuumed (autovacuum is off for it) and its horizon moved on.
  // How far depends on the oldest transaction of the tests running beside.
  CHECK(db.value("select last_vacuum is not null from pg_stat_user_tables where relname = 'old'") == "t");
  CHECK(std::stoll(db.value("select relfrozenxid::text from pg_class where relname = 'old'")) >
        std::stoll(frozen_before));
  CHECK(db.value("select indisvalid from pg_index where indexrelid = 'dup_u'::regclass") == "t");
  CHECK(db.value("select n_dead_tup from pg_stat_user_tables where relname = 'dead'") == "0");
  CHECK(db.value("select last_analyze is not null from pg_stat_user_tables where relname = 'fresh'") == "t");
}

TEST_CASE("maintenance run --window: nothing starts after it, --enforce cancels what runs over", "[maintenance]") {
  it::ScratchDb db("mwin");
  craft(db);
  it::ServerLog log;
  auto r = db.pgdba({"maintenance", "run", "--freeze-at", "1%", "--window", "1ms", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  for (const auto& row : it::parse_json(r.out))
    CHECK(row["status"] == "skipped-window");
  // Only this database's lines: other tests vacuum at the same time.
  CHECK(log.never_saw("@" + db.name() + "/pgdba .*VACUUM \\(FREEZE"));

  // A table another session holds: the VACUUM waits for its lock (the lock
  // timeout is longer than the window) until the window's end cancels it.
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("lock table old in access exclusive mode");
  r = db.pgdba({"--lock-timeout", "60s", "maintenance", "run", "--freeze-at", "1%", "--max-actions", "1", "--window",
                "1s", "--enforce", "-o", "json"});
  tx.abort();
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["table"] == "old");
  CHECK(rows[0]["status"] == "cancelled-window");
  CHECK(db.pgdba({"maintenance", "run", "--enforce"}).code == 2);
}
