#include <unistd.h>
#include <catch2/catch.hpp>

#include "tests/unit/support.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "src/config.hpp"
#include "src/errors.hpp"
#include "src/inventory.hpp"
#include "src/targets.hpp"

using namespace pgdba;
using unit::EnvGuard;
using unit::TempDir;
namespace fs = std::filesystem;
using Names = std::vector<std::string>;

namespace {

// The usage error message `f` throws; fails the test if it throws nothing.
template <typename F>
std::string usage_message(F f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    return e.what();
  }
  FAIL("no error thrown");
  return "";
}

// The usage error read_config throws for a config file holding `toml`,
// with the temporary path replaced by "F".
std::string config_error(const std::string& toml) {
  TempDir dir;
  const std::string path = dir.write("config.toml", toml);
  std::string msg = usage_message([&] { read_config(path); });
  if (msg.compare(0, path.size(), path) == 0) msg = "F" + msg.substr(path.size());
  return msg;
}

Config parse_config(const std::string& toml) {
  TempDir dir;
  return read_config(dir.write("config.toml", toml));
}

// An inventory of the given service names, as read from one user file.
Inventory inventory(const Names& names) {
  Inventory inv;
  inv.files = {{"/home/u/.pg_service.conf", "home", ServiceFile::State::Read},
               {"/etc/postgresql-common/pg_service.conf", "built-in", ServiceFile::State::Missing}};
  for (const auto& n : names)
    inv.services.push_back(Target{n, "/home/u/.pg_service.conf", 1, {}, {}, {}, {}});
  return inv;
}

Config groups(std::map<std::string, Names> g) {
  Config cfg;
  cfg.path = "/home/u/.config/pgdba/config.toml";
  cfg.found = true;
  cfg.groups = std::move(g);
  return cfg;
}

TargetRequest request(Names targets, Names group_names = {}, bool all = false) {
  TargetRequest r;
  r.targets = std::move(targets);
  r.groups = std::move(group_names);
  r.all_targets = all;
  return r;
}

}  // namespace

TEST_CASE("config_location: PGDBA_CONFIG, then XDG_CONFIG_HOME, then ~/.config", "[config]") {
  EnvGuard env;
  env.set("PGDBA_CONFIG", "/etc/pgdba fleet.toml").set("XDG_CONFIG_HOME", "/xdg").set("HOME", "/home/u");
  ConfigLocation where = config_location();
  CHECK(where.path == "/etc/pgdba fleet.toml");
  CHECK(where.from_env);

  env.set("PGDBA_CONFIG", "");  // empty counts as unset
  where = config_location();
  CHECK(where.path == "/xdg/pgdba/config.toml");
  CHECK_FALSE(where.from_env);

  env.set("XDG_CONFIG_HOME", "relative/dir");  // the XDG spec says: ignore it
  CHECK(config_location().path == "/home/u/.config/pgdba/config.toml");
  env.set("XDG_CONFIG_HOME", std::nullopt).set("PGDBA_CONFIG", std::nullopt);
  CHECK(config_location().path == "/home/u/.config/pgdba/config.toml");
}

TEST_CASE("read_config: a missing file is an empty config unless PGDBA_CONFIG names it", "[config]") {
  TempDir dir;
  const Config cfg = read_config(dir.path() + "/none.toml");
  CHECK_FALSE(cfg.found);
  CHECK(cfg.path == dir.path() + "/none.toml");
  CHECK(cfg.groups.empty());
  CHECK_FALSE(cfg.defaults.output.has_value());
  CHECK_FALSE(read_config("").found);

  EnvGuard env;
  env.set("PGDBA_CONFIG", std::nullopt).set("XDG_CONFIG_HOME", dir.path());
  CHECK_FALSE(load_config().found);
  CHECK(load_config().path == dir.path() + "/pgdba/config.toml");
  dir.write("pgdba/config.toml", "[groups]\nall = [\"a\"]\n");
  CHECK(load_config().groups.at("all") == Names{"a"});

  env.set("PGDBA_CONFIG", dir.path() + "/typo.toml");
  CHECK(usage_message([] { load_config(); }) ==
        "cannot read config file " + dir.path() + "/typo.toml: No such file or directory");
}

