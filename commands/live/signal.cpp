// cancel and terminate: signal sessions named by pid or matched by filters.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "commands/live/live.hpp"
#include "src/command.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct SignalOptions {
  std::vector<std::string> pids;
  std::string state, running_for, idle_for, user, db, application, query_matches;
  bool root_blockers = false;
  bool include_pgdba = false;

  bool filtered() const {
    return !state.empty() || !running_for.empty() || !idle_for.empty() || !user.empty() || !db.empty() ||
           !application.empty() || !query_matches.empty() || root_blockers;
  }
  void validate() const {
    for (const auto& p : pids) {
      const bool digits = !p.empty() && p.size() <= 10 && p.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoll(p) < 1 || std::stoll(p) > 2147483647) {
        throw usage_error("invalid pid \"" + p + "\": a pid is a positive integer");
      }
    }
    if (!running_for.empty()) parse_duration("--running-for", running_for);
    if (!idle_for.empty()) parse_duration("--idle-for", idle_for);
    if (pids.empty() && !filtered()) {
      Error e = usage_error("say which sessions: give one or more pids, or a filter");
      e.hint =
          "filters: --state, --running-for, --idle-for, --user, --db, --application, --query-matches, "
          "--root-blockers";
      throw e;
    }
  }
};

struct Signal {
  const char* verb;   // "cancel"
  const char* doing;  // "cancelling", for error messages
  const char* query;  // its statement under sql/
};
const Signal kCancel{"cancel", "cancelling", "live/cancel_backend"};
const Signal kTerminate{"terminate", "terminating", "live/terminate_backend"};

// Units of a fan-out run in threads; the exit code and the error lines they
// add go through here.
std::mutex report_mutex;

std::string int_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i == 0 ? "" : ",") + values[i];
  return out + "}";
}

std::vector<Column> result_columns() {
  return {{"pid", Kind::Integer, Kind::Text},   {"user", Kind::Text, Kind::Text},
          {"database", Kind::Text, Kind::Text}, {"application", Kind::Text, Kind::Text},
          {"state", Kind::Text, Kind::Text},    {"state_duration", Kind::Seconds, Kind::Text},
          {"query", Kind::Text, Kind::Text},    {"outcome", Kind::Text, Kind::Text}};
}

