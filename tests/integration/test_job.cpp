// job run: a plan's steps as real pgdba runs against the test cluster, the
// lock that keeps two runs apart, the report and the textfile read back.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A plan file with `body`, and a lock file of its own so tests running at
// the same time never share one.
struct Plan {
  std::string path;
  std::string lock = it::temp_file("", ".lock");
  explicit Plan(const std::string& body) : path(it::temp_file(body, ".toml")) {}
  it::Run run(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"job", "run", path, "--lock-file", lock};
    args.insert(args.end(), extra.begin(), extra.end());
    return pgdba(args);
  }
};

const nlohmann::json& step(const nlohmann::json& steps, const std::string& name) {
  for (const auto& s : steps)
    if (s["step"] == name) return s;
  FAIL("no step " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("job run: a failing step with on_failure=continue runs the rest and exits 4, with report and textfile",
          "[job]") {
  it::ScratchDb db("jobdb");
  const Plan plan(
      "name = \"nightly test\"\n"
      "[[step]]\nname = \"two rows\"\ncommand = [\"-d\", \"" +
      db.name() +
      "\", \"sql\", \"-c\", \"select 1 as a union all select 2\"]\n"
      "[[step]]\nname = \"broken\"\non_failure = \"continue\"\n"
      "command = [\"sql\", \"-c\", \"select * from no_such_table_here\"]\n"
      "[[step]]\nname = \"schemas\"\ncommand = [\"-d\", \"" +
      db.name() + "\", \"schema\", \"list\"]\n");
  const std::string report = it::temp_file("", ".json");
  const std::string textfile = it::temp_file("", ".prom");
  const auto r = plan.run({"--report", report, "--textfile", textfile, "-o", "json"});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("broken") && Catch::Contains("no_such_table_here"));
  for (const auto& doc : {it::parse_json(r.out), it::parse_json(read_text(report))}) {
    REQUIRE(doc.contains("run"));
    CHECK(doc["run"][0]["plan"] == "nightly test");
    CHECK(doc["run"][0]["status"] == "failed");
    CHECK(doc["run"][0]["exit_code"] == 4);
    CHECK(doc["run"][0]["duration"].get<double>() >= 0);
    const auto& steps = doc["steps"];
    REQUIRE(steps.size() == 3);
    CHECK(step(steps, "two rows")["status"] == "ok");
    CHECK(step(steps, "two rows")["rows"] == 2);
    CHECK(step(steps, "two rows")["exit_code"] == 0);
    CHECK(step(steps, "broken")["status"] == "failed");
    CHECK(step(steps, "broken")["exit_code"] == 1);
    CHECK_THAT(step(steps, "broken")["error"].get<std::string>(), Catch::Contains("no_such_table_here"));
    CHECK(step(steps, "schemas")["status"] == "ok");
    CHECK(step(steps, "schemas")["rows"].get<int>() >= 1);
  }
  const std::string prom = read_text(textfile);
  CHECK_THAT(prom, Catch::Contains("# TYPE pgdba_job_last_run_timestamp_seconds gauge"));
  CHECK_THAT(prom, Catch::Contains("pgdba_job_last_run_success{plan=\"nightly test\"} 0"));
  CHECK_THAT(prom, Catch::Contains("pgdba_job_step_success{plan=\"nightly test\",step=\"two rows\",status=\"ok\"} 1"));
  CHECK_THAT(prom,
             Catch::Contains("pgdba_job_step_success{plan=\"nightly test\",step=\"broken\",status=\"failed\"} 0"));
  CHECK_THAT(prom, Catch::Contains("pgdba_job_step_exit_code{plan=\"nightly test\",step=\"broken\"} 1"));
  // Every sample line is NAME{LABELS} VALUE.
  std::istringstream lines(prom);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    INFO(line);
    CHECK(line.find("} ") != std::string::npos);
    CHECK_NOTHROW(std::stod(line.substr(line.rfind(' ') + 1)));
  }
}