TEST_CASE("read_config: every setting of the schema", "[config]") {
  const Config cfg = parse_config(R"(# pgdba settings
[defaults]
output = "json"
lock_timeout = "5s"
statement_timeout = "0"
connect_timeout = 10
parallel = 8

[groups]
prod = ["pg-prod-1", "pg-prod-2"]   # service names
staging = ["pg-stage"]
"eu west ü" = ["my service", "it's \"quoted\"", 'back\slash']
empty = []
)");
  CHECK(cfg.found);
  CHECK(cfg.defaults.output == "json");
  CHECK(cfg.defaults.lock_timeout == "5s");
  CHECK(cfg.defaults.statement_timeout == "0");
  CHECK(cfg.defaults.connect_timeout == 10);
  CHECK(cfg.defaults.parallel == 8);
  REQUIRE(cfg.groups.size() == 4);
  CHECK(cfg.groups.at("prod") == Names{"pg-prod-1", "pg-prod-2"});
  CHECK(cfg.groups.at("staging") == Names{"pg-stage"});
  CHECK(cfg.groups.at("eu west ü") == Names{"my service", "it's \"quoted\"", "back\\slash"});
  CHECK(cfg.groups.at("empty").empty());

  const Config empty = parse_config("# nothing yet\n");
  CHECK(empty.found);
  CHECK(empty.groups.empty());
  CHECK_FALSE(empty.defaults.parallel.has_value());

  const Config inline_tables = parse_config("defaults = { parallel = 2 }\ngroups = { a = [\"x\"] }\n");
  CHECK(inline_tables.defaults.parallel == 2);
  CHECK(inline_tables.groups.at("a") == Names{"x"});
}

TEST_CASE("read_config: TOML syntax errors name file, line and column", "[config]") {
  CHECK_THAT(config_error("[defaults]\noutput = \"json\nparallel = 2\n"), Catch::StartsWith("F:2:"));
  CHECK_THAT(config_error("[defaults]\nparallel = 2\nparallel = 3\n"),
             Catch::StartsWith("F:3:12: ") && Catch::Contains("'parallel'"));
  CHECK_THAT(config_error("[groups]\nprod = [\"a\", \"b\"\n"), Catch::StartsWith("F:"));
  CHECK_THAT(config_error("[defaults\n"), Catch::StartsWith("F:1:"));
}

TEST_CASE("read_config: unknown keys are errors naming them", "[config]") {
  CHECK(config_error("[defaults]\nparallel = 2\n  lock_timout = \"5s\"\n") ==
        "F:3:3: unknown key \"lock_timout\" in [defaults] (known: connect_timeout, lock_timeout, output, parallel, "
        "statement_timeout)");
  CHECK(config_error("[default]\noutput = \"json\"\n") ==
        "F:1:2: unknown key \"default\" (known: audit, checks, defaults, groups)");
  CHECK(config_error("output = \"json\"\n") ==
        "F:1:1: unknown key \"output\" (known: audit, checks, defaults, groups); \"output\" belongs under [defaults]");
  CHECK(config_error("[defaults]\n\"it's \\\"odd\\\"\" = 1\n") ==
        "F:2:1: unknown key \"it's \"odd\"\" in [defaults] (known: connect_timeout, lock_timeout, output, parallel, "
        "statement_timeout)");
}

TEST_CASE("read_config: [audit] skip holds finding ids for audit report", "[config]") {
  CHECK(parse_config("[audit]\nskip = [\"PGDBA-SEC-012\", \"PGDBA-SEC-038\"]\n").audit_skip ==
        Names{"PGDBA-SEC-012", "PGDBA-SEC-038"});
  CHECK(parse_config("[audit]\n").audit_skip.empty());
  CHECK(config_error("[audit]\nskip = \"PGDBA-SEC-012\"\n") ==
        "F:2:8: audit.skip must be an array of finding ids, not a string");
  CHECK(config_error("[audit]\nskip = [12]\n") ==
        "F:2:9: audit.skip: each item must be a finding id (a string), not an integer");
  CHECK(config_error("[audit]\nwaive = []\n") == "F:2:1: unknown key \"waive\" in [audit] (known: skip)");
  CHECK(config_error("audit = 1\n") == "F:1:9: audit must be a table ([audit]), not an integer");
}

