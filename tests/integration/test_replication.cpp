// replication: status, lag, slots, promote, pause/resume, clone and topology
// on real primaries and streaming standbys of the tests' own
// (tests/harness/cluster.sh), from either node.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness.hpp"

namespace fs = std::filesystem;

namespace {

// One value of `q` on cluster `c` ("" for NULL or no row).
std::string sql(const it::PrivateCluster& c, const std::string& q, const std::string& db = "postgres") {
  auto conn = c.connect(db);
  pqxx::nontransaction n(conn);
  const auto r = n.exec(q);
  return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
}

nlohmann::json run_json(const std::vector<std::string>& args, const it::Env& env) {
  std::vector<std::string> a = args;
  a.insert(a.end(), {"-o", "json"});
  const auto r = it::pgdba(a, "", env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return it::parse_json(r.out);
}

// A primary with one streaming standby, the standby's walsender seen by the
// primary. it::cluster() first, so under scripts/matrix.sh both run the
// major under test.
struct Pair {
  Pair(const std::string& conf = "") : primary((it::cluster(), conf)), standby(primary, it::PrivateCluster::Standby{}) {
    REQUIRE(it::wait_for(
        [&] { return sql(primary, "select count(*) from pg_stat_replication where state = 'streaming'") == "1"; }));
  }
  it::PrivateCluster primary;
  it::PrivateCluster standby;
};

bool caught_up(const it::PrivateCluster& standby) {
  return sql(standby, "select pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()") == "t";
}

}  // namespace

TEST_CASE("replication status and lag on a primary and its standby, an idle primary is not a delay",
          "[replication][matrix]") {
  Pair p;
  const it::Env on_primary = p.primary.env();
  const it::Env on_standby = p.standby.env();

  // The primary: its role and the standby streaming from it.
  auto doc = run_json({"replication", "status"}, on_primary);
  REQUIRE(doc["node"].size() == 1);
  CHECK(doc["node"][0]["role"] == "primary");
  CHECK(doc["node"][0]["standbys"] == 1);
  REQUIRE(doc["standbys"].size() == 1);
  const auto& sb = doc["standbys"][0];
  CHECK(sb["state"] == "streaming");
  CHECK(sb["sync_state"] == "async");
  CHECK(sb["lag_bytes"].is_number_integer());
  CHECK(sb["lag_bytes"].get<long long>() >= 0);
  CHECK(sb["replay_lsn"].is_string());
  CHECK(doc["upstream"].empty());
  CHECK(doc["replay"].empty());
  CHECK(doc["conflicts"].empty());
  CHECK(doc["slots"].empty());

  // The standby, from itself alone.
  REQUIRE(it::wait_for([&] { return caught_up(p.standby); }));
  doc = run_json({"replication", "status"}, on_standby);
  CHECK(doc["node"][0]["role"] == "standby");
  REQUIRE(doc["upstream"].size() == 1);
  CHECK(doc["upstream"][0]["status"] == "streaming");
  CHECK(doc["upstream"][0]["sender_port"] == std::stoi(on_primary.at("PGPORT")));
  REQUIRE(doc["replay"].size() == 1);
  CHECK(doc["replay"][0]["replay"] == "not paused");
  CHECK(doc["standbys"].empty());
  CHECK(!doc["conflicts"].empty());
  CHECK(doc["conflicts"][0]["snapshot"] == 0);

  // Idle primary: caught up, then nothing happens; the standby is 0 behind
  // however old the primary's last commit gets, and says why.
  sql(p.primary, "create table t_idle as select 1 as a");
  REQUIRE(it::wait_for(
      [&] { return caught_up(p.standby) && sql(p.standby, "select to_regclass('t_idle') is not null") == "t"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  doc = run_json({"replication", "status"}, on_standby);
  CHECK(doc["replay"][0]["lag_bytes"] == 0);
  CHECK(doc["replay"][0]["lag_seconds"] == 0);
  CHECK(doc["replay"][0]["note"].get<std::string>().find("idle primary") != std::string::npos);
  doc = run_json({"replication", "lag", "--unit", "seconds"}, on_standby);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["standby"] == "local");
  CHECK(doc[0]["lag"] == 0);

  // lag on the primary: one number per standby.
  doc = run_json({"replication", "lag"}, on_primary);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["lag"].is_number_integer());
  CHECK(doc[0]["standby"].get<std::string>().rfind("walreceiver@", 0) == 0);

  // Tables render on both nodes, with sizes and durations readable.
  auto r = it::pgdba({"replication", "status"}, "", on_standby);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("streaming") != std::string::npos);
  CHECK(r.out.find("idle primary") != std::string::npos);
  r = it::pgdba({"replication", "lag"}, "", on_primary);
  CHECK(r.code == 0);
  CHECK(r.out.find("walreceiver@") != std::string::npos);
  // Bad input.
  r = it::pgdba({"replication", "lag", "--unit", "minutes"}, "", on_primary);
  CHECK(r.code == 2);

  // A slot on every major (the columns differ from 17 on), and a topology.
  doc = run_json({"replication", "slot-create", "pgdba_matrix"}, on_primary);
  CHECK(doc[0]["status"] == "created");
  doc = run_json({"replication", "slots"}, on_primary);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["slot_name"] == "pgdba_matrix");
  CHECK(doc[0]["wal_status"] == "reserved");
  CHECK(doc[0]["retained_bytes"].is_number_integer());
  CHECK(doc[0].contains("inactive_since"));
  CHECK(run_json({"replication", "slot-drop", "pgdba_matrix", "--yes"}, on_primary)[0]["status"] == "dropped");
  CHECK(sql(p.primary, "select count(*) from pg_replication_slots") == "0");
  doc = run_json({"replication", "topology"}, on_standby);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["role"] == "standby");
  CHECK(doc[0]["state"] == "streaming");
}

