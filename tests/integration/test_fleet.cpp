// The fleet: targets are services of pg_service.conf, groups come from the
// config file; several real clusters and one that is down.
#include <catch2/catch.hpp>

#include <set>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Three services (the shared test cluster, a cluster of the test's own, and
// one where no server runs) and a config file with a group.
struct Fleet {
  it::PrivateCluster second;
  std::string service_file;
  std::string config_file;
  it::Env env;

  Fleet() {
    const auto& main = it::cluster();
    service_file = it::temp_file(
        "# the fleet of the fleet tests\n"
        "[main]\nhost=" +
            main.at("PGHOST") + "\nport=" + main.at("PGPORT") +
            "\nuser=postgres\ndbname=postgres\n\n"
            "[second]\nhost=" +
            second.env().at("PGHOST") + "\nport=" + second.env().at("PGPORT") +
            "\nuser=postgres\ndbname=postgres\n\n"
            "[down]\nhost=/tmp/pgdba-no-server-here\nport=1\nuser=postgres\n",
        ".conf");
    config_file =
        it::temp_file("[defaults]\nconnect_timeout = 5\n\n[groups]\nprod = [\"main\", \"second\"]\n", ".toml");
    env = {{"PGSERVICEFILE", service_file}, {"PGSYSCONFDIR", "/nonexistent"}, {"PGDBA_CONFIG", config_file}};
  }
  it::Run run(const std::vector<std::string>& args) const { return pgdba(args, "", env); }
};

std::set<std::string> column(const nlohmann::json& rows, const std::string& key) {
  std::set<std::string> out;
  for (const auto& r : rows)
    out.insert(r[key].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("fleet: --all-targets answers from every server, one that is down is an error row and exit 4", "[fleet]") {
  Fleet f;
  const auto r = f.run({"--all-targets", "-o", "json", "sql", "-c", "select current_setting('port') as port"});
  CHECK(r.code == 4);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(column(rows, "target") == std::set<std::string>{"main", "second", "down"});
  for (const auto& row : rows) {
    if (row["target"] == "down") {
      CHECK(row["port"].is_null());
      CHECK_THAT(row["error"].get<std::string>(), Catch::Contains("could not connect"));
    } else {
      CHECK(row["error"].is_null());
      CHECK(row["port"] == (row["target"] == "main" ? it::cluster().at("PGPORT") : f.second.env().at("PGPORT")));
    }
  }
  CHECK_THAT(r.err, Catch::Contains("target down"));
}

TEST_CASE("fleet: --group runs on the config file's group, --target on named services", "[fleet]") {
  Fleet f;
  const auto g = f.run({"--group", "prod", "-o", "json", "sql", "-c", "select 1 as one"});
  REQUIRE(g.code == 0);
  const auto rows = it::parse_json(g.out);
  CHECK(column(rows, "target") == std::set<std::string>{"main", "second"});
  CHECK_FALSE(rows[0].contains("error"));

  it::ScratchDb db("fleetdb");
  const auto s = f.run({"--target", "main,second", "-o", "json", "schema", "list", "--all-databases"});
  REQUIRE(s.code == 0);
  const auto schemas = it::parse_json(s.out);
  std::set<std::string> pairs;
  for (const auto& row : schemas)
    pairs.insert(row["target"].get<std::string>() + "/" + row["database"].get<std::string>());
  CHECK(pairs.count("main/" + db.name()) == 1);
  CHECK(pairs.count("second/postgres") == 1);
  CHECK(pairs.count("second/" + db.name()) == 0);

  const auto unknown = f.run({"--target", "nosuch", "sql", "-c", "select 1"});
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("nosuch") && Catch::Contains("main"));
  const auto bad_group = f.run({"--group", "nosuch", "sql", "-c", "select 1"});
  CHECK(bad_group.code == 2);
  CHECK_THAT(bad_group.err, Catch::Contains("prod"));
  const auto mixed = f.run({"--target", "main", "-h", "/tmp", "sql", "-c", "select 1"});
  CHECK(mixed.code == 2);
}

TEST_CASE("target list shows the inventory, --check connects to each", "[fleet]") {
  Fleet f;
  const auto l = f.run({"-o", "json", "target", "list"});
  REQUIRE(l.code == 0);
  const auto rows = it::parse_json(l.out);
  CHECK(column(rows, "target") == std::set<std::string>{"main", "second", "down"});
  CHECK(l.out.find("password") == std::string::npos);

  const auto c = f.run({"-o", "json", "target", "list", "--check"});
  CHECK(c.code == 4);
  const auto checked = it::parse_json(c.out);
  REQUIRE(checked.size() == 3);
  for (const auto& row : checked) {
    if (row["target"] == "down") {
      CHECK(row["role"].is_null());
      CHECK_FALSE(row["error"].is_null());
    } else {
      CHECK(row["role"] == "primary");
      CHECK(row["latency"].get<double>() >= 0);
      CHECK_THAT(
          row["version"].get<std::string>(),
          Catch::StartsWith(it::cluster().count("PGDBA_PG_MAJOR") != 0 ? it::cluster().at("PGDBA_PG_MAJOR") : ""));
    }
  }
}

TEST_CASE("a mutating statement across the fleet needs --yes and is audited per target", "[fleet]") {
  Fleet f;
  const std::string table = it::unique("fleet_t");
  const auto refused = f.run({"--group", "prod", "sql", "-c", "create table " + table + " (a int)"});
  CHECK(refused.code == 2);
  const std::string audit = it::temp_file("", ".jsonl");
  const auto done =
      f.run({"--group", "prod", "--yes", "--audit-log", audit, "sql", "-c", "create table " + table + " (a int)"});
  REQUIRE(done.code == 0);
  CHECK(it::query_value("select count(*) from pg_class where relname = '" + table + "'") == "1");
  pgdba({"--group", "prod", "--yes", "sql", "-c", "drop table " + table}, "", f.env);
}
