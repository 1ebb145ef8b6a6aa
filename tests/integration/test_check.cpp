// pgdba check against real servers: every check runs on each major (the
// matrix), the Nagios output is parsed by the plugin guidelines' grammar,
// Prometheus output goes through promtool and a real node_exporter, and the
// states checks watch for are created for real (a held transaction, a
// blocked session, a sequence near its end, an inactive slot, a failed
// concurrent index build, an archive_command that fails).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/harness.hpp"

namespace fs = std::filesystem;

namespace {

// The first line of plugin output: SERVICE STATUS - message [| perfdata].
struct Nagios {
  std::string service, status, message, perfdata;
};

Nagios parse_nagios(const it::Run& r) {
  const std::string first = r.out.substr(0, r.out.find('\n'));
  static const std::regex line(R"(^PGDBA ([A-Z_-]+) (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*?)(?: \| (.*))?$)");
  std::smatch m;
  INFO(r.out << r.err);
  REQUIRE(std::regex_match(first, m, line));
  Nagios n{m[1], m[2], m[3], m[4]};
  // The exit code is the status, as the guidelines say.
  const std::map<std::string, int> codes{{"OK", 0}, {"WARNING", 1}, {"CRITICAL", 2}, {"UNKNOWN", 3}};
  CHECK(r.code == codes.at(n.status));
  // Every perfdata item: 'label'=value[UOM];[warn];[crit];[min];[max]
  static const std::regex item(R"('(?:[^'=]|'')+'=-?[0-9.]+(?:s|%|B|c)?(?:;[@~:0-9.-]*){0,4})");
  std::string rest = n.perfdata;
  while (!rest.empty()) {
    std::smatch pm;
    REQUIRE(std::regex_search(rest, pm, item));
    CHECK(pm.position(0) == 0);
    rest = pm.suffix().str();
    if (!rest.empty()) {
      CHECK(rest[0] == ' ');
      rest = rest.substr(1);
    }
  }
  return n;
}

nlohmann::json run_json(const std::vector<std::string>& args, const it::Env& env = {}) {
  std::vector<std::string> a = args;
  a.insert(a.end(), {"-o", "json"});
  const auto r = it::pgdba(a, "", env);
  INFO(r.err);
  REQUIRE(r.code >= 0);
  REQUIRE(r.code <= 3);
  return it::parse_json(r.out);
}

// The metric of `check` about `object` (or null).
nlohmann::json metric(const nlohmann::json& doc, const std::string& object, const std::string& database = "") {
  for (const auto& m : doc["metrics"]) {
    const bool obj = object.empty() ? m["object"].is_null() : m["object"] == object;
    const bool db = database.empty() || m["database"] == database;
    if (obj && db) return m;
  }
  return nullptr;
}

std::string status_of(const nlohmann::json& doc) {
  return doc["checks"][0]["status"].get<std::string>();
}

std::string pid_label(pqxx::connection& c) {
  return "pid " + std::to_string(c.backendpid());
}

}  // namespace

TEST_CASE("check: Nagios output per the plugin guidelines, exit code the status, UNKNOWN for bad input and no server",
          "[check][matrix]") {
  auto n = parse_nagios(it::pgdba({"check", "connection"}));
  CHECK(n.service == "CONNECTION");
  CHECK(n.status == "OK");
  CHECK(n.perfdata.rfind("'connection'=", 0) == 0);
  // Every database is more than 1 kB and less than 1 TB.
  n = parse_nagios(it::pgdba({"check", "database-size", "--warning", "1kB", "--critical", "1TB"}));
  CHECK(n.status == "WARNING");
  n = parse_nagios(it::pgdba({"check", "database-size", "--critical", "1kB"}));
  CHECK(n.status == "CRITICAL");
  CHECK(n.perfdata.find("'postgres'=") != std::string::npos);
  // Usage errors and a server that is not there are UNKNOWN, on stdout.
  n = parse_nagios(it::pgdba({"check", "database-size", "--warning", "lots"}));
  CHECK(n.status == "UNKNOWN");
  CHECK(n.message.find("--warning") != std::string::npos);
  n = parse_nagios(it::pgdba({"check", "backends", "--no-such-option"}));
  CHECK(n.status == "UNKNOWN");
  n = parse_nagios(it::pgdba({"check", "connection"}, "", {{"PGPORT", "1"}}));
  CHECK(n.status == "UNKNOWN");
  CHECK(n.message.find("connect") != std::string::npos);
}

TEST_CASE("check all: every check runs on this server version and none is UNKNOWN, exit code the worst",
          "[check][matrix]") {
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  const auto r = it::pgdba({"check", "all", "-o", "json"}, "", {{"XDG_STATE_HOME", state}});
  INFO(r.err);
  const auto doc = it::parse_json(r.out);
  REQUIRE(doc["checks"].size() >= 50);
  int worst = 0;
  const std::map<std::string, int> rank{{"OK", 0}, {"UNKNOWN", 1}, {"WARNING", 2}, {"CRITICAL", 3}};
  const std::map<int, int> code{{0, 0}, {1, 3}, {2, 1}, {3, 2}};
  for (const auto& c : doc["checks"]) {
    INFO(c.dump());
    CHECK(c["status"] != "UNKNOWN");
    worst = std::max(worst, rank.at(c["status"].get<std::string>()));
  }
  CHECK(r.code == code.at(worst));
  // The Nagios form of the same run: a summary line, then one line per check.
  const auto text = it::pgdba({"check", "all"}, "", {{"XDG_STATE_HOME", state}});
  const auto first = parse_nagios(text);
  CHECK(first.service == "ALL");
  CHECK(it::count_lines(text.out) >= doc["checks"].size() + 1);
}