namespace {

long long lag_of(const nlohmann::json& doc, const std::string& standby_prefix) {
  for (const auto& r : doc)
    if (r["standby"].get<std::string>().rfind(standby_prefix, 0) == 0 && r["lag"].is_number())
      return r["lag"].get<long long>();
  return -1;
}

// Stops a private cluster's server now (fast shutdown), as its owner.
void stop_server(const it::PrivateCluster& c) {
  const std::string pg_ctl = c.env().at("PGDBA_PG_BINDIR") + "/pg_ctl";
  const std::string data = c.env().at("PGDBA_CLUSTER_DIR") + "/data";
  const std::string cmd = std::string(geteuid() == 0 ? "runuser -u postgres -- " : "") + "'" + pg_ctl +
                          "' stop -w -m fast -D '" + data + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

}  // namespace

TEST_CASE("replication pause and resume: lag grows under writes while replay is paused, shrinks after resume",
          "[replication]") {
  Pair p;
  const it::Env on_primary = p.primary.env();
  const it::Env on_standby = p.standby.env();

  // Refused on a primary, with the reason.
  auto r = it::pgdba({"replication", "pause"}, "", on_primary);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("is a primary"));
  CHECK(sql(p.primary, "select pg_is_in_recovery()") == "f");

  auto doc = run_json({"replication", "pause"}, on_standby);
  CHECK(doc[0]["status"] == "paused");
  REQUIRE(it::wait_for([&] { return sql(p.standby, "select pg_is_wal_replay_paused()") == "t"; }));
  REQUIRE(it::wait_for([&] {
    return run_json({"replication", "status"}, on_standby)["replay"][0]["replay"] == "paused";
  }));

