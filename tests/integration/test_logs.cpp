// logs list|show|tail: the server log read through the connection, on the
// shared cluster (stderr, log_statement = all) and on clusters of the test's
// own for csvlog, jsonlog, rotation and a server without a log collector.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace {

nlohmann::json entries(const it::Run& r) {
  INFO(r.err);
  REQUIRE(r.code == 0);
  return it::parse_json(r.out);
}

// An error the test can find again: a call to a function that does not exist,
// named after the test (the server logs it with its STATEMENT).
std::string raise_error(pqxx::connection& c, const std::string& marker) {
  pqxx::nontransaction tx(c);
  try {
    tx.exec("select " + marker + "()");
  } catch (const pqxx::sql_error&) {
    return marker;
  }
  FAIL("the call did not fail");
  return marker;
}

const nlohmann::json* find_error(const nlohmann::json& rows, const std::string& marker) {
  for (const auto& e : rows)
    if (e["level"] == "ERROR" && e["message"].is_string() &&
        e["message"].get<std::string>().find(marker) != std::string::npos)
      return &e;
  return nullptr;
}

int server_version(it::PrivateCluster& pc) {
  auto c = pc.connect();
  pqxx::nontransaction tx(c);
  return tx.exec("select current_setting('server_version_num')::int")[0][0].as<int>();
}

// The file of the streamed entry (one JSON object per line of `out`) whose
// message contains `text`; "" when there is none.
std::string file_of(const std::string& out, const std::string& text) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = it::parse_json(line);
    if (j["message"].get<std::string>().find(text) != std::string::npos) return j["file"];
  }
  return "";
}

it::Env env_of(const it::PrivateCluster& pc) {
  return {{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}};
}

}  // namespace

TEST_CASE("logs list shows the current stderr file", "[logs][matrix]") {
  const auto files = entries(it::pgdba({"logs", "list", "-o", "json"}));
  REQUIRE(!files.empty());
  bool current = false;
  for (const auto& f : files) {
    if (f["current"] != true || f["format"] != "stderr") continue;
    current = true;
    CHECK(f["size"].get<long long>() > 0);  // log_statement = all: never empty
  }
  CHECK(current);
}

TEST_CASE("logs show finds an error with its statement, user, database and application", "[logs][matrix]") {
  it::ScratchDb db("logs db é");
  const std::string marker = it::unique("pgdba_logs_marker_");
  {
    auto c = it::connect(db.name());
    pqxx::nontransaction(c).exec("set application_name = 'app with spaces'");
    raise_error(c, marker);
  }
  nlohmann::json rows;
  const bool seen = it::wait_for([&] {
    rows = entries(it::pgdba({"logs", "show", "--level", "ERROR", "--grep", marker, "-o", "json"}));
    return find_error(rows, marker) != nullptr;
  });
  REQUIRE(seen);
  const auto& e = *find_error(rows, marker);
  CHECK(e["sqlstate"].is_null());  // the shared cluster's prefix has no %e
  CHECK(e["user"] == "postgres");
  CHECK(e["database"] == db.name());
  CHECK(e["application"] == "app with spaces");  // the server keeps ASCII only
  CHECK(e["pid"].is_number_integer());
  CHECK(e["statement"].get<std::string>().find(marker) != std::string::npos);
  // --level filters: no FATAL carries the marker; LOG lines do (log_statement = all) but rank below ERROR.
  CHECK(entries(it::pgdba({"logs", "show", "--level", "FATAL", "--grep", marker, "-o", "json"})).empty());
  for (const auto& r : rows)
    CHECK(r["level"] == "ERROR");
  // --since keeps it; the table form cuts the statement but shows the message.
  CHECK(find_error(entries(it::pgdba({"logs", "show", "--since", "1h", "--grep", marker, "-o", "json"})), marker));
  const auto table = it::pgdba({"logs", "show", "--grep", marker, "--level", "error"});
  CHECK(table.code == 0);
  CHECK(table.out.find(marker) != std::string::npos);
  // tail: the last entry carrying the marker is that error.
  const auto last = entries(it::pgdba({"logs", "tail", "-n", "1", "--level", "ERROR", "--grep", marker, "-o", "json"}));
  REQUIRE(last.size() == 1);
  CHECK(last[0]["message"] == e["message"]);
}