TEST_CASE("job run: a failing step stops the plan by default and the rest is skipped", "[job]") {
  const Plan plan(
      "[[step]]\nname = \"first\"\ncommand = [\"sql\", \"-c\", \"select 1\"]\n"
      "[[step]]\nname = \"fails\"\ncommand = [\"sql\", \"-c\", \"select 1/0\"]\n"
      "[[step]]\nname = \"never\"\ncommand = [\"sql\", \"-c\", \"select 1\"]\n");
  const auto r = plan.run({"-o", "json"});
  CHECK(r.code == 4);
  const auto doc = it::parse_json(r.out);
  CHECK(step(doc["steps"], "first")["status"] == "ok");
  CHECK(step(doc["steps"], "fails")["status"] == "failed");
  CHECK(step(doc["steps"], "never")["status"] == "skipped");
  CHECK(step(doc["steps"], "never")["exit_code"].is_null());

  const Plan only_fails("[[step]]\ncommand = [\"sql\", \"-c\", \"select 1/0\"]\n");
  CHECK(only_fails.run().code == 1);
}

TEST_CASE("job run: a step past its timeout is stopped", "[job]") {
  const Plan plan(
      "[[step]]\nname = \"slow\"\ntimeout = \"1s\"\non_failure = \"continue\"\n"
      "command = [\"sql\", \"-c\", \"select pg_sleep(60)\"]\n"
      "[[step]]\nname = \"after\"\ncommand = [\"sql\", \"-c\", \"select 1\"]\n");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = plan.run({"-o", "json"});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.code == 4);
  CHECK(secs < 30);
  const auto doc = it::parse_json(r.out);
  CHECK(step(doc["steps"], "slow")["status"] == "timeout");
  CHECK(step(doc["steps"], "after")["status"] == "ok");
}

TEST_CASE("job run: a second run while the first holds the lock says so, or waits with --wait", "[job]") {
  const Plan plan("[[step]]\ncommand = [\"sql\", \"-c\", \"select pg_sleep(3)\"]\n");
  // --wait: the test's own probe of the lock below must not turn it away.
  const auto first = it::start_pgdba({"job", "run", plan.path, "--lock-file", plan.lock, "--wait"});
  // Wait until the first run holds the lock (a flock of ours would fail).
  bool held = false;
  for (int i = 0; i < 100 && !held; ++i) {
    const int fd = open(plan.lock.c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
    held = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);  // releases it again if we got it
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!held) {
    const auto failed = it::wait_pgdba(first);
    FAIL("the first run never took the lock: exit " << failed.code << "\n" << failed.out << failed.err);
  }
  const auto busy = plan.run({"-o", "json"});
  CHECK(busy.code == 0);
  CHECK_THAT(busy.err, Catch::Contains("already running"));
  CHECK(it::parse_json(busy.out)[0]["status"] == "already running");
  CHECK(plan.run({"--busy-exit", "75"}).code == 75);
  const auto waited = plan.run({"--wait", "-o", "json"});
  CHECK(waited.code == 0);
  CHECK(it::parse_json(waited.out)["run"][0]["status"] == "ok");
  const auto done = it::wait_pgdba(first);
  CHECK(done.code == 0);
}

