// How a command module declares itself: nouns, verbs, what each verb needs
// (its session, whether it changes or destroys, the oldest server it
// supports, whether it fans out over databases), its options, and the
// function that runs it. The framework acts on the declarations: it
// validates options before connecting, refuses destructive verbs without
// --yes off a terminal, checks server versions, fans out over databases and
// targets, and renders. A thin layer over CLI11 so that only cli.cpp compiles
// CLI11's headers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "src/quote.hpp"
#include "src/result.hpp"

namespace CLI {
class App;
}

namespace pgdba {

class Context;
class Unit;
using Action = std::function<void(Context&)>;

// The session a verb runs its SQL in (see SessionKind in context.hpp).
enum class Need { None, Catalog, Ddl, User };
// Read changes nothing; Change is audited and honours --dry-run; Destroy is
// also refused without --yes when standard input is not a terminal.
enum class Effect { Read, Change, Destroy };

struct VerbSpec {
  Need session = Need::Catalog;
  Effect effect = Effect::Read;
  int min_server = 0;         // oldest server_version_num, 0 = every supported one
  bool per_database = false;  // gets --all-databases, --exclude-database, --jobs
};

// --all-databases and friends, for verbs that declare per_database.
struct DatabaseFanOut {
  bool all_databases = false;
  std::vector<std::string> exclude;  // shell patterns (fnmatch)
  int jobs = 0;                      // 0 = min(databases, 4)
};

// What the framework knows of a registered verb.
struct VerbRecord {
  std::string path;  // "db list"
  std::string help;
  VerbSpec spec;
  DatabaseFanOut fan_out;
  // Options that need a newer server than the verb: flag and version.
  std::vector<std::pair<std::string, int>> since;
  std::vector<std::string> required_args;  // names of required positionals
  // Whether an option was given on the command line (set by cli.cpp).
  std::function<bool(const std::string& flag)> given;
};

class Verb {
 public:
  Verb(CLI::App* app, Action* selected, VerbRecord* record) : app_(app), selected_(selected), record_(record) {}

  // A required (or optional) positional argument.
  Verb& arg(const std::string& name, std::string* target, const std::string& help, bool required = true);
  // An optional positional that takes every remaining argument (`pgdba
  // terminate 123 456`).
  Verb& args(const std::string& name, std::vector<std::string>* target, const std::string& help);
  Verb& option(const std::string& flags, std::string* target, const std::string& help);
  Verb& option(const std::string& flags, int* target, const std::string& help);
  Verb& option(const std::string& flags, long long* target, const std::string& help);
  Verb& option(const std::string& flags, std::vector<std::string>* target, const std::string& help);
  Verb& flag(const std::string& flags, bool* target, const std::string& help);
  // Restricts the last option to these values.
  Verb& choices(const std::vector<std::string>& values);
  // The last option needs this server version (e.g. 140000); the help and
  // the man page say "PostgreSQL 14+", and using it on an older server fails
  // worded like vacuumdb.
  Verb& since(int server_version);
  // The function that runs when this verb is chosen, for verbs that drive
  // their own output (sql streams, sandbox has no server).
  Verb& run(Action action);
  const VerbRecord& record() const { return *record_; }

 private:
  CLI::App* app_;
  Action* selected_;
  VerbRecord* record_;
  void* last_ = nullptr;  // the CLI::Option last added
};

// Runs `work` once per unit of work (this target and database, or every
// database and target the user asked for, in parallel) and renders the
// merged result. Defined in runner.cpp.
// `targets`, when given, replaces the fleet the options name.
void run_verb(Context& ctx, const VerbRecord& verb, const std::function<Result(Unit&)>& work,
              const std::vector<std::string>* targets = nullptr);

namespace detail {
template <class O, class = void>
struct has_validate : std::false_type {};
template <class O>
struct has_validate<O, std::void_t<decltype(std::declval<const O&>().validate())>> : std::true_type {};
}  // namespace detail

// A verb whose options live in one struct O: options bind to O's members,
// O::validate() (if it has one) runs before any connection, and `run` gets
// the unit of work and the options and returns the result to render.
template <class O>
class TypedVerb {
 public:
  explicit TypedVerb(Verb verb) : verb_(verb), o_(std::make_shared<O>()) {}

  TypedVerb& arg(const std::string& name, std::string O::*m, const std::string& help, bool required = true) {
    verb_.arg(name, &(o_.get()->*m), help, required);
    return *this;
  }
  TypedVerb& args(const std::string& name, std::vector<std::string> O::*m, const std::string& help) {
    verb_.args(name, &(o_.get()->*m), help);
    return *this;
  }
  // A positional that names a database object (`what`: "schema"): checked
  // as an identifier (length, NUL) before any connection.
  TypedVerb& name_arg(const std::string& name, std::string O::*m, const std::string& what, const std::string& help,
                      bool required = true) {
    arg(name, m, help, required);
    return check_name(m, what, !required);
  }

