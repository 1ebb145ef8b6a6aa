// listen / notify against the test cluster: notifications sent by other
// sessions arrive in order, as they come, and --count / --timeout end it.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/integration/harness.hpp"

namespace {

// Waits until a pgdba session of `db` has run LISTEN.
bool listening(const std::string& db) {
  return it::wait_for([&] {
    return it::query_value("select count(*) from pg_stat_activity where datname = '" + db +
                           "' and application_name = 'pgdba' and query like 'LISTEN%'") != "0";
  });
}

std::vector<nlohmann::json> lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::size_t at = 0;
  while (at < out.size()) {
    const auto nl = out.find('\n', at);
    v.push_back(it::parse_json(out.substr(at, nl - at)));
    at = nl == std::string::npos ? out.size() : nl + 1;
  }
  return v;
}

}  // namespace

TEST_CASE("listen prints notifications from another session in order and stops at --count", "[listen][matrix]") {
  it::ScratchDb db("listen");
  const std::string channel = "chan \"Q\"; x";
  const auto bg = it::start_pgdba({"-d", db.name(), "listen", channel, "other", "--count", "3", "-o", "json"});
  REQUIRE(listening(db.name()));
  auto c = it::connect(db.name());
  pqxx::nontransaction tx(c);
  const std::string pid = tx.exec("select pg_backend_pid()")[0][0].c_str();
  tx.exec_params("select pg_notify($1, 'first')", channel);
  tx.exec("select pg_notify('unheard', 'nobody listens')");
  tx.exec("select pg_notify('other', '')");
  tx.exec_params("select pg_notify($1, 'third: ünï \"q\"')", channel);
  tx.exec_params("select pg_notify($1, 'not counted')", channel);
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto got = lines(r.out);
  REQUIRE(got.size() == 3);
  CHECK(got[0]["channel"] == channel);
  CHECK(got[0]["payload"] == "first");
  CHECK(std::to_string(got[0]["pid"].get<long>()) == pid);
  CHECK(got[0]["time"].get<std::string>().size() >= 19);
  CHECK(got[1]["channel"] == "other");
  CHECK(got[1]["payload"] == "");
  CHECK(got[2]["payload"] == "third: ünï \"q\"");
}

TEST_CASE("listen --timeout ends quietly, notify sends with a payload, errors and help", "[listen]") {
  it::ScratchDb db("listen");
  const auto t0 = std::chrono::steady_clock::now();
  const auto quiet = db.pgdba({"listen", "nothing", "--timeout", "0.5"});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(quiet.code == 0);
  CHECK(secs >= 0.5);
  CHECK(secs < 10);
  CHECK(quiet.out.find("channel") != std::string::npos);  // the table's header
  CHECK(quiet.out.find("(0 rows)") != std::string::npos);

  const auto bg = it::start_pgdba({"-d", db.name(), "listen", "jobs", "--timeout", "30s", "--count", "1"});
  REQUIRE(listening(db.name()));
  const auto sent = db.pgdba({"notify", "jobs", "run 42", "-o", "json"});
  INFO(sent.err);
  REQUIRE(sent.code == 0);
  CHECK(it::parse_json(sent.out)[0]["status"] == "sent");
  const auto r = it::wait_pgdba(bg);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("run 42") != std::string::npos);
  CHECK(r.out.find("(1 row)") != std::string::npos);

  const auto dry = db.pgdba({"notify", "jobs", "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("pg_notify") != std::string::npos);

  CHECK(db.pgdba({"listen"}).code == 2);
  CHECK(db.pgdba({"listen", "x", "--timeout", "soon"}).code == 2);
  CHECK(db.pgdba({"listen", std::string(64, 'c'), "--timeout", "0"}).code == 2);
  const auto big = db.pgdba({"notify", "jobs", std::string(9000, 'p')});
  CHECK(big.code == 1);
  CHECK(big.err.find("payload string too long") != std::string::npos);
  CHECK(it::pgdba({"listen", "--help"}).code == 0);
  CHECK(it::pgdba({"notify", "--help"}).code == 0);
}

TEST_CASE("listen reconnects with a warning when its connection is lost", "[listen]") {
  it::ScratchDb db("listen");
  const auto bg = it::start_pgdba({"-d", db.name(), "listen", "jobs", "--count", "1", "--timeout", "60", "-o", "json"});
  REQUIRE(listening(db.name()));
  const std::string who = "datname = '" + db.name() + "' and application_name = 'pgdba' and query like 'LISTEN%'";
  const std::string old_pid = it::query_value("select pid from pg_stat_activity where " + who);
  it::query_value("select pg_terminate_backend(pid) from pg_stat_activity where " + who);
  REQUIRE(it::wait_for([&] {
    return it::query_value("select count(*) from pg_stat_activity where " + who + " and pid <> " + old_pid) != "0";
  }));
  auto c = it::connect(db.name());
  pqxx::nontransaction tx(c);
  tx.exec("select pg_notify('jobs', 'after the reconnect')");
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("after the reconnect") != std::string::npos);
  CHECK(r.err.find("missed") != std::string::npos);
  CHECK(r.err.find("reconnected") != std::string::npos);
}
