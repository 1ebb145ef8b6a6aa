// The command line: CLI11 lives here, in cli_tree.hpp and in docs.cpp (the
// documents generated from the same tree), and nowhere else.
#include "src/cli.hpp"

#include <libpq-fe.h>
#include <unistd.h>
#include <pqxx/version>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "git_commit.hpp"
#include "src/cancel.hpp"
#include "src/cli_tree.hpp"
#include "src/command.hpp"
#include "src/config.hpp"
#include "src/conninfo.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

// ---- the facade command modules use -------------------------------------

namespace {

std::string version_label(int v) {
  return "PostgreSQL " + std::to_string(v / 10000) + "+";
}

}  // namespace

Verb& Verb::arg(const std::string& name, std::string* target, const std::string& help, bool required) {
  auto* o = app_->add_option(name, *target, help);
  if (required) {
    o->required();
    record_->required_args.push_back(name);
  }
  last_ = o;
  return *this;
}

Verb& Verb::args(const std::string& name, std::vector<std::string>* target, const std::string& help) {
  last_ = app_->add_option(name, *target, help);  // a positional vector takes all that is left
  return *this;
}

Verb& Verb::option(const std::string& flags, std::string* target, const std::string& help) {
  last_ = app_->add_option(flags, *target, help);
  return *this;
}

Verb& Verb::option(const std::string& flags, int* target, const std::string& help) {
  last_ = app_->add_option(flags, *target, help);
  return *this;
}

Verb& Verb::option(const std::string& flags, long long* target, const std::string& help) {
  last_ = app_->add_option(flags, *target, help);
  return *this;
}

Verb& Verb::option(const std::string& flags, std::vector<std::string>* target, const std::string& help) {
  auto* o = app_->add_option(flags, *target, help);
  o->allow_extra_args(false);
  o->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  last_ = o;
  return *this;
}

Verb& Verb::flag(const std::string& flags, bool* target, const std::string& help) {
  last_ = app_->add_flag(flags, *target, help);
  return *this;
}

Verb& Verb::choices(const std::vector<std::string>& values) {
  static_cast<CLI::Option*>(last_)->check(CLI::IsMember(values));
  return *this;
}

Verb& Verb::since(int server_version) {
  auto* o = static_cast<CLI::Option*>(last_);
  o->description(o->get_description() + " (" + version_label(server_version) + ")");
  record_->since.emplace_back(o->get_name(), server_version);
  return *this;
}

Verb& Verb::run(Action action) {
  Action* selected = selected_;
  app_->callback([selected, action = std::move(action)] { *selected = action; });
  return *this;
}

