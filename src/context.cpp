#include "src/context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "src/errors.hpp"
#include "src/fleet.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

namespace {

std::string os_user() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  return std::to_string(geteuid());
}

std::string now_iso() {
  return local_time_text(std::chrono::system_clock::now(), 'T', 3);
}

}  // namespace

Context::Context(GlobalOptions options, std::string command)
    : opts_(std::move(options)), command_(std::move(command)) {}

Context::~Context() = default;

RenderOptions Context::render_options() const {
  RenderOptions r;
  r.format = parse_format(opts_.output.empty() ? "table" : opts_.output);
  r.header = !opts_.no_header;
  r.numeric_as_number = opts_.numeric_as_number;
  if (opts_.color == "always") {
    r.color = true;
  } else if (opts_.color == "auto") {
    r.color = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  }
  return r;
}

Session& Context::session(SessionKind kind, const std::string& dbname) {
  const std::string key = std::to_string(static_cast<int>(kind)) + "/" + dbname;
  auto& slot = sessions_[key];
  if (!slot) slot = open_session("", kind, dbname);
  return *slot;
}

std::unique_ptr<Session> Context::open_session(const std::string& target, SessionKind kind, const std::string& dbname) {
  ConnOptions conn = opts_.conn;
  // A target is a service: libpq reads host, port and the rest from
  // pg_service.conf; -U and -d still apply on top.
  if (!target.empty()) conn.dsn = "service=" + quote_conninfo_value(target);
  return open(conn, target, kind, dbname);
}

std::unique_ptr<Session> Context::open_session_with(const ConnOptions& conn, SessionKind kind,
                                                    const std::string& dbname) {
  return open(conn, "", kind, dbname);
}

std::unique_ptr<Session> Context::open(const ConnOptions& conn, const std::string& target, SessionKind kind,
                                       const std::string& dbname) {
  SessionSettings s;
  s.fixed_search_path = kind != SessionKind::User;
  s.lock_timeout = opts_.lock_timeout;
  if (s.lock_timeout.empty() && kind == SessionKind::Ddl) s.lock_timeout = "5s";
  s.statement_timeout = opts_.statement_timeout;
  std::string password;
  if (opts_.conn.prompt_password) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& remembered = passwords_[target];  // ask once per target, however many connections
    if (remembered.empty())
      remembered = prompt_password(target.empty() ? "Password: " : "Password for " + target + ": ");
    password = remembered;
  }
  return std::make_unique<Session>(build_conninfo(conn, s, password, dbname));
}

const std::vector<std::string>& Context::targets() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!targets_resolved_) {
    targets_ = resolve_fleet(opts_);
    targets_resolved_ = true;
  }
  return targets_;
}

ResultSink& Context::sink() {
  if (!sink_) sink_ = make_renderer(render_options(), stdout);
  return *sink_;
}

void Context::emit(const Result& result) {
  if (opts_.dry_run && !planned_.empty()) {
    // Statements for several databases (role drop --reassign-to, a plan
    // over --all-databases) say where each would run.
    std::set<std::string> dbs;
    for (const auto& d : planned_db_)
      if (!d.empty()) dbs.insert(d);
    const bool where = dbs.size() > 1;
    std::vector<Column> cols;
    if (where) cols.push_back(Column{"database", Kind::Text, Kind::Text});
    cols.push_back(Column{"sql", Kind::Text, Kind::Text});
    Table t("dry_run", cols);
    for (std::size_t i = 0; i < planned_.size(); ++i) {
      if (where) {
        t.add_row({planned_db_[i].empty() ? std::nullopt : std::optional<std::string>(planned_db_[i]), planned_[i]});
      } else {
        t.add_row({planned_[i]});
      }
    }
    emit_result({t}, sink());
    return;
  }
  emit_result(result, sink());
}

