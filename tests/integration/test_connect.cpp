// Connecting, the help/version/bad-option trio, and failures of the server
// itself: down, or killed in the middle of a script.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

TEST_CASE("help, version and a bad option", "[cli]") {
  const auto help = pgdba({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("Subcommands:") != std::string::npos);
  const auto version = pgdba({"--version"});
  CHECK(version.code == 0);
  CHECK(version.out.find("pgdba 0.") == 0);
  CHECK(version.out.find("libpq 1") != std::string::npos);
  CHECK(version.out.find("libpqxx 6.4") != std::string::npos);
  CHECK(version.out.find("commit ") != std::string::npos);
  const auto bad = pgdba({"db", "list", "--no-such-option"});
  CHECK(bad.code == 2);
  CHECK(it::count_lines(bad.err) <= 2);
  CHECK(bad.err.find("--no-such-option") != std::string::npos);
  CHECK(pgdba({"db"}).code == 2);
  CHECK(pgdba({"-o", "yaml", "db", "list"}).code == 2);
  const auto json = pgdba({"-o", "json", "db", "frobnicate"});
  CHECK(json.code == 2);
  CHECK(it::parse_json(json.err)["error"]["message"].is_string());
}

TEST_CASE("global options work before or after the command", "[cli]") {
  const auto before = pgdba({"-o", "json", "db", "size", "postgres"});
  const auto after = pgdba({"db", "size", "postgres", "-o", "json"});
  REQUIRE(before.code == 0);
  REQUIRE(after.code == 0);
  CHECK(it::parse_json(before.out)[0]["name"] == "postgres");
  CHECK(it::parse_json(after.out)[0]["name"] == "postgres");
}

TEST_CASE("connection options: flags, --dsn and URI, application_name", "[connect]") {
  const auto& c = it::cluster();
  const it::Env no_env{{"PGHOST", ""}, {"PGPORT", ""}, {"PGUSER", ""}, {"PGDATABASE", ""}};
  const auto flags =
      pgdba({"-h", c.at("PGHOST"), "-p", c.at("PGPORT"), "-U", "postgres", "-d", "template1", "sql", "-c",
             "select current_database() as db, current_setting('application_name') as app", "-o", "json"},
            "", no_env);
  REQUIRE(flags.code == 0);
  CHECK(it::parse_json(flags.out)[0]["db"] == "template1");
  CHECK(it::parse_json(flags.out)[0]["app"] == "pgdba");

  const auto dsn =
      pgdba({"--dsn", "host=" + c.at("PGHOST") + " port=" + c.at("PGPORT") + " user=postgres dbname=postgres", "sql",
             "-c", "select current_user as u", "-o", "json"},
            "", no_env);
  REQUIRE(dsn.code == 0);
  CHECK(it::parse_json(dsn.out)[0]["u"] == "postgres");

  // A URI with a socket directory; -d overrides its database.
  std::string host;
  for (char ch : c.at("PGHOST"))
    host += ch == '/' ? std::string("%2F") : std::string(1, ch);
  const auto uri = pgdba({"--dsn", "postgresql://postgres@" + host + ":" + c.at("PGPORT") + "/postgres", "-d",
                          "template1", "sql", "-c", "select current_database() as db", "-o", "json"},
                         "", no_env);
  REQUIRE(uri.code == 0);
  CHECK(it::parse_json(uri.out)[0]["db"] == "template1");
  CHECK(pgdba({"--dsn", "host='unterminated", "db", "list"}).code == 2);
}

TEST_CASE("a server that is down: exit 3, one line, password redacted", "[connect]") {
  const auto& c = it::cluster();
  const auto r = pgdba({"--dsn", "host=" + c.at("PGHOST") + " port=1 user=postgres password=s3cret", "db", "list"});
  CHECK(r.code == 3);
  CHECK(it::count_lines(r.err) == 1);
  CHECK(r.err.find("could not connect") != std::string::npos);
  CHECK(r.err.find("s3cret") == std::string::npos);
  const auto json = pgdba({"-p", "1", "db", "list", "-o", "json"});
  CHECK(json.code == 3);
  CHECK(it::parse_json(json.err)["error"]["message"].get<std::string>().find("could not connect") == 0);
  CHECK(json.out.empty());
}

TEST_CASE("a server killed in the middle of sql -f: exit 3 and a clear error", "[connect][kill]") {
  // A cluster of its own: killing the shared one would break other tests.
  it::PrivateCluster own;
  const auto& env = own.env();
  const std::string script = it::temp_file(
      "create table t(id int);\ninsert into t values (1);\nselect pg_sleep(30);\ninsert into t values (2);\n", ".sql");
  const auto bg = it::start_pgdba({"sql", "-f", script}, {{"PGHOST", env.at("PGHOST")}, {"PGPORT", env.at("PGPORT")}});
  // Wait until the sleep is running, then kill the server hard.
  bool sleeping = false;
  for (int i = 0; i < 100 && !sleeping; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      pqxx::connection c("host=" + env.at("PGHOST") + " port=" + env.at("PGPORT") + " user=postgres dbname=postgres");
      pqxx::nontransaction tx(c);
      sleeping = !tx.exec("select 1 from pg_stat_activity where application_name = 'pgdba' and wait_event = 'PgSleep'")
                      .empty();
    } catch (const std::exception&) {
    }
  }
  CHECK(sleeping);
  const std::string bindir = env.at("PGDBA_PG_BINDIR");
  const std::string as_server = geteuid() == 0 ? "runuser -u postgres -- " : "";
  REQUIRE(std::system((as_server + bindir + "/pg_ctl stop -m immediate -D " + env.at("PGDBA_CLUSTER_DIR") +
                       "/data >/dev/null 2>&1")
                          .c_str()) == 0);
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(r.code == 3);
  CHECK(r.err.find("statement 3 (line 3)") != std::string::npos);
  CHECK(r.err.find("terminat") != std::string::npos);
  CHECK(it::count_lines(r.err) <= 3);
  CHECK(r.err.find("what()") == std::string::npos);
}

TEST_CASE("libpq does the rest: a pg_service.conf service", "[connect]") {
  const auto& c = it::cluster();
  const std::string services = it::temp_file(
      "[pgdba_test]\nhost=" + c.at("PGHOST") + "\nport=" + c.at("PGPORT") + "\nuser=postgres\ndbname=template1\n",
      ".conf");
  const it::Env env{{"PGHOST", ""},
                    {"PGPORT", ""},
                    {"PGUSER", ""},
                    {"PGDATABASE", ""},
                    {"PGSERVICEFILE", services},
                    {"PGSERVICE", "pgdba_test"}};
  const auto r = pgdba({"sql", "-c", "select current_database() as db", "-o", "json"}, "", env);
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out)[0]["db"] == "template1");
  const auto dsn = pgdba({"--dsn", "service=pgdba_test", "db", "size", "template1", "-o", "json"}, "",
                         {{"PGHOST", ""}, {"PGPORT", ""}, {"PGSERVICEFILE", services}});
  CHECK(dsn.code == 0);
}
