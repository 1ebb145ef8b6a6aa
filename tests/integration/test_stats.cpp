// stats verbs against the test cluster (which preloads pg_stat_statements).
#include <catch2/catch.hpp>

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
