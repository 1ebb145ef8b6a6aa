// stats overview: one health report per server, in sections (server,
// connections, databases, horizon, wraparound, wal, checkpoints) so that each
// renders as a short table and each value keeps its type in JSON.
#include "commands/stats/stats.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Result overview(Session& s) {
  const int v = s.server_version();
  const auto section = [&](const char* file, const char* name, const std::string& what) {
    return s.table(s.exec(sql_text(std::string("stats/") + file, v), what), name);
  };
  Table server = section("overview_server", "server", "reading the server's state");
  set_kinds(server, {"uptime", "max_replay_lag"}, Kind::Seconds);
  Table connections = section("overview_connections", "connections", "counting sessions");
  connections.set_kind("longest", Kind::Seconds);
  Table databases = section("overview_databases", "databases", "reading pg_stat_database");
  set_kinds(databases, {"total_size", "temp_bytes"}, Kind::Bytes);
  Table horizon = section("overview_horizon", "horizon", "finding what holds the xmin horizon");
  horizon.set_kind("held_for", Kind::Seconds);
  Table wraparound = section("overview_wraparound", "wraparound", "reading transaction ID ages");
  Table wal = section("overview_wal", "wal", "reading the WAL position");
  wal.set_kind("wal_bytes", Kind::Bytes);
  Table checkpoints = project(
      checkpointer_table(s, "checkpoints"), "checkpoints",
      {"checkpoints_timed", "checkpoints_requested", "requested_percent", "mean_interval", "checkpoint_timeout"});
  return {server, connections, databases, horizon, wraparound, wal, checkpoints};
}

}  // namespace

void add_overview_verb(Noun& stats) {
  stats
      .verb("overview",
            "One health report per server: version, role, uptime, connections (by state), databases' size, "
            "commits, rollbacks, cache hits, deadlocks and temp bytes, what holds the xmin horizon (oldest "
            "transaction, session, prepared transaction, replication slot, standby feedback), wraparound age, "
            "WAL position and rate, checkpoints, archiver, standbys and their replay lag",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return overview(u.session()); });
}

}  // namespace pgdba
