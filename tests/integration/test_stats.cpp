// stats verbs against the test cluster (which preloads pg_stat_statements).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "tests/integration/harness.hpp"

namespace {

// Runs `sql` `times` times on database `db` as `user`.
void run_often(const std::string& db, const std::string& sql, int times, const std::string& user = "postgres") {
  auto c = it::connect(db, user);
  pqxx::nontransaction tx(c);
  for (int i = 0; i < times; ++i)
    tx.exec(sql);
}

}  // namespace

TEST_CASE("stats statements without the extension: a warning and an empty result", "[stats][matrix]") {
  it::ScratchDb db("stmts_none");
  const auto r = db.pgdba({"stats", "statements", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out) == nlohmann::json::array());
  CHECK(r.err.find("pg_stat_statements is not installed") != std::string::npos);
}

TEST_CASE("stats statements reads the extension from whatever schema it is in", "[stats][matrix]") {
  it::ScratchDb db("stmts");
  db.exec("CREATE SCHEMA \"ext schema\"; CREATE EXTENSION pg_stat_statements SCHEMA \"ext schema\"");
  run_often(db.name(), "select 4242 as pgdba_stats_marker", 5);
  // (Constants and aliases are not part of a statement's identity: the
  // rare one differs in shape.)
  run_often(db.name(), "select 4343 as pgdba_stats_marker_rare, 2", 1);

  const auto r = db.pgdba({"stats", "statements", "--top", "1000", "--order-by", "calls", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.is_array());
  bool found = false;
  long previous_calls = -1;
  for (const auto& row : rows) {
    // --order-by calls: never more calls than the row before.
    if (previous_calls >= 0) CHECK(row["calls"].get<long>() <= previous_calls);
    previous_calls = row["calls"].get<long>();
    const std::string query = row["query"].get<std::string>();
    if (query.find("pgdba_stats_marker") == std::string::npos || query.find("_rare") != std::string::npos) continue;
    // (A cluster used for an earlier run keeps the rows of its dropped databases.)
    if (row["database"] != db.name()) continue;
    found = true;
    CHECK(row["calls"] == 5);
    CHECK(row["rows"] == 5);
    CHECK(row["database"] == db.name());
    CHECK(row["user"] == "postgres");
    CHECK(row["total_time"].is_number());
    CHECK(row["mean_time"].is_number());
    CHECK(row["wal_bytes"].is_number());
  }
  CHECK(found);

  const auto top1 = db.pgdba({"stats", "statements", "--top", "1", "-o", "json"});
  REQUIRE(top1.code == 0);
  CHECK(it::parse_json(top1.out).size() == 1);
}

TEST_CASE("stats statements when the role may not read the extension's schema", "[stats]") {
  it::ScratchDb db("stmts_noperm");
  const std::string role = it::unique("nostats");
  db.exec(
      "CREATE SCHEMA \"ext schema\"; CREATE EXTENSION pg_stat_statements SCHEMA \"ext schema\"; "
      "REVOKE ALL ON SCHEMA \"ext schema\" FROM PUBLIC; CREATE ROLE " +
      role + " LOGIN");
  const auto r = db.pgdba({"-U", role, "stats", "statements", "-o", "json"});
  db.exec("DROP ROLE " + role);
  INFO(r.err);
  // An optional source the role cannot read is a warning and an empty
  // section (Session::try_query), not a failure.
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out) == nlohmann::json::array());
  CHECK(r.err.find("42501") != std::string::npos);
  CHECK(r.err.find("reading pg_stat_statements") != std::string::npos);
}