  sql(p.primary, "create table t_load as select g from generate_series(1, 20000) g");
  REQUIRE(it::wait_for(
      [&] { return sql(p.standby, "select pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()") == "t"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  doc = run_json({"replication", "status"}, on_standby);
  const long long behind = doc["replay"][0]["lag_bytes"].get<long long>();
  CHECK(behind > 0);
  CHECK(doc["replay"][0]["lag_seconds"].get<double>() >= 1);
  CHECK(doc["replay"][0]["note"] == "replaying");
  CHECK(lag_of(run_json({"replication", "lag"}, on_standby), "local") == behind);
  // The primary sees it too: its standby's replay position stays behind.
  const long long from_primary = lag_of(run_json({"replication", "lag"}, on_primary), "walreceiver@");
  CHECK(from_primary >= behind);

  // More writes: further behind.
  sql(p.primary, "insert into t_load select g from generate_series(1, 20000) g");
  REQUIRE(it::wait_for([&] { return lag_of(run_json({"replication", "lag"}, on_standby), "local") > behind; }));
  CHECK(lag_of(run_json({"replication", "lag"}, on_primary), "walreceiver@") > from_primary);

  // Resumed: it catches up, from either side.
  doc = run_json({"replication", "resume"}, on_standby);
  CHECK(doc[0]["status"] == "resumed");
  REQUIRE(it::wait_for([&] { return lag_of(run_json({"replication", "lag"}, on_standby), "local") == 0; }));
  CHECK(sql(p.standby, "select count(*) from t_load") == "40000");
  REQUIRE(it::wait_for([&] { return lag_of(run_json({"replication", "lag"}, on_primary), "walreceiver@") == 0; }));
  CHECK(run_json({"replication", "status"}, on_standby)["replay"][0]["replay"] == "not paused");
  r = it::pgdba({"replication", "resume", "--dry-run"}, "", on_standby);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("pg_wal_replay_resume"));
}

TEST_CASE(
    "replication slots: an inactive slot retains WAL, a logical slot decodes, an active slot is dropped only "
    "with --force, bad names are refused",
    "[replication]") {
  Pair p("wal_level = logical");
  const it::Env on_primary = p.primary.env();
  const std::string phys = "pgdba_phys";

  // Bad input, refused before anything reaches the server.
  for (const std::string& bad :
       std::vector<std::string>{"Upper", "semi;colon", "quo\"te", "sp ace", "caf\xc3\xa9", std::string(64, 'a'), ""}) {
    INFO(bad);
    auto r = it::pgdba({"replication", "slot-create", bad}, "", on_primary);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("slot name"));
  }
  auto r = it::pgdba({"replication", "slot-create", "tmp_slot", "--temporary"}, "", on_primary);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("session"));
  CHECK(sql(p.primary, "select count(*) from pg_replication_slots") == "0");

  // A physical slot nobody uses keeps the WAL from its restart_lsn.
  auto doc = run_json({"replication", "slot-create", phys}, on_primary);
  CHECK(doc[0]["status"] == "created");
  CHECK(doc[0]["slot_type"] == "physical");
  const std::string kept =
      sql(p.primary, "select pg_walfile_name(restart_lsn) from pg_replication_slots where slot_name = '" + phys + "'");
  REQUIRE(!kept.empty());
  for (int i = 0; i < 3; ++i) {
    sql(p.primary, "create table if not exists t_wal as select 1 a");
    sql(p.primary, "insert into t_wal select g from generate_series(1, 10000) g");
    sql(p.primary, "select pg_switch_wal()");
  }
  sql(p.primary, "checkpoint");
  CHECK(sql(p.primary, "select count(*) from pg_ls_waldir() where name = '" + kept + "'") == "1");
  doc = run_json({"replication", "slots"}, on_primary);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["slot_name"] == phys);
  CHECK(doc[0]["active"] == false);
  CHECK(doc[0]["wal_status"] == "reserved");
  CHECK(doc[0]["retained_bytes"].get<long long>() > 3 * 1024 * 1024);
  // Also a section of status.
  CHECK(run_json({"replication", "status"}, on_primary)["slots"][0]["slot_name"] == phys);
  r = it::pgdba({"replication", "slots"}, "", on_primary);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains(phys) && Catch::Contains("MB"));

  // A logical slot (test_decoding): the change waits in it, unconfirmed.
  doc = run_json({"replication", "slot-create", "pgdba_logical", "--logical", "test_decoding"}, on_primary);
  CHECK(doc[0]["plugin"] == "test_decoding");
  sql(p.primary, "insert into t_wal values (424242)");
  CHECK(sql(p.primary,
            "select count(*) from pg_logical_slot_peek_changes('pgdba_logical', null, null) where data like "
            "'%424242%'") == "1");
  doc = run_json({"replication", "slots"}, on_primary);
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["slot_name"] == "pgdba_logical");
  CHECK(doc[0]["slot_type"] == "logical");
  CHECK(doc[0]["database"] == "postgres");
  CHECK(doc[0]["confirmed_lag_bytes"].get<long long>() > 0);
  r = it::pgdba({"replication", "slot-create", "pgdba_logical", "--logical", "test_decoding"}, "", on_primary);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("already exists"));

  // Missing slot; a destroy verb wants --yes.
  r = it::pgdba({"replication", "slot-drop", "no_such_slot", "--yes"}, "", on_primary);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("does not exist"));
  r = it::pgdba({"replication", "slot-drop", "pgdba_logical"}, "", on_primary);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--yes"));
  CHECK(run_json({"replication", "slot-drop", "pgdba_logical", "--yes"}, on_primary)[0]["status"] == "dropped");
  CHECK(sql(p.primary, "select count(*) from pg_replication_slots where slot_name = 'pgdba_logical'") == "0");

  // The standby takes the physical slot: active, so not without --force.
  {
    auto c = p.standby.connect();
    pqxx::nontransaction n(c);
    n.exec("alter system set primary_slot_name = '" + phys + "'");
    n.exec("select pg_reload_conf()");
  }
  REQUIRE(it::wait_for([&] {
    return sql(p.primary, "select active from pg_replication_slots where slot_name = '" + phys + "'") == "t";
  }));
  r = it::pgdba({"replication", "slot-drop", phys, "--yes"}, "", on_primary);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("is active") && Catch::Contains("--force"));
  CHECK(sql(p.primary, "select count(*) from pg_replication_slots") == "1");
  doc = run_json({"replication", "slot-drop", phys, "--force", "--yes"}, on_primary);
  CHECK(doc[0]["action"] == "terminate walsender");
  CHECK(doc.back()["status"] == "dropped");
  CHECK(sql(p.primary, "select count(*) from pg_replication_slots") == "0");
}

