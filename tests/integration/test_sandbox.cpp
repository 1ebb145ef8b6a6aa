// sandbox up/status/env/down: pgdba's own throwaway cluster, in a temp dir.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

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
