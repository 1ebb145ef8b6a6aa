// replication: status, lag, slots, promote, pause/resume, clone and topology
// on real primaries and streaming standbys of the tests' own
// (tests/harness/cluster.sh), from either node.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
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
  Pair(const std::string& conf = "")
      : primary((it::cluster(), conf)), standby(primary, it::PrivateCluster::Standby{}) {
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
  REQUIRE(it::wait_for([&] { return caught_up(p.standby) && sql(p.standby, "select to_regclass('t_idle') is not null") == "t"; }));
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
}
