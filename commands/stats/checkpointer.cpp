// stats checkpointer: checkpoints and who writes buffers out, from
// pg_stat_bgwriter before PostgreSQL 17 and pg_stat_checkpointer from 17
// (the query's version variants give both the same columns).
#include "commands/stats/stats.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

Table checkpointer_table(Session& s, const std::string& name) {
  Table t =
      s.table(s.exec(sql_text("stats/checkpointer", s.server_version()), "reading the checkpointer statistics"), name);
  set_kinds(t, {"write_time", "sync_time", "mean_interval", "checkpoint_timeout"}, Kind::Seconds);
  set_kinds(t, {"checkpointer_written", "bgwriter_written", "backends_written", "allocated"}, Kind::Bytes);
  return t;
}

void add_checkpointer_verb(Noun& stats) {
  stats
      .verb("checkpointer",
            "Checkpoints timed and requested (too many requested: max_wal_size is small), restartpoints, write "
            "and sync time, bytes written by the checkpointer, the background writer and the backends, the "
            "mean time between checkpoints against checkpoint_timeout",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return Result{checkpointer_table(u.session(), "checkpointer")}; });
}

}  // namespace pgdba
