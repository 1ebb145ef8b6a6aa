// What one run of pgdba knows: the global options, its connections, where its
// output goes, and the safety rules every mutating command goes through
// (contract section 5).
#pragma once

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "src/conninfo.hpp"
#include "src/render.hpp"
#include "src/result.hpp"
#include "src/session.hpp"

namespace pgdba {

struct Error;
struct Config;

struct GlobalOptions {
  ConnOptions conn;
  std::string output;  // "" means the default, table
  bool no_header = false;
  std::string color = "auto";
  bool numeric_as_number = false;
  int verbose = 0;
  bool quiet = false;
  std::string log_file;
  std::string log_format = "text";
  bool yes = false;
  bool dry_run = false;
  std::string lock_timeout;  // "" means the default for the session kind
  std::string statement_timeout;
  std::string audit_log;
  // The fleet (contract section 2): services of pg_service.conf.
  std::vector<std::string> targets;
  std::vector<std::string> groups;
  bool all_targets = false;
  int parallel = 0;  // 0 = min(targets, 8)
  // The config file as cli.cpp read it (null: read it when needed).
  std::shared_ptr<const Config> config;
};

enum class SessionKind {
  Catalog,  // canned read-only queries: fixed search_path
  Ddl,      // canned DDL: fixed search_path, lock_timeout 5s unless told
  User,     // the user's own SQL: the user's search_path and timeouts
};

class Context {
 public:
  // `command` is the command line with secrets redacted, for the audit log.
  Context(GlobalOptions options, std::string command);
  ~Context();

  const GlobalOptions& options() const { return opts_; }
  RenderOptions render_options() const;

  // Connects on first use; one connection per (kind, database).
  // `dbname` overrides the database chosen by -d/--dsn/PGDATABASE.
  Session& session(SessionKind kind, const std::string& dbname = "");
  // A new connection to `target` (a service name; "" is the connection the
  // options describe) for a unit of work. Safe to call from any thread.
  std::unique_ptr<Session> open_session(const std::string& target, SessionKind kind, const std::string& dbname);
  // A session with these connection options instead of the command line's
  // (sql -f's \connect), the password asked once as for the others.
  std::unique_ptr<Session> open_session_with(const ConnOptions& conn, SessionKind kind, const std::string& dbname);
  // The services the fleet options name, in order; empty when none was given.
  const std::vector<std::string>& targets();
  // Where results go; commands that stream write here directly.
  ResultSink& sink();
  // Sends a materialized result to the sink. In --dry-run, mutating commands'
  // results are replaced by the list of statements that would have run.
  void emit(const Result& result);

  // For output meant for the shell (export lines, a completion script): the
  // text as it is in table format, `structured` in the other formats.
  void emit_text(const std::string& text, const Result& structured);

  // Asks before a destructive action. Returns normally when --yes, --dry-run
  // or the user said yes on the terminal; throws a usage Error (exit 2) when
  // stdin is not a terminal or the user said no.
  void confirm(const std::string& action);
  // Asks once for a whole fan-out; later confirm() calls then pass.
  void confirm_all(const std::string& action);
  bool dry_run() const { return opts_.dry_run; }
  // Runs one mutating statement, or only records it under --dry-run (with
  // its parameter values as a comment); writes the audit record either way
  // (result "dry-run", "ok" or the error). Returns an empty result in --dry-run.
  Rows mutate(Session& session, const std::string& sql, const std::string& what, const Params& params = {});
  // Records an action that is not SQL (an external command line) for
  // --dry-run to print; the caller then skips doing it.
  void plan(const std::string& action) {
    planned_.push_back(action);
    planned_db_.emplace_back();
  }
  // The statements --dry-run collected, in order.
  const std::vector<std::string>& planned() const { return planned_; }

  // Opens --audit-log (once) so that a log that cannot be written stops the
  // command before it changes anything; a usage Error if it cannot.
  void open_audit_log();
  // Appends an audit record for a statement the caller ran itself.
  void record_audit(Session& session, const std::string& sql, const std::string& result) {
    audit(session, sql, result);
  }

  // Records a failed unit of work (a statement, a database) in the output:
  // json and jsonl show it as an {"error": ...} element of table `name`.
  void fail_table(const Error& e, const std::string& name);
  // Closes output already begun with the error recorded in it, so stdout
  // stays a valid document; does nothing if no output began or it is closed.
  void fail_output(const Error& e, const std::string& name = "") noexcept;

  // Units of a fan-out verb set it from their own threads.
  void set_exit_code(int code) { exit_code_ = code; }
  int exit_code() const { return exit_code_; }

 private:
  void audit(Session& session, const std::string& sql, const std::string& result);
  std::unique_ptr<Session> open(const ConnOptions& conn, const std::string& target, SessionKind kind,
                                const std::string& dbname);

  GlobalOptions opts_;
  std::string command_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  std::mutex mutex_;                              // units of work run in threads: audit, plan, passwords
  std::map<std::string, std::string> passwords_;  // per target, from -W
  std::vector<std::string> targets_;
  bool targets_resolved_ = false;
  bool confirmed_ = false;
  std::unique_ptr<ResultSink> sink_;
  std::vector<std::string> planned_;
  std::vector<std::string> planned_db_;  // the database each ran in ("" for an action)
  std::unique_ptr<std::ofstream> audit_out_;
  bool output_closed_ = false;
  std::atomic<int> exit_code_{0};
};

// The one-row-per-action table mutating commands return.
Table action_table();
void add_action(Table& table, const std::string& action, const std::string& object, const std::string& status);

}  // namespace pgdba