TEST_CASE("check -o prometheus passes promtool, --textfile is served by a real node_exporter", "[check]") {
  REQUIRE(fs::exists("/usr/bin/promtool"));
  const auto r = it::pgdba({"check", "all", "-o", "prometheus"});
  INFO(r.err);
  const std::string file = it::temp_file(r.out, ".prom");
  const auto lint = it::shell("promtool check metrics < " + file);
  INFO(lint.out << lint.err);
  CHECK(lint.code == 0);
  CHECK(r.out.find("# TYPE pgdba_check_status gauge") != std::string::npos);
  CHECK(r.out.find("pgdba_database_size_bytes{database=\"postgres\"}") != std::string::npos);

  // node_exporter's textfile collector reads what --textfile wrote.
  REQUIRE(fs::exists("/usr/bin/prometheus-node-exporter"));
  const fs::path dir = fs::temp_directory_path() / it::unique("textfile");
  fs::create_directories(dir);
  const auto w = it::pgdba({"check", "backends", "--textfile", (dir / "pgdba.prom").string()});
  CHECK(w.code == 0);
  CHECK(fs::exists(dir / "pgdba.prom"));
  CHECK_FALSE(fs::exists(dir / "pgdba.prom.tmp"));
  const int port = 19100 + getpid() % 500;
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    const std::string textdir = "--collector.textfile.directory=" + dir.string();
    freopen("/dev/null", "w", stderr);
    execl("/usr/bin/prometheus-node-exporter", "prometheus-node-exporter", listen.c_str(), textdir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string scraped;
  it::wait_for(
      [&] {
        scraped = it::shell("python3 -c \"import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:" +
                            std::to_string(port) + "/metrics').read().decode())\"")
                      .out;
        return scraped.find("pgdba_check_status") != std::string::npos;
      },
      20);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  CHECK(scraped.find("pgdba_check_status{check=\"backends\"} 0") != std::string::npos);
  CHECK(scraped.find("pgdba_backends_ratio") != std::string::npos);
  // The collector reports no error reading the file.
  CHECK(scraped.find("node_textfile_scrape_error 0") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("check idle-in-transaction and long-transactions find a transaction held open, by its age", "[check]") {
  auto holder = it::connect();
  pqxx::work tx(holder);
  tx.exec("select 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const std::string pid = pid_label(holder);
  auto doc = run_json({"check", "idle-in-transaction", "-w", "1s", "-c", "1h"});
  auto m = metric(doc, pid);
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  CHECK(m["value"].get<double>() >= 1.0);
  doc = run_json({"check", "idle-in-transaction", "-w", "1s", "-c", "1s"});
  CHECK(metric(doc, pid)["status"] == "CRITICAL");
  CHECK(status_of(doc) == "CRITICAL");
  doc = run_json({"check", "long-transactions", "-w", "1s", "-c", "1h"});
  REQUIRE(metric(doc, pid) != nullptr);
  CHECK(metric(doc, pid)["status"] == "WARNING");
  tx.commit();
  doc = run_json({"check", "idle-in-transaction", "-w", "1s", "-c", "1h"});
  CHECK(metric(doc, pid) == nullptr);
}

TEST_CASE("check blocked names the session waiting for a lock and who blocks it", "[check]") {
  it::ScratchDb db("chk_blocked");
  db.exec("create table t (a int)");
  auto holder = it::connect(db.name());
  pqxx::work hold(holder);
  hold.exec("lock table t in access exclusive mode");
  auto waiter = it::connect(db.name());
  const std::string waiter_pid = pid_label(waiter);
  std::thread blocked([&] {
    try {
      pqxx::nontransaction w(waiter);
      w.exec("select * from t");
    } catch (const std::exception&) {
    }
  });
  REQUIRE(it::wait_for([&] {
    return it::query_value("select count(*) from pg_locks where not granted and pid = " +
                           std::to_string(waiter.backendpid())) == "1";
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto doc = run_json({"check", "blocked", "-w", "1s", "-c", "1h"});
  const auto m = metric(doc, waiter_pid);
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  CHECK(m["detail"].get<std::string>().find("blocked by " + std::to_string(holder.backendpid())) == 0);
  hold.commit();
  blocked.join();
  CHECK(metric(run_json({"check", "blocked"}), waiter_pid) == nullptr);
}

TEST_CASE("check sequence-exhaustion: a sequence and an identity column near their end, in every database",
          "[check][matrix]") {
  it::ScratchDb db("chk_seq");
  db.exec("create sequence \"s;'é\" maxvalue 100");
  db.exec("create table t (id smallint generated always as identity, a int)");
  const auto seq = [&](const std::string& db_name) {
    return run_json({"check", "sequence-exhaustion", "--database", db_name});
  };
  db.exec("select setval('\"s;''é\"', 50)");
  auto doc = seq(db.name());
  auto m = metric(doc, "public.s;'é", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "OK");
  db.exec("select setval('\"s;''é\"', 80)");
  CHECK(metric(seq(db.name()), "public.s;'é", db.name())["status"] == "WARNING");
  db.exec("select setval('\"s;''é\"', 95)");
  doc = seq(db.name());
  CHECK(metric(doc, "public.s;'é", db.name())["status"] == "CRITICAL");
  CHECK(status_of(doc) == "CRITICAL");
  // smallint identity: 32767 values.
  db.exec("select setval(pg_get_serial_sequence('t', 'id'), 30000)");
  m = metric(seq(db.name()), "public.t_id_seq", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "CRITICAL");
  // Without --database every database is looked at: ours is among them.
  CHECK(metric(run_json({"check", "sequence-exhaustion"}), "public.t_id_seq", db.name()) != nullptr);
}

TEST_CASE("check slot-status and replication-slots: an inactive slot keeping WAL", "[check]") {
  const std::string slot = it::unique("chk_slot");
  it::query_value("select pg_create_physical_replication_slot('" + slot + "', true)");
  auto doc = run_json({"check", "slot-status"});
  auto m = metric(doc, slot);
  REQUIRE(m != nullptr);
  CHECK(m["value"] == 1);
  CHECK(m["status"] == "WARNING");
  CHECK(m["detail"].get<std::string>().find("inactive") != std::string::npos);
  doc = run_json({"check", "replication-slots", "-w", "0", "-c", "1TB"});
  m = metric(doc, slot);
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  it::query_value("select pg_drop_replication_slot('" + slot + "')");
  CHECK(metric(run_json({"check", "slot-status"}), slot) == nullptr);
}

TEST_CASE("check invalid-indexes, duplicate-indexes, unused-indexes and invalid-constraints find what was made",
          "[check][matrix]") {
  it::ScratchDb db("chk_idx");
  db.exec("create table p (id int primary key); create table t (a int, b int, p int)");
  db.exec("insert into t select g % 10, g, 1 from generate_series(1, 100) g; insert into p values (1)");
  db.exec("create index t_a on t (a); create index \"t_a; dup\" on t (a)");
  db.exec("alter table t add constraint t_p_fk foreign key (p) references p not valid");
  // A concurrent unique build over duplicate keys fails and leaves its
  // index behind, invalid.
  auto c = it::connect(db.name());
  try {
    pqxx::nontransaction n(c);
    n.exec("create unique index concurrently t_a_unique on t (a)");
  } catch (const std::exception&) {
  }
  const std::vector<std::string> in_db = {"--database", db.name()};
  auto doc = run_json({"check", "invalid-indexes", "--database", db.name()});
  auto m = metric(doc, "public.t_a_unique", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  doc = run_json({"check", "duplicate-indexes", "--database", db.name()});
  m = metric(doc, "public.t_a; dup", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  CHECK(m["detail"] == "same keys as t_a");
  doc = run_json({"check", "unused-indexes", "--database", db.name(), "-w", "1"});
  CHECK(metric(doc, "public.t_a", db.name()) != nullptr);
  CHECK(metric(doc, "public.p_pkey", db.name()) == nullptr);  // backs a constraint
  doc = run_json({"check", "invalid-constraints", "--database", db.name()});
  m = metric(doc, "public.t.t_p_fk", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  // --exclude-database leaves it out.
  doc = run_json({"check", "invalid-constraints", "--exclude-database", db.name()});
  CHECK(metric(doc, "public.t.t_p_fk", db.name()) == nullptr);
}

TEST_CASE("check rates keep a state file: a baseline first, then judged, a corrupted file is discarded", "[check]") {
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  const it::Env env{{"XDG_STATE_HOME", state}};
  auto doc = run_json({"check", "wal-rate"}, env);
  CHECK(doc["checks"][0]["message"].get<std::string>().find("first run") == 0);
  CHECK(doc["metrics"].empty());
  it::query_value("select pg_switch_wal()");
  doc = run_json({"check", "wal-rate", "-w", "1TB"}, env);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"].get<double>() >= 0);
  CHECK(doc["metrics"][0]["status"] == "OK");
  // Garbage in the file: a warning, and the run starts over.
  for (const auto& e : fs::directory_iterator(fs::path(state) / "pgdba" / "checks")) {
    if (e.path().extension() == ".json") std::ofstream(e.path()) << "{not json";
  }
  const auto r = it::pgdba({"check", "wal-rate", "-o", "json"}, "", env);
  CHECK(r.err.find("corrupted") != std::string::npos);
  CHECK(it::parse_json(r.out)["checks"][0]["message"].get<std::string>().find("first run") == 0);
}

TEST_CASE("check archive and archive-failures: an archive_command that fails", "[check]") {
  it::PrivateCluster pc("archive_mode = on\narchive_command = 'false'\nwal_level = replica\n");
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  it::Env env = pc.env();
  env["XDG_STATE_HOME"] = state;
  const auto psql = [&](const std::string& sql) {
    pqxx::connection c("host=" + pc.env().at("PGHOST") + " port=" + pc.env().at("PGPORT") + " user=postgres");
    pqxx::nontransaction n(c);
    const auto r = n.exec(sql);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  };
  auto doc = run_json({"check", "archive-failures"}, env);  // the baseline
  CHECK(doc["checks"][0]["message"].get<std::string>().find("first run") == 0);
  psql("create table t as select 1 a; select pg_switch_wal()");
  REQUIRE(it::wait_for([&] { return psql("select failed_count from pg_stat_archiver") != "0"; }));
  doc = run_json({"check", "archive", "-w", "0"}, env);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"].get<double>() >= 1);
  CHECK(doc["checks"][0]["status"] == "WARNING");
  CHECK(doc["metrics"][0]["detail"].get<std::string>().find("last failure") == 0);
  doc = run_json({"check", "archive-failures"}, env);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"].get<double>() >= 1);
  CHECK(doc["checks"][0]["status"] == "WARNING");
}

TEST_CASE("check custom: the query's columns are label and value, in every format", "[check][matrix]") {
  const std::string q = "select 'queue ''a''' as object, 7 as value union all select 'b', 1";
  auto doc = run_json({"check", "custom", "--name", "queue-depth", "--query", q, "-w", "5", "-c", "10"});
  CHECK(status_of(doc) == "WARNING");
  CHECK(metric(doc, "queue 'a'")["value"] == 7);
  const auto n = parse_nagios(it::pgdba({"check", "custom", "--name", "queue-depth", "--query", q, "-w", "5"}));
  CHECK(n.service == "QUEUE-DEPTH");
  CHECK(n.perfdata.find("'queue ''a'''=7;5") == 0);
  const auto p = it::pgdba({"check", "custom", "--name", "queue-depth", "--query", q, "-o", "prometheus"});
  CHECK(p.out.find("pgdba_custom_queue_depth{object=\"queue 'a'\"} 7") != std::string::npos);
  // A query that fails is UNKNOWN with the server's message.
  const auto bad = parse_nagios(it::pgdba({"check", "custom", "--query", "select nosuch"}));
  CHECK(bad.status == "UNKNOWN");
  CHECK(bad.message.find("nosuch") != std::string::npos);
}

TEST_CASE("check all --config: thresholds and checks of one's own from a TOML file, --only and --skip", "[check]") {
  const std::string cfg = it::temp_file(
      "[checks.backends]\nwarning = \"0\"\n\n"
      "[checks.queue-depth]\nquery = \"select 'jobs', 42\"\nunit = \"count\"\nwarning = \"10\"\ncritical = \"100\"\n"
      "description = \"Jobs waiting\"\n",
      ".toml");
  auto doc = run_json({"check", "all", "--config", cfg, "--only", "backends", "--only", "queue-depth"});
  REQUIRE(doc["checks"].size() == 2);
  CHECK(doc["checks"][0]["check"] == "backends");
  CHECK(doc["checks"][0]["status"] == "WARNING");  // at least this connection: above 0%
  CHECK(doc["checks"][1]["check"] == "queue-depth");
  CHECK(doc["checks"][1]["status"] == "WARNING");
  CHECK(metric(doc, "jobs")["value"] == 42);
  // The same file as pgdba's config file sets a single check's thresholds;
  // the command line wins over it.
  const it::Env env{{"PGDBA_CONFIG", cfg}};
  CHECK(parse_nagios(it::pgdba({"check", "backends"}, "", env)).status == "WARNING");
  CHECK(parse_nagios(it::pgdba({"check", "backends", "-w", "99"}, "", env)).status == "OK");
  doc = run_json({"check", "all", "--config", cfg, "--skip", "queue-depth"});
  for (const auto& c : doc["checks"])
    CHECK(c["check"] != "queue-depth");
  // A typo is refused clearly, as UNKNOWN.
  const std::string bad = it::temp_file("[checks.nosuch]\nwarning = \"1\"\n", ".toml");
  const auto n = parse_nagios(it::pgdba({"check", "all", "--config", bad}));
  CHECK(n.status == "UNKNOWN");
  CHECK(n.message.find("nosuch") != std::string::npos);
  const auto u = parse_nagios(it::pgdba({"check", "all", "--only", "nosuch"}));
  CHECK(u.status == "UNKNOWN");
}

TEST_CASE("check over a fleet: one outcome per target, a target that is down is UNKNOWN, the others judged",
          "[check]") {
  const auto& main = it::cluster();
  const std::string services = it::temp_file("[main]\nhost=" + main.at("PGHOST") + "\nport=" + main.at("PGPORT") +
                                                 "\nuser=postgres\ndbname=postgres\n\n"
                                                 "[down]\nhost=/tmp/pgdba-no-server-here\nport=1\nuser=postgres\n",
                                             ".conf");
  const it::Env env{{"PGSERVICEFILE", services}, {"PGSYSCONFDIR", "/nonexistent"}};
  const auto r = it::pgdba({"check", "database-size", "--target", "main,down", "-o", "json"}, "", env);
  INFO(r.err);
  CHECK(r.code == 3);
  const auto doc = it::parse_json(r.out);
  REQUIRE(doc["checks"].size() == 2);
  std::map<std::string, std::string> status;
  for (const auto& c : doc["checks"])
    status[c["target"].get<std::string>()] = c["status"].get<std::string>();
  CHECK(status["main"] == "OK");
  CHECK(status["down"] == "UNKNOWN");
  for (const auto& m : doc["metrics"])
    CHECK(m["target"] == "main");
  // Per-database checks too: the reachable target's databases are checked.
  const auto per_db = it::pgdba({"check", "last-vacuum", "--target", "main,down"}, "", env);
  const auto n = parse_nagios(per_db);
  CHECK(n.status == "UNKNOWN");
  CHECK(per_db.out.find("OK: main/last-vacuum") != std::string::npos);
  CHECK(per_db.out.find("UNKNOWN: down/last-vacuum") != std::string::npos);
}

TEST_CASE("replication checks on a real primary and standby, from either node, an idle primary is not a delay",
          "[check][replication]") {
  it::PrivateCluster primary;
  it::PrivateCluster standby(primary, it::PrivateCluster::Standby{});
  const it::Env on_primary = primary.env();
  const it::Env on_standby = standby.env();
  const auto sql = [](const it::PrivateCluster& c, const std::string& q) {
    auto conn = c.connect();
    pqxx::nontransaction n(conn);
    const auto r = n.exec(q);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  };
  REQUIRE(it::wait_for(
      [&] { return sql(primary, "select count(*) from pg_stat_replication where state = 'streaming'") == "1"; }));

  // The primary sees its standby.
  auto doc = run_json({"check", "standby-count", "-c", "1:"}, on_primary);
  CHECK(status_of(doc) == "OK");
  CHECK(doc["metrics"][0]["value"] == 1);
  doc = run_json({"check", "replication-lag"}, on_primary);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(status_of(doc) == "OK");
  // A primary has no WAL receiver and nothing to pause.
  CHECK(run_json({"check", "wal-receiver"}, on_primary)["metrics"].empty());

  // The standby, from itself alone.
  doc = run_json({"check", "wal-receiver"}, on_standby);
  CHECK(status_of(doc) == "OK");
  CHECK(doc["metrics"][0]["value"] == 1);
  CHECK(status_of(run_json({"check", "replay-paused"}, on_standby)) == "OK");
  // Every check runs on a standby without an error.
  const auto standby_all = run_json({"check", "all"}, on_standby);
  for (const auto& c : standby_all["checks"]) {
    INFO(c.dump());
    CHECK(c["status"] != "UNKNOWN");
  }

  // Replay paused while the primary writes: the standby falls behind.
  sql(standby, "select pg_wal_replay_pause()");
  REQUIRE(it::wait_for([&] { return sql(standby, "select pg_is_wal_replay_paused()") == "t"; }));
  sql(primary, "create table t as select g from generate_series(1, 10000) g");
  REQUIRE(
      it::wait_for([&] { return sql(standby, "select pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()") == "t"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  doc = run_json({"check", "replay-paused"}, on_standby);
  CHECK(status_of(doc) == "WARNING");
  doc = run_json({"check", "replication-lag", "-w", "0"}, on_standby);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"].get<double>() > 0);
  CHECK(status_of(doc) == "WARNING");
  // The check measures what `replication status` shows: received WAL only
  // grows while replay is paused, so status, asked after, shows no less.
  const auto status = it::pgdba({"-o", "json", "replication", "status"}, "", on_standby);
  REQUIRE(status.code == 0);
  const auto replay = it::parse_json(status.out)["replay"];
  REQUIRE(replay.size() == 1);
  CHECK(replay[0]["lag_bytes"].get<double>() >= doc["metrics"][0]["value"].get<double>());
  CHECK(replay[0]["replay"] == "paused");
  doc = run_json({"check", "replication-delay", "-w", "1s"}, on_standby);
  CHECK(doc["metrics"][0]["value"].get<double>() >= 1);
  CHECK(status_of(doc) == "WARNING");

  // Resumed and caught up, then the primary stays idle: no delay, however
  // old the last commit gets.
  sql(standby, "select pg_wal_replay_resume()");
  REQUIRE(
      it::wait_for([&] { return sql(standby, "select pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()") == "t"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  doc = run_json({"check", "replication-delay", "-w", "1s"}, on_standby);
  CHECK(status_of(doc) == "OK");
  CHECK(doc["metrics"][0]["value"] == 0);
  CHECK(doc["metrics"][0]["detail"].get<std::string>().find("idle primary") != std::string::npos);
  CHECK(doc["metrics"][0]["status"] == "OK");
}

TEST_CASE("check password-expiry, superuser-count, configuration and hba-trust judge what the server has", "[check]") {
  const std::string soon = it::unique("chk_soon");
  const std::string gone = it::unique("chk_gone");
  it::query_value("create role " + soon + " login valid until '" +
                  it::query_value("select (now() + interval '3 days')::text") + "'");
  it::query_value("create role " + gone + " login valid until '2001-01-01'");
  auto doc = run_json({"check", "password-expiry"});
  CHECK(metric(doc, soon)["status"] == "WARNING");   // inside the default 7 days
  CHECK(metric(doc, gone)["status"] == "CRITICAL");  // expired: negative
  CHECK(metric(doc, gone)["value"].get<double>() < 0);
  it::query_value("drop role " + soon);
  it::query_value("drop role " + gone);
  CHECK(metric(run_json({"check", "password-expiry"}), soon) == nullptr);

  // The test cluster runs as postgres, a superuser, with fsync off and
  // trust on the loopback addresses (initdb --auth=trust).
  doc = run_json({"check", "superuser-count", "-w", "0"});
  CHECK(status_of(doc) == "WARNING");
  CHECK(doc["metrics"][0]["detail"].get<std::string>().find("postgres") != std::string::npos);
  doc = run_json({"check", "configuration"});
  CHECK(status_of(doc) == "CRITICAL");
  CHECK(metric(doc, "fsync")["detail"].get<std::string>().find("crash") != std::string::npos);
  doc = run_json({"check", "hba-trust"});
  CHECK(status_of(doc) == "WARNING");  // loopback only: 1
  for (const auto& m : doc["metrics"])
    CHECK(m["value"] == 1);
}

TEST_CASE("check prepared-transactions, oldest-xmin, settings-changed and pending-restart on a cluster of their own",
          "[check]") {
  it::PrivateCluster pc("max_prepared_transactions = 5\n");
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  it::Env env = pc.env();
  env["XDG_STATE_HOME"] = state;
  auto conn = pc.connect();
  {
    pqxx::nontransaction n(conn);
    n.exec("create table t (a int)");
  }
  {
    pqxx::work w(conn);
    w.exec("insert into t values (1)");
    w.exec("prepare transaction 'chk_gid'");
    w.commit();
  }
  // A prepared transaction's xmin holds the horizon, older with every
  // transaction after it.
  auto other = pc.connect();
  for (int i = 0; i < 3; ++i) {
    pqxx::work w(other);
    w.exec("select txid_current()");
    w.commit();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto doc = run_json({"check", "prepared-transactions", "-w", "1s", "-c", "1h"}, env);
  CHECK(metric(doc, "chk_gid")["status"] == "WARNING");
  doc = run_json({"check", "oldest-xmin", "-w", "1", "-c", "1000000"}, env);
  const auto m = metric(doc, "prepared chk_gid");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= 3);
  CHECK(m["status"] == "WARNING");
  {
    pqxx::nontransaction n(other);
    n.exec("rollback prepared 'chk_gid'");
  }
  CHECK(run_json({"check", "prepared-transactions"}, env)["metrics"].empty());

  // settings-changed: a baseline, then the setting a reload changed.
  doc = run_json({"check", "settings-changed"}, env);
  CHECK(doc["checks"][0]["message"].get<std::string>().find("first run") == 0);
  {
    pqxx::nontransaction n(other);
    n.exec("alter system set work_mem = '7MB'");
    n.exec("alter system set shared_buffers = '64MB'");
    n.exec("select pg_reload_conf()");
  }
  REQUIRE(it::wait_for([&] { return run_json({"check", "pending-restart"}, env)["metrics"].size() == 1; }, 10));
  doc = run_json({"check", "settings-changed"}, env);
  CHECK(status_of(doc) == "WARNING");
  CHECK(metric(doc, "work_mem") != nullptr);
  CHECK(run_json({"check", "settings-changed"}, env)["metrics"].empty());  // nothing new since
  doc = run_json({"check", "pending-restart"}, env);
  CHECK(status_of(doc) == "WARNING");
  CHECK(metric(doc, "shared_buffers") != nullptr);
}

TEST_CASE("check deadlocks counts a real deadlock on the next run", "[check]") {
  it::ScratchDb db("chk_deadlock");
  db.exec("create table a (x int); create table b (x int); insert into a values (1); insert into b values (1)");
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  const it::Env env{{"XDG_STATE_HOME", state}};
  run_json({"check", "deadlocks"}, env);  // the baseline
  auto c1 = it::connect(db.name());
  auto c2 = it::connect(db.name());
  pqxx::work t1(c1);
  pqxx::work t2(c2);
  t1.exec("update a set x = 2");
  t2.exec("update b set x = 2");
  bool failed1 = false;
  std::thread first([&] {
    try {
      t1.exec("update b set x = 3");
    } catch (const std::exception&) {
      failed1 = true;
      t1.abort();  // releases its locks: the other update goes on
    }
  });
  bool failed2 = false;
  try {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    t2.exec("update a set x = 3");
  } catch (const std::exception&) {
    failed2 = true;
  }
  if (failed2) t2.abort();
  first.join();
  REQUIRE(failed1 != failed2);  // the server broke the deadlock by failing one
  REQUIRE(it::wait_for(
      [&] {
        return it::query_value("select deadlocks from pg_stat_database where datname = '" + db.name() + "'") != "0";
      },
      10));
  const auto doc = run_json({"check", "deadlocks"}, env);
  const auto m = metric(doc, "", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["value"] == 1);
  CHECK(m["status"] == "WARNING");
}

TEST_CASE(
    "check security: an audit finding made in the database is a metric valued by its severity, gone once "
    "fixed, waived by the config file",
    "[check][audit]") {
  it::ScratchDb db("chk_sec");
  db.exec("create table open_rls (a int)");
  db.exec("alter table open_rls enable row level security");  // PGDBA-SEC-086, medium: no policy
  const auto rls_metric = [&](const nlohmann::json& doc) {
    for (const auto& m : doc["metrics"])
      if (m["object"].get<std::string>().rfind("PGDBA-SEC-086", 0) == 0 &&
          m["object"].get<std::string>().find("open_rls") != std::string::npos)
        return m;
    return nlohmann::json();
  };
  auto r = db.pgdba({"check", "security", "-o", "json"});
  INFO(r.out << r.err);
  auto doc = it::parse_json(r.out);
  const auto m = rls_metric(doc);
  REQUIRE(m.is_object());
  CHECK(m["database"] == db.name());
  CHECK(m["value"] == 2);  // medium
  CHECK(m["status"] == "WARNING");
  CHECK(r.code >= 1);
  CHECK(doc["checks"][0]["status"] != "UNKNOWN");

  const std::string cfg = it::temp_file("[audit]\nskip = [\"PGDBA-SEC-086\"]\n", ".toml");
  r = db.pgdba({"check", "security", "-o", "json"}, "", {{"PGDBA_CONFIG", cfg}});
  INFO(r.err);
  CHECK(rls_metric(it::parse_json(r.out)).is_null());

  db.exec("alter table open_rls disable row level security");
  r = db.pgdba({"check", "security", "-o", "json"});
  CHECK(rls_metric(it::parse_json(r.out)).is_null());
}

TEST_CASE("check bloat and index-bloat: real bloat by estimate and, with --exact, as pgstattuple measures it",
          "[check][matrix]") {
  it::ScratchDb db("chk_bloat");
  db.exec(
      "create extension pgstattuple; "
      "create table bloated (id int primary key, v text) with (autovacuum_enabled = off); "
      "create table tight (id int primary key, v text) with (autovacuum_enabled = off); "
      "insert into bloated select g, md5(g::text) from generate_series(1, 50000) g; "
      "insert into tight select g, md5(g::text) from generate_series(1, 50000) g");
  db.exec("delete from bloated where id % 10 <> 0");
  db.exec("vacuum analyze bloated");
  db.exec("vacuum analyze tight");
  const std::vector<std::string> args{"--database", db.name(), "-w", "500kB", "-c", "1MB"};
  for (const bool exact : {false, true}) {
    INFO("exact " << exact);
    std::vector<std::string> a{"check", "bloat"};
    a.insert(a.end(), args.begin(), args.end());
    if (exact) a.push_back("--exact");
    const auto doc = run_json(a);
    const auto m = metric(doc, "public.bloated", db.name());
    REQUIRE(m != nullptr);
    CHECK(m["status"] == "CRITICAL");  // 90% of ~3.3 MB is empty
    CHECK(m["value"].get<double>() > 1024.0 * 1024);
    CHECK((m["detail"].get<std::string>().rfind("measured ", 0) == 0) == exact);
    const auto t = metric(doc, "public.tight", db.name());
    if (t != nullptr) CHECK(t["status"] == "OK");
    CHECK(status_of(doc) == "CRITICAL");
  }
  // The primary key of the bloated table keeps its size: index bloat, measured.
  const auto idx = run_json({"check", "index-bloat", "--exact", "--database", db.name(), "-w", "100kB", "-c", "300kB"});
  const auto m = metric(idx, "public.bloated_pkey", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "CRITICAL");
  CHECK(m["detail"].get<std::string>().rfind("measured ", 0) == 0);
  // Without pgstattuple, --exact cannot judge: UNKNOWN, saying what to do.
  db.exec("drop extension pgstattuple");
  const auto r = it::pgdba({"check", "bloat", "--database", db.name(), "--exact"});
  CHECK(r.code == 3);
  CHECK(r.out.find("CREATE EXTENSION pgstattuple") != std::string::npos);
}

// Server-wide checks on a cluster of the test's own, each state made for
// real: a fresh start, forced checkpoints, broken lines in pg_hba.conf and
// postgresql.conf (read by the server's views, not reloaded), a logical slot
// nobody reads, a table bigger than shared_buffers, a database that grows and
// writes temporary files, mostly rolled-back transactions.
TEST_CASE(
    "check uptime, version, checkpoints, hba-errors, config-errors, logical-slot-lag, commit-ratio, "
    "temp-files, database-growth, locks and wal-files on states made for them",
    "[check][matrix]") {
  it::PrivateCluster pc("wal_level = logical\nmax_replication_slots = 4\nshared_buffers = 1MB\n");
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  const it::Env env{{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}, {"XDG_STATE_HOME", state}};
  auto c = pc.connect();
  const auto sql = [&](const std::string& q) {
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(q);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  };

  // Started seconds ago: under the default 10m: a restart.
  auto doc = run_json({"check", "uptime"}, env);
  CHECK(status_of(doc) == "WARNING");
  CHECK(doc["metrics"][0]["value"].get<double>() < 600);
  CHECK(status_of(run_json({"check", "uptime", "-w", "0:"}, env)) == "OK");

  const long version = std::stol(sql("select current_setting('server_version_num')"));
  CHECK(status_of(run_json({"check", "version", "-c", std::to_string(version + 1) + ":"}, env)) == "CRITICAL");
  doc = run_json({"check", "version", "-c", std::to_string(version) + ":"}, env);
  CHECK(status_of(doc) == "OK");
  CHECK(doc["metrics"][0]["value"].get<long>() == version);

  // Only requested checkpoints so far: 100% requested is CRITICAL (60).
  for (int i = 0; i < 3; ++i)
    sql("checkpoint");
  REQUIRE(it::wait_for([&] { return run_json({"check", "checkpoints"}, env)["metrics"].size() == 1; }));
  doc = run_json({"check", "checkpoints"}, env);
  CHECK(doc["metrics"][0]["value"].get<double>() > 60);
  CHECK(status_of(doc) == "CRITICAL");

  // A logical slot nobody consumes while WAL is written.
  CHECK(status_of(run_json({"check", "logical-slot-lag"}, env)) == "OK");
  sql("select pg_create_logical_replication_slot('pgdba_lag_slot', 'test_decoding')");
  sql("create table big as select g, md5(g::text) from generate_series(1, 100000) g");
  doc = run_json({"check", "logical-slot-lag", "-w", "1MB", "-c", "1GB"}, env);
  auto m = metric(doc, "pgdba_lag_slot");
  REQUIRE(m != nullptr);
  CHECK(m["status"] == "WARNING");
  CHECK(m["value"].get<double>() > 1024 * 1024);
  sql("select pg_drop_replication_slot('pgdba_lag_slot')");

  // Shared buffers of 1 MB cannot hold the 6 MB table: reading it is mostly
  // reads from outside them.
  for (int i = 0; i < 3; ++i) {
    auto reader = pc.connect();
    pqxx::nontransaction(reader).exec("select count(*) from big");
  }
  REQUIRE(it::wait_for([&] {
    const auto x = metric(run_json({"check", "cache-hit"}, env), "", "postgres");
    return x != nullptr && x["value"].get<double>() < 80;
  }));
  CHECK(metric(run_json({"check", "cache-hit"}, env), "", "postgres")["status"] == "CRITICAL");

  // The xid age as the server counts it (a quiet cluster: nothing moves it).
  m = metric(run_json({"check", "wraparound"}, env), "", "postgres");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() ==
        Approx(std::stod(sql("select round(100.0 * age(datfrozenxid) / 2147483648, 3) from pg_database where "
                             "datname = 'postgres'"))));
  CHECK(m["status"] == "OK");

  // Locks per mode: one held in another session's transaction.
  {
    pqxx::work held(c);
    held.exec("lock table big in share mode");
    doc = run_json({"check", "locks", "-w", "0"}, env);
    m = metric(doc, "ShareLock");
    REQUIRE(m != nullptr);
    CHECK(m["status"] == "WARNING");
  }
  CHECK(metric(run_json({"check", "locks"}, env), "ShareLock") == nullptr);

  // pg_wal against max_wal_size: at least one 16 MB segment of 1GB.
  doc = run_json({"check", "wal-files", "-w", "0.1"}, env);
  CHECK(status_of(doc) == "WARNING");
  CHECK(doc["metrics"][0]["value"].get<double>() >= 100.0 * 16 / 1024 - 0.01);

  // Rates: a baseline run, then growth and temporary files in between.
  CHECK(run_json({"check", "database-growth"}, env)["metrics"].empty());
  CHECK(run_json({"check", "temp-files"}, env)["metrics"].empty());
  sql("create table grown as select g, md5(g::text) from generate_series(1, 50000) g");
  {
    // A session of its own: its statistics are flushed when it ends.
    auto sorter = pc.connect();
    pqxx::nontransaction tx(sorter);
    tx.exec("set work_mem = '64kB'");
    tx.exec("select count(*) from (select g from generate_series(1, 200000) g order by g desc) s");
  }
  REQUIRE(it::wait_for([&] {
    auto fresh = pc.connect();
    return pqxx::nontransaction(fresh)
        .exec("select temp_bytes > 0 from pg_stat_database where datname = 'postgres'")[0][0]
        .as<bool>();
  }));
  doc = run_json({"check", "database-growth", "-w", "1"}, env);
  m = metric(doc, "", "postgres");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() > 1);
  CHECK(m["status"] == "WARNING");
  // Each run judges what was written since the one before; the collector
  // of 13 and 14 may show the sort's bytes a moment later: run until a run
  // sees them.
  REQUIRE(it::wait_for(
      [&] {
        m = metric(run_json({"check", "temp-files", "-w", "1kB"}, env), "", "postgres");
        return m != nullptr && m["value"].get<double>() > 1024;
      },
      10));
  CHECK(m["status"] == "WARNING");

  // Mostly rolled back: 1000 rollbacks against a few commits.
  sql("create database ratio_db");
  {
    auto r = pc.connect("ratio_db");
    for (int i = 0; i < 1000; ++i) {
      pqxx::work tx(r);
      tx.exec("select 1");
      tx.abort();
    }
  }
  REQUIRE(it::wait_for([&] { return run_json({"check", "commit-ratio"}, env)["metrics"].size() >= 1; }));
  m = metric(run_json({"check", "commit-ratio"}, env), "", "ratio_db");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() < 50);
  CHECK(m["status"] == "CRITICAL");

  // Broken lines the server reports through pg_hba_file_rules and pg_file_settings.
  CHECK(status_of(run_json({"check", "hba-errors"}, env)) == "OK");
  CHECK(status_of(run_json({"check", "config-errors"}, env)) == "OK");
  const std::string data = pc.env().at("PGDBA_CLUSTER_DIR") + "/data";
  std::ofstream(data + "/pg_hba.conf", std::ios::app) << "host all all 10.0.0.1/99 md5\n";
  std::ofstream(data + "/postgresql.conf", std::ios::app) << "shared_buffers = 'lots'\n";
  doc = run_json({"check", "hba-errors"}, env);
  CHECK(status_of(doc) == "CRITICAL");
  REQUIRE(doc["metrics"].size() == 1);
  // Named by its line (and file, 16+): the line just added, the file's last.
  std::ifstream hba(data + "/pg_hba.conf");
  int lines = 0;
  for (std::string l; std::getline(hba, l);)
    ++lines;
  const std::string object = doc["metrics"][0]["object"].get<std::string>();
  CHECK((object == "line " + std::to_string(lines) || object == data + "/pg_hba.conf:" + std::to_string(lines)));
  doc = run_json({"check", "config-errors"}, env);
  CHECK(status_of(doc) == "CRITICAL");
  REQUIRE(!doc["metrics"].empty());
  CHECK(doc["metrics"][0]["detail"].get<std::string>().find("shared_buffers") != std::string::npos);
  fs::remove_all(state);
}

TEST_CASE("check long-running, dead-tuples, last-analyze, table-size and statement-time on states made for them",
          "[check][matrix]") {
  it::ScratchDb db("chk_state");
  db.exec(
      "create table churn (id int, v text) with (autovacuum_enabled = off); "
      "insert into churn select g, md5(g::text) from generate_series(1, 5000) g; analyze churn");
  db.exec("delete from churn where id <= 3000");  // 60% dead: CRITICAL (50)
  REQUIRE(it::wait_for(
      [&] { return db.value("select n_dead_tup from pg_stat_user_tables where relname = 'churn'") == "3000"; }));
  const std::vector<std::string> in_db{"--database", db.name()};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.end(), in_db.begin(), in_db.end());
    return a;
  };
  auto m = metric(run_json(args({"check", "dead-tuples"})), "public.churn", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() == Approx(60));
  CHECK(m["status"] == "CRITICAL");

  // Modified since its last analyze more than a second ago.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  m = metric(run_json(args({"check", "last-analyze", "-w", "1s", "-c", "1h"})), "public.churn", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= 1);
  CHECK(m["status"] == "WARNING");
  CHECK(m["detail"].get<std::string>().find("rows modified since") != std::string::npos);

  m = metric(run_json(args({"check", "table-size", "-w", "100kB", "-c", "1GB"})), "public.churn", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() == std::stod(db.value("select pg_total_relation_size('churn')")));
  CHECK(m["status"] == "WARNING");

  // pg_stat_statements (preloaded on the test cluster): a statement whose
  // mean time is over the threshold after ten calls.
  db.exec("create extension pg_stat_statements");
  {
    auto c = it::connect(db.name());
    for (int i = 0; i < 11; ++i)
      pqxx::nontransaction(c).exec("select pg_sleep(0.02)");
  }
  m = metric(run_json(args({"check", "statement-time", "-w", "10ms", "-c", "1h"})), "select pg_sleep($1)", db.name());
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= 0.02);
  CHECK(m["status"] == "WARNING");

  // A statement running for seconds in another session.
  std::thread sleeper([&] {
    auto c = it::connect(db.name());
    pqxx::nontransaction(c).exec("select pg_sleep(4)");
  });
  nlohmann::json found;
  const bool seen = it::wait_for([&] {
    const auto doc = run_json({"check", "long-running", "-w", "1s", "-c", "1h"});
    for (const auto& x : doc["metrics"])
      if (x["detail"].get<std::string>().find("pg_sleep(4)") != std::string::npos && x["value"].get<double>() >= 1)
        found = x;
    return !found.is_null();
  });
  sleeper.join();
  REQUIRE(seen);
  CHECK(found["status"] == "WARNING");
  CHECK(found["object"].get<std::string>().rfind("pid ", 0) == 0);
}

TEST_CASE(
    "check autovacuum-workers, mxid-wraparound and tablespace-size on states made for them, on a cluster of "
    "their own",
    "[check]") {
  it::PrivateCluster pc("autovacuum_max_workers = 1\nautovacuum_naptime = 1\n");
  const it::Env env = pc.env();
  auto conn = pc.connect();
  const auto sql = [&](const std::string& q) {
    pqxx::nontransaction n(conn);
    const auto r = n.exec(q);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  };

  // tablespace-size: a tablespace of its own holding one table.
  const std::string dir = fs::temp_directory_path() / it::unique("check_space");
  fs::create_directory(dir);
  if (geteuid() == 0) REQUIRE(it::shell("chown postgres:postgres '" + dir + "'").code == 0);
  sql("create tablespace chk_space location '" + dir + "'");
  sql("create table in_space tablespace chk_space as select g, repeat('x', 100) pad from generate_series(1, 20000) g");
  const double table_bytes = std::stod(sql("select pg_total_relation_size('in_space')"));
  auto doc = run_json({"check", "tablespace-size", "-w", std::to_string(static_cast<long long>(table_bytes / 2))}, env);
  auto m = metric(doc, "chk_space");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= table_bytes);
  CHECK(m["detail"] == dir);
  CHECK(m["status"] == "WARNING");
  CHECK(metric(run_json({"check", "tablespace-size", "-w", "1TB"}, env), "chk_space")["status"] == "OK");

  // mxid-wraparound: a row share-locked by a held transaction and then by
  // another makes a multixact of the two; 1000 other transactions, 1000
  // multixacts (a backend reuses one for the same members). Every
  // database's age counts them.
  sql("create table shared_rows as select g from generate_series(1, 1000) g");
  {
    auto c1 = pc.connect();
    pqxx::work t1(c1);
    t1.exec("select * from shared_rows for share");
    sql("do $$ begin for i in 1..1000 loop perform 1 from shared_rows where g = i for share; commit; end loop; end $$");
    t1.commit();
  }
  const double age = std::stod(sql("select mxid_age(datminmxid) from pg_database where datname = 'postgres'"));
  REQUIRE(age >= 1000);
  doc = run_json({"check", "mxid-wraparound", "-w", "0"}, env);
  m = metric(doc, "", "postgres");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() == Approx(100.0 * age / 2147483648.0).epsilon(0.01));
  CHECK(m["status"] == "WARNING");
  CHECK(status_of(run_json({"check", "mxid-wraparound"}, env)) == "OK");

  // autovacuum-workers: the one worker allowed, held on a table it vacuums
  // one page per 100 ms.
  sql("create table churn with (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1, "
      "autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0) "
      "as select g from generate_series(1, 200000) g");
  sql("delete from churn");
  REQUIRE(it::wait_for(
      [&] { return sql("select count(*) from pg_stat_progress_vacuum where relid = 'churn'::regclass") == "1"; }, 60));
  doc = run_json({"check", "autovacuum-workers"}, env);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"] == 100);
  CHECK(doc["metrics"][0]["detail"] == "1 of 1 workers");
  CHECK(status_of(doc) == "CRITICAL");
  sql("drop table in_space");
  sql("drop tablespace chk_space");
  fs::remove_all(dir);
}

TEST_CASE("check checksum-failures counts a page that fails its checksum, on a cluster with data checksums",
          "[check]") {
  it::PrivateCluster pc("", "--data-checksums");
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  it::Env env = pc.env();
  env["XDG_STATE_HOME"] = state;
  std::string file;
  {
    auto conn = pc.connect();
    pqxx::nontransaction n(conn);
    n.exec("create table t as select g from generate_series(1, 1000) g");
    n.exec("checkpoint");
    file = n.exec("select current_setting('data_directory') || '/' || pg_relation_filepath('t')")[0][0].c_str();
  }
  auto doc = run_json({"check", "checksum-failures"}, env);  // the baseline
  CHECK(doc["checks"][0]["message"].get<std::string>().find("first run") == 0);
  // Stopped, a byte in the middle of the table's first page changed, started:
  // the page is read from disk again and fails its checksum.
  const std::string as_server = geteuid() == 0 ? "runuser -u postgres -- " : "";
  const std::string pg_ctl =
      as_server + env.at("PGDBA_PG_BINDIR") + "/pg_ctl -w -D '" + env.at("PGDBA_CLUSTER_DIR") + "/data' ";
  REQUIRE(it::shell(pg_ctl + "stop -m fast").code == 0);
  REQUIRE(it::shell("printf 'XXXXXXXX' | dd of='" + file + "' bs=1 seek=5000 conv=notrunc status=none").code == 0);
  REQUIRE(it::shell(pg_ctl + "start -l '" + env.at("PGDBA_CLUSTER_DIR") + "/restart.log'").code == 0);
  {
    auto conn = pc.connect();
    pqxx::nontransaction n(conn);
    CHECK_THROWS_WITH(n.exec("select count(*) from t"), Catch::Contains("invalid page"));
  }
  REQUIRE(it::wait_for([&] {
    auto conn = pc.connect();
    pqxx::nontransaction n(conn);
    return std::string(n.exec("select sum(checksum_failures) from pg_stat_database")[0][0].c_str()) != "0";
  }));
  doc = run_json({"check", "checksum-failures"}, env);
  const auto m = metric(doc, "", "postgres");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= 1);
  CHECK(status_of(doc) == "CRITICAL");
  CHECK(status_of(run_json({"check", "checksum-failures"}, env)) == "OK");  // nothing new since
}

TEST_CASE(
    "check conflicts and hot-standby-feedback on a real standby: a query cancelled by replay, an xmin held "
    "back",
    "[check][replication]") {
  it::PrivateCluster primary(
      "max_standby_streaming_delay = 0\nhot_standby_feedback = off\n"
      "wal_receiver_status_interval = 1\n");
  it::PrivateCluster standby(primary, it::PrivateCluster::Standby{});
  const std::string state = fs::temp_directory_path() / it::unique("check_state");
  it::Env on_standby = standby.env();
  on_standby["XDG_STATE_HOME"] = state;
  const it::Env on_primary = primary.env();
  const auto sql = [](const it::PrivateCluster& c, const std::string& q) {
    auto conn = c.connect();
    pqxx::nontransaction n(conn);
    const auto r = n.exec(q);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  };
  sql(primary, "create table t as select g from generate_series(1, 1000) g");
  REQUIRE(it::wait_for([&] {
    try {
      return sql(standby, "select count(*) from t") == "1000";
    } catch (const std::exception&) {
      return false;  // not replayed yet
    }
  }));

  // conflicts: a snapshot held on the standby while the primary vacuums
  // away the rows it sees; replay may not wait (max_standby_streaming_delay 0).
  auto doc = run_json({"check", "conflicts"}, on_standby);  // the baseline
  CHECK(doc["checks"][0]["message"].get<std::string>().find("first run") == 0);
  {
    auto held = standby.connect();
    pqxx::work tx(held);
    tx.exec("set transaction isolation level repeatable read");
    tx.exec("select count(*) from t");
    sql(primary, "delete from t");
    sql(primary, "vacuum t");
    REQUIRE(it::wait_for(
        [&] { return sql(standby, "select sum(confl_snapshot) from pg_stat_database_conflicts") != "0"; }));
  }
  doc = run_json({"check", "conflicts"}, on_standby);
  const auto m = metric(doc, "", "postgres");
  REQUIRE(m != nullptr);
  CHECK(m["value"].get<double>() >= 1);
  CHECK(status_of(doc) == "WARNING");

  // hot-standby-feedback: with feedback on, a snapshot held on the standby
  // holds the primary's xmin while transactions go by.
  sql(standby, "alter system set hot_standby_feedback = on");
  sql(standby, "select pg_reload_conf()");
  auto held = standby.connect();
  pqxx::work tx(held);
  tx.exec("set transaction isolation level repeatable read");
  tx.exec("select count(*) from t");
  REQUIRE(it::wait_for(
      [&] { return sql(primary, "select count(*) from pg_stat_replication where backend_xmin is not null") == "1"; }));
  for (int i = 0; i < 50; ++i)
    sql(primary, "select txid_current()");
  doc = run_json({"check", "hot-standby-feedback", "-w", "20"}, on_primary);
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["value"].get<double>() >= 50);
  CHECK(status_of(doc) == "WARNING");
  tx.abort();
  // Released: the standby's xmin comes back to the present.
  REQUIRE(it::wait_for([&] {
    return std::stol(sql(primary, "select coalesce(max(age(backend_xmin)), 0) from pg_stat_replication")) < 20;
  }));
  CHECK(status_of(run_json({"check", "hot-standby-feedback", "-w", "20"}, on_primary)) == "OK");
}
