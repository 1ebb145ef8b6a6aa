// The core every command stands on: Ctrl-C, --all-databases, and the verb
// contract test that walks the command table so new verbs are covered
// without new test code.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <map>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Waits until `sql` returns a non-zero count on the test cluster.
bool wait_for(const std::string& sql, int tenths = 100) {
  for (int i = 0; i < tenths; ++i) {
    if (it::query_value(sql) != "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("Ctrl-C cancels the running statement on the server and exits 130", "[core][cancel]") {
  const std::string tag = it::unique("cancel_probe");
  // A DO block, so pg_stat_activity shows the statement itself (a query
  // runs under a cursor, where it would show the FETCH).
  const auto bg = it::start_pgdba({"sql", "-c", "do $$ begin perform pg_sleep(60); end $$ /* " + tag + " */"});
  REQUIRE(wait_for("select count(*) from pg_stat_activity where query like '%" + tag +
                   "%' and state = 'active' and pid <> pg_backend_pid()"));
  kill(bg.pid, SIGINT);
  const auto r = it::wait_pgdba(bg);
  CHECK(r.code == 130);
  CHECK(it::count_lines(r.err) <= 2);  // the handler's line (after a blank line)
  CHECK_THAT(r.err, Catch::Contains("interrupted"));
  // The server stopped the statement: nothing of it is left running.
  CHECK(wait_for("select (count(*) = 0)::int from pg_stat_activity where query like '%" + tag +
                 "%' and pid <> pg_backend_pid()"));
}

TEST_CASE("all databases: --all-databases answers every database, one that refuses is an error row and exit 4",
          "[core][fanout][matrix]") {
  it::ScratchDb open("fan_open");
  it::ScratchDb closed("fan_closed");
  const std::string role = it::unique("fan_role");
  it::query_value("CREATE ROLE " + role + " LOGIN");
  closed.exec("REVOKE CONNECT ON DATABASE " + closed.name() + " FROM PUBLIC");
  open.exec("CREATE SCHEMA fan_here");

  const auto r = pgdba({"-U", role, "-o", "json", "schema", "list", "--all-databases", "--exclude-database",
                        "template*", "--jobs", "2"});
  CHECK(r.code == 4);
  const auto rows = it::parse_json(r.out);
  bool saw_schema = false;
  bool saw_refusal = false;
  for (const auto& row : rows) {
    if (row["database"] == open.name() && row["name"] == "fan_here") saw_schema = true;
    if (row["database"] == closed.name()) {
      saw_refusal = !row["error"].is_null();
      CHECK(row["name"].is_null());
    }
    CHECK(row["database"] != "template1");
  }
  CHECK(saw_schema);
  CHECK(saw_refusal);
  CHECK_THAT(r.err, Catch::Contains("database " + closed.name()));
  it::query_value("DROP ROLE " + role);

  CHECK(pgdba({"schema", "list", "--exclude-database", "x"}).code == 2);
}

TEST_CASE("all databases: a database dropped WITH (FORCE) while a verb works in it is skipped with a warning",
          "[core][fanout][matrix]") {
  it::ScratchDb kept("fan_kept");
  kept.exec("create table here(i int)");
  // The drop ends the lock holder's session and pgdba's. When the holder's
  // ends first, pgdba's backend can get the lock and finish its query before
  // it acts on its own termination: the database was then read whole before
  // it went, which is right too. Rounds until the drop lands while pgdba is
  // inside (the first, nearly always).
  bool skipped = false;
  for (int round = 0; round < 5 && !skipped; ++round) {
    it::ScratchDb doomed("fan_doomed");
    doomed.exec("create table held(i int)");
    // table list sizes each table, which waits for this lock: pgdba is
    // inside the database when the drop ends its session.
    auto c = it::connect(doomed.name());
    pqxx::work tx(c);
    tx.exec("lock table held in access exclusive mode");
    const auto bg =
        it::start_pgdba({"-o", "json", "table", "list", "--all-databases", "--exclude-database", "template*"});
    REQUIRE(wait_for("select count(*) from pg_stat_activity where datname = '" + doomed.name() +
                     "' and wait_event_type = 'Lock'"));
    it::query_value("drop database " + doomed.name() + " with (force)");
    const auto r = it::wait_pgdba(bg);
    INFO(r.err);
    REQUIRE(r.code == 0);
    bool saw_kept = false;
    bool saw_doomed = false;
    for (const auto& row : it::parse_json(r.out)) {
      saw_doomed = saw_doomed || row["database"] == doomed.name();
      saw_kept = saw_kept || (row["database"] == kept.name() && row["name"] == "here");
    }
    CHECK(saw_kept);
    // Other tests drop their databases too: this one is named.
    skipped = r.err.find("database " + doomed.name() + ": skipped") != std::string::npos;
    if (skipped) {
      CHECK_FALSE(saw_doomed);
    } else {
      CHECK(saw_doomed);
    }
  }
  CHECK(skipped);
}

TEST_CASE("verb contract: every verb has help and a man entry, read verbs give JSON, destructive verbs refuse",
          "[core][contract][matrix]") {
  const auto table = pgdba({"-o", "json", "completion", "verbs"});
  REQUIRE(table.code == 0);
  const auto verbs = it::parse_json(table.out);
  REQUIRE(verbs.size() >= 15);
  const std::string man = pgdba({"completion", "man"}).out;
  const std::string missing = it::unique("contract_missing");
  const long server = std::stol(it::query_value("select current_setting('server_version_num')"));
  // Verbs that act on sessions, chosen by pid or by filter, have no required
  // positional: their missing object is a pid no session has.
  // What a verb needs besides its required positionals to get as far as
  // looking for the (missing) object.
  const std::map<std::string, std::vector<std::string>> more_args = {
      {"cancel", {"2147483647"}},
      {"terminate", {"2147483647"}},
      {"sequence reset", {missing + "_seq", "--to", "1"}},
      {"role set", {"1"}},
      {"grant", {"--table", missing + "_t", "--to", "postgres"}},
      {"revoke", {"--table", missing + "_t", "--from", "postgres"}},
      {"explain", {"-c", "SELECT 1"}},
      {"audit logging", {"--statements", "ddl"}},
      {"copy out", {"--query", "SELECT 1", "--to", "-"}},
      {"copy in", {"--from", "/dev/null"}},
      {"check custom", {"--query", "SELECT 'x', 1"}},
      {"config diff", {"--with", "dbname=postgres"}},
      {"schema diff", {"--db", "postgres", "--db", "postgres"}},
      {"index create", {"--table", missing + "_t", "--columns", "a"}},
      {"table create", {"--column", "id int"}},
      {"constraint add", {"--check", "true"}},
      {"replication clone", {"--from", "dbname=postgres", "--pgdata", "/tmp/" + missing + "_pgdata"}}};
  for (const auto& v : verbs) {
    const std::string path = v["verb"];
    INFO("pgdba " << path);
    std::vector<std::string> words;
    for (std::size_t b = 0, e; b < path.size(); b = e + 1) {
      e = path.find(' ', b);
      if (e == std::string::npos) e = path.size();
      words.push_back(path.substr(b, e - b));
    }
    // --help
    auto help_args = words;
    help_args.push_back("--help");
    const auto help = pgdba(help_args);
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("Usage"));
    std::string roff_path;  // roff writes a hyphen as \-
    for (char ch : path)
      roff_path += ch == '-' ? std::string("\\-") : std::string(1, ch);
    CHECK_THAT(man, Catch::Contains(".SS \"pgdba " + roff_path + "\""));
    if (v["session"] == "none") continue;  // no server involved: sandbox, completion

    auto args = words;
    for (std::size_t i = 0; i < v["required_args"].size(); ++i)
      args.push_back(missing + "_" + std::to_string(i));
    if (const auto m = more_args.find(path); m != more_args.end())
      args.insert(args.end(), m->second.begin(), m->second.end());
    if (v["effect"] == "read") {
      if (path == "sql" || path == "listen") continue;  // listen waits for notifications: test_listen.cpp
      auto json_args = args;
      json_args.insert(json_args.begin(), {"-o", "json"});
      const auto r = pgdba(json_args);
      if (v["min_server"].get<long>() > server) {  // refused, naming the version it needs
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains("needs PostgreSQL"));
      } else if (path.rfind("check ", 0) == 0) {
        // Nagios exit codes: a judged status (the test cluster's uptime is
        // short, its fsync off), never UNKNOWN.
        CHECK(r.code <= 2);
        CHECK_NOTHROW(it::parse_json(r.out));
      } else if (v["required_args"].empty()) {
        REQUIRE(r.code == 0);
        CHECK_NOTHROW(it::parse_json(r.out));
      } else {
        CHECK(r.code == 1);  // a missing object: one line, exit 1
        CHECK(it::count_lines(r.err) == 1);
      }
      continue;
    }
    if (path == "sql") continue;  // its own tests cover -c, -f, --dry-run and refusal
    // Under --dry-run nothing reaches the server that names the object.
    it::ServerLog log;
    auto dry = args;
    dry.push_back("--dry-run");
    const auto d = pgdba(dry);
    CHECK((d.code == 0 || d.code == 1));
    CHECK(log.never_saw("(CREATE|DROP|ALTER)[^\\n]*" + missing));
    if (v["effect"] == "destroy") {
      const auto refused = pgdba(args);  // standard input is not a terminal
      CHECK(refused.code == 2);
      CHECK_THAT(refused.err, Catch::Contains("--yes"));
      auto yes = args;
      yes.push_back("--yes");
      const auto gone = pgdba(yes);
      CHECK(gone.code == 1);
      CHECK(it::count_lines(gone.err) == 1);
      CHECK_THAT(gone.err, Catch::Contains("does not exist"));
    }
  }
}