namespace {

Verb make_verb(CLI::App* parent, const std::string& path, const std::string& name, const std::string& help,
               VerbSpec spec, Action* selected, std::vector<std::unique_ptr<VerbRecord>>* records) {
  std::string text = help;
  if (spec.min_server > 0) text += " (" + version_label(spec.min_server) + ")";
  CLI::App* app = parent->add_subcommand(name, text);
  auto rec = std::make_unique<VerbRecord>();
  rec->path = path.empty() ? name : path + " " + name;
  rec->help = text;
  rec->spec = spec;
  rec->given = [app](const std::string& flag) {
    const CLI::Option* o = app->get_option_no_throw(flag);
    return o != nullptr && o->count() > 0;
  };
  VerbRecord* r = rec.get();
  records->push_back(std::move(rec));
  if (spec.per_database) {
    const std::string group = "Database options";
    app->add_flag("--all-databases", r->fan_out.all_databases, "run on every database that accepts connections")
        ->group(group);
    app->add_option("--exclude-database", r->fan_out.exclude,
                    "with --all-databases, skip databases matching this shell pattern (repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app->add_option("--jobs", r->fan_out.jobs, "databases worked on at once (default: min(databases, 4))")
        ->group(group);
  }
  return Verb(app, selected, r);
}

}  // namespace

Verb Noun::raw(const std::string& name, const std::string& help, VerbSpec spec) {
  return make_verb(app_, path_, name, help, spec, selected_, records_);
}

Noun CommandTable::noun(const std::string& name, const std::string& help) {
  auto* sub = app_->add_subcommand(name, help);
  sub->require_subcommand(1);
  return Noun(sub, selected_, name, records_);
}

Verb CommandTable::raw_command(const std::string& name, const std::string& help, VerbSpec spec) {
  return make_verb(app_, "", name, help, spec, selected_, records_);
}

namespace {

void add_global_options(Cli& c) {
  auto& a = c.app;
  auto& g = c.g;
  const std::string conn = "Connection options";
  const std::string out = "Output options";
  const std::string safety = "Safety options";
  const std::string logging = "Logging options";
  a.add_option("-h,--host", g.conn.host, "database server host or socket directory (PGHOST)")->group(conn);
  a.add_option("-p,--port", g.conn.port, "database server port (PGPORT)")->group(conn);
  a.add_option("-U,--username", g.conn.user, "database user name (PGUSER)")->group(conn);
  a.add_option("-d,--dbname", g.conn.dbname, "database to connect to (PGDATABASE)")->group(conn);
  a.add_option("--dsn", g.conn.dsn, "connection string or postgresql:// URI")->group(conn);
  a.add_option("--connect-timeout", g.conn.connect_timeout, "seconds to wait for a connection (default 10)")
      ->group(conn);
  a.add_flag("-W,--password", g.conn.prompt_password, "prompt for a password")->group(conn);
  a.add_option("-o,--output", g.output,
               "output format: table, json, jsonl, csv; for check also nagios (its default) "
               "and prometheus")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv", "nagios", "prometheus"}))
      ->group(out);
  a.add_flag("--no-header", g.no_header, "leave out the header line (table, csv)")->group(out);
  a.add_option("--color", g.color, "color in tables: auto, always, never (NO_COLOR honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->group(out);
  a.add_flag("--numeric-as-number", g.numeric_as_number, "write numeric values as JSON numbers, not strings")
      ->group(out);
  a.add_flag("-y,--yes", g.yes, "do destructive actions without asking")->group(safety);
  a.add_flag("--dry-run", g.dry_run, "print the SQL that would run and run nothing")->group(safety);
  a.add_option("--lock-timeout", g.lock_timeout, "give up waiting for a lock after this long (DDL default 5s)")
      ->group(safety);
  a.add_option("--statement-timeout", g.statement_timeout, "cancel any statement that runs longer")->group(safety);
  a.add_option("--audit-log", g.audit_log, "append an audit record (JSON line) per change to this file")->group(safety);
  a.add_flag("-v,--verbose", g.verbose, "more logging: -v info, -vv every SQL statement with its duration")
      ->group(logging);
  a.add_flag("-q,--quiet", g.quiet, "log errors only")->group(logging);
  a.add_option("--log-file", g.log_file, "also write the log to this file")->group(logging);
  a.add_option("--log-format", g.log_format, "log format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->group(logging);
  const std::string fleet = "Fleet options";
  a.add_option("--target", g.targets, "run on this target, a service of pg_service.conf (repeatable, or a,b)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->delimiter(',')
      ->group(fleet);
  a.add_option("--group", g.groups, "run on every target of this group of the config file (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(fleet);
  a.add_flag("--all-targets", g.all_targets, "run on every service of pg_service.conf")->group(fleet);
  a.add_option("--parallel", g.parallel, "targets worked on at once (default: min(targets, 8))")->group(fleet);
  a.add_flag("--version", c.version, "print pgdba's version, git commit and library versions");
}

std::string version_text() {
  const int lib = PQlibVersion();
  std::ostringstream s;
  s << "pgdba " << PGDBA_VERSION << " (commit " << PGDBA_GIT_COMMIT << ")\n"
    << "libpq " << lib / 10000 << "." << lib % 10000 << "\n"
    << "libpqxx " << PQXX_VERSION << "\n";
  return s.str();
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "-o" || a == "--output") && i + 1 < argc) {
      const std::string v = argv[i + 1];
      if (v == "json" || v == "jsonl") return true;
    }
    if (a == "-ojson" || a == "-ojsonl" || a == "--output=json" || a == "--output=jsonl") return true;
  }
  return false;
}

void report_error(const Error& e, bool json) {
  if (json) {
    nlohmann::json err = {{"message", e.what()},
                          {"sqlstate", e.sqlstate.empty() ? nlohmann::json() : nlohmann::json(e.sqlstate)},
                          {"severity", e.severity.empty() ? "ERROR" : e.severity},
                          {"detail", e.detail.empty() ? nlohmann::json() : nlohmann::json(e.detail)},
                          {"hint", e.hint.empty() ? nlohmann::json() : nlohmann::json(e.hint)},
                          {"target", e.target.empty() ? nlohmann::json() : nlohmann::json(e.target)}};
    std::cerr << nlohmann::json{{"error", err}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << std::endl;
    return;
  }
  std::cerr << "pgdba: error: " << e.what() << "\n";
  if (!e.detail.empty()) std::cerr << "DETAIL: " << e.detail << "\n";
  if (!e.hint.empty()) std::cerr << "HINT: " << e.hint << "\n";
  std::cerr.flush();
}

// The command line as the logs and the audit trail record it: no password
// of a DSN, a URI or a -d conninfo, and no password literal in -c SQL.
std::string redacted_command(int argc, char** argv) {
  std::string out = "pgdba";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string lower = a;
    for (char& ch : lower)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.find("password") != std::string::npos) a = redact_secrets(a);
    out += " " + redact_password_text(a);
  }
  return out;
}

// The config file's [defaults] fill in the global options the command line
// left out.
void apply_config(Cli& c) {
  auto loaded = std::make_shared<const Config>(load_config());
  c.g.config = loaded;  // read once: the fleet's groups come from it too
  const Config& cfg = *loaded;
  if (!cfg.found) return;
  const auto given = [&](const char* name) { return c.app.get_option(name)->count() > 0; };
  const ConfigDefaults& d = cfg.defaults;
  if (d.output && !given("--output")) c.g.output = *d.output;
  if (d.lock_timeout && !given("--lock-timeout")) c.g.lock_timeout = *d.lock_timeout;
  if (d.statement_timeout && !given("--statement-timeout")) c.g.statement_timeout = *d.statement_timeout;
  if (d.connect_timeout && !given("--connect-timeout")) c.g.conn.connect_timeout = *d.connect_timeout;
  if (d.parallel && !given("--parallel")) c.g.parallel = *d.parallel;
}

// What can be wrong with the global options is found before connecting.
void validate_globals(const Cli& c) {
  validate_conn_options(c.g.conn);
  const bool fleet = !c.g.targets.empty() || !c.g.groups.empty() || c.g.all_targets;
  if (fleet && (!c.g.conn.host.empty() || !c.g.conn.port.empty() || !c.g.conn.dsn.empty())) {
    throw usage_error(
        "--target, --group and --all-targets name services of pg_service.conf; "
        "they cannot be combined with -h, -p or --dsn");
  }
  if (c.g.parallel < 0) throw usage_error("--parallel must be at least 1");
  for (const char* name : {"--lock-timeout", "--statement-timeout"}) {
    const std::string& v = std::string(name) == "--lock-timeout" ? c.g.lock_timeout : c.g.statement_timeout;
    if (c.app.get_option(name)->count() > 0 && v.empty()) {
      throw usage_error(std::string(name) + " needs a value, such as 5s (0 for none)");
    }
    if (!v.empty()) check_timeout_value(name, v);
  }
}

// --help and --version write to stdout; a full disk must not look like success.
int finish_stdout(int code) {
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "pgdba: error: cannot write output\n";
    return 1;
  }
  return code;
}

}  // namespace

