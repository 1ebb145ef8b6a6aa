// stats io: pg_stat_io (PostgreSQL 16+).
#include "commands/stats/stats.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Result io_stats(Session& s) {
  Table t = s.table(s.exec(sql_text("stats/io", s.server_version()), "reading pg_stat_io"), "io");
  set_kinds(t, {"read_bytes", "write_bytes", "extend_bytes"}, Kind::Bytes);
  set_kinds(t, {"read_time", "write_time", "fsync_time"}, Kind::Seconds);
  return {t};
}

}  // namespace

void add_io_verb(Noun& stats) {
  stats
      .verb("io",
            "I/O by process type, object and context from pg_stat_io: reads, writes, extends, cache hits, "
            "evictions, fsyncs, in operations, bytes and seconds (times need track_io_timing); rows without "
            "activity are left out",
            {Need::Catalog, Effect::Read, 160000})
      .run([](Unit& u, const NoOptions&) { return io_stats(u.session()); });
}

}  // namespace pgdba