TEST_CASE("replication promote: refused on a primary, and a standby whose primary is down is promoted and takes writes",
          "[replication]") {
  Pair p;
  const it::Env on_primary = p.primary.env();
  const it::Env on_standby = p.standby.env();

  auto r = it::pgdba({"replication", "promote", "--yes"}, "", on_primary);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("is a primary"));
  r = it::pgdba({"replication", "promote", "--wait", "-1"}, "", on_standby);
  CHECK(r.code == 2);

  sql(p.primary, "create table t_before as select 1 as a");
  REQUIRE(it::wait_for([&] { return sql(p.standby, "select to_regclass('t_before') is not null") == "t"; }));
  stop_server(p.primary);

  // The standby, its primary gone: status still answers, and says so.
  REQUIRE(it::wait_for([&] {
    return run_json({"replication", "status"}, on_standby)["upstream"][0]["status"] != "streaming";
  }));
  auto doc = run_json({"replication", "status"}, on_standby);
  CHECK(doc["node"][0]["role"] == "standby");
  CHECK(doc["replay"][0]["lag_bytes"] == 0);

  // Asks first; refused off a terminal without --yes.
  r = it::pgdba({"replication", "promote"}, "", on_standby);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--yes"));
  CHECK(sql(p.standby, "select pg_is_in_recovery()") == "t");

  doc = run_json({"replication", "promote", "--yes", "--wait", "30"}, on_standby);
  CHECK(doc[0]["status"] == "promoted");
  CHECK(sql(p.standby, "select pg_is_in_recovery()") == "f");
  sql(p.standby, "insert into t_before values (2)");
  CHECK(sql(p.standby, "select count(*) from t_before") == "2");
  doc = run_json({"replication", "status"}, on_standby);
  CHECK(doc["node"][0]["role"] == "primary");
  CHECK(doc["upstream"].empty());
}

namespace {

// A data directory the test clones into: its server stopped and the
// directory removed at the end.
struct CloneDir {
  CloneDir() : parent(fs::temp_directory_path() / it::unique("pgdba-clone")), pgdata((parent / "data").string()) {}
  ~CloneDir() {
    if (fs::exists(pgdata + "/postmaster.pid")) {
      const std::string cmd = std::string(geteuid() == 0 ? "runuser -u postgres -- " : "") + "'" + bindir +
                              "/pg_ctl' stop -w -m immediate -D '" + pgdata + "' >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        // already stopped
      }
    }
    std::error_code ec;
    fs::remove_all(parent, ec);
  }
  fs::path parent;
  std::string pgdata;
  std::string bindir;
};