TEST_CASE("stats statements refuses a bad --top before connecting", "[stats]") {
  const auto r = it::pgdba({"-h", "/nonexistent", "stats", "statements", "--top", "0"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--top") != std::string::npos);
}

namespace {

// Whether `ok` holds within ~10 s: the statistics of PostgreSQL 13 and 14
// reach the views through the collector, a little after the fact.
bool eventually(const std::function<bool()>& ok, int tenths = 100) {
  for (int i = 0; i < tenths; ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ok();
}

long server_version() {
  return std::stol(it::query_value("select current_setting('server_version_num')"));
}

// The first row whose `key` is `value`, or null.
const nlohmann::json* find_row(const nlohmann::json& rows, const std::string& key, const std::string& value) {
  for (const auto& row : rows)
    if (row.contains(key) && row[key].is_string() && row[key] == value) return &row;
  return nullptr;
}

std::vector<std::string> keys_of(const nlohmann::json& row) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : row.items())
    keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool has_flag(const nlohmann::json& row, const std::string& flag) {
  for (const auto& f : row["flags"])
    if (f == flag) return true;
  return false;
}

}  // namespace

TEST_CASE("stats databases: each database with its size, transactions, temp files and ages", "[stats][matrix]") {
  it::ScratchDb db("st_dbs");
  // A sort larger than work_mem spills to a temp file.
  db.exec("SET work_mem = '64kB'; SELECT count(*) FROM (SELECT g FROM generate_series(1, 100000) g ORDER BY g DESC) s");
  REQUIRE(eventually(
      [&] { return db.value("select temp_files from pg_stat_database where datname = current_database()") != "0"; }));
  const auto r = it::pgdba({"-o", "json", "stats", "databases"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  // No exact count: tests running beside create and drop databases.
  CHECK(find_row(rows, "database", "postgres") != nullptr);
  CHECK(find_row(rows, "database", "template1") != nullptr);
  const auto* row = find_row(rows, "database", db.name());
  REQUIRE(row != nullptr);
  CHECK((*row)["size"] == std::stoll(db.value("select pg_database_size(current_database())")));
  CHECK((*row)["temp_files"].get<long>() >= 1);
  CHECK((*row)["temp_bytes"].get<long>() > 0);
  CHECK((*row)["commits"].get<long>() >= 1);
  CHECK((*row)["deadlocks"] == 0);
  // The age only grows, and other tests use transaction IDs meanwhile.
  const long age_now =
      std::stol(db.value("select age(datfrozenxid) from pg_database where datname = current_database()"));
  CHECK((*row)["xid_age"].get<long>() <= age_now);
  CHECK((*row)["xid_age"].get<long>() > age_now - 1000);
  CHECK((*row)["cache_hit_percent"].is_number());
  CHECK(find_row(rows, "database", "template0") != nullptr);

  // A database the role may not connect to: its size is unknown, not an error.
  const std::string role = it::unique("nodbsize");
  it::query_value("CREATE ROLE " + role + " LOGIN");
  db.exec("REVOKE CONNECT ON DATABASE " + db.name() + " FROM PUBLIC");
  const auto limited = it::pgdba({"-U", role, "-o", "json", "stats", "databases"});
  it::query_value("DROP ROLE " + role);
  INFO(limited.err);
  REQUIRE(limited.code == 0);
  const auto limited_rows = it::parse_json(limited.out);
  const auto* hidden = find_row(limited_rows, "database", db.name());
  REQUIRE(hidden != nullptr);
  CHECK((*hidden)["size"].is_null());
  CHECK((*hidden)["xid_age"].is_number_integer());
}

TEST_CASE("stats tables: dead rows, order, schema filter and --top", "[stats][matrix]") {
  it::ScratchDb db("st_tables");
  db.exec(
      "CREATE SCHEMA \"churn \"\"q\"; "
      "CREATE TABLE \"churn \"\"q\".dead (id int, pad text) WITH (autovacuum_enabled = off); "
      "CREATE TABLE \"churn \"\"q\".clean (id int) WITH (autovacuum_enabled = off); "
      "CREATE TABLE public.elsewhere (id int) WITH (autovacuum_enabled = off); "
      "INSERT INTO \"churn \"\"q\".dead SELECT g, repeat('x', 100) FROM generate_series(1, 1000) g; "
      "INSERT INTO \"churn \"\"q\".clean SELECT generate_series(1, 5000); "
      "INSERT INTO public.elsewhere SELECT generate_series(1, 10)");
  db.exec("DELETE FROM \"churn \"\"q\".dead WHERE id > 400");
  db.exec("VACUUM \"churn \"\"q\".clean");
  REQUIRE(eventually([&] {
    return db.value("select n_dead_tup from pg_stat_user_tables where relname = 'dead'") == "600" &&
           db.value("select count(*) from pg_stat_user_tables where relname = 'clean' and last_vacuum is not null") ==
               "1";
  }));

  const auto r = db.pgdba({"-o", "json", "stats", "tables", "--order-by", "dead", "--schema", "churn \"q"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 2);  // public.elsewhere is left out
  CHECK(rows[0]["schema"] == "churn \"q");
  CHECK(rows[0]["table"] == "dead");
  CHECK(rows[0]["dead_rows"] == 600);
  CHECK(rows[0]["live_rows"] == 400);
  CHECK(rows[0]["dead_percent"] == Approx(60.0));
  CHECK(rows[0]["deleted"] == 600);
  // Sizes come from relpages (never waiting on a lock): as of the last vacuum or analyze.
  // Not analyzed yet: its heap's pages are not counted (only its TOAST index's metapage).
  CHECK(rows[0]["size"].get<long long>() < std::stoll(db.value("select pg_relation_size('\"churn \"\"q\".dead')")));
  db.exec("ANALYZE \"churn \"\"q\".dead");
  const auto analyzed = db.pgdba({"-o", "json", "stats", "tables", "--order-by", "dead", "-n", "churn \"q"});
  REQUIRE(analyzed.code == 0);
  CHECK(it::parse_json(analyzed.out)[0]["size"] ==
        std::stoll(db.value("select pg_total_relation_size('\"churn \"\"q\".dead') - "
                            "pg_relation_size('\"churn \"\"q\".dead', 'fsm') - "
                            "pg_relation_size('\"churn \"\"q\".dead', 'vm')")));
  CHECK(rows[0]["last_vacuum"].is_null());
  CHECK(rows[1]["table"] == "clean");
  CHECK(rows[1]["last_vacuum"].is_string());
  CHECK(rows[1]["vacuums"] == 1);

  // Never vacuumed first.
  const auto lv = db.pgdba({"-o", "json", "stats", "tables", "--order-by", "last-vacuum", "-n", "churn \"q"});
  REQUIRE(lv.code == 0);
  CHECK(it::parse_json(lv.out)[0]["table"] == "dead");
  // By size, every schema, --top 1: the largest of the three.
  const auto big = db.pgdba({"-o", "json", "stats", "tables", "--order-by", "size", "--top", "1"});
  REQUIRE(big.code == 0);
  const auto big_rows = it::parse_json(big.out);
  REQUIRE(big_rows.size() == 1);
  CHECK(big_rows[0]["table"] ==
        db.value("select relname from pg_class where relkind = 'r' and relnamespace <> 'pg_catalog'::regnamespace "
                 "and relnamespace <> 'information_schema'::regnamespace order by relpages desc limit 1"));

  CHECK(db.pgdba({"stats", "tables", "--order-by", "nonsense"}).code == 2);
  CHECK(it::pgdba({"-h", "/nonexistent", "stats", "tables", "--top", "0"}).code == 2);
}

TEST_CASE("stats tables --all-databases: each database's own tables", "[stats][matrix]") {
  it::ScratchDb a("st_fan_a");
  it::ScratchDb b("st_fan_b");
  a.exec("CREATE TABLE only_in_a (id int)");
  b.exec("CREATE TABLE only_in_b (id int)");
  const auto r = it::pgdba({"-o", "json", "stats", "tables", "--all-databases", "--exclude-database", "template*"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  int in_a = 0;
  int in_b = 0;
  for (const auto& row : rows) {
    if (row["table"] == "only_in_a") {
      CHECK(row["database"] == a.name());
      ++in_a;
    }
    if (row["table"] == "only_in_b") {
      CHECK(row["database"] == b.name());
      ++in_b;
    }
  }
  CHECK(in_a == 1);
  CHECK(in_b == 1);
}

TEST_CASE("stats indexes: unused, duplicate and invalid indexes", "[stats][matrix]") {
  it::ScratchDb db("st_idx");
  db.exec(
      "CREATE TABLE t (id int PRIMARY KEY, a int, b text); "
      "INSERT INTO t SELECT g, g % 10, 'v' || (g % 3) FROM generate_series(1, 3000) g; "
      "CREATE INDEX t_a ON t (a); CREATE INDEX t_a_again ON t (a); "
      "CREATE INDEX t_a_partial ON t (a) WHERE a > 5; CREATE INDEX t_a_hash ON t USING hash (a); "
      "CREATE INDEX t_lower ON t (lower(b)); CREATE INDEX t_lower_again ON t (lower(b)); "
      "CREATE INDEX t_used ON t (b); ANALYZE t");
  // A unique index built concurrently over duplicates fails and stays, invalid.
  CHECK_THROWS(db.exec("CREATE UNIQUE INDEX CONCURRENTLY t_b_unique ON t (b)"));
  db.exec("SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM t WHERE b = 'v1'");
  REQUIRE(eventually(
      [&] { return db.value("select idx_scan from pg_stat_user_indexes where indexrelname = 't_used'") != "0"; }));

  const auto r = db.pgdba({"-o", "json", "stats", "indexes"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  const auto row = [&](const std::string& name) {
    const auto* p = find_row(rows, "index", name);
    REQUIRE(p != nullptr);
    return *p;
  };
  CHECK(rows.size() == 9);
  CHECK(row("t_a")["unused"] == true);
  CHECK(row("t_a")["duplicate_of"] == "t_a_again");
  CHECK(row("t_a_again")["duplicate_of"] == "t_a");
  CHECK(row("t_lower")["duplicate_of"] == "t_lower_again");
  CHECK(row("t_a_partial")["duplicate_of"].is_null());
  CHECK(row("t_a_hash")["duplicate_of"].is_null());
  CHECK(row("t_pkey")["unused"] == false);
  CHECK(row("t_pkey")["primary"] == true);
  CHECK(row("t_used")["unused"] == false);
  CHECK(row("t_used")["scans"].get<long>() >= 1);
  CHECK(row("t_b_unique")["valid"] == false);
  CHECK(row("t_a")["valid"] == true);
  CHECK(row("t_a")["size"] == std::stoll(db.value("select pg_relation_size('t_a')")));
  CHECK_THAT(row("t_a")["definition"].get<std::string>(), Catch::Contains("btree (a)"));

  const auto names = [&](const std::vector<std::string>& args) {
    std::vector<std::string> all{"-o", "json", "stats", "indexes"};
    all.insert(all.end(), args.begin(), args.end());
    const auto f = db.pgdba(all);
    REQUIRE(f.code == 0);
    std::vector<std::string> out;
    for (const auto& x : it::parse_json(f.out))
      out.push_back(x["index"]);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(names({"--duplicate"}) == std::vector<std::string>{"t_a", "t_a_again", "t_lower", "t_lower_again"});
  CHECK(names({"--invalid"}) == std::vector<std::string>{"t_b_unique"});
  CHECK(names({"--unused"}) ==
        std::vector<std::string>{"t_a", "t_a_again", "t_a_hash", "t_a_partial", "t_lower", "t_lower_again"});
  CHECK(names({"--invalid", "--duplicate"}) ==
        std::vector<std::string>{"t_a", "t_a_again", "t_b_unique", "t_lower", "t_lower_again"});
  CHECK(names({"--schema", "no_such_schema"}).empty());
}

TEST_CASE("stats checkpointer: the same columns on every version, requested checkpoints counted", "[stats][matrix]") {
  const auto read = [] {
    const auto r = it::pgdba({"-o", "json", "stats", "checkpointer"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto rows = it::parse_json(r.out);
    REQUIRE(rows.size() == 1);
    return rows[0];
  };
  const auto before = read();
  CHECK(keys_of(before) == std::vector<std::string>{"allocated", "backends_written", "bgwriter_stopped",
                                                    "bgwriter_written", "checkpoint_timeout", "checkpointer_written",
                                                    "checkpoints_requested", "checkpoints_timed", "mean_interval",
                                                    "requested_percent", "restartpoints_done",
                                                    "restartpoints_requested", "restartpoints_timed", "stats_reset",
                                                    "sync_time", "write_time"});
  CHECK(before["checkpoint_timeout"] == 300);
  CHECK(before["restartpoints_done"].is_null() == (server_version() < 170000));
  it::ScratchDb db("st_ckpt");
  db.exec("CREATE TABLE t AS SELECT generate_series(1, 1000) g");
  it::query_value("CHECKPOINT");
  nlohmann::json after;
  CHECK(eventually([&] {
    after = read();
    return after["checkpoints_requested"].get<long>() > before["checkpoints_requested"].get<long>();
  }));
  CHECK(after["checkpointer_written"].get<long>() > before["checkpointer_written"].get<long>());
  CHECK(after["requested_percent"].is_number());
}

TEST_CASE("stats io: pg_stat_io on 16+, a clear refusal before", "[stats][matrix]") {
  const auto r = it::pgdba({"-o", "json", "stats", "io"});
  if (server_version() < 160000) {
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("needs PostgreSQL 16"));
    return;
  }
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  bool client_hits = false;
  for (const auto& row : rows) {
    // NULL where the operation does not apply to that process, object and context.
    CHECK((row["read_bytes"].is_null() || row["read_bytes"].is_number_integer()));
    if (row["backend_type"] == "client backend" && row["object"] == "relation" && row["context"] == "normal")
      client_hits = row["hits"].get<long>() > 0;
  }
  CHECK(client_hits);
  bool read_something = false;
  for (const auto& row : rows)
    read_something = read_something || (row["read_bytes"].is_number() && row["read_bytes"].get<long>() > 0);
  CHECK(read_something);
}

TEST_CASE("stats wraparound: database and table ages, per-table freeze max age", "[stats][matrix]") {
  it::ScratchDb db("st_wrap");
  db.exec("CREATE TABLE aged (id int) WITH (autovacuum_enabled = off, autovacuum_freeze_max_age = 100000)");
  {
    // Each SELECT txid_current() in autocommit uses up a transaction ID.
    auto c = it::connect(db.name());
    pqxx::nontransaction tx(c);
    for (int i = 0; i < 60; ++i)
      tx.exec("SELECT txid_current()");
  }
  db.exec("CREATE TABLE young (id int)");
  db.exec("VACUUM FREEZE young");

  const auto r = db.pgdba({"-o", "json", "stats", "wraparound", "--top", "1000"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto out = it::parse_json(r.out);
  const auto& dbs = out["databases"];
  // (Other tests create and drop databases meanwhile: no exact count.)
  CHECK(dbs.size() >= 3);
  const auto* me = find_row(dbs, "database", db.name());
  REQUIRE(me != nullptr);
  CHECK((*me)["freeze_max_age"] == std::stol(it::query_value("select current_setting('autovacuum_freeze_max_age')")));
  const auto& tables = out["tables"];
  const auto* aged = find_row(tables, "table", "aged");
  const auto* young = find_row(tables, "table", "young");
  REQUIRE(aged != nullptr);
  REQUIRE(young != nullptr);
  const long aged_age = (*aged)["xid_age"];
  // At least the 60 IDs used since it was created (young's age is not a
  // baseline: a concurrent test's open snapshot holds VACUUM FREEZE back).
  CHECK(aged_age >= 60);
  // Its own autovacuum_freeze_max_age (100000), not the server's.
  CHECK((*aged)["xid_percent_of_freeze_max"].get<double>() == Approx(100.0 * aged_age / 100000).margin(0.051));
  // Oldest first.
  for (std::size_t i = 1; i < tables.size(); ++i)
    CHECK(tables[i - 1]["xid_age"].get<long>() >= tables[i]["xid_age"].get<long>());

  // --all-databases: each database reports its own row, once.
  it::ScratchDb other("st_wrap_other");
  const auto all = it::pgdba({"-o", "json", "stats", "wraparound", "--all-databases", "--top", "1"});
  INFO(all.err);
  REQUIRE(all.code == 0);
  const auto all_out = it::parse_json(all.out);
  int mine = 0;
  for (const auto& row : all_out["databases"]) {
    CHECK_FALSE(row.contains("database_2"));
    CHECK(row["xid_age"].is_number_integer());
    mine += row["database"] == other.name() ? 1 : 0;
  }
  CHECK(mine == 1);
  CHECK(all_out["tables"].size() == all_out["databases"].size());
}

TEST_CASE("stats bloat: the estimate and pgstattuple side by side, blind spots flagged", "[stats][matrix]") {
  it::ScratchDb db("st_bloat");
  db.exec(
      "CREATE EXTENSION pgstattuple; "
      "CREATE TABLE bloated (id int PRIMARY KEY, v text, n int) WITH (autovacuum_enabled = off); "
      "CREATE TABLE tight (id int PRIMARY KEY, v text, n int) WITH (autovacuum_enabled = off); "
      "CREATE TABLE fresh (id int, v text) WITH (autovacuum_enabled = off); "
      "CREATE TABLE toasted (id int, doc text) WITH (autovacuum_enabled = off); "
      "ALTER TABLE toasted ALTER COLUMN doc SET STORAGE EXTERNAL; "
      "INSERT INTO bloated SELECT g, md5(g::text), g % 7 FROM generate_series(1, 50000) g; "
      "INSERT INTO tight SELECT g, md5(g::text), g % 7 FROM generate_series(1, 50000) g; "
      "INSERT INTO fresh SELECT g, md5(g::text) FROM generate_series(1, 1000) g; "
      "INSERT INTO toasted SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 20) g; "
      "CREATE INDEX bloated_n ON bloated (n)");
  db.exec("DELETE FROM bloated WHERE id % 10 <> 0");
  REQUIRE(eventually(
      [&] { return db.value("select n_dead_tup from pg_stat_user_tables where relname = 'bloated'") == "45000"; }));
  db.exec("VACUUM ANALYZE bloated");
  db.exec("VACUUM ANALYZE tight");
  db.exec("VACUUM ANALYZE toasted");
  REQUIRE(eventually([&] {
    return db.value(
               "select count(*) from pg_stat_user_tables where last_analyze is not null and "
               "n_mod_since_analyze = 0") == "3";
  }));

  const auto r = db.pgdba({"-o", "json", "stats", "bloat", "--exact", "--top", "100"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  const auto row = [&](const std::string& table, const std::string& index) {
    for (const auto& x : rows)
      if (x["table"] == table && (index.empty() ? x["index"].is_null() : x["index"] == index)) return x;
    FAIL("no row for " << table << " " << index);
    return nlohmann::json();
  };
  // 90% of the rows deleted and vacuumed: the pages stay, mostly empty.
  const auto heap = row("bloated", "");
  INFO(heap.dump());
  CHECK(heap["kind"] == "table");
  CHECK(heap["estimated_bloat_percent"].get<double>() > 75);
  CHECK(heap["exact_bloat_percent"].get<double>() > 75);
  CHECK(heap["estimated_bloat"].is_number_integer());
  CHECK(heap["exact_bloat"].get<long>() > 0);
  CHECK(heap["size"] == std::stoll(db.value("select pg_relation_size('bloated')")));
  CHECK(heap["flags"] == nlohmann::json::array());
  const auto pkey = row("bloated", "bloated_pkey");
  CHECK(pkey["kind"] == "index");
  CHECK(pkey["estimated_bloat_percent"].get<double>() > 60);
  CHECK(pkey["exact_bloat_percent"].get<double>() > 60);
  CHECK_FALSE(has_flag(pkey, "dedup"));  // unique
  CHECK(has_flag(row("bloated", "bloated_n"), "dedup"));
  // A table just loaded: little to estimate, little measured.
  const auto ok = row("tight", "");
  CHECK(ok["estimated_bloat_percent"].get<double>() < 10);
  CHECK(ok["exact_bloat_percent"].get<double>() < 10);
  CHECK(row("tight", "tight_pkey")["estimated_bloat_percent"].get<double>() < 10);
  // Never analyzed: flagged; the TOAST table's data: flagged.
  CHECK(has_flag(row("fresh", ""), "no-stats"));
  CHECK(has_flag(row("toasted", ""), "toast"));
  CHECK_FALSE(has_flag(ok, "toast"));

  // A role that may not run pgstattuple (pg_stat_scan_tables): a warning, empty exact columns.
  const std::string role = it::unique("nobloat");
  db.exec("CREATE ROLE " + role + " LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  const auto denied = db.pgdba({"-U", role, "-o", "json", "stats", "bloat", "--exact"});
  db.exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
  INFO(denied.err);
  REQUIRE(denied.code == 0);
  CHECK_THAT(denied.err, Catch::Contains("measuring bloat with pgstattuple") && Catch::Contains("42501"));
  const auto denied_rows = it::parse_json(denied.out);
  CHECK(!denied_rows.empty());
  for (const auto& x : denied_rows)
    CHECK(x["exact_bloat"].is_null());

  // Without --exact, no exact columns; without pgstattuple, a warning and empty ones.
  const auto plain = db.pgdba({"-o", "json", "stats", "bloat"});
  REQUIRE(plain.code == 0);
  CHECK_FALSE(it::parse_json(plain.out)[0].contains("exact_bloat"));
  db.exec("DROP EXTENSION pgstattuple");
  const auto missing = db.pgdba({"-o", "json", "stats", "bloat", "--exact"});
  REQUIRE(missing.code == 0);
  CHECK_THAT(missing.err, Catch::Contains("pgstattuple is not installed"));
  for (const auto& x : it::parse_json(missing.out))
    CHECK(x["exact_bloat"].is_null());
}

TEST_CASE("stats overview: one report with what holds the xmin horizon", "[stats][matrix]") {
  it::ScratchDb db("st_over");
  db.exec("CREATE TABLE t (id int)");
  // An open transaction with a transaction ID: it holds the horizon back.
  auto c = it::connect(db.name());
  pqxx::work held(c);
  held.exec("INSERT INTO t VALUES (1)");
  const std::string pid = held.exec("SELECT pg_backend_pid()")[0][0].c_str();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  const auto r = it::pgdba({"-o", "json", "stats", "overview"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto out = it::parse_json(r.out);
  CHECK(keys_of(out) ==
        std::vector<std::string>{"checkpoints", "connections", "databases", "horizon", "server", "wal", "wraparound"});
  const auto& server = out["server"][0];
  CHECK(server["role"] == "primary");
  CHECK(server["max_connections"] == 50);
  CHECK(server["connections"].get<long>() >= 2);
  CHECK(server["uptime"].get<double>() > 0);
  CHECK(server["archiver"] == "off");
  CHECK(server["version"].get<std::string>().rfind(std::to_string(server_version() / 10000), 0) == 0);
  CHECK(find_row(out["connections"], "state", "idle in transaction") != nullptr);
  // Other tests (ctest -j2) create databases and hold transactions too:
  // no exact count, and an older transaction than ours may be the oldest.
  CHECK(out["databases"][0]["databases"].get<long>() >= 3);
  CHECK(out["databases"][0]["total_size"].get<long>() > 0);
  const auto* oldest = find_row(out["horizon"], "kind", "transaction");
  REQUIRE(oldest != nullptr);
  CHECK((*oldest)["held_for"].get<double>() >= 1.0);
  if ((*oldest)["holder"] == pid) CHECK((*oldest)["database"] == db.name());
  const auto* xmin = find_row(out["horizon"], "kind", "session xmin");
  REQUIRE(xmin != nullptr);
  CHECK((*xmin)["xmin_age"].get<long>() >= 1);
  CHECK(out["wraparound"][0]["xid_age"].is_number_integer());
  CHECK(out["checkpoints"].size() == 1);
  const auto& wal = out["wal"][0];
  CHECK(wal["wal_lsn"].get<std::string>().find('/') != std::string::npos);
  // pg_stat_wal from 14: the WAL this test's INSERT wrote is in it.
  CHECK(wal["wal_bytes"].is_null() == (server_version() < 140000));
  if (server_version() >= 140000) CHECK(wal["wal_bytes"].get<long>() > 0);
  held.abort();

  const auto text = it::pgdba({"stats", "overview"});
  REQUIRE(text.code == 0);
  CHECK_THAT(text.out, Catch::Contains("horizon") && Catch::Contains("checkpoints"));
}

TEST_CASE("explain: a misestimated plan flagged, parameters bound, writes rolled back", "[stats][explain][matrix]") {
  it::ScratchDb db("st_explain");
  // a and b always agree, which the planner cannot know: it multiplies
  // their selectivities and expects 1 row where there are 100.
  db.exec(
      "CREATE TABLE t (id int, a int, b int); "
      "INSERT INTO t SELECT g, g % 100, g % 100 FROM generate_series(1, 10000) g; ANALYZE t");

  const auto r = db.pgdba({"-o", "json", "explain", "--analyze", "--buffers", "-c",
                           "SELECT * FROM t WHERE a = $1 AND b = $2", "--param", "7", "--param", "7"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto out = it::parse_json(r.out);
  const auto& plan = out["plan"];
  REQUIRE(!plan.empty());
  const nlohmann::json* scan = nullptr;
  for (const auto& n : plan)
    if (n["node"].get<std::string>().find("Seq Scan on t") != std::string::npos) scan = &n;
  REQUIRE(scan != nullptr);
  CHECK((*scan)["actual_rows"] == 100);
  CHECK((*scan)["estimated_rows"].get<double>() <= 2);
  CHECK((*scan)["flag"] == "under-estimated");
  CHECK((*scan)["misestimate"].get<double>() >= 50);
  CHECK((*scan)["shared_hit"].is_number_integer());
  const auto& summary = out["summary"][0];
  CHECK(summary["misestimates"].get<long>() >= 1);
  CHECK(summary["execution_time"].get<double>() > 0);
  CHECK(summary["writes"] == false);
  CHECK_THAT(summary["worst_misestimate"].get<std::string>(), Catch::Contains("Seq Scan on t"));
  // PostgreSQL's own plan, whole, for machines.
  const auto& own = out["postgres_plan"][0]["plan"];
  REQUIRE(own.is_array());
  CHECK(own[0]["Plan"].contains("Node Type"));
  CHECK(own[0]["Execution Time"].is_number());

  // --analyze of a DELETE runs it, says so, and leaves the rows.
  const auto del = db.pgdba({"-o", "json", "explain", "--analyze", "-c", "DELETE FROM t WHERE a < 50"});
  INFO(del.err);
  REQUIRE(del.code == 0);
  const auto del_out = it::parse_json(del.out);
  CHECK(del_out["summary"][0]["writes"] == true);
  CHECK(del_out["summary"][0]["rolled_back"] == true);
  CHECK(del_out["plan"][0]["node"] == "Delete on t");
  CHECK_THAT(del.err, Catch::Contains("rolled back"));
  CHECK(db.value("select count(*) from t") == "10000");

  // Without --analyze nothing runs: no actual columns.
  const auto plain = db.pgdba({"-o", "json", "explain", "-c", "SELECT count(*) FROM t"});
  REQUIRE(plain.code == 0);
  const auto plain_out = it::parse_json(plain.out);
  CHECK_FALSE(plain_out["plan"][0].contains("actual_rows"));
  CHECK(plain_out["summary"][0]["rolled_back"] == false);

  // The table format: the tree indented.
  const auto text = db.pgdba({"explain", "-c", "SELECT * FROM t t1 JOIN t t2 USING (id)"});
  REQUIRE(text.code == 0);
  CHECK_THAT(text.out, Catch::Contains("  -> "));
  CHECK_THAT(text.out, !Catch::Contains("postgres_plan"));

  // -f FILE (a script's closing ';' is fine), --settings, --wal.
  const std::string file = it::temp_file("SELECT count(*)\n  FROM t WHERE a = 3;\n\n", ".sql");
  const auto from_file =
      db.pgdba({"-o", "json", "explain", "-f", file, "--settings"}, "", {{"PGOPTIONS", "-c work_mem=1234kB"}});
  INFO(from_file.err);
  REQUIRE(from_file.code == 0);
  const auto file_out = it::parse_json(from_file.out);
  CHECK(file_out["plan"][0]["node"] == "Aggregate");
  CHECK(file_out["summary"][0]["settings"]["work_mem"] == "1234kB");
  const auto wal = db.pgdba({"-o", "json", "explain", "--analyze", "--wal", "-c", "INSERT INTO t VALUES (0, 0, 0)"});
  INFO(wal.err);
  REQUIRE(wal.code == 0);
  const auto wal_out = it::parse_json(wal.out);
  CHECK(wal_out["plan"][0]["wal_records"].get<long>() >= 1);
  CHECK(wal_out["plan"][0]["wal_bytes"].get<long>() > 0);
  CHECK(db.value("select count(*) from t") == "10000");
  CHECK(db.pgdba({"explain", "--wal", "-c", "SELECT 1"}).code == 2);  // --wal needs --analyze
  CHECK(db.pgdba({"explain", "-c", "SELECT 1", "-f", file}).code == 2);

  CHECK(db.pgdba({"explain"}).code == 2);  // no statement
  const auto bad = db.pgdba({"explain", "-c", "SELECT * FROM no_such_table"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("no_such_table"));
}

TEST_CASE("stats across targets: overview per server, tables per target and database, one target down",
          "[stats][fleet][matrix]") {
  const auto& main = it::cluster();
  const std::string server = "host=" + main.at("PGHOST") + "\nport=" + main.at("PGPORT") + "\nuser=postgres\n";
  const std::string services = it::temp_file("[one]\n" + server + "dbname=postgres\n\n[two]\n" + server +
                                                 "dbname=postgres\n\n[down]\nhost=/tmp/pgdba-no-server-here\nport=1\n",
                                             ".conf");
  const it::Env env{{"PGSERVICEFILE", services}, {"PGSYSCONFDIR", "/nonexistent"}};
  it::ScratchDb db("st_fleet");
  db.exec("CREATE TABLE fleet_table (id int)");

  const auto r = it::pgdba({"-o", "json", "--target", "one,two,down", "stats", "overview"}, "", env);
  CHECK(r.code == 4);
  const auto out = it::parse_json(r.out);
  std::vector<std::string> targets;
  for (const auto& row : out["server"]) {
    targets.push_back(row["target"]);
    if (row["target"] == "down") {
      CHECK_THAT(row["error"].get<std::string>(), Catch::Contains("could not connect"));
    } else {
      CHECK(row["role"] == "primary");
    }
  }
  std::sort(targets.begin(), targets.end());
  CHECK(targets == std::vector<std::string>{"down", "one", "two"});
  CHECK(out["checkpoints"].size() == 2);

  const auto t = it::pgdba(
      {"-o", "json", "--target", "one,two", "stats", "tables", "--all-databases", "--exclude-database", "template*"},
      "", env);
  INFO(t.err);
  REQUIRE(t.code == 0);
  int seen = 0;
  for (const auto& row : it::parse_json(t.out)) {
    if (row["table"] != "fleet_table") continue;
    CHECK(row["database"] == db.name());
    ++seen;
  }
  CHECK(seen == 2);  // once per target
}

TEST_CASE("stats overview names a prepared transaction and a logical slot holding the horizon", "[stats][matrix]") {
  it::PrivateCluster pc("max_prepared_transactions = 5\nwal_level = logical\nmax_replication_slots = 4\n");
  const it::Env env{{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}};
  {
    auto c = pc.connect();
    pqxx::nontransaction(c).exec("create table t (id int)");
    pqxx::nontransaction(c).exec("select pg_create_logical_replication_slot('pgdba_horizon_slot', 'test_decoding')");
    pqxx::nontransaction(c).exec("begin; insert into t values (1); prepare transaction 'pgdba horizon ''gid'''");
  }
  // Both outlive every session: the report must name them, not a session.
  const auto r = it::pgdba({"-o", "json", "stats", "overview"}, "", env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto out = it::parse_json(r.out);
  const auto* prepared = find_row(out["horizon"], "kind", "prepared transaction");
  REQUIRE(prepared != nullptr);
  CHECK((*prepared)["holder"] == "pgdba horizon 'gid'");
  CHECK((*prepared)["database"] == "postgres");
  CHECK((*prepared)["xmin_age"].get<long>() >= 1);
  const auto* slot = find_row(out["horizon"], "kind", "replication slot");
  REQUIRE(slot != nullptr);
  CHECK((*slot)["holder"] == "pgdba_horizon_slot");
  CHECK((*slot)["detail"] == "logical, inactive");
  CHECK(find_row(out["horizon"], "kind", "transaction") == nullptr);  // no session has one open
  auto c = pc.connect();
  pqxx::nontransaction(c).exec("rollback prepared 'pgdba horizon ''gid'''");
  pqxx::nontransaction(c).exec("select pg_drop_replication_slot('pgdba_horizon_slot')");
  const auto after = it::parse_json(it::pgdba({"-o", "json", "stats", "overview"}, "", env).out);
  CHECK(find_row(after["horizon"], "kind", "prepared transaction") == nullptr);
  CHECK(find_row(after["horizon"], "kind", "replication slot") == nullptr);
}