TEST_CASE("logs: bad input is refused before anything runs", "[logs]") {
  const auto level = it::pgdba({"logs", "show", "--level", "LOUD"});
  CHECK(level.code == 2);
  CHECK(level.err.find("--level") != std::string::npos);
  CHECK(it::pgdba({"logs", "show", "--since", "yesterday"}).code == 2);
  CHECK(it::pgdba({"logs", "show", "--grep", "(unclosed"}).code == 2);
  const auto path = it::pgdba({"logs", "show", "../../etc/passwd"});
  CHECK(path.code == 2);
  CHECK(path.err.find("logs list") != std::string::npos);
  CHECK(it::pgdba({"logs", "tail", "--timeout", "5s"}).code == 2);  // only with --follow
  const auto missing = it::pgdba({"logs", "show", "no-such-file.log"});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("no-such-file.log") != std::string::npos);
}

TEST_CASE("logs: a role without the privileges is told which ones, and works with them", "[logs]") {
  const std::string role = it::unique("pgdba_logs_nopriv_");
  auto c = it::connect();
  pqxx::nontransaction(c).exec("create role " + role + " login");
  const it::Env as_role{{"PGUSER", role}};
  const auto none = it::pgdba({"logs", "list"}, "", as_role);
  pqxx::nontransaction(c).exec("grant pg_monitor to " + role);
  const auto listed = it::pgdba({"logs", "list", "-o", "json"}, "", as_role);
  const auto unread = it::pgdba({"logs", "tail", "-n", "1"}, "", as_role);
  pqxx::nontransaction(c).exec("grant execute on function pg_read_binary_file(text, bigint, bigint, boolean) to " +
                               role);
  const auto read = it::pgdba({"logs", "tail", "-n", "1", "-o", "json"}, "", as_role);
  pqxx::nontransaction(c).exec("revoke execute on function pg_read_binary_file(text, bigint, bigint, boolean) from " +
                               role);
  pqxx::nontransaction(c).exec("drop role " + role);
  CHECK(none.code == 1);
  CHECK(none.err.find("pg_read_all_settings") != std::string::npos);  // the server's words
  CHECK(none.err.find("pg_monitor") != std::string::npos);            // pgdba's hint
  // pg_monitor lists the files; the current one is found without pg_current_logfile.
  INFO(listed.err);
  REQUIRE(listed.code == 0);
  bool current = false;
  for (const auto& f : it::parse_json(listed.out))
    current = current || f["current"] == true;
  CHECK(current);
  CHECK(unread.code == 1);
  CHECK(unread.err.find("EXECUTE") != std::string::npos);
  INFO(read.err);
  CHECK(read.code == 0);
  CHECK(it::parse_json(read.out).size() == 1);
}

TEST_CASE("logs: a server without the log collector says why there is nothing to read", "[logs]") {
  it::PrivateCluster pc("logging_collector = off");
  const auto r = it::pgdba({"logs", "tail"}, "", env_of(pc));
  CHECK(r.code == 1);
  CHECK(r.err.find("logging_collector is off") != std::string::npos);
}

TEST_CASE("logs show reads csvlog and jsonlog files as the server writes them", "[logs][matrix]") {
  it::PrivateCluster pc("logging_collector = on\nlog_destination = 'stderr,csvlog'\n");
  const bool json = server_version(pc) >= 150000;
  if (json) {
    auto c = pc.connect();
    pqxx::nontransaction(c).exec("alter system set log_destination = 'stderr,csvlog,jsonlog'");
    pqxx::nontransaction(c).exec("select pg_reload_conf()");
    REQUIRE(it::wait_for([&] {
      return it::pgdba({"logs", "list", "-o", "json"}, "", env_of(pc)).out.find("jsonlog\",\"size\"") !=
             std::string::npos;
    }));
  }
  const std::string marker = it::unique("pgdba_logs_fmt_");
  {
    auto c = pc.connect();
    raise_error(c, marker);
  }
  std::vector<std::string> formats{"stderr", "csvlog"};
  if (json) formats.push_back("jsonlog");
  for (const auto& f : formats) {
    INFO(f);
    nlohmann::json rows;
    REQUIRE(it::wait_for([&] {
      rows = entries(it::pgdba({"logs", "show", "--log-format", f, "--grep", marker, "-o", "json"}, "", env_of(pc)));
      return find_error(rows, marker) != nullptr;
    }));
    const auto& e = *find_error(rows, marker);
    CHECK(e["statement"].get<std::string>() == "select " + marker + "()");
    CHECK(e["user"] == "postgres");
    CHECK(e["database"] == "postgres");
    if (f != "stderr") {
      CHECK(e["sqlstate"] == "42883");
      CHECK(e["hint"].get<std::string>().find("No function matches") != std::string::npos);
      CHECK(e["backend_type"] == "client backend");
    }
    CHECK(e["file"].get<std::string>().find(f == "stderr"   ? ".log"
                                            : f == "csvlog" ? ".csv"
                                                            : ".json") != std::string::npos);
  }
  // By default the most structured format the server writes is read.
  const auto def = entries(it::pgdba({"logs", "show", "--grep", marker, "-o", "json"}, "", env_of(pc)));
  REQUIRE(find_error(def, marker));
  CHECK(find_error(def, marker)->at("file").get<std::string>().find(json ? ".json" : ".csv") != std::string::npos);
}