Result signal_sessions(Unit& u, const SignalOptions& o, const Signal& sig) {
  Context& ctx = u.ctx();
  Session& s = u.session();
  const auto opt = [](const std::string& v) { return v.empty() ? nullptr : v.c_str(); };
  const std::string pids = o.pids.empty() ? "" : int_array(o.pids);
  const std::string running =
      o.running_for.empty() ? "" : std::to_string(parse_duration("--running-for", o.running_for));
  const std::string idle = o.idle_for.empty() ? "" : std::to_string(parse_duration("--idle-for", o.idle_for));
  std::string roots;
  if (o.root_blockers) {
    std::vector<std::string> found;
    for (int pid : root_blockers(s))
      found.push_back(std::to_string(pid));
    roots = int_array(found);
  }
  const Params params{
      opt(pids), opt(o.state),       opt(running),         opt(idle),  opt(o.user),
      opt(o.db), opt(o.application), opt(o.query_matches), opt(roots), o.include_pgdba ? "true" : "false"};
  const Rows r =
      s.exec(sql_text("live/list_signal_targets"), params, std::string("listing the sessions to ") + sig.verb);

  using Cells = std::vector<std::optional<std::string>>;
  std::map<long, Cells> rows;  // by pid
  std::vector<std::string> problems;
  std::vector<long> hits;
  const auto cell = [](const auto& f) -> std::optional<std::string> {
    if (f.is_null()) return std::nullopt;
    return std::string(f.c_str());
  };
  for (std::size_t i = 0; i < r.size(); ++i) {
    const long pid = r[i]["pid"].as<long>();
    Cells cells;
    for (const char* c : {"pid", "user", "database", "application", "state", "state_duration", "query"})
      cells.push_back(cell(r[i][c]));
    if (!r[i]["matches"].as<bool>()) {
      cells.emplace_back("skipped: does not match the filters");
    } else if (r[i]["pgdba"].as<bool>()) {
      cells.emplace_back("skipped: a pgdba session");
      problems.push_back("session " + std::to_string(pid) + " is a pgdba session (application_name " +
                         quote_literal(cells[3].value_or("")) + "): not signalled without --include-pgdba");
    } else {
      cells.emplace_back(std::nullopt);
      hits.push_back(pid);
    }
    rows[pid] = std::move(cells);
  }
  for (const auto& p : o.pids) {
    const long pid = std::stol(p);
    if (rows.count(pid) != 0) continue;
    Cells cells(result_columns().size());
    cells[0] = p;
    cells.back() = "not found";
    rows[pid] = std::move(cells);
    problems.push_back("session " + p + " does not exist");
  }

  if (!hits.empty() && !ctx.dry_run() && &sig == &kTerminate) {
    std::string list;
    for (long pid : hits)
      list += (list.empty() ? "" : ", ") + std::to_string(pid);
    ctx.confirm("terminate " + std::to_string(hits.size()) + (hits.size() == 1 ? " session" : " sessions") + " (pid " +
                list + ")");
  }
  int signalled = 0;
  for (long pid : hits) {
    const std::string p = std::to_string(pid);
    std::optional<std::string>& outcome = rows[pid].back();
    if (ctx.dry_run()) {
      // Not through mutate(): its plan (the statement) would replace this
      // list, and the list is what --dry-run must show.
      ctx.record_audit(s, sql_text(sig.query) + " -- $1 = " + quote_literal(p), "dry-run");
      outcome = std::string("would ") + sig.verb;
      continue;
    }
    try {
      const Rows done = ctx.mutate(s, sql_text(sig.query), std::string(sig.doing) + " session " + p, {p.c_str()});
      // false: the session ended between the listing and the signal.
      outcome = done[0][0].as<bool>() ? "signalled" : "gone";
      ++signalled;
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect) throw;
      outcome = std::string("failed: ") + e.what();
      problems.push_back(e.what());
    }
  }

  if (!problems.empty()) {
    std::lock_guard<std::mutex> lock(report_mutex);
    for (const auto& p : problems)
      log::error(u.target().empty() ? p : "target " + u.target() + ": " + p);
    const ErrorKind kind = signalled > 0 ? ErrorKind::Partial : ErrorKind::Failed;
    if (ctx.exit_code() == 0 || kind == ErrorKind::Partial) ctx.set_exit_code(static_cast<int>(kind));
  }
  Table t(sig.verb, result_columns());
  for (auto& [pid, cells] : rows)
    t.add_row(std::move(cells));
  return {t};
}

void add_signal_options(TypedVerb<SignalOptions>& v, const std::string& verb) {
  v.args("pid", &SignalOptions::pids, "process id of a session to " + verb + " (repeatable)")
      .option("--state", &SignalOptions::state, "only sessions in this state")
      .choices(session_states())
      .option("--running-for", &SignalOptions::running_for,
              "only sessions whose query has been running for at least this long (30s, 5min, 2h)")
      .option("--idle-for,--idle-in-transaction-for", &SignalOptions::idle_for,
              "only sessions idle in a transaction for at least this long")
      .option("--user", &SignalOptions::user, "only sessions of this role")
      .option("--db", &SignalOptions::db, "only sessions connected to this database")
      .option("--application", &SignalOptions::application, "only sessions with this application_name")
      .option("--query-matches", &SignalOptions::query_matches,
              "only sessions whose query matches this regular expression (the server's ~)")
      .flag("--root-blockers", &SignalOptions::root_blockers,
            "only sessions that block others and wait for no one (the roots of locks --tree)")
      .flag("--include-pgdba", &SignalOptions::include_pgdba,
            "also sessions whose application_name starts with pgdba (other pgdba runs; never this one)");
}

}  // namespace

void register_signal(CommandTable& table) {
  auto cancel = table.command<SignalOptions>(
      "cancel",
      "Cancel the running query of sessions named by pid or matched by filters (which match client backends "
      "only); --dry-run lists them",
      {Need::Catalog, Effect::Change, 0, false});
  add_signal_options(cancel, "cancel");
  cancel.run([](Unit& u, const SignalOptions& o) { return signal_sessions(u, o, kCancel); });

  auto terminate = table.command<SignalOptions>(
      "terminate",
      "End sessions named by pid or matched by filters (asks first; --yes when not on a terminal); --dry-run "
      "lists them",
      {Need::Catalog, Effect::Destroy, 0, false});
  add_signal_options(terminate, "terminate");
  terminate.run([](Unit& u, const SignalOptions& o) { return signal_sessions(u, o, kTerminate); });
}

}  // namespace pgdba
