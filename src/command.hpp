// How a command module declares itself: nouns, verbs, their arguments and
// options, and the function that runs. A thin layer over CLI11 so that only
// cli.cpp compiles CLI11's headers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pgdba {

class Context;
using Action = std::function<void(Context&)>;

class Verb {
 public:
  Verb(CLI::App* app, Action* selected) : app_(app), selected_(selected) {}

  // A required (or optional) positional argument.
  Verb& arg(const std::string& name, std::string* target, const std::string& help, bool required = true);
  Verb& option(const std::string& flags, std::string* target, const std::string& help);
  Verb& option(const std::string& flags, int* target, const std::string& help);
  Verb& option(const std::string& flags, std::vector<std::string>* target, const std::string& help);
  Verb& flag(const std::string& flags, bool* target, const std::string& help);
  // Restricts the last option to these values.
  Verb& choices(const std::vector<std::string>& values);
  // The function that runs when this verb is chosen.
  Verb& run(Action action);

 private:
  CLI::App* app_;
  Action* selected_;
  void* last_ = nullptr;  // the CLI::Option last added
};

class Noun {
 public:
  Noun(CLI::App* app, Action* selected) : app_(app), selected_(selected) {}
  Verb verb(const std::string& name, const std::string& help);

 private:
  CLI::App* app_;
  Action* selected_;
};

class CommandTable {
 public:
  CommandTable(CLI::App* app, Action* selected) : app_(app), selected_(selected) {}
  // A noun with verbs: `pgdba db list`.
  Noun noun(const std::string& name, const std::string& help);
  // A command that stands alone: `pgdba sql`.
  Verb command(const std::string& name, const std::string& help);

 private:
  CLI::App* app_;
  Action* selected_;
};

// Each command module registers itself here; the list is in commands.cpp.
void register_db(CommandTable& t);
void register_schema(CommandTable& t);
void register_sql(CommandTable& t);
void register_sandbox(CommandTable& t);
void register_completion(CommandTable& t);
void register_all(CommandTable& t);

// Help-derived documents (cli.cpp): the man page in roff and the bash
// completion script, both generated from the same command definitions.
std::string generate_man_page();
std::string generate_bash_completion();

}  // namespace pgdba
