// replication promote, pause, resume: what a standby alone can be told.
#include <string>

#include "commands/replication/replication.hpp"
#include "src/errors.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Result promote(Unit& u, const ReplicationPromoteOptions& o) {
  Session& s = u.session();
  replication_require_standby(s, "promote");
  u.ctx().confirm("promote the standby " + s.describe() + " to a primary");
  const std::string wait = o.wait > 0 ? "true" : "false";
  const std::string seconds = std::to_string(o.wait > 0 ? o.wait : 60);
  const Rows r =
      u.ctx().mutate(s, sql_text("replication/promote"), "promoting " + s.describe(), {wait.c_str(), seconds.c_str()});
  Table t = action_table();
  if (u.ctx().dry_run()) {
    add_action(t, "promote", s.describe(), "dry-run");
    return {t};
  }
  if (o.wait > 0 && !r[0][0].as<bool>()) {
    Error e = failure("promotion of " + s.describe() + " did not finish within " + seconds + " s");
    e.hint = "it may still finish: see `pgdba replication status` and the server log";
    throw e;
  }
  add_action(t, "promote", s.describe(), o.wait > 0 ? "promoted" : "promotion requested");
  return {t};
}

Result set_replay(Unit& u, bool pause) {
  Session& s = u.session();
  replication_require_standby(s, pause ? "pause WAL replay" : "resume WAL replay");
  u.ctx().mutate(s, sql_text(pause ? "replication/pause_replay" : "replication/resume_replay"),
                 std::string(pause ? "pausing" : "resuming") + " WAL replay on " + s.describe());
  Table t = action_table();
  add_action(t, pause ? "pause replay" : "resume replay", s.describe(),
             u.ctx().dry_run() ? "dry-run" : (pause ? "paused" : "resumed"));
  return {t};
}

}  // namespace

void ReplicationPromoteOptions::validate() const {
  if (wait < 0) throw usage_error("--wait must be 0 or more seconds, not " + std::to_string(wait));
}

void add_replication_control_verbs(Noun& noun) {
  noun.verb<ReplicationPromoteOptions>("promote",
                                       "Promote this standby to a primary (pg_promote; asks first, --yes when not "
                                       "on a terminal); refused on a primary",
                                       {Need::Catalog, Effect::Change})
      .option("--wait", &ReplicationPromoteOptions::wait,
              "seconds to wait for the promotion to finish (default 60; 0: request it and return)")
      .run(promote);
  noun.verb("pause", "Pause WAL replay on this standby (WAL keeps streaming in); refused on a primary",
            {Need::Catalog, Effect::Change})
      .run([](Unit& u, const NoOptions&) { return set_replay(u, true); });
  noun.verb("resume", "Resume WAL replay on this standby; refused on a primary", {Need::Catalog, Effect::Change})
      .run([](Unit& u, const NoOptions&) { return set_replay(u, false); });
}

}  // namespace pgdba
