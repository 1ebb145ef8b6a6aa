// Confirmation on a real terminal, and logging formats.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Runs pgdba on a pseudo-terminal (util-linux script) and types `answer`.
int on_terminal(const std::string& args, const std::string& answer) {
  const std::string cmd = "printf '" + answer + "\\n' | script -qec '" + std::string(PGDBA_BIN) + " " + args +
                          "' /dev/null >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("on a terminal, a destructive command asks and obeys the answer", "[safety]") {
  it::cluster();
  const std::string name = it::unique("asked");
  REQUIRE(pgdba({"db", "create", name}).code == 0);
  CHECK(on_terminal("db drop " + name, "n") == 2);
  CHECK(it::database_exists(name));
  CHECK(on_terminal("db drop " + name, "y") == 0);
  CHECK_FALSE(it::database_exists(name));
}

TEST_CASE("verbose logging shows every statement with its duration, also as JSON", "[logging]") {
  const std::string log = it::temp_file("", ".log");
  const auto r = pgdba({"-vv", "--log-format", "json", "--log-file", log, "db", "size", "postgres"});
  REQUIRE(r.code == 0);
  std::ifstream in(log);
  std::string line;
  int statements = 0;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    const auto j = it::parse_json(line);
    CHECK(j["level"].is_string());
    CHECK(j["time"].is_string());
    const std::string msg = j["message"];
    if (msg.find("SQL ok in ") == 0) {
      ++statements;
      CHECK(msg.find(" ms: ") != std::string::npos);
      CHECK(msg.find("pg_database_size") != std::string::npos);
    }
  }
  CHECK(lines >= 2);  // the connection and the statement
  CHECK(statements == 1);
  // The same lines went to stderr.
  CHECK(r.err.find("\"level\":\"debug\"") != std::string::npos);

  const auto quiet = pgdba({"-q", "sql", "-c", "do $$ begin raise warning 'loud'; end $$"});
  CHECK(quiet.code == 0);
  CHECK(quiet.err.empty());
  const auto normal = pgdba({"sql", "-c", "do $$ begin raise warning 'loud'; end $$"});
  CHECK(normal.err.find("WARNING:  loud") != std::string::npos);
}
