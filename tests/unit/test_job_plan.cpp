// job run's plans: TOML read strictly, so a typo is an error, not a step
// that silently does something else.
#include <catch2/catch.hpp>

#include <string>

#include "commands/job/plan.hpp"
#include "src/errors.hpp"

using namespace pgdba;

namespace {

std::string plan_refusal(const std::string& text) {
  try {
    parse_job_plan(text, "/etc/pgdba/nightly.toml");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a plan's steps keep their order, commands, timeouts, policies and targets", "[job]") {
  const JobPlan p = parse_job_plan(R"(
schedule = "daily"
report = "/var/lib/pgdba/nightly.json"

[[step]]
name = "vacuum"
command = ["vacuum", "--all-databases"]
timeout = "2h"
on_failure = "continue"
targets = ["pg1", "pg2"]

[[step]]
command = ["check", "all"]
)",
                                   "/etc/pgdba/nightly.toml");
  CHECK(p.name == "nightly");
  CHECK(p.schedule == "daily");
  CHECK(p.report == "/var/lib/pgdba/nightly.json");
  CHECK(p.lock_file.empty());
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].name == "vacuum");
  CHECK(p.steps[0].command == std::vector<std::string>{"vacuum", "--all-databases"});
  CHECK(*p.steps[0].timeout == Approx(7200));
  CHECK(p.steps[0].continue_on_failure);
  CHECK(p.steps[0].targets == std::vector<std::string>{"pg1", "pg2"});
  CHECK(p.steps[1].name == "step2");
  CHECK_FALSE(p.steps[1].timeout);
  CHECK_FALSE(p.steps[1].continue_on_failure);
  CHECK(parse_job_plan("name = \"x\"\n[[step]]\ncommand = [\"db\", \"list\"]\n", "p.toml").name == "x");
}

TEST_CASE("bad plans are refused with the file, line and what is wrong", "[job]") {
  CHECK_THAT(plan_refusal("[[step]]\ncommand = [\"db\", \"list\"]\ntimeuot = \"5s\"\n"),
             Catch::Contains("/etc/pgdba/nightly.toml:3:") && Catch::Contains("unknown key \"timeuot\""));
  CHECK_THAT(plan_refusal("shedule = \"daily\"\n[[step]]\ncommand = [\"db\", \"list\"]\n"),
             Catch::Contains("unknown key \"shedule\""));
  CHECK_THAT(plan_refusal("name = \"x\"\n"), Catch::Contains("no steps"));
  CHECK_THAT(plan_refusal("[[step]]\ncommand = \"db list\"\n"), Catch::Contains("array of strings"));
  CHECK_THAT(plan_refusal("[[step]]\ncommand = []\n"), Catch::Contains("is empty"));
  CHECK_THAT(plan_refusal("[[step]]\ncommand = [\"db\"]\ntimeout = \"5\"\n"), Catch::Contains("unit"));
  CHECK_THAT(plan_refusal("[[step]]\ncommand = [\"db\"]\non_failure = \"ignore\"\n"),
             Catch::Contains("stop or continue"));
  CHECK_THAT(plan_refusal("[[step]]\nname = \"a\"\ncommand = [\"db\"]\n[[step]]\nname = \"a\"\ncommand = [\"db\"]\n"),
             Catch::Contains("two steps are named \"a\""));
  CHECK_THAT(plan_refusal("[[step]]\ncommand = [\"job\", \"run\", \"other.toml\"]\n"), Catch::Contains("do not nest"));
  CHECK_THAT(plan_refusal("[[step]\n"), Catch::Contains("/etc/pgdba/nightly.toml:1:"));
  CHECK_THAT(plan_refusal("step = 3\n"), Catch::Contains("array of tables"));
}

TEST_CASE("the default lock is one file per plan", "[job]") {
  JobPlan a = parse_job_plan("[[step]]\ncommand = [\"db\"]\n", "/etc/pgdba/a.toml");
  JobPlan b = parse_job_plan("[[step]]\ncommand = [\"db\"]\n", "/etc/pgdba/other/a.toml");
  CHECK(default_lock_file(a) != default_lock_file(b));
  CHECK(default_lock_file(a) == default_lock_file(a));
  CHECK_THAT(default_lock_file(a), Catch::Contains("pgdba-job-a-") && Catch::EndsWith(".lock"));
}
