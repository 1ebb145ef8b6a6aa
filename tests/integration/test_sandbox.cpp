// sandbox up/status/env/down: pgdba's own throwaway cluster, in a temp dir.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using it::pgdba;

TEST_CASE("sandbox up, status, env, down --destroy", "[sandbox]") {
  char tmpl[] = "/tmp/pgdba-sbx-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = std::string(tmpl) + "/cluster";
  chmod(tmpl, 0755);  // as root, the postgres OS user must reach the cluster

  const auto dry = pgdba({"sandbox", "up", "--dir", dir, "--dry-run"});
  CHECK(dry.code == 0);
  CHECK(dry.out.find("initdb") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir));

  const auto up = pgdba({"sandbox", "up", "--dir", dir, "-o", "json"});
  REQUIRE(up.code == 0);
  const auto st = it::parse_json(up.out)[0];
  CHECK(st["running"] == true);
  const int port = st["port"];
  CHECK(port != 5432);

  const auto env = pgdba({"sandbox", "env", "--dir", dir});
  REQUIRE(env.code == 0);
  CHECK(env.out.find("export PGHOST='" + dir + "'") != std::string::npos);
  CHECK(env.out.find("export PGPORT='" + std::to_string(port) + "'") != std::string::npos);

  const it::Env target{{"PGHOST", dir}, {"PGPORT", std::to_string(port)}, {"PGUSER", "postgres"}};
  const auto settings = pgdba({"sql", "-o", "json", "-c",
                               "select current_setting('shared_preload_libraries') as spl, "
                               "current_setting('logging_collector') as lc, "
                               "(select count(*) from pg_extension where extname = 'pg_stat_statements') as pss"},
                              "", target);
  REQUIRE(settings.code == 0);
  const auto s = it::parse_json(settings.out)[0];
  CHECK(s["spl"] == "pg_stat_statements");
  CHECK(s["lc"] == "on");
  CHECK(s["pss"] == 1);

  // Running up again on a running sandbox is harmless.
  CHECK(pgdba({"sandbox", "up", "--dir", dir}).code == 0);
  CHECK(pgdba({"sandbox", "status", "--dir", dir}).out.find(" t ") != std::string::npos);

  CHECK(pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--dry-run"}).code == 0);
  CHECK(pgdba({"sandbox", "status", "--dir", dir}).out.find(" t ") != std::string::npos);

  const auto refused = pgdba({"sandbox", "down", "--dir", dir, "--destroy"});
  CHECK(refused.code == 2);
  CHECK(std::filesystem::exists(dir + "/data/PG_VERSION"));
  REQUIRE(pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--yes"}).code == 0);
  CHECK_FALSE(std::filesystem::exists(dir));
  const auto gone = pgdba({"sandbox", "status", "--dir", dir, "-o", "json"});
  CHECK(it::parse_json(gone.out)[0]["running"] == false);
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("sandbox refuses port 5432 and reports a missing sandbox", "[sandbox]") {
  const auto r = pgdba({"sandbox", "up", "--dir", "/tmp/pgdba-never-created", "--port", "5432"});
  CHECK(r.code == 2);
  CHECK(r.err.find("5432") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/tmp/pgdba-never-created"));
  const auto env = pgdba({"sandbox", "env", "--dir", "/tmp/pgdba-never-created"});
  CHECK(env.code == 1);
  CHECK(env.err.find("sandbox up") != std::string::npos);
}

TEST_CASE("sandbox works for a normal OS user too", "[sandbox]") {
  if (geteuid() != 0) {
    SUCCEED("already running as a normal user: the test above covers it");
    return;
  }
  // As root, run pgdba as the unprivileged postgres OS user: no setuid path.
  char tmpl[] = "/tmp/pgdba-sbx-user-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  REQUIRE(chown(tmpl, 0, 0) == 0);
  chmod(tmpl, 01777);
  const std::string dir = std::string(tmpl) + "/mine";
  // A copy of the binary: the build tree may sit where postgres cannot go.
  const std::string bin = std::string(tmpl) + "/pgdba";
  std::filesystem::copy_file(PGDBA_BIN, bin);
  chmod(bin.c_str(), 0755);
  const std::string as_user = "runuser -u postgres -- env HOME=/var/lib/postgresql " + bin;
  const auto sh = [&](const std::string& args) {
    const int status = std::system((as_user + " " + args + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  REQUIRE(sh("sandbox up --dir " + dir) == 0);
  struct stat st {};
  REQUIRE(stat((dir + "/data").c_str(), &st) == 0);
  CHECK(st.st_uid != 0);
  CHECK(sh("sandbox down --dir " + dir + " --destroy --yes") == 0);
  CHECK_FALSE(std::filesystem::exists(dir));
  std::filesystem::remove_all(tmpl);
}

namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A temp dir the postgres OS user can enter (the server runs as postgres when
// the tests run as root).
std::string temp_dir(const std::string& name) {
  std::string tmpl = "/tmp/pgdba-" + name + "-XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  chmod(tmpl.c_str(), 0755);
  return tmpl;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

// Stops whatever server runs in `dir` and deletes `tmp` when the test ends,
// even when a failed REQUIRE ends it early: no sandbox outlives its test.
struct Cleanup {
  std::string tmp, dir;
  ~Cleanup() {
    if (fs::exists(dir + "/data/postmaster.pid")) {
      const std::string pg_ctl = it::cluster().at("PGDBA_PG_BINDIR") + "/pg_ctl stop -m immediate -D " + dir + "/data";
      const std::string cmd = (geteuid() == 0 ? "runuser -u postgres -- " : "") + pg_ctl + " >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        // already stopped
      }
    }
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }
};

// The "sql" column of a --dry-run -o json output.
std::vector<std::string> planned(const it::Run& r) {
  std::vector<std::string> out;
  for (const auto& row : it::parse_json(r.out))
    out.push_back(row["sql"]);
  return out;
}

}  // namespace

TEST_CASE("sandbox down refuses a directory laid out like /var/lib/pgsql", "[sandbox]") {
  // Laid out like RHEL's /var/lib/pgsql: the data directory beside backups.
  const std::string rhel = temp_dir("rhel");
  fs::create_directories(rhel + "/data");
  fs::create_directories(rhel + "/backups");
  write_text(rhel + "/data/PG_VERSION", "15\n");
  write_text(rhel + "/backups/base.tar", "precious");
  const std::string marker = rhel + "/pgdba-sandbox.json";
  const auto survived = [&] {
    return read_text(rhel + "/backups/base.tar") == "precious" && fs::exists(rhel + "/data/PG_VERSION");
  };

  const auto destroy = pgdba({"sandbox", "down", "--destroy", "--yes", "--dir", rhel});
  CHECK(destroy.code == 1);
  CHECK(destroy.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(survived());
  const auto stop = pgdba({"sandbox", "down", "--dir", rhel});
  CHECK(stop.code == 1);
  CHECK(stop.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(pgdba({"sandbox", "down", "--destroy", "--dry-run", "--dir", rhel}).code == 1);
  CHECK(survived());

  // A marker copied from a real sandbox names that sandbox's directory.
  const std::string tmp = temp_dir("sbx-own");
  const std::string own = tmp + "/cluster";
  const Cleanup cleanup{tmp, own};
  REQUIRE(pgdba({"sandbox", "up", "--dir", own}).code == 0);
  fs::copy_file(own + "/pgdba-sandbox.json", marker);
  const auto copied = pgdba({"sandbox", "down", "--destroy", "--yes", "--dir", rhel});
  CHECK(copied.code == 1);
  CHECK(copied.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(survived());
  fs::remove_all(rhel);

  // pgdba's own sandbox still goes, marker and all.
  CHECK(pgdba({"sandbox", "down", "--dir", own, "--destroy", "--yes"}).code == 0);
  CHECK_FALSE(fs::exists(own));
}

TEST_CASE("sandbox refuses to stop, delete or start a cluster initdb made without pgdba", "[sandbox]") {
  it::PrivateCluster pc;
  const std::string dir = pc.env().at("PGDBA_CLUSTER_DIR");
  const std::string marker = dir + "/pgdba-sandbox.json";
  const it::Env target{{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}};
  const auto alive = [&] { return pgdba({"sql", "-c", "select 1"}, "", target).code == 0; };
  REQUIRE(alive());
  const auto stop = pgdba({"sandbox", "down", "--dir", dir, "--yes"});
  CHECK(stop.code == 1);
  CHECK(stop.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(alive());
  const auto destroy = pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--yes"});
  CHECK(destroy.code == 1);
  CHECK(destroy.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(fs::exists(dir + "/data/PG_VERSION"));
  CHECK(alive());
  // Nor does up take it over (start it, create an extension in it).
  CHECK(pgdba({"sandbox", "up", "--dir", dir}).code == 1);
  const auto ext =
      pgdba({"sql", "-o", "json", "-c", "select count(*) as n from pg_extension where extname = 'pg_stat_statements'"},
            "", target);
  REQUIRE(ext.code == 0);
  CHECK(it::parse_json(ext.out)[0]["n"] == 0);

  // A marker naming this very directory is not enough: it must have been
  // written for this cluster, whose system identifier initdb chose.
  const nlohmann::json forged_marker = {{"dir", dir},
                                        {"data_dir", dir + "/data"},
                                        {"port", std::stoi(pc.env().at("PGPORT"))},
                                        {"system_identifier", "7301234567890123456"}};
  write_text(marker, forged_marker.dump());
  const auto forged = pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--yes"});
  CHECK(forged.code == 1);
  CHECK(forged.err.find("\"" + marker + "\"") != std::string::npos);
  CHECK(fs::exists(dir + "/data/PG_VERSION"));
  CHECK(alive());
}

TEST_CASE("sandbox --dry-run refuses what the real run refuses", "[sandbox]") {
  for (const std::string port : {"5432", "80", "70000"}) {
    INFO(port);
    const auto r = pgdba({"sandbox", "up", "--dir", "/tmp/pgdba-never-created", "--port", port, "--dry-run"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
  }
  CHECK_FALSE(fs::exists("/tmp/pgdba-never-created"));
}

TEST_CASE("sandbox --dry-run shows exactly what up and down run, SQL included", "[sandbox]") {
  // initdb and pg_ctl behind wrappers that log the argv they were given.
  const std::string tmp = temp_dir("sbx-plan");
  const std::string bin = tmp + "/bin";
  const std::string log = tmp + "/argv.log";
  const std::string audit = tmp + "/audit.jsonl";
  const std::string dir = tmp + "/cluster";
  const Cleanup cleanup{tmp, dir};
  fs::create_directories(bin);
  chmod(bin.c_str(), 0755);
  const std::string real = it::cluster().at("PGDBA_PG_BINDIR");
  for (const std::string prog : {"initdb", "pg_ctl"}) {
    const std::string wrapper = (fs::path(bin) / prog).string();
    std::string script = "#!/bin/sh\n{ printf '%s' \"$0\"; for a in \"$@\"; do printf ' %s' \"$a\"; done; echo; } >>";
    script += log;
    script += "\nexec ";
    script += real;
    script += "/";
    script += prog;
    script += " \"$@\"\n";
    write_text(wrapper, script);
    chmod(wrapper.c_str(), 0755);
  }
  const it::Env env{{"PGDBA_PG_BINDIR", bin}};
  // What the wrappers saw, without the read-only "pg_ctl status" probes.
  const auto executed = [&] {
    std::vector<std::string> out;
    for (const auto& l : lines_of(read_text(log)))
      if (l.find("/pg_ctl status ") == std::string::npos) out.push_back(l);
    write_text(log, "");
    return out;
  };
  write_text(log, "");
  chmod(log.c_str(), 0666);

  const auto dry = pgdba({"sandbox", "up", "--dir", dir, "--dry-run", "-o", "json"}, "", env);
  REQUIRE(dry.code == 0);
  CHECK_FALSE(fs::exists(dir));
  const auto plan = planned(dry);
  const std::string create = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public";
  REQUIRE_FALSE(plan.empty());
  CHECK(plan.size() == 3);
  CHECK(plan.at(0).find("--locale=C.UTF-8 --no-instructions") != std::string::npos);
  CHECK(plan.back() == create);
  CHECK(executed().empty());

  REQUIRE(pgdba({"sandbox", "up", "--dir", dir, "--audit-log", audit}, "", env).code == 0);
  CHECK(executed() == std::vector<std::string>(plan.begin(), plan.end() - 1));
  // The CREATE EXTENSION went through the audited path with the same text.
  const auto records = lines_of(read_text(audit));
  CHECK(records.size() == 1);
  for (const auto& record : records) {
    CHECK(it::parse_json(record)["sql"] == create);
    CHECK(it::parse_json(record)["result"] == "ok");
  }

  // On a running sandbox that lost the extension, --dry-run asks the server
  // and shows (and audits) only the statement.
  const it::Env sbx{
      {"PGHOST", dir}, {"PGPORT", std::to_string(std::stoi(read_text(dir + "/port")))}, {"PGUSER", "postgres"}};
  REQUIRE(pgdba({"sql", "-c", "drop extension pg_stat_statements"}, "", sbx).code == 0);
  const auto again = pgdba({"sandbox", "up", "--dir", dir, "--dry-run", "-o", "json", "--audit-log", audit}, "", env);
  REQUIRE(again.code == 0);
  CHECK(planned(again) == std::vector<std::string>{create});
  CHECK(lines_of(read_text(audit)).size() == records.size() + 1);
  CHECK(read_text(audit).find("\"result\":\"dry-run\"") != std::string::npos);
  CHECK(executed().empty());
  REQUIRE(pgdba({"sandbox", "up", "--dir", dir}, "", env).code == 0);
  const auto ext =
      pgdba({"sql", "-o", "json", "-c", "select count(*) as n from pg_extension where extname = 'pg_stat_statements'"},
            "", sbx);
  CHECK(it::parse_json(ext.out)[0]["n"] == 1);
  executed();

  const auto dry_down = pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--dry-run", "-o", "json"}, "", env);
  REQUIRE(dry_down.code == 0);
  const auto down_plan = planned(dry_down);
  REQUIRE(down_plan.size() >= 2);
  CHECK(down_plan[0] == bin + "/pg_ctl stop -w -m fast -D " + dir + "/data");
  CHECK(down_plan.back() == "rmdir -- " + dir);
  CHECK(executed().empty());
  CHECK(fs::exists(dir + "/data/PG_VERSION"));
  REQUIRE(pgdba({"sandbox", "down", "--dir", dir, "--destroy", "--yes"}, "", env).code == 0);
  CHECK(executed() == std::vector<std::string>{down_plan[0]});
  CHECK_FALSE(fs::exists(dir));
}