void build_cli(Cli& c) {
  c.app.set_help_flag("--help", "print this help and exit");
  c.app.fallthrough();  // global options may follow the subcommand
  c.app.require_subcommand(0, 1);
  add_global_options(c);
  CommandTable table(&c.app, &c.selected, &c.records);
  register_all(table);
}

int run_cli(int argc, char** argv) {
  // From the command line now; once the config file is read, its default
  // output format counts too.
  bool json_errors = wants_json(argc, argv);
  std::unique_ptr<Context> ctx;
  // Output already begun is closed with the error recorded in it.
  const auto fail_output = [&ctx](const Error& e) {
    if (ctx) ctx->fail_output(e);
  };
  try {
    Cli c;
    build_cli(c);
    try {
      c.app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return finish_stdout(c.app.exit(e));
    } catch (const CLI::ParseError& e) {
      Error err = usage_error(e.what());
      err.hint = "run 'pgdba --help' or 'pgdba COMMAND --help'";
      // Monitoring checks speak the Nagios plugin rules: a usage error is
      // UNKNOWN (3), said on stdout where the monitoring system reads.
      if (c.app.get_subcommand("check")->parsed()) {
        std::cout << "PGDBA CHECK UNKNOWN - " << e.what() << "\n";
        report_error(err, json_errors);
        return finish_stdout(3);
      }
      report_error(err, json_errors);
      return 2;
    }
    if (c.version) {
      std::cout << version_text();
      return finish_stdout(0);
    }
    if (!c.selected) {
      std::cout << c.app.help();
      return finish_stdout(2);
    }
    apply_config(c);
    json_errors = json_errors || c.g.output == "json" || c.g.output == "jsonl";
    validate_globals(c);
    const std::string command = redacted_command(argc, argv);
    log::Settings ls;
    ls.level = c.g.quiet          ? log::Level::Error
               : c.g.verbose >= 2 ? log::Level::Debug
               : c.g.verbose == 1 ? log::Level::Info
                                  : log::Level::Warn;
    ls.file = c.g.log_file;
    ls.json = c.g.log_format == "json";
    ls.start_line = "pgdba " PGDBA_VERSION ": " + command;
    log::configure(ls);
    ctx = std::make_unique<Context>(c.g, command);
    c.selected(*ctx);
    if (const std::string why = log::failure(); !why.empty()) {
      std::cerr << "pgdba: warning: writing the log file \"" << c.g.log_file << "\" failed: " << why << "\n";
    }
    return cancel::requested() ? cancel::kExitCode : ctx->exit_code();
  } catch (const Error& e) {
    fail_output(e);
    // The signal handler already said what happened, on one line.
    if (cancel::requested()) return cancel::kExitCode;
    // An error without a message was already reported (check's UNKNOWN).
    if (*e.what() != '\0') report_error(e, json_errors);
    return static_cast<int>(e.kind);
  } catch (const std::exception& e) {
    Error err = failure(std::string("internal error: ") + e.what());
    fail_output(err);
    report_error(err, json_errors);
    return 1;
  } catch (...) {
    report_error(failure("internal error: unknown exception"), json_errors);
    return 1;
  }
}

}  // namespace pgdba