int free_port() {
  for (int i = 0; i < 200; ++i) {
    const int port = 56000 + (getpid() * 7 + i * 13) % 3000;
    if (!fs::exists("/tmp/.s.PGSQL." + std::to_string(port))) return port;
  }
  return 59999;
}

}  // namespace

TEST_CASE("replication clone: checks the source first, then a new standby that streams", "[replication]") {
  it::cluster();
  it::PrivateCluster primary;
  const it::Env on_primary = primary.env();
  const std::string from =
      "host=" + on_primary.at("PGHOST") + " port=" + on_primary.at("PGPORT") + " user=postgres dbname=postgres";
  CloneDir dir;
  dir.bindir = on_primary.at("PGDBA_PG_BINDIR");

  // Bad input, before anything runs.
  auto r = it::pgdba({"replication", "clone", "--pgdata", dir.pgdata});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--from"));
  r = it::pgdba({"replication", "clone", "--from", from + " password=secret", "--pgdata", dir.pgdata});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("password"));
  CHECK(r.err.find("secret") == std::string::npos);
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", dir.pgdata, "--start"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--port"));
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", dir.pgdata, "--slot", "Bad-Name"});
  CHECK(r.code == 2);
  // The source's checks, each with its own error.
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", dir.pgdata, "--slot", "no_such_slot"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err,
             Catch::Contains("no_such_slot") && Catch::Contains("does not exist") && Catch::Contains("--create-slot"));
  {
    auto c = primary.connect();
    pqxx::nontransaction n(c);
    n.exec("create role pgdba_norepl login");
  }
  r = it::pgdba(
      {"replication", "clone", "--from",
       "host=" + on_primary.at("PGHOST") + " port=" + on_primary.at("PGPORT") + " user=pgdba_norepl dbname=postgres",
       "--pgdata", dir.pgdata});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("REPLICATION privilege"));
  fs::create_directories(dir.parent / "busy");
  { std::ofstream(dir.parent / "busy" / "file") << "x"; }
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", (dir.parent / "busy").string()});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("not empty"));
  // --dry-run: the command line, nothing made.
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", dir.pgdata, "--dry-run"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("pg_basebackup") && Catch::Contains("-R"));
  CHECK(!fs::exists(dir.pgdata));

  // The clone, with a slot of its own, started: it streams what the primary writes.
  const int port = free_port();
  auto doc = run_json({"replication", "clone", "--from", from, "--pgdata", dir.pgdata, "--slot", "pgdba_clone",
                       "--create-slot", "--max-rate", "100M", "--start", "--port", std::to_string(port)},
                      on_primary);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["status"] == "started");
  CHECK(doc[0]["port"] == port);
  it::Env on_clone = on_primary;
  on_clone["PGPORT"] = std::to_string(port);
  auto clone_sql = [&](const std::string& q) {
    pqxx::connection c("host=" + on_primary.at("PGHOST") + " port=" + std::to_string(port) +
                       " user=postgres dbname=postgres");
    pqxx::nontransaction n(c);
    const auto res = n.exec(q);
    return res.empty() || res[0][0].is_null() ? std::string() : std::string(res[0][0].c_str());
  };
  CHECK(clone_sql("select pg_is_in_recovery()") == "t");
  REQUIRE(it::wait_for(
      [&] { return sql(primary, "select active from pg_replication_slots where slot_name = 'pgdba_clone'") == "t"; }));
  sql(primary, "create table t_after_clone as select 7 as a");
  REQUIRE(it::wait_for([&] { return clone_sql("select to_regclass('t_after_clone') is not null") == "t"; }));
  doc = run_json({"replication", "status"}, on_clone);
  CHECK(doc["upstream"][0]["status"] == "streaming");
  CHECK(doc["upstream"][0]["slot_name"] == "pgdba_clone");
  // Not twice into the same place.
  r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", dir.pgdata});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("not empty"));
}

TEST_CASE("replication clone refuses a source with wal_level minimal", "[replication]") {
  it::cluster();
  it::PrivateCluster primary("wal_level = minimal\nmax_wal_senders = 0");
  const std::string from =
      "host=" + primary.env().at("PGHOST") + " port=" + primary.env().at("PGPORT") + " user=postgres dbname=postgres";
  const auto r = it::pgdba({"replication", "clone", "--from", from, "--pgdata", "/tmp/" + it::unique("pgdba_never")});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("wal_level is minimal"));
}