void Context::emit_text(const std::string& text, const Result& structured) {
  if (render_options().format != Format::Table) {
    emit(structured);
    return;
  }
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw failure("cannot write output");
  }
}

void Context::confirm_all(const std::string& action) {
  confirm(action);
  confirmed_ = true;
}

void Context::confirm(const std::string& action) {
  if (opts_.yes || opts_.dry_run || confirmed_) return;
  if (isatty(STDIN_FILENO) == 0) {
    throw usage_error("refusing to " + action + " without --yes: standard input is not a terminal");
  }
  std::cerr << "pgdba: about to " << action << ". Continue? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes") throw usage_error("cancelled: did not " + action);
}

Rows Context::mutate(Session& session, const std::string& sql, const std::string& what, const Params& params) {
  std::string shown = sql;
  for (std::size_t i = 0; i < params.size(); ++i) {
    shown += (i == 0 ? " -- " : ", ") + std::string("$") + std::to_string(i + 1) + " = " +
             (params[i] != nullptr ? quote_literal(params[i]) : std::string("NULL"));
  }
  if (opts_.dry_run) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      planned_.push_back(redact_secrets(shown));  // a password verifier is a secret too
      planned_db_.push_back(session.dbname());
    }
    audit(session, shown, "dry-run");
    return {};
  }
  open_audit_log();
  Rows r;
  try {
    r = session.exec(sql, params, what);
  } catch (const Error& e) {
    audit(session, shown, std::string("error: ") + e.what());
    throw;
  }
  audit(session, shown, "ok");
  return r;
}

void Context::audit(Session& session, const std::string& sql, const std::string& result) {
  nlohmann::json rec = {
      {"time", now_iso()},   {"os_user", os_user()},       {"db_user", session.user()}, {"server", session.describe()},
      {"command", command_}, {"sql", redact_secrets(sql)}, {"result", result},
  };
  const std::string line = rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  log::info("audit: " + line);
  if (opts_.audit_log.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  open_audit_log();
  *audit_out_ << line << '\n';
  audit_out_->flush();
  if (*audit_out_) return;
  const std::string why = std::strerror(errno);
  if (result == "ok") {
    // The change is done and cannot be taken back: say so, and exit 4 so
    // cron and scripts can tell it from a change that failed.
    Error e(ErrorKind::Partial,
            "the change was made, but its audit record could not be appended to \"" + opts_.audit_log + "\": " + why);
    e.detail = "done: " + redact_secrets(sql);
    e.hint = "record the change by hand; fix the audit log before the next change";
    throw e;
  }
  throw failure("cannot append to audit log \"" + opts_.audit_log + "\": " + why + "; nothing was changed");
}

void Context::fail_table(const Error& e, const std::string& name) {
  if (output_closed_) return;
  sink().fail(SinkError{e.what(), e.sqlstate, e.severity.empty() ? "ERROR" : e.severity, e.detail, e.hint, e.target},
              name);
}

void Context::fail_output(const Error& e, const std::string& name) noexcept {
  if (!sink_ || output_closed_) return;
  try {
    fail_table(e, name);
    output_closed_ = true;
    sink_->finish();
  } catch (...) {
    // stdout itself is what failed; the error still goes to stderr
  }
}

void Context::open_audit_log() {
  if (opts_.audit_log.empty() || audit_out_) return;
  audit_out_ = std::make_unique<std::ofstream>(opts_.audit_log, std::ios::app);
  if (!*audit_out_) {
    audit_out_.reset();
    throw usage_error("cannot open audit log \"" + opts_.audit_log + "\" for appending; nothing was changed");
  }
}

Table action_table() {
  return Table("result", {Column{"action", Kind::Text, Kind::Text}, Column{"object", Kind::Text, Kind::Text},
                          Column{"status", Kind::Text, Kind::Text}});
}

void add_action(Table& table, const std::string& action, const std::string& object, const std::string& status) {
  table.add_row({action, object, status});
}

}  // namespace pgdba