TEST_CASE("job run: bad plans, a missing plan, --dry-run", "[job]") {
  const Plan typo("[[step]]\ncomand = [\"db\", \"list\"]\n");
  const auto bad = typo.run();
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains(typo.path + ":2:") && Catch::Contains("comand"));
  const auto missing = pgdba({"job", "run", "/nonexistent/plan.toml"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/plan.toml"));

  const std::string table = it::unique("job_dry");
  const Plan plan("[[step]]\ncommand = [\"sql\", \"-c\", \"create table " + table + " (a int)\"]\ntargets = [\"x\"]\n");
  it::ServerLog log;
  const auto dry = plan.run({"--dry-run"});
  CHECK(dry.code == 0);
  CHECK_THAT(dry.out, Catch::Contains("--target x") && Catch::Contains(table));
  CHECK(log.never_saw(table));
  CHECK(pgdba({"job", "run", "--help"}).code == 0);
}

TEST_CASE("job run hands -h, -p and --audit-log to its steps, never --dsn", "[job]") {
  const Plan plan(
      "[[step]]\nname = \"port\"\ncommand = [\"sql\", \"-c\", \"select current_setting('port') as port\"]\n");
  const auto& c = it::cluster();
  const std::string audit = it::temp_file("", ".jsonl");
  const it::Env no_env = {{"PGHOST", ""}, {"PGPORT", ""}};
  const auto r = pgdba({"-h", c.at("PGHOST"), "-p", c.at("PGPORT"), "--audit-log", audit, "-o", "json", "job", "run",
                        plan.path, "--lock-file", plan.lock},
                       "", no_env);
  REQUIRE(r.code == 0);
  CHECK(step(it::parse_json(r.out)["steps"], "port")["rows"] == 1);
  const auto dsn = pgdba({"--dsn", "host=" + c.at("PGHOST"), "job", "run", plan.path, "--lock-file", plan.lock});
  CHECK(dsn.code == 2);
  CHECK_THAT(dsn.err, Catch::Contains("--dsn"));
}

TEST_CASE("job cron and job systemd print the scheduler's lines, systemd-analyze verify accepts the units", "[job]") {
  const std::string plan = it::temp_file(
      "name = \"nightly\"\nschedule = \"daily 02:30\"\n[[step]]\nname = \"v\"\ncommand = [\"db\", \"list\"]\n",
      ".toml");
  auto r = it::pgdba({"job", "cron", plan});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\n30 2 * * * ") != std::string::npos);
  CHECK(r.out.find(" job run " + plan + "\n") != std::string::npos);

  const std::string dir = it::temp_file("", ".d");
  std::remove(dir.c_str());
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  r = it::pgdba({"job", "systemd", plan, "--dir", dir});
  REQUIRE(r.code == 0);
  const std::string timer = read_text(dir + "/pgdba-nightly.timer");
  CHECK(timer.find("OnCalendar=*-*-* 02:30:00\n") != std::string::npos);
  CHECK(timer.find("Persistent=true\n") != std::string::npos);
  CHECK(timer.find("RandomizedDelaySec=") != std::string::npos);
  CHECK(read_text(dir + "/pgdba-nightly.service").find("Type=oneshot\n") != std::string::npos);
  const std::string verify = "systemd-analyze verify " + dir + "/pgdba-nightly.service " + dir +
                             "/pgdba-nightly.timer > " + dir + "/verify.log 2>&1";
  const int rc = std::system(verify.c_str());
  INFO(read_text(dir + "/verify.log"));
  CHECK(rc == 0);

  // A plan without a schedule, or with one cron and systemd would read apart.
  const std::string none = it::temp_file("[[step]]\nname = \"v\"\ncommand = [\"db\", \"list\"]\n", ".toml");
  r = it::pgdba({"job", "cron", none});
  CHECK(r.code == 2);
  CHECK(r.err.find("no schedule") != std::string::npos);
  const std::string bad =
      it::temp_file("schedule = \"0 2 * * *\"\n[[step]]\nname = \"v\"\ncommand = [\"db\", \"list\"]\n", ".toml");
  r = it::pgdba({"job", "run", bad});
  CHECK(r.code == 2);
  CHECK(r.err.find("daily [HH:MM]") != std::string::npos);
}

TEST_CASE("the example plans in packaging/plans read as plans and their steps are valid pgdba commands", "[job]") {
  for (const char* name : {"nightly-vacuum", "weekly-reindex", "daily-backup", "check-all"}) {
    const std::string plan = std::string(PGDBA_SOURCE_DIR) + "/packaging/plans/" + name + ".toml";
    INFO(plan);
    const auto dry = it::pgdba({"job", "run", plan, "--dry-run", "-o", "json"});
    INFO(dry.err);
    CHECK(dry.code == 0);
    CHECK(it::pgdba({"job", "systemd", plan}).code == 0);
    // Each step's options are accepted: run with --dry-run against the test
    // cluster, paths under /var/lib moved to a directory of the test's own.
    // A usage error is exit 2 (3, UNKNOWN, for check).
    const std::string scratch = it::temp_file("", ".d");
    std::remove(scratch.c_str());
    REQUIRE(std::system(("mkdir -p " + scratch).c_str()) == 0);
    std::ifstream in(plan);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("command = [", 0) != 0) continue;
      std::vector<std::string> args;
      for (std::size_t b = line.find('"'); b != std::string::npos; b = line.find('"', line.find('"', b + 1) + 1)) {
        std::string a = line.substr(b + 1, line.find('"', b + 1) - b - 1);
        if (a.rfind("/var/lib/", 0) == 0) a = scratch + "/" + a.substr(a.rfind('/') + 1);
        args.push_back(a);
      }
      args.push_back("--dry-run");
      const auto r = it::pgdba(args);
      INFO(line << "\n" << r.out << r.err);
      if (args[0] == "check") {
        CHECK(r.code <= 2);
      } else {
        CHECK(r.code != 2);
        CHECK(r.err.find("rror: --") == std::string::npos);
      }
    }
  }
}
