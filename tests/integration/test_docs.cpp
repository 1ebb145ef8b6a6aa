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
  // Every verb's help and man entry is the verb contract test's (test_core);
  // here each verb must have a completion entry, and the rest (nouns) help.
  std::set<std::string> verbs;
  for (const auto& v : it::parse_json(pgdba({"-o", "json", "completion", "verbs"}).out))
    verbs.insert(v["verb"].get<std::string>());
  REQUIRE(verbs.size() > 15);
  for (const auto& verb : verbs) {
    INFO(verb);
    CHECK(paths.count(verb) == 1);
  }
  for (const auto& path : paths) {
    if (verbs.count(path) != 0) continue;
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

TEST_CASE("every command has a man page of its own, and groff reads every page without a warning", "[docs]") {
  const auto paths = command_paths();
  std::vector<std::string> nouns;
  for (const auto& p : paths) {
    if (p.find(' ') == std::string::npos) nouns.push_back(p);
  }
  REQUIRE(nouns.size() > 15);
  const auto groff_warnings = [](const std::string& roff) {
    const std::string file = it::temp_file(roff, ".1");
    const auto r = it::shell("groff -man -ww -z -t " + file);
    std::remove(file.c_str());
    return r.err + (r.code == 0 ? "" : "groff failed");
  };
  CHECK(groff_warnings(pgdba({"completion", "man"}).out).empty());
  for (const auto& noun : nouns) {
    INFO(noun);
    const auto page = pgdba({"completion", "man", noun});
    REQUIRE(page.code == 0);
    std::string upper_noun;
    for (char ch : noun)
      upper_noun += ch == '-' ? std::string("\\-") : std::string(1, static_cast<char>(std::toupper(ch)));
    CHECK_THAT(page.out, Catch::StartsWith(".\\\"") && Catch::Contains(".TH PGDBA\\-" + upper_noun + " 1"));
    for (const auto& p : paths) {
      if (p.rfind(noun + " ", 0) != 0) continue;
      std::string roff_path;
      for (char ch : p)
        roff_path += ch == '-' ? std::string("\\-") : std::string(1, ch);
      CHECK_THAT(page.out, Catch::Contains(".SS \"pgdba " + roff_path + "\""));
    }
    CHECK(groff_warnings(page.out).empty());
  }
  const auto unknown = pgdba({"completion", "man", "no-such-noun"});
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("no command \"no-such-noun\""));
}

TEST_CASE("completion files lays out the man pages and scripts, and bash, zsh and fish complete from them", "[docs]") {
  const std::string dir = it::temp_file("", ".d");
  std::remove(dir.c_str());
  const auto dry = pgdba({"-o", "json", "completion", "files", dir, "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(it::shell("test -e " + dir).code != 0);  // nothing written
  const auto r = pgdba({"-o", "json", "completion", "files", dir});
  REQUIRE(r.code == 0);
  const auto files = it::parse_json(r.out);
  CHECK(files == it::parse_json(dry.out));
  std::size_t pages = 0;
  for (const auto& f : files) {
    const std::string path = f["file"];
    INFO(path);
    CHECK(it::shell("test -s '" + path + "'").code == 0);
    if (path.find("/man/man1/pgdba") != std::string::npos) ++pages;
  }
  std::size_t nouns = 0;
  for (const auto& p : command_paths())
    nouns += p.find(' ') == std::string::npos ? 1 : 0;
  CHECK(pages == 1 + nouns);  // pgdba(1) and one per command
  CHECK(it::shell("cmp -s " + dir + "/man/man1/pgdba.1 " + PGDBA_SOURCE_DIR + "/man/pgdba.1").code == 0);
  // man reads an installed page by name.
  const auto man = it::shell("MANPATH=" + dir + "/man MANWIDTH=100 man pgdba-vacuum | col -b");
  CHECK(man.code == 0);
  CHECK_THAT(man.out, Catch::Contains("pgdba-vacuum -"));

  // bash: the words after "pgdba db l".
  const auto bash = it::shell("bash -c 'source " + dir +
                              "/bash-completion/completions/pgdba; COMP_WORDS=(pgdba db l); COMP_CWORD=2; _pgdba; "
                              "printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
  CHECK(bash.code == 0);
  CHECK(bash.out == "list\n");

  // zsh: _pgdba with zsh's _describe replaced by a printer of its items.
  const std::string zsh_file = dir + "/zsh/vendor-completions/_pgdba";
  CHECK(it::shell("zsh -n " + zsh_file).code == 0);
  const auto zsh = it::shell("zsh -fc 'compdef() { :; }; _describe() { print -l -- \"${(@P)4}\"; }; source " +
                             zsh_file + "; words=(pgdba check backends \"\"); CURRENT=4; _pgdba'");
  CHECK(zsh.code == 0);
  CHECK_THAT(zsh.out, Catch::Contains("--warning:"));
  const auto zsh_top = it::shell("zsh -fc 'compdef() { :; }; _describe() { print -l -- \"${(@P)4}\"; }; source " +
                                 zsh_file + "; words=(pgdba \"\"); CURRENT=2; _pgdba'");
  CHECK_THAT(zsh_top.out, Catch::Contains("\nvacuum:") && Catch::Contains("\n--host:"));

  // fish: its own completion engine, asked what follows.
  const std::string fish_file = dir + "/fish/vendor_completions.d/pgdba.fish";
  CHECK(it::shell("fish --no-execute " + fish_file).code == 0);
  const auto fish = it::shell("fish --no-config -c 'source " + fish_file + "; complete -C \"pgdba db l\"'");
  CHECK(fish.code == 0);
  CHECK_THAT(fish.out, Catch::StartsWith("list\t"));
  const auto fish_opts =
      it::shell("fish --no-config -c 'source " + fish_file + "; complete -C \"pgdba check backends --w\"'");
  CHECK_THAT(fish_opts.out, Catch::Contains("--warning\t"));
  it::shell("rm -rf '" + dir + "'");
}