TEST_CASE("logs tail --follow streams new entries across log rotation", "[logs]") {
  it::PrivateCluster pc("logging_collector = on\n");
  const std::string marker = it::unique("pgdba_logs_follow_");
  auto bg =
      it::start_pgdba({"logs", "tail", "--follow", "--grep", marker, "--timeout", "60s", "-o", "json"}, env_of(pc));
  auto c = pc.connect();
  const std::string first = marker + "_one", second = marker + "_two";
  // The stream is open once the first entry arrives.
  REQUIRE(it::wait_for([&] {
    raise_error(c, first);
    return it::read_file(bg.out_path).find(first) != std::string::npos;
  }));
  const std::string before = pqxx::nontransaction(c).exec("select pg_current_logfile()")[0][0].c_str();
  // The new file's name has the time in seconds: rotate until it differs.
  REQUIRE(it::wait_for([&] {
    pqxx::nontransaction(c).exec("select pg_rotate_logfile()");
    return pqxx::nontransaction(c).exec("select pg_current_logfile()")[0][0].c_str() != before;
  }));
  raise_error(c, second);
  const bool seen = it::wait_for([&] { return it::read_file(bg.out_path).find(second) != std::string::npos; });
  kill(bg.pid, SIGINT);
  const auto r = it::wait_pgdba(bg);
  INFO(r.out << r.err);
  REQUIRE(seen);
  // One JSON object per line, the second in the new file.
  const std::string first_file = file_of(r.out, first), second_file = file_of(r.out, second);
  CHECK(!first_file.empty());
  CHECK(!second_file.empty());
  CHECK(first_file != second_file);
}

TEST_CASE("logs tail --follow reconnects after a server restart and goes on in the new file", "[logs]") {
  it::PrivateCluster pc("logging_collector = on\n");
  const std::string marker = it::unique("pgdba_logs_restart_");
  auto bg =
      it::start_pgdba({"logs", "tail", "--follow", "--grep", marker, "--timeout", "60s", "-o", "json"}, env_of(pc));
  const std::string first = marker + "_before", second = marker + "_after";
  {
    auto c = pc.connect();
    REQUIRE(it::wait_for([&] {
      raise_error(c, first);
      return it::read_file(bg.out_path).find(first) != std::string::npos;
    }));
  }
  // Log file names carry the time in seconds: the restarted server's file
  // gets a name of its own one second on.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const it::Env& env = pc.env();
  const std::string as_server = geteuid() == 0 ? "runuser -u postgres -- " : "";
  REQUIRE(it::shell(as_server + env.at("PGDBA_PG_BINDIR") + "/pg_ctl -w -D '" + env.at("PGDBA_CLUSTER_DIR") +
                    "/data' restart -m fast -l '" + env.at("PGDBA_CLUSTER_DIR") + "/restart.log'")
              .code == 0);
  // New entries after the restart reach the stream once pgdba is back.
  const bool seen = it::wait_for([&] {
    auto c = pc.connect();
    raise_error(c, second);
    return it::read_file(bg.out_path).find(second) != std::string::npos;
  });
  kill(bg.pid, SIGINT);
  const auto r = it::wait_pgdba(bg);
  INFO(r.out << r.err);
  REQUIRE(seen);
  CHECK_THAT(r.err, Catch::Contains("reconnecting") && Catch::Contains("reconnected"));
  // One JSON object per line, the second in the new file.
  const std::string first_file = file_of(r.out, first), second_file = file_of(r.out, second);
  CHECK(!first_file.empty());
  CHECK(!second_file.empty());
  CHECK(first_file != second_file);
}
