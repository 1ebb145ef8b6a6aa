// replication status and lag: what either node knows of replication, from
// itself alone (a standby's lag needs no connection to its primary).
#include <optional>
#include <string>

#include "commands/replication/replication.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Table section(Session& s, const char* file, const char* name, const std::string& what) {
  return s.table(s.exec(sql_text(std::string("replication/") + file, s.server_version()), what), name);
}

void kinds(Table& t, std::initializer_list<const char*> columns, Kind kind) {
  for (const char* c : columns)
    t.set_kind(c, kind);
}

}  // namespace

Result replication_status(Session& s) {
  Table node = section(s, "node", "node", "reading the server's replication role");
  Table upstream = section(s, "upstream", "upstream", "reading pg_stat_wal_receiver");
  upstream.set_kind("last_msg_age", Kind::Seconds);
  Table replay = section(s, "replay", "replay", "reading the standby's replay position");
  replay.set_kind("lag_bytes", Kind::Bytes);
  replay.set_kind("lag_seconds", Kind::Seconds);
  Table standbys = section(s, "standbys", "standbys", "reading pg_stat_replication");
  standbys.set_kind("lag_bytes", Kind::Bytes);
  kinds(standbys, {"write_lag", "flush_lag", "replay_lag"}, Kind::Seconds);
  Table slots = section(s, "slots", "slots", "reading pg_replication_slots");
  kinds(slots, {"retained_bytes", "safe_wal_size", "confirmed_lag_bytes"}, Kind::Bytes);
  Table conflicts = section(s, "conflicts", "conflicts", "reading pg_stat_database_conflicts");
  return {node, upstream, replay, standbys, slots, conflicts};
}

Result replication_lag(Session& s, const ReplicationLagOptions& o) {
  const bool bytes = o.unit == "bytes";
  const int v = s.server_version();
  Table t("lag", {Column{"standby", Kind::Text, Kind::Text}, Column{"source", Kind::Text, Kind::Text},
                  Column{"lag", bytes ? Kind::Bytes : Kind::Seconds, Kind::Text}});
  // This server itself, when it is a standby: its replay behind what it
  // received.
  const Rows replay = s.exec(sql_text("replication/replay", v), "reading the standby's replay position");
  for (const auto& r : replay)
    t.add_row(
        {std::string("local"), std::string("replay on this standby"), r[bytes ? "lag_bytes" : "lag_seconds"].str()});
  // Every standby streaming from this server (cascaded ones on a standby).
  const Rows standbys = s.exec(sql_text("replication/standbys", v), "reading pg_stat_replication");
  for (const auto& r : standbys) {
    const Field f = r[bytes ? "lag_bytes" : "replay_lag"];
    std::optional<std::string> value;
    if (!f.is_null()) value = f.str();
    const std::string addr = r["client_addr"].is_null() ? "local" : r["client_addr"].str();
    t.add_row({r["application_name"].str() + "@" + addr, "walsender pid " + r["pid"].str(), value});
  }
  return {t};
}

void add_replication_status_verbs(Noun& noun) {
  noun.verb("status",
            "Replication on this node, primary or standby: its role; on a standby its upstream (WAL receiver), "
            "received and replayed WAL and the replay lag in bytes and seconds computed on the standby alone "
            "(0 when all received WAL is replayed: an idle primary is not a delay), paused or not, recovery "
            "conflicts; on either node the standbys streaming from it (LSNs, lag in bytes, write/flush/replay "
            "lag in seconds) and its replication slots (retained WAL, wal_status, safe_wal_size)",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return replication_status(u.session()); });

  noun.verb<ReplicationLagOptions>("lag",
                                   "One lag number per standby, for scripts: on a primary each standby streaming "
                                   "from it; on a standby its own replay lag (row \"local\") and any cascaded "
                                   "standbys",
                                   {Need::Catalog, Effect::Read})
      .option("--unit", &ReplicationLagOptions::unit, "bytes of WAL not yet replayed (default) or seconds")
      .choices({"bytes", "seconds"})
      .run([](Unit& u, const ReplicationLagOptions& o) { return replication_lag(u.session(), o); });
}

}  // namespace pgdba