TEST_CASE("read_config: types and values are checked", "[config]") {
  CHECK(config_error("[defaults]\noutput = 5\n") == "F:2:10: defaults.output must be a string, not an integer");
  CHECK(config_error("[defaults]\noutput = \"xml\"\n") ==
        "F:2:10: defaults.output: unknown output format \"xml\"; use table, json, jsonl or csv");
  CHECK(config_error("[defaults]\nparallel = \"8\"\n") == "F:2:12: defaults.parallel must be an integer, not a string");
  CHECK(config_error("[defaults]\nparallel = 0\n") == "F:2:12: defaults.parallel must be between 1 and 1024, not 0");
  CHECK(config_error("[defaults]\nparallel = 2.5\n") == "F:2:12: defaults.parallel must be an integer, not a float");
  CHECK(config_error("[defaults]\nconnect_timeout = -1\n") ==
        "F:2:19: defaults.connect_timeout must be between 0 and 2147483647, not -1");
  CHECK(config_error("[defaults]\nconnect_timeout = 99999999999\n") ==
        "F:2:19: defaults.connect_timeout must be between 0 and 2147483647, not 99999999999");
  CHECK(config_error("[defaults]\nlock_timeout = 5\n") ==
        "F:2:16: defaults.lock_timeout must be a string, not an integer");
  CHECK_THAT(config_error("[defaults]\nlock_timeout = \"5 parsecs\"\n"),
             Catch::StartsWith("F:2:16: invalid value \"5 parsecs\" for defaults.lock_timeout: "));
  CHECK_THAT(
      config_error("[defaults]\nstatement_timeout = \"100us\"\n"),
      Catch::StartsWith("F:2:21: invalid value \"100us\" for defaults.statement_timeout: ") && Catch::Contains("1ms"));
  CHECK(config_error("defaults = 5\n") == "F:1:12: defaults must be a table ([defaults]), not an integer");
  CHECK(config_error("groups = [\"a\"]\n") == "F:1:10: groups must be a table ([groups]), not an array");
  CHECK(config_error("[groups]\nprod = \"pg-prod-1\"\n") ==
        "F:2:8: group \"prod\" must be an array of service names (prod = [\"a\", \"b\"]), not a string");
  CHECK(config_error("[groups.prod]\nmembers = [\"a\"]\n") ==
        "F:1:1: group \"prod\" must be an array of service names (prod = [\"a\", \"b\"]), not a table");
  CHECK(config_error("[groups]\nprod = [\"a\", 2]\n") ==
        "F:2:14: group \"prod\": each member must be a service name (a string), not an integer");
  CHECK(config_error("[groups]\nprod = [\"a\", \"\"]\n") == "F:2:14: group \"prod\": empty service name");
  CHECK(config_error("[groups]\n\"\" = [\"a\"]\n") == "F:2:1: a group name must not be empty");
}

TEST_CASE("read_config: an unreadable config file is a usage error naming it", "[config]") {
  TempDir dir;
  fs::create_directory(dir.path() + "/config.toml");
  CHECK(usage_message([&] { read_config(dir.path() + "/config.toml"); }) ==
        "cannot read config file " + dir.path() + "/config.toml: it is a directory");
  const std::string file = dir.write("plain", "");
  CHECK_THAT(usage_message([&] { read_config(file + "/config.toml"); }),
             Catch::Equals("cannot read config file " + file + "/config.toml: Not a directory"));
  if (geteuid() == 0) return;  // root reads a file whatever its mode
  const std::string locked = dir.write("locked.toml", "[groups]\n");
  fs::permissions(locked, fs::perms::none);
  CHECK(usage_message([&] { read_config(locked); }) == "cannot read config file " + locked + ": Permission denied");
}

TEST_CASE("resolve_targets: no fleet options mean the plain connection", "[config][targets]") {
  CHECK(resolve_targets(TargetRequest{}, inventory({"a"}), Config{}).empty());
  CHECK(TargetRequest{}.empty());
  CHECK_FALSE(request({"a"}).empty());
}

TEST_CASE("resolve_targets: --target lists, groups, order and duplicates", "[config][targets]") {
  const Inventory inv = inventory({"a", "b", "c", "d", "my service", "ünï", "it's \"q\""});
  const Config cfg = groups({{"prod", {"d", "a", "d"}}, {"odd", {"it's \"q\"", "ünï"}}});
  CHECK(resolve_targets(request({"c"}), inv, cfg) == Names{"c"});
  CHECK(resolve_targets(request({"b,a", " c , b ", "a"}), inv, cfg) == Names{"b", "a", "c"});
  CHECK(resolve_targets(request({"c"}, {"prod"}), inv, cfg) == Names{"c", "d", "a"});
  CHECK(resolve_targets(request({}, {"prod", "odd", "prod"}), inv, cfg) == Names{"d", "a", "it's \"q\"", "ünï"});
  CHECK(resolve_targets(request({"my service,ünï", "it's \"q\""}), inv, cfg) ==
        Names{"my service", "ünï", "it's \"q\""});
  CHECK(resolve_targets(request({}, {}, true), inv, cfg) ==
        Names{"a", "b", "c", "d", "my service", "ünï", "it's \"q\""});
}

