// Confirmation on a real terminal, and logging formats.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Runs pgdba on a pseudo-terminal (util-linux script) and types `answer`;
// what the terminal showed goes to `screen`.
int on_terminal(const std::string& args, const std::string& answer, std::string* screen = nullptr) {
  const std::string out = it::temp_file("");
  // Typed once the prompt is on the screen, as a person would (echo is off
  // by then); a fixed pause was too short for a slow (sanitized) start.
  const std::string cmd = "(for i in $(seq 200); do [ -s " + out +
                          " ] && break; sleep 0.05; done; sleep 0.1; printf '" + answer + "\\n') | script -qec '" +
                          std::string(PGDBA_BIN) + " " + args + "' /dev/null >" + out + " 2>&1";
  const int status = std::system(cmd.c_str());
  if (screen != nullptr) {
    std::ifstream in(out);
    *screen = std::string((std::istreambuf_iterator<char>(in)), {});
  }
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

TEST_CASE("the password prompt (-W) works, a wrong password is exit 3 and never echoed", "[connect][safety]") {
  {
    auto c = it::connect();
    pqxx::nontransaction tx(c);
    tx.exec("drop role if exists pgdba_pw");
    tx.exec("create role pgdba_pw login password 'correct horse'");
  }
  std::string screen;
  CHECK(on_terminal("-U pgdba_pw -W db size postgres", "correct horse", &screen) == 0);
  CHECK(screen.find("Password:") != std::string::npos);
  CHECK(screen.find("postgres") != std::string::npos);
  CHECK(on_terminal("-U pgdba_pw -W db size postgres", "wrong staple", &screen) == 3);
  CHECK(screen.find("password authentication failed") != std::string::npos);
  CHECK(screen.find("wrong staple") == std::string::npos);

  // Without a terminal, -W is a usage error; PGPASSWORD works as libpq has it.
  CHECK(pgdba({"-U", "pgdba_pw", "-W", "db", "list"}).code == 2);
  CHECK(pgdba({"-U", "pgdba_pw", "db", "size", "postgres"}, "", {{"PGPASSWORD", "correct horse"}}).code == 0);
  const auto bad = pgdba({"-U", "pgdba_pw", "db", "size", "postgres", "-o", "json"}, "", {{"PGPASSWORD", "nope"}});
  CHECK(bad.code == 3);
  CHECK(bad.err.find("nope") == std::string::npos);
  auto c = it::connect();
  pqxx::nontransaction tx(c);
  tx.exec("drop role pgdba_pw");
}

TEST_CASE("bash completion completes nouns, verbs and options", "[docs]") {
  const auto script = it::temp_file(pgdba({"completion", "bash"}).out, ".bash");
  const auto complete = [&](const std::string& words, int cword) {
    const std::string out = it::temp_file("");
    const std::string cmd = "bash -c 'source " + script + "; COMP_WORDS=(" + words +
                            "); COMP_CWORD=" + std::to_string(cword) + "; _pgdba; echo \"${COMPREPLY[*]}\"' >" + out;
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(out);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  const std::string nouns = complete("pgdba \"\"", 1);
  CHECK(nouns.find("db") != std::string::npos);
  CHECK(nouns.find("sandbox") != std::string::npos);
  CHECK(complete("pgdba db \"\"", 2) == "list create drop rename size --help\n");
  CHECK(complete("pgdba -d app db dr", 4) == "drop\n");
  CHECK(complete("pgdba sql --si", 2) == "--single-transaction\n");
}

TEST_CASE("color only when asked or on a terminal, never with NO_COLOR", "[output]") {
  const auto piped = pgdba({"db", "size", "postgres"});
  CHECK(piped.out.find("\033[") == std::string::npos);
  const auto forced = pgdba({"db", "size", "postgres", "--color", "always"});
  CHECK(forced.out.find("\033[1m") != std::string::npos);
  std::string screen;
  CHECK(on_terminal("db size postgres", "", &screen) == 0);
  CHECK(screen.find("\033[1m") != std::string::npos);
  const std::string out = it::temp_file("");
  REQUIRE(std::system(
              ("NO_COLOR=1 script -qec '" + std::string(PGDBA_BIN) + " db size postgres' /dev/null </dev/null >" + out)
                  .c_str()) == 0);
  std::ifstream in(out);
  const std::string no_color((std::istreambuf_iterator<char>(in)), {});
  CHECK(no_color.find("postgres") != std::string::npos);
  CHECK(no_color.find("\033[") == std::string::npos);
}