  // Options many verbs share, declared once so they are spelled, worded and
  // checked alike everywhere. `noun` is what the verb acts on ("schema").
  TypedVerb& if_exists(bool O::*m, const std::string& noun) {
    return flag("--if-exists", m, "do nothing if the " + noun + " does not exist");
  }
  TypedVerb& if_not_exists(bool O::*m, const std::string& noun) {
    return flag("--if-not-exists", m, "do nothing if the " + noun + " exists");
  }
  // `what` completes "also drop ...": "every object in the schema".
  TypedVerb& cascade(bool O::*m, const std::string& what) { return flag("--cascade", m, "also drop " + what); }
  TypedVerb& owner(std::string O::*m, const std::string& noun) {
    option("--owner", m, "role that will own the " + noun);
    return check_name(m, "owner");
  }
  template <class T>
  TypedVerb& option(const std::string& flags, T O::*m, const std::string& help) {
    verb_.option(flags, &(o_.get()->*m), help);
    return *this;
  }
  TypedVerb& flag(const std::string& flags, bool O::*m, const std::string& help) {
    verb_.flag(flags, &(o_.get()->*m), help);
    return *this;
  }
  TypedVerb& choices(const std::vector<std::string>& values) {
    verb_.choices(values);
    return *this;
  }
  TypedVerb& since(int server_version) {
    verb_.since(server_version);
    return *this;
  }
  TypedVerb& run(std::function<Result(Unit&, const O&)> work) {
    const VerbRecord* rec = &verb_.record();
    verb_.run([rec, o = o_, checks = checks_, work = std::move(work)](Context& ctx) {
      for (const auto& check : checks)
        check(*o);
      if constexpr (detail::has_validate<O>::value) o->validate();
      run_verb(ctx, *rec, [&](Unit& u) { return work(u, *o); });
    });
    return *this;
  }

 private:
  // An identifier check on a string member; "" passes when `optional`.
  TypedVerb& check_name(std::string O::*m, const std::string& what, bool optional = true) {
    checks_.push_back([m, what, optional](const O& o) {
      if (!optional || !(o.*m).empty()) check_identifier(what, o.*m);
    });
    return *this;
  }

  Verb verb_;
  std::shared_ptr<O> o_;
  std::vector<std::function<void(const O&)>> checks_;
};

// For verbs without options.
struct NoOptions {};

class Noun {
 public:
  Noun(CLI::App* app, Action* selected, std::string path, std::vector<std::unique_ptr<VerbRecord>>* records)
      : app_(app), selected_(selected), path_(std::move(path)), records_(records) {}
  // A verb with options struct O whose result the framework renders.
  template <class O = NoOptions>
  TypedVerb<O> verb(const std::string& name, const std::string& help, VerbSpec spec) {
    return TypedVerb<O>(raw(name, help, spec));
  }
  // A verb that drives its own output (see Verb::run).
  Verb raw(const std::string& name, const std::string& help, VerbSpec spec = {Need::None});

 private:
  CLI::App* app_;
  Action* selected_;
  std::string path_;
  std::vector<std::unique_ptr<VerbRecord>>* records_;
};

class CommandTable {
 public:
  CommandTable(CLI::App* app, Action* selected, std::vector<std::unique_ptr<VerbRecord>>* records)
      : app_(app), selected_(selected), records_(records) {}
  // A noun with verbs: `pgdba db list`.
  Noun noun(const std::string& name, const std::string& help);
  // A command that stands alone (`pgdba sql`) and drives its own output.
  Verb raw_command(const std::string& name, const std::string& help, VerbSpec spec = {Need::None});
  template <class O = NoOptions>
  TypedVerb<O> command(const std::string& name, const std::string& help, VerbSpec spec) {
    return TypedVerb<O>(raw_command(name, help, spec));
  }

 private:
  CLI::App* app_;
  Action* selected_;
  std::vector<std::unique_ptr<VerbRecord>>* records_;
};

// Each command module registers itself; the list is in commands.cpp.
void register_db(CommandTable& t);
void register_schema(CommandTable& t);
void register_table(CommandTable& t);
void register_column(CommandTable& t);
void register_constraint(CommandTable& t);
void register_index(CommandTable& t);
void register_extension(CommandTable& t);
void register_sql(CommandTable& t);
void register_copy(CommandTable& t);
void register_function(CommandTable& t);
void register_lo(CommandTable& t);
void register_listen(CommandTable& t);
void register_sandbox(CommandTable& t);
void register_target(CommandTable& t);
void register_activity(CommandTable& t);
void register_locks(CommandTable& t);
void register_signal(CommandTable& t);
void register_stats(CommandTable& t);
void register_maintenance(CommandTable& t);
void register_role(CommandTable& t);
void register_grant(CommandTable& t);
void register_privileges(CommandTable& t);
void register_config(CommandTable& t);
void register_job(CommandTable& t);
void register_backup(CommandTable& t);
void register_check(CommandTable& t);
void register_replication(CommandTable& t);
void register_completion(CommandTable& t);
void register_audit(CommandTable& t);
void register_logs(CommandTable& t);
void register_all(CommandTable& t);

// Help-derived documents (cli.cpp): the man page in roff, the bash
// completion script, and the table of verbs with their declarations, all
// generated from the same command definitions.
std::string generate_man_page();
// pgdba-NOUN(1): one command's page; a usage error for an unknown one.
std::string generate_noun_man_page(const std::string& noun);
// The top-level commands ("db", "sql", ...), one man page each.
std::vector<std::string> command_nouns();
std::string generate_bash_completion();
std::string generate_zsh_completion();
std::string generate_fish_completion();
Table verb_table();

}  // namespace pgdba
