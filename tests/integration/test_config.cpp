// config show/get/set/reset/diff/advise against real servers. Changing
// parameters happens on clusters of the test's own: ALTER SYSTEM and a
// reload on the shared cluster would change what parallel tests see.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// pgdba and SQL on a cluster of the test's own.
struct ConfigCluster {
  // The shared cluster's variables first: PGDBA_PG_BINDIR among them, so
  // the version matrix starts this cluster on the same major.
  const it::Env& shared = it::cluster();
  it::PrivateCluster pc;
  it::Env env() const { return {{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}}; }
  it::Run run(const std::vector<std::string>& args) const { return pgdba(args, "", env()); }
  std::string conninfo() const {
    return "host=" + pc.env().at("PGHOST") + " port=" + pc.env().at("PGPORT") + " user=postgres dbname=postgres";
  }
  std::string value(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(sql);
    return r[0][0].is_null() ? "" : r[0][0].c_str();
  }
  void exec(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  // Waits for a reload to reach new sessions.
  bool becomes(const std::string& sql, const std::string& want) const {
    for (int i = 0; i < 100; ++i) {
      if (value(sql) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  std::string auto_conf() const {
    std::ifstream in(pc.env().at("PGDBA_CLUSTER_DIR") + "/data/postgresql.auto.conf");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

const nlohmann::json* find_row(const nlohmann::json& rows, const std::string& key, const std::string& value) {
  for (const auto& r : rows)
    if (r[key].is_string() && r[key] == value) return &r;
  return nullptr;
}

int server_major() {
  return std::stoi(it::query_value("select current_setting('server_version_num')")) / 10000;
}

}  // namespace

TEST_CASE("config show lists pg_settings with readable values, sizes in bytes, and filters", "[config][matrix]") {
  const auto table = pgdba({"config", "show"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("shared_buffers") && Catch::Contains("pending_restart"));

  const auto json = pgdba({"-o", "json", "config", "show"});
  REQUIRE(json.code == 0);
  const auto rows = it::parse_json(json.out);
  CHECK(rows.size() == std::stoul(it::query_value("select count(*) from pg_settings")));
  const auto* sb = find_row(rows, "name", "shared_buffers");
  REQUIRE(sb != nullptr);
  CHECK((*sb)["value"] == it::query_value("select current_setting('shared_buffers')"));
  CHECK((*sb)["unit"] == "8kB");
  CHECK((*sb)["bytes"].get<long long>() ==
        std::stoll(it::query_value("select setting::int8 * 8192 from pg_settings where name = 'shared_buffers'")));
  CHECK((*sb)["seconds"].is_null());
  CHECK((*sb)["context"] == "postmaster");
  CHECK((*sb)["pending_restart"].is_boolean());
  const auto* ct = find_row(rows, "name", "checkpoint_timeout");
  REQUIRE(ct != nullptr);
  CHECK((*ct)["seconds"].get<double>() ==
        std::stod(it::query_value("select setting from pg_settings where name = 'checkpoint_timeout'")));
  const auto* ldm = find_row(rows, "name", "log_min_duration_statement");
  REQUIRE(ldm != nullptr);
  CHECK((*ldm)["seconds"].is_null());  // -1: off, not a duration

  // The test cluster's postgresql.conf sets log_statement and max_connections.
  const auto changed = it::parse_json(pgdba({"-o", "json", "config", "show", "--changed"}).out);
  const auto* ls = find_row(changed, "name", "log_statement");
  REQUIRE(ls != nullptr);
  CHECK((*ls)["value"] == "all");
  CHECK((*ls)["source"] == "configuration file");
  CHECK_THAT((*ls)["location"].get<std::string>(), Catch::Contains("postgresql.conf:"));
  CHECK(find_row(changed, "name", "random_page_cost") == nullptr);  // default
  CHECK(find_row(changed, "name", "application_name") == nullptr);  // pgdba's own connection
  for (const auto& r : changed)
    CHECK(r["source"] != "default");

  const auto memory = it::parse_json(pgdba({"-o", "json", "config", "show", "--category", "MEMORY"}).out);
  CHECK(find_row(memory, "name", "work_mem") != nullptr);
  for (const auto& r : memory)
    CHECK_THAT(r["category"].get<std::string>(), Catch::Contains("Memory"));

  const auto file = it::parse_json(pgdba({"-o", "json", "config", "show", "--source", "Configuration File"}).out);
  CHECK(find_row(file, "name", "max_connections") != nullptr);
  for (const auto& r : file)
    CHECK(r["source"] == "configuration file");

  const auto pending = pgdba({"-o", "json", "config", "show", "--pending-restart"});
  REQUIRE(pending.code == 0);
  for (const auto& r : it::parse_json(pending.out))
    CHECK(r["pending_restart"] == true);
}

TEST_CASE("config get shows one parameter in detail, and for an unknown name what was meant", "[config][matrix]") {
  const auto r = pgdba({"-o", "json", "config", "get", "Work_Mem"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["name"] == "work_mem");
  CHECK(rows[0]["vartype"] == "integer");
  CHECK(rows[0]["unit"] == "kB");
  CHECK(rows[0]["min_val"] == "64");
  CHECK(rows[0]["bytes"].get<long long>() ==
        1024 * std::stoll(it::query_value("select setting from pg_settings where name = 'work_mem'")));
  const auto wl = it::parse_json(pgdba({"-o", "json", "config", "get", "wal_level"}).out);
  CHECK(wl[0]["enumvals"] == nlohmann::json::array({"minimal", "replica", "logical"}));

  const auto table = pgdba({"config", "get", "checkpoint_timeout"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("checkpoint_timeout") && Catch::Contains("sighup"));

  const auto typo = pgdba({"config", "get", "shared_bufers"});
  CHECK(typo.code == 1);
  CHECK_THAT(typo.err, Catch::Contains("unrecognized configuration parameter \"shared_bufers\"") &&
                           Catch::Contains("did you mean shared_buffers"));
  CHECK(it::count_lines(typo.err) == 1);
  const auto hostile = pgdba({"config", "get", "x\"; select 1; --"});
  CHECK(hostile.code == 1);
  CHECK(pgdba({"config", "get", std::string(64, 'x')}).code == 2);
  CHECK(pgdba({"config", "get"}).code == 2);
}

TEST_CASE("config set refuses a bad value before sending anything", "[config][matrix]") {
  it::ServerLog log;
  const auto small = pgdba({"config", "set", "shared_buffers", "64kB"});
  CHECK(small.code == 2);
  CHECK_THAT(small.err, Catch::Contains("shared_buffers") && Catch::Contains("outside the allowed range") &&
                            Catch::Contains("128kB"));
  const auto big = pgdba({"config", "set", "checkpoint_timeout", "2d"});
  CHECK(big.code == 2);
  CHECK_THAT(big.err, Catch::Contains("30 .. 86400 s (30s .. 1d)"));
  const auto unit = pgdba({"config", "set", "work_mem", "5min"});
  CHECK(unit.code == 2);
  CHECK_THAT(unit.err, Catch::Contains("B, kB, MB, GB and TB"));
  const auto bad_enum = pgdba({"config", "set", "wal_level", "archive"});
  CHECK(bad_enum.code == 2);
  CHECK_THAT(bad_enum.err, Catch::Contains("minimal, replica, logical"));
  const auto bad_bool = pgdba({"config", "set", "autovacuum", "sometimes"});
  CHECK(bad_bool.code == 2);
  const auto internal = pgdba({"config", "set", "block_size", "4096"});
  CHECK(internal.code == 2);
  CHECK_THAT(internal.err, Catch::Contains("cannot be changed"));
  const auto unknown = pgdba({"config", "set", "work_men", "4MB"});
  CHECK(unknown.code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("did you mean work_mem"));
  CHECK(log.never_saw("ALTER SYSTEM"));
}

TEST_CASE("config set and reset write postgresql.auto.conf and say what the change needs", "[config][matrix]") {
  ConfigCluster own;
  const auto set = own.run({"-o", "json", "config", "set", "work_mem", "64MB", "--reload"});
  REQUIRE(set.code == 0);
  const auto rows = it::parse_json(set.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["name"] == "work_mem");
  CHECK(rows[0]["value"] == "64MB");
  CHECK(rows[0]["previous"] == "4MB");
  CHECK(rows[0]["needs"] == "none");
  CHECK(rows[0]["reloaded"] == true);
  CHECK_THAT(own.auto_conf(), Catch::Contains("work_mem = '64MB'"));
  CHECK(own.becomes("select current_setting('work_mem')", "64MB"));

  // Without --reload it waits for one; a postmaster parameter for a restart.
  const auto mem = own.run({"-o", "json", "config", "set", "maintenance_work_mem", "1GB"});
  REQUIRE(mem.code == 0);
  CHECK(it::parse_json(mem.out)[0]["needs"] == "reload");
  const auto sb = own.run({"-o", "json", "config", "set", "SHARED_BUFFERS", "256MB", "--reload"});
  REQUIRE(sb.code == 0);
  CHECK(it::parse_json(sb.out)[0]["name"] == "shared_buffers");
  CHECK(it::parse_json(sb.out)[0]["needs"] == "restart");
  CHECK_THAT(sb.err, Catch::Contains("restart"));
  CHECK_THAT(own.auto_conf(), Catch::Contains("shared_buffers = '256MB'"));
  CHECK(own.becomes("select pending_restart::text from pg_settings where name = 'shared_buffers'", "true"));
  const auto pending = it::parse_json(own.run({"-o", "json", "config", "show", "--pending-restart"}).out);
  CHECK(find_row(pending, "name", "shared_buffers") != nullptr);

  // Values are literals, names identifiers: a hostile string stays a string.
  const std::string hostile = "x'; select pg_terminate_backend(1); --\\ \"q\"";
  REQUIRE(own.run({"config", "set", "cluster_name", hostile}).code == 0);
  CHECK_THAT(own.auto_conf(), Catch::Contains("cluster_name = "));

  // A quoted list: each element its own literal.
  const auto list = own.run({"config", "set", "search_path", "\"$user\", public, app"});
  REQUIRE(list.code == 0);
  CHECK_THAT(own.auto_conf(), Catch::Contains("search_path = '\"$user\", public, app'"));

  // --dry-run sends nothing.
  const auto dry = own.run({"config", "set", "work_mem", "8MB", "--reload", "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK_THAT(dry.out, Catch::Contains("ALTER SYSTEM SET \"work_mem\" TO '8MB'") && Catch::Contains("pg_reload_conf"));
  CHECK_THAT(own.auto_conf(), Catch::Contains("work_mem = '64MB'"));

  for (const std::string name : {"work_mem", "maintenance_work_mem", "shared_buffers", "cluster_name", "search_path"}) {
    INFO(name);
    const auto reset = own.run({"-o", "json", "config", "reset", name, "--reload"});
    REQUIRE(reset.code == 0);
    CHECK(it::parse_json(reset.out)[0]["action"] == "reset");
    CHECK(own.auto_conf().find("\n" + name + " =") == std::string::npos);
  }
  CHECK(own.becomes("select current_setting('work_mem')", "4MB"));
  CHECK(own.run({"config", "reset", "no_such_parameter"}).code == 1);

  // A placeholder no module defines: ALTER SYSTEM takes it from 17 on.
  const auto custom = own.run({"config", "set", "myapp.mode", "fast"});
  if (std::stoi(own.value("select current_setting('server_version_num')")) >= 170000) {
    REQUIRE(custom.code == 0);
    CHECK_THAT(custom.err, Catch::Contains("not known to the server"));
    CHECK_THAT(own.auto_conf(), Catch::Contains("myapp.mode = 'fast'"));
    CHECK(own.run({"config", "reset", "myapp.mode"}).code == 0);
    CHECK(own.auto_conf().find("myapp.mode") == std::string::npos);
  } else {
    CHECK(custom.code == 1);
    CHECK_THAT(custom.err, Catch::Contains("unrecognized configuration parameter \"myapp.mode\""));
  }
}

TEST_CASE("config diff shows the parameters that differ across the fleet, a server that is down is exit 4",
          "[config]") {
  ConfigCluster second;
  second.exec("ALTER SYSTEM SET work_mem = '48MB'");
  second.exec("SELECT pg_reload_conf()");
  REQUIRE(second.becomes("select current_setting('work_mem')", "48MB"));
  const auto& main = it::cluster();
  const std::string services =
      it::temp_file("[main]\nhost=" + main.at("PGHOST") + "\nport=" + main.at("PGPORT") +
                        "\nuser=postgres\ndbname=postgres\n\n[second]\nhost=" + second.pc.env().at("PGHOST") +
                        "\nport=" + second.pc.env().at("PGPORT") +
                        "\nuser=postgres\ndbname=postgres\n\n"
                        "[down]\nhost=/tmp/pgdba-no-server-here\nport=1\nuser=postgres\n",
                    ".conf");
  const std::string config =
      it::temp_file("[defaults]\nconnect_timeout = 5\n\n[groups]\npair = [\"main\", \"second\"]\n", ".toml");
  const it::Env env = {{"PGSERVICEFILE", services}, {"PGSYSCONFDIR", "/nonexistent"}, {"PGDBA_CONFIG", config}};

  const auto pair = pgdba({"--group", "pair", "-o", "json", "config", "diff"}, "", env);
  REQUIRE(pair.code == 0);
  const auto rows = it::parse_json(pair.out);
  std::map<std::string, std::string> work_mem;
  std::set<std::string> names;
  for (const auto& r : rows) {
    names.insert(r["name"].get<std::string>());
    if (r["name"] == "work_mem") work_mem[r["target"]] = r["value"];
  }
  CHECK(work_mem == std::map<std::string, std::string>{{"main", it::query_value("select current_setting('work_mem')")},
                                                       {"second", "48MB"}});
  CHECK(names.count("port") == 1);             // each cluster has its own
  CHECK(names.count("max_connections") == 0);  // the same on both
  CHECK(names.count("data_directory") == 0);   // always differs, says nothing
  CHECK_FALSE(rows[0].contains("error"));

  const auto table = pgdba({"--target", "main", "--target", "second", "config", "diff"}, "", env);
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("work_mem") && Catch::Contains("48MB") && Catch::Contains("second"));

  const auto all = pgdba({"--all-targets", "-o", "json", "config", "diff"}, "", env);
  CHECK(all.code == 4);
  const auto with_down = it::parse_json(all.out);
  const auto* down = find_row(with_down, "target", "down");
  REQUIRE(down != nullptr);
  CHECK((*down)["name"].is_null());
  CHECK_THAT((*down)["error"].get<std::string>(), Catch::Contains("could not connect"));
  bool saw_work_mem = false;
  for (const auto& r : with_down)
    saw_work_mem = saw_work_mem || (r["name"] == "work_mem" && r["target"] == "second");
  CHECK(saw_work_mem);
  CHECK_THAT(all.err, Catch::Contains("target down"));

  // Two connections without a service file.
  const auto with = pgdba({"-o", "json", "config", "diff", "--with", second.conninfo()});
  REQUIRE(with.code == 0);
  const auto w = it::parse_json(with.out);
  std::set<std::string> work_mem_values;
  for (const auto& r : w)
    if (r["name"] == "work_mem") work_mem_values.insert(r["value"].get<std::string>());
  CHECK(work_mem_values.count("48MB") == 1);
  CHECK(work_mem_values.size() == 2);

  CHECK(pgdba({"--target", "main", "config", "diff"}, "", env).code == 2);
  CHECK(pgdba({"config", "diff"}).code == 2);
  CHECK(pgdba({"--target", "main", "config", "diff", "--with", "dbname=postgres"}, "", env).code == 2);
}

TEST_CASE("config advise names well-known problems with the reason and the manual's page", "[config][matrix]") {
  // The test clusters run with fsync off.
  const auto r = pgdba({"-o", "json", "config", "advise"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  const auto* fsync = find_row(rows, "setting", "fsync");
  REQUIRE(fsync != nullptr);
  CHECK((*fsync)["severity"] == "critical");
  CHECK((*fsync)["doc"] ==
        "https://www.postgresql.org/docs/" + std::to_string(server_major()) + "/runtime-config-wal.html#GUC-FSYNC");
  CHECK(rows[0]["severity"] == "critical");  // the worst first
  for (const auto& row : rows) {
    CHECK(row["reason"].get<std::string>().size() > 20);
    CHECK_THAT(row["doc"].get<std::string>(), Catch::StartsWith("https://www.postgresql.org/docs/"));
  }
  const auto table = pgdba({"config", "advise"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("critical") && Catch::Contains("fsync"));
}

TEST_CASE("config advise sees autovacuum off and checkpoints that are mostly requested", "[config][matrix]") {
  ConfigCluster own;
  own.exec("ALTER SYSTEM SET autovacuum = off");
  own.exec("SELECT pg_reload_conf()");
  REQUIRE(own.becomes("select current_setting('autovacuum')", "off"));
  for (int i = 0; i < 12; ++i) {
    own.exec("CREATE TABLE IF NOT EXISTS t (a int); INSERT INTO t VALUES (1)");
    own.exec("CHECKPOINT");
  }
  const bool v17 = std::stoi(own.value("select current_setting('server_version_num')")) >= 170000;
  const std::string requested =
      v17 ? "select num_requested from pg_stat_checkpointer" : "select checkpoints_req from pg_stat_bgwriter";
  for (int i = 0; i < 100 && std::stoi(own.value(requested)) < 10; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto r = own.run({"-o", "json", "config", "advise"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  const auto* av = find_row(rows, "setting", "autovacuum");
  REQUIRE(av != nullptr);
  CHECK(av->at("severity") == "warning");
  CHECK_THAT(av->at("doc").get<std::string>(), Catch::EndsWith("runtime-config-autovacuum.html#GUC-AUTOVACUUM"));
  const auto* wal = find_row(rows, "setting", "max_wal_size");
  REQUIRE(wal != nullptr);
  CHECK_THAT(wal->at("reason").get<std::string>(), Catch::Contains("requested rather than timed"));
  CHECK_THAT(wal->at("doc").get<std::string>(), Catch::EndsWith("wal-configuration.html"));
}
