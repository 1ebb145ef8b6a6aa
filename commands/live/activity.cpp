// activity: the sessions of pg_stat_activity, filtered.
#include <string>

#include "commands/live/live.hpp"
#include "src/command.hpp"
#include "src/duration.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ActivityOptions {
  std::string state, db, user, min_duration;
  bool include_idle = false;
  bool include_system = false;
  void validate() const {
    if (!min_duration.empty()) parse_duration("--min-duration", min_duration);
  }
};

Result list_activity(Session& s, const ActivityOptions& o) {
  const std::string min_seconds =
      o.min_duration.empty() ? "" : std::to_string(parse_duration("--min-duration", o.min_duration));
  const auto opt = [](const std::string& v) { return v.empty() ? nullptr : v.c_str(); };
  const Params params{opt(o.state),
                      opt(o.db),
                      opt(o.user),
                      opt(min_seconds),
                      o.include_idle ? "true" : "false",
                      o.include_system ? "true" : "false"};
  Table t = to_table(s.exec(sql_text("live/list_activity"), params, "listing sessions"), "activity");
  for (const char* c : {"state_duration", "query_duration", "xact_duration"})
    t.set_kind(c, Kind::Seconds);
  t.set_max_width("query", 80);  // whole in JSON and CSV
  return {t};
}

}  // namespace

void register_activity(CommandTable& table) {
  table
      .command<ActivityOptions>("activity",
                                "Sessions from pg_stat_activity: who, where, state, wait event, durations, xid and "
                                "xmin age, query (not pgdba's own; idle ones and background processes on request)",
                                {Need::Catalog, Effect::Read, 0, false})
      .option("--state", &ActivityOptions::state, "only sessions in this state (shows idle ones if asked for)")
      .choices(session_states())
      .option("--db", &ActivityOptions::db, "only sessions connected to this database")
      .option("--user", &ActivityOptions::user, "only sessions of this role")
      .option("--min-duration", &ActivityOptions::min_duration,
              "only sessions in their current state for at least this long (30s, 5min, 2h)")
      .flag("--include-idle", &ActivityOptions::include_idle, "also show idle sessions")
      .flag("--include-system", &ActivityOptions::include_system,
            "also show background processes (autovacuum, walsender, checkpointer, ...)")
      .run([](Unit& u, const ActivityOptions& o) { return list_activity(u.session(), o); });
}

}  // namespace pgdba
