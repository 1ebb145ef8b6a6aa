// The man page and completion come from the command definitions: the
// committed man/pgdba.1 must be what the binary generates, and every command
// must have help, a man entry and a completion entry.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Every command path ("db list") named in the completion script.
std::set<std::string> command_paths() {
  const auto r = pgdba({"completion", "bash"});
  REQUIRE(r.code == 0);
  std::set<std::string> paths;
  static const std::regex known(R"re("\s([a-z][a-z -]*)"\) path=)re");
  for (std::sregex_iterator m(r.out.begin(), r.out.end(), known), end; m != end; ++m)
    paths.insert((*m)[1]);
  return paths;
}

}  // namespace

TEST_CASE("man/pgdba.1 is up to date with the command definitions", "[docs]") {
  const auto r = pgdba({"completion", "man"});
  REQUIRE(r.code == 0);
  std::ifstream in(std::string(PGDBA_SOURCE_DIR) + "/man/pgdba.1");
  REQUIRE(in);
  const std::string committed((std::istreambuf_iterator<char>(in)), {});
  // Regenerate with: pgdba completion man > man/pgdba.1
  CHECK(committed == r.out);
}

TEST_CASE("every command has --help, a man entry and a completion entry", "[docs]") {
  const auto man = pgdba({"completion", "man"}).out;
  const auto paths = command_paths();
  for (const std::string noun : {"db", "schema", "sql", "sandbox", "completion"})
    CHECK(paths.count(noun) == 1);
  CHECK(paths.size() > 15);
  for (const auto& path : paths) {
    INFO(path);
    std::vector<std::string> args;
    std::istringstream words(path);
    for (std::string w; words >> w;)
      args.push_back(w);
    args.push_back("--help");
    const auto help = pgdba(args);
    CHECK(help.code == 0);
    CHECK(help.out.find("Usage:") != std::string::npos);
    std::string roff_path;
    for (char ch : path)
      roff_path += ch == '-' ? std::string("\\-") : std::string(1, ch);
    CHECK(man.find(".SS \"pgdba " + roff_path + "\"") != std::string::npos);
  }
  // Nothing without a description: an empty line after .TP/.B would show it.
  CHECK(man.find(".B \n") == std::string::npos);
  CHECK(std::regex_search(man, std::regex(R"(\.SS "[^"]*"\n\n)")) == false);
}