TEST_CASE("resolve_targets: usage errors", "[config][targets]") {
  const Inventory inv = inventory({"pg-prod-1", "pg-prod-2", "it's \"q\""});
  const Config cfg = groups({{"prod", {"pg-prod-1", "pg-prod-3"}}, {"staging", {}}, {"ok", {"pg-prod-2"}}});
  const auto error = [&](const TargetRequest& r, const Inventory& i, const Config& c) {
    return usage_message([&] { resolve_targets(r, i, c); });
  };

  CHECK(error(request({"pg-prod-9"}), inv, cfg) ==
        "unknown target \"pg-prod-9\": not a service in /home/u/.pg_service.conf (known: \"pg-prod-1\", "
        "\"pg-prod-2\", \"it's \"q\"\")");
  CHECK(error(request({"pg-prod-1,,pg-prod-2"}), inv, cfg) == "--target \"pg-prod-1,,pg-prod-2\": empty service name");
  CHECK(error(request({"pg-prod-1,"}), inv, cfg) == "--target \"pg-prod-1,\": empty service name");
  CHECK(error(request({" "}), inv, cfg) == "--target needs a service name");
  CHECK(error(request({"pg-prod-1"}, {}, true), inv, cfg) ==
        "--all-targets cannot be combined with --target or --group");
  CHECK(error(request({}, {"ok"}, true), inv, cfg) == "--all-targets cannot be combined with --target or --group");

  CHECK(error(request({}, {"qa"}), inv, cfg) == "unknown group \"qa\" (known groups: \"ok\", \"prod\", \"staging\")");
  CHECK(error(request({}, {"staging"}), inv, cfg) == "group \"staging\" in /home/u/.config/pgdba/config.toml is empty");
  CHECK(error(request({}, {"prod"}), inv, cfg) ==
        "group \"prod\" in /home/u/.config/pgdba/config.toml names \"pg-prod-3\", which is not a service in "
        "/home/u/.pg_service.conf");

  Config none;
  none.path = "/home/u/.config/pgdba/config.toml";
  CHECK(error(request({}, {"prod"}), inv, none) ==
        "unknown group \"prod\": there is no config file (/home/u/.config/pgdba/config.toml not found)");
  none.found = true;
  CHECK(error(request({}, {"prod"}), inv, none) ==
        "unknown group \"prod\": /home/u/.config/pgdba/config.toml defines no groups");

  // Many services: the list is cut short.
  Names many;
  for (int i = 0; i < 35; ++i)
    many.push_back("s" + std::to_string(i));
  CHECK_THAT(error(request({"x"}), inventory(many), cfg), Catch::EndsWith("\"s29\" and 5 more)"));
}

TEST_CASE("resolve_targets: no services at all says which files were looked at", "[config][targets]") {
  TempDir dir;
  const std::string empty_file = dir.write("pg_service.conf", "# no services yet\n");
  const Inventory inv =
      read_inventory({{dir.path() + "/missing.conf", "PGSERVICEFILE", {}}, {empty_file, "PGSYSCONFDIR", {}}});
  const std::string files = "(" + dir.path() + "/missing.conf: not found; " + empty_file + ": no services)";
  try {
    resolve_targets(request({"pg-prod-1"}), inv, Config{});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    CHECK(std::string(e.what()) == "unknown target \"pg-prod-1\": no services are defined " + files);
    CHECK_THAT(e.hint, Catch::Contains("PGSERVICEFILE"));
  }
  CHECK(usage_message([&] { resolve_targets(request({}, {}, true), inv, Config{}); }) ==
        "--all-targets: no services are defined " + files);

  Inventory nothing = read_inventory({{"", "home", {}}, {dir.path() + "/none/pg_service.conf", "built-in", {}}});
  CHECK(usage_message([&] { resolve_targets(request({}, {}, true), nothing, Config{}); }) ==
        "--all-targets: no services are defined (no user service file (no home directory); " + dir.path() +
            "/none/pg_service.conf: not found)");

  // A group naming a service when there are none names the files too.
  CHECK(usage_message([&] {
          resolve_targets(request({}, {"g"}), inv, groups({{"g", {"a"}}}));
        }) == "group \"g\" in /home/u/.config/pgdba/config.toml names \"a\", which is not a service in " + empty_file);
}
