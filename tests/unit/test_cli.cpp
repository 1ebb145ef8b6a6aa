// Option parsing in-process: bad usage is exit 2 before any connection is
// tried (the -p 1 below would otherwise fail with exit 3).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/cli.hpp"

namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "pgdba");
  args.insert(args.begin() + 1, {"-p", "1", "-q"});
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  return pgdba::run_cli(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("usage errors exit 2 without connecting", "[cli]") {
  CHECK(run({"db", "list", "--bogus"}) == 2);
  CHECK(run({"db"}) == 2);
  CHECK(run({"nosuchnoun"}) == 2);
  CHECK(run({"-o", "xml", "db", "list"}) == 2);
  CHECK(run({"db", "create", std::string(64, 'x')}) == 2);
  CHECK(run({"db", "create", ""}) == 2);
  CHECK(run({"db", "rename", "a", "a"}) == 2);
  CHECK(run({"schema", "drop", std::string(70, 's'), "--yes"}) == 2);
  CHECK(run({"sql"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "-f", "x.sql"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "--on-error", "sometimes"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "--fetch-size", "0"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "--single-transaction", "--on-error", "continue"}) == 2);
  CHECK(run({"sql", "-c", "select $1", "--batch", "x.csv", "--param", "1"}) == 2);
  CHECK(run({"sql", "-f", "/nonexistent/file.sql"}) == 2);
  CHECK(run({"sql", "-c", "  -- only a comment\n"}) == 2);
  CHECK(run({"sql", "-c", "\\dt"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "--lock-timeout", "5 s"}) == 2);
  CHECK(run({"sql", "-c", "select 1", "--statement-timeout", "1; drop"}) == 2);
  CHECK(run({"--connect-timeout", "-1", "db", "list"}) == 2);
  CHECK(run({"sandbox", "up", "--port", "5432", "--dir", "/nonexistent/pgdba"}) == 2);
}

TEST_CASE("a good command line reaches the server: exit 3 when it is not there", "[cli]") {
  CHECK(run({"db", "list"}) == 3);
  CHECK(run({"db", "list", "-o", "json", "--no-header"}) == 3);  // global options after the command
}

TEST_CASE("help and version exit 0", "[cli]") {
  CHECK(run({"--version"}) == 0);
  CHECK(run({"db", "--help"}) == 0);
  CHECK(run({"sql", "--help"}) == 0);
}