TEST_CASE("replication topology of a primary, its standby and a cascaded standby, from the targets", "[replication]") {
  Pair p;
  sql(p.primary, "checkpoint");
  it::PrivateCluster cascade(p.standby, it::PrivateCluster::Standby{});
  REQUIRE(it::wait_for(
      [&] { return sql(p.standby, "select count(*) from pg_stat_replication where state = 'streaming'") == "1"; }));
  const auto service = [](const std::string& name, const it::PrivateCluster& c) {
    return "[" + name + "]\nhost=" + c.env().at("PGHOST") + "\nport=" + c.env().at("PGPORT") +
           "\nuser=postgres\ndbname=postgres\n\n";
  };
  const std::string services =
      it::temp_file(service("node_a", p.primary) + service("node_b", p.standby) + service("node_c", cascade) +
                        "[node_down]\nhost=/tmp/pgdba-no-server-here\nport=1\nuser=postgres\n",
                    ".conf");
  const it::Env env{{"PGSERVICEFILE", services}, {"PGSYSCONFDIR", "/nonexistent"}};

  // The cascaded standby, from itself: its upstream is the first standby.
  auto doc = run_json({"replication", "status"}, cascade.env());
  CHECK(doc["node"][0]["role"] == "standby");
  CHECK(doc["upstream"][0]["status"] == "streaming");
  CHECK(doc["upstream"][0]["sender_port"] == std::stoi(p.standby.env().at("PGPORT")));
  // The first standby sees the cascaded one streaming from it.
  doc = run_json({"replication", "status"}, p.standby.env());
  REQUIRE(doc["standbys"].size() == 1);
  CHECK(doc["standbys"][0]["state"] == "streaming");

  // Targets given in any order: the tree is primary -> standby -> cascade.
  sql(p.primary, "create table t_topo as select 1 as a");
  REQUIRE(it::wait_for([&] { return sql(cascade, "select to_regclass('t_topo') is not null") == "t"; }));
  doc = run_json({"replication", "topology", "--target", "node_c,node_a,node_b"}, env);
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["target"] == "node_a");
  CHECK(doc[0]["role"] == "primary");
  CHECK(doc[0]["depth"] == 0);
  CHECK(doc[1]["target"] == "node_b");
  CHECK(doc[1]["upstream"] == "node_a");
  CHECK(doc[1]["state"] == "streaming");
  CHECK(doc[1]["depth"] == 1);
  CHECK(doc[1]["lag_bytes"].is_number_integer());
  CHECK(doc[2]["target"] == "node_c");
  CHECK(doc[2]["upstream"] == "node_b");
  CHECK(doc[2]["depth"] == 2);
  // Replay paused on the middle node: the edge to it shows the lag.
  sql(p.standby, "select pg_wal_replay_pause()");
  REQUIRE(it::wait_for([&] { return sql(p.standby, "select pg_is_wal_replay_paused()") == "t"; }));
  sql(p.primary, "insert into t_topo select g from generate_series(1, 20000) g");
  REQUIRE(it::wait_for([&] {
    const auto d = run_json({"replication", "topology", "--target", "node_a,node_b,node_c"}, env);
    return d.size() == 3 && d[1]["lag_bytes"].get<long long>() > 0;
  }));
  sql(p.standby, "select pg_wal_replay_resume()");
  // Table form: a tree.
  auto r = it::pgdba({"replication", "topology", "--target", "node_a,node_b,node_c"}, "", env);
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("└─ node_b") && Catch::Contains("   └─ node_c"));
  // A target that is down: the others still answer, exit 4.
  r = it::pgdba({"replication", "topology", "--target", "node_a,node_b,node_down", "-o", "json"}, "", env);
  CHECK(r.code == 4);
  doc = it::parse_json(r.out);
  bool saw_down = false;
  for (const auto& row : doc)
    if (row["target"] == "node_down") saw_down = row["role"] == "unreachable";
  CHECK(saw_down);
  // Without targets: this server and the standbys it sees.
  doc = run_json({"replication", "topology"}, p.primary.env());
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["role"] == "primary");
  CHECK(doc[1]["node"].get<std::string>().find("walreceiver@") != std::string::npos);
}
