// The built-in checks. Most are one query under sql/checks/ returning
// (object, value, max, detail); a few probe differently. Thresholds are
// Nagios ranges in the check's measure: "80" alerts above 80, "90:" below 90.
#include <chrono>

#include "commands/audit/audit.hpp"
#include "commands/check/check.hpp"
#include "commands/check/replication_probes.hpp"
#include "commands/stats/stats.hpp"
#include "src/errors.hpp"
#include "src/rows.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

using M = Measure;

CheckDef q(std::string name, std::string help, Measure m, std::string warning, std::string critical, bool per_db,
           std::string metric, std::string what, Reduce reduce = Reduce::Gauge) {
  CheckDef d;
  d.sql = name;
  for (char& c : d.sql)
    c = c == '-' ? '_' : c;
  d.name = std::move(name);
  d.help = std::move(help);
  d.measure = m;
  d.warning = std::move(warning);
  d.critical = std::move(critical);
  d.per_database = per_db;
  d.metric = std::move(metric);
  d.what = std::move(what);
  d.reduce = reduce;
  return d;
}

CheckDef with_sql(CheckDef d, std::string sql) {
  d.sql = std::move(sql);
  return d;
}

// check security: every audit finding, valued by its severity.
void security_probe(Session& s, std::vector<CheckSample>& out) {
  for (const auto& f : audit_findings(s)) {
    CheckSample smp;
    smp.database = f.database;
    smp.object = f.id + (f.object.empty() ? "" : " " + f.object);
    smp.value = f.severity == "critical" ? 4
                : f.severity == "high"   ? 3
                : f.severity == "medium" ? 2
                : f.severity == "low"    ? 1
                                         : 0;
    smp.detail = f.severity + ": " + f.finding;
    out.push_back(std::move(smp));
  }
}

CheckDef with_probe(CheckDef d, std::function<void(Session&, std::vector<CheckSample>&)> probe) {
  d.probe = std::move(probe);
  return d;
}

void connection_probe(Session& s, std::vector<CheckSample>& out) {
  const auto start = std::chrono::steady_clock::now();
  s.exec("SELECT 1", "checking the connection");
  CheckSample smp;
  smp.value = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  smp.detail = s.describe();
  out.push_back(smp);
}

// stats bloat's estimate, for tables or btree indexes: the 20 worst; with
// `exact`, those 20 measured by pgstattuple and judged by what it found.
void bloat_probe(Session& s, std::vector<CheckSample>& out, const std::string& kind, bool exact) {
  const Rows rows = s.exec(sql_text("stats/bloat", s.server_version()), {nullptr, "200"}, "estimating bloat");
  std::vector<std::string> oids;
  std::size_t first = out.size();
  for (const auto& r : rows) {
    if (r["kind"].str() != kind || r["estimated_bloat"].is_null() || oids.size() == 20) continue;
    oids.push_back(r["oid"].str());
    CheckSample smp;
    smp.object = r["schema"].str() + "." + (kind == "index" ? r["index"].str() : r["table"].str());
    smp.value = r["estimated_bloat"].as<double>();
    smp.max = r["size"].as<double>();
    smp.detail = r["estimated_bloat_percent"].str() + "% of " + r["size"].str() + " bytes";
    const std::string flags = r["flags"].str();
    if (flags != "{}") smp.detail += ", " + flags;
    out.push_back(smp);
  }
  if (!exact) return;
  const auto measured = exact_bloat(s, oids, false);
  if (!measured) {
    throw failure("pgstattuple is not installed in database \"" + s.dbname() +
                  "\": CREATE EXTENSION pgstattuple there for --exact");
  }
  for (std::size_t i = 0; i < oids.size(); ++i) {
    CheckSample& smp = out[first + i];
    const auto m = measured->find(oids[i]);
    if (m == measured->end() || !m->second.bytes) continue;  // gone since the estimate
    smp.detail = "measured " + m->second.percent.value_or("0") + "% (estimated " + smp.detail + ")";
    smp.value = std::stod(*m->second.bytes);
  }
}

// index invalid|unused|duplicate's findings (sql/objects/index_*.sql): the
// same answer as the index verbs, as a check. `value`: a column, or null
// for a count of one per index.
void index_probe(Session& s, std::vector<CheckSample>& out, const std::string& query, const char* value) {
  const Rows rows = s.exec(sql_text(query, s.server_version()), {nullptr}, "finding indexes");
  for (const auto& r : rows) {
    // A concurrent build still running is invalid until it ends, not failed.
    if (query == "objects/index_invalid" && r["building_now"].str() == "t") continue;
    CheckSample smp;
    smp.object = r["schema"].str() + "." + r["index"].str();
    smp.value = value == nullptr ? 1 : r[value].as<double>();
    if (query == "objects/index_duplicate") {
      smp.detail = r["reason"].str() + " as " + r["duplicate_of"].str();
    } else if (query == "objects/index_unused") {
      smp.detail = "on " + r["table"].str() + ", no scans in " + r["stats_age_seconds"].str() + "s of statistics";
    } else {
      smp.detail = "on " + r["table"].str() + ", " + r["reason"].str();
    }
    out.push_back(smp);
  }
}

void sequence_probe(Session& s, std::vector<CheckSample>& out) {
  const Rows rows = s.exec(sql_text("maintenance/sequences", s.server_version()), {nullptr}, "reading sequences");
  for (const auto& r : rows) {
    if (r["pct_used"].is_null()) continue;
    CheckSample smp;
    smp.object = r["schema"].str() + "." + r["name"].str();
    smp.value = r["pct_used"].as<double>();
    smp.detail = "last value " + r["last_value"].str() + " of " + r["max"].str();
    out.push_back(smp);
  }
}

void statement_time_probe(Session& s, std::vector<CheckSample>& out) {
  const Rows ext = s.exec(sql_text("stats/extension_schema"), {"pg_stat_statements"}, "looking up pg_stat_statements");
  // Installed in one database, it shows every database's statements: the
  // others have nothing to add.
  if (ext.empty()) return;
  const std::string sql = with_extension_schema(sql_text("checks/statement_time"), ext[0]["schema"].str());
  const Rows rows = s.exec(sql, "reading pg_stat_statements");
  for (const auto& r : rows) {
    CheckSample smp;
    smp.object = r["object"].str();
    smp.value = r["value"].as<double>();
    smp.detail = r["detail"].str();
    out.push_back(smp);
  }
}

std::vector<CheckDef> build() {
  const bool db = true;
  const bool server = false;
  std::vector<CheckDef> c;
  // Availability.
  c.push_back(with_probe(q("connection", "Connects and runs a query: round-trip time", M::Seconds, "1s", "5s", server,
                           "connection_seconds", "query round trip"),
                         connection_probe));
  c.push_back(q("version", "Server version (server_version_num); e.g. --critical 140000: to require 14+", M::Count, "",
                "", server, "server_version", "server"));
  c.push_back(q("uptime", "Time since the server started: a small value is a restart", M::Seconds, "10m:", "", server,
                "uptime_seconds", "uptime"));
  c.push_back(q("settings-changed", "Settings whose value changed since the previous run", M::Count, "0", "", server,
                "settings_changed", "changed settings", Reduce::Changed));
  c.push_back(q("pending-restart", "Settings changed in the configuration that wait for a restart", M::Count, "0", "",
                server, "pending_restart_settings", "settings pending restart"));
  c.push_back(q("configuration", "Settings that put data at risk (fsync, full_page_writes off, zero_damaged_pages...)",
                M::Count, "", "0", server, "unsafe_settings", "unsafe settings"));
  // Sessions.
  c.push_back(q("backends",
                "Client connections as a percentage of max_connections (less reserved), total and per "
                "database",
                M::Percent, "80", "90", server, "backends_ratio", "connections used"));
  c.push_back(q("long-running", "Active statements running longer than the threshold", M::Seconds, "5m", "15m", server,
                "statement_running_seconds", "active statements"));
  c.push_back(q("long-transactions", "Transactions open longer than the threshold", M::Seconds, "10m", "1h", server,
                "transaction_open_seconds", "open transactions"));
  c.push_back(q("idle-in-transaction", "Sessions idle inside a transaction, for how long", M::Seconds, "1m", "10m",
                server, "idle_in_transaction_seconds", "idle-in-transaction sessions"));
  c.push_back(q("blocked", "Sessions waiting for a lock held by another, for how long", M::Seconds, "30s", "5m", server,
                "blocked_seconds", "blocked sessions"));
  c.push_back(q("locks", "Locks per mode, and how many wait", M::Count, "1000", "5000", server, "locks", "lock modes"));
  c.push_back(q("oldest-xmin",
                "Age (transactions) of the oldest xmin held by a session, a prepared transaction or a "
                "slot: what stops vacuum",
                M::Count, "10000000", "100000000", server, "xmin_age", "xmin holders"));
  c.push_back(q("prepared-transactions", "Prepared (two-phase) transactions, by age", M::Seconds, "5m", "30m", server,
                "prepared_transaction_seconds", "prepared transactions"));
  c.push_back(q("temp-files", "Bytes written to temporary files per database since the previous run", M::Bytes, "1GB",
                "10GB", server, "temp_written_bytes", "databases", Reduce::Delta));
  c.push_back(q("deadlocks", "Deadlocks per database since the previous run", M::Count, "0", "10", server,
                "deadlocks_new", "databases", Reduce::Delta));
  c.push_back(q("commit-ratio", "Commits as a percentage of transactions per database (since the stats reset)",
                M::Percent, "80:", "50:", server, "commit_ratio", "databases"));
  c.push_back(q("cache-hit", "Block reads from shared buffers as a percentage per database (since the stats reset)",
                M::Percent, "90:", "80:", server, "cache_hit_ratio", "databases"));
  c.push_back(with_probe(q("statement-time",
                           "Highest mean execution time in pg_stat_statements (10+ calls; databases "
                           "without the extension are skipped)",
                           M::Seconds, "1s", "10s", db, "statement_mean_seconds", "statements in pg_stat_statements"),
                         statement_time_probe));
  c.push_back(q("autovacuum-workers", "Autovacuum workers busy as a percentage of autovacuum_max_workers", M::Percent,
                "66", "99", server, "autovacuum_workers_ratio", "autovacuum workers busy"));
  // Maintenance.
  c.push_back(q("wraparound", "Transaction ID age per database as a percentage of the 2^31 before wraparound",
                M::Percent, "50", "75", server, "xid_wraparound_ratio", "databases"));
  c.push_back(q("mxid-wraparound", "Multixact ID age per database as a percentage of the 2^31 before wraparound",
                M::Percent, "50", "75", server, "mxid_wraparound_ratio", "databases"));
  c.push_back(q("dead-tuples", "Dead rows as a percentage of a table's rows (tables with 1000+ dead rows)", M::Percent,
                "20", "50", db, "dead_tuples_ratio", "tables"));
  c.push_back(with_probe(q("bloat", "Estimated table bloat (stats bloat's estimate, from the planner's statistics)",
                           M::Bytes, "1GB", "10GB", db, "table_bloat_bytes", "tables"),
                         [](Session& s, std::vector<CheckSample>& out) { bloat_probe(s, out, "table", false); }));
  c.push_back(with_probe(q("index-bloat", "Estimated btree index bloat (dedup-aware flags, as stats bloat)", M::Bytes,
                           "1GB", "10GB", db, "index_bloat_bytes", "indexes"),
                         [](Session& s, std::vector<CheckSample>& out) { bloat_probe(s, out, "index", false); }));
  c.push_back(q("last-vacuum", "Time since tables with dead rows were last vacuumed", M::Seconds, "1d", "7d", db,
                "last_vacuum_age_seconds", "tables"));
  c.push_back(q("last-analyze", "Time since modified tables were last analyzed", M::Seconds, "1d", "7d", db,
                "last_analyze_age_seconds", "tables"));
  c.push_back(with_probe(q("sequence-exhaustion",
                           "Share of each sequence's range used (identity and serial "
                           "columns included)",
                           M::Percent, "75", "90", db, "sequence_used_ratio", "sequences"),
                         sequence_probe));
  c.push_back(with_probe(
      q("invalid-indexes",
        "Indexes left invalid by a failed concurrent build (as index invalid; "
        "one being built now is left out)",
        M::Count, "0", "", db, "invalid_indexes", "invalid indexes"),
      [](Session& s, std::vector<CheckSample>& out) { index_probe(s, out, "objects/index_invalid", nullptr); }));
  c.push_back(with_probe(
      q("unused-indexes",
        "Indexes never scanned since the stats reset, by size (as index unused: "
        "indexes that enforce something are left out)",
        M::Bytes, "100MB", "", db, "unused_index_bytes", "unused indexes"),
      [](Session& s, std::vector<CheckSample>& out) { index_probe(s, out, "objects/index_unused", "size_bytes"); }));
  c.push_back(with_probe(
      q("duplicate-indexes",
        "Indexes another index of the same table makes redundant (same keys "
        "or a btree prefix, as index duplicate), by size",
        M::Bytes, "0", "", db, "duplicate_index_bytes", "duplicate indexes"),
      [](Session& s, std::vector<CheckSample>& out) { index_probe(s, out, "objects/index_duplicate", "size_bytes"); }));
  c.push_back(q("invalid-constraints", "Foreign keys and checks added NOT VALID and never validated", M::Count, "0", "",
                db, "invalid_constraints", "unvalidated constraints"));
  c.push_back(
      q("table-size", "The largest tables with indexes and TOAST", M::Bytes, "", "", db, "table_size_bytes", "tables"));
  c.push_back(
      q("database-size", "Size of each database", M::Bytes, "", "", server, "database_size_bytes", "databases"));
  c.push_back(with_sql(q("database-growth", "Growth of each database per second since the previous run", M::Bytes, "",
                         "", server, "database_growth_bytes_per_second", "databases", Reduce::Rate),
                       "database_size"));
  c.push_back(q("tablespace-size", "Size of each tablespace", M::Bytes, "", "", server, "tablespace_size_bytes",
                "tablespaces"));
  c.push_back(q("checkpoints", "Requested checkpoints as a percentage of all (high: max_wal_size too small)",
                M::Percent, "30", "60", server, "checkpoints_requested_ratio", "requested checkpoints"));
  c.push_back(q("wal-rate", "WAL written per second since the previous run", M::Bytes, "", "", server,
                "wal_bytes_per_second", "WAL rate", Reduce::Rate));
  c.push_back(q("wal-files", "pg_wal's size as a percentage of max_wal_size (more: WAL kept for slots or archiving)",
                M::Percent, "100", "200", server, "wal_size_ratio", "WAL size"));
  c.push_back(q("archive", "WAL segments waiting to be archived", M::Count, "10", "100", server, "archive_ready_files",
                "WAL segments waiting for the archiver"));
  c.push_back(q("archive-failures", "Failed archive_command runs since the previous run", M::Count, "0", "", server,
                "archive_failures_new", "archiver failures", Reduce::Delta));
  c.push_back(q("checksum-failures", "Data checksum failures since the previous run", M::Count, "", "0", server,
                "checksum_failures_new", "databases", Reduce::Delta));
  // Replication, measured as `replication status` shows it (replication_probes).
  c.push_back(with_probe(q("replication-lag",
                           "Replay lag in bytes: per standby streaming from this node (a "
                           "primary, or a standby with a cascade); on a standby its received-but-not-replayed WAL",
                           M::Bytes, "16MB", "1GB", server, "replication_lag_bytes", "standbys"),
                         replication_probe::lag_bytes));
  c.push_back(with_probe(q("replication-delay",
                           "Replay delay in seconds: replay_lag per standby streaming from this "
                           "node (0 once caught up); on a standby the last replayed commit's age, 0 when all "
                           "received WAL is replayed (an idle primary is not a delay)",
                           M::Seconds, "1m", "10m", server, "replication_delay_seconds", "standbys"),
                         replication_probe::delay_seconds));
  c.push_back(with_probe(q("replication-slots", "WAL each replication slot keeps on disk", M::Bytes, "1GB", "10GB",
                           server, "slot_retained_wal_bytes", "replication slots"),
                         replication_probe::slot_retained_wal));
  c.push_back(with_probe(q("slot-status", "Replication slot health: 0 active, 1 inactive, 2 unreserved, 3 lost",
                           M::Count, "0", "1", server, "slot_status", "replication slots"),
                         replication_probe::slot_status));
  c.push_back(q("standby-count", "Standbys streaming from this server (e.g. --critical 1: to require one)", M::Count,
                "", "", server, "standbys_streaming", "streaming standbys"));
  c.push_back(with_probe(q("wal-receiver", "On a standby: streaming from its upstream (1) or not (0)", M::Count, "",
                           "1:", server, "wal_receiver_streaming", "WAL receivers"),
                         replication_probe::wal_receiver));
  c.push_back(with_probe(q("replay-paused", "On a standby: WAL replay paused or a pause requested (1)", M::Count, "0",
                           "", server, "replay_paused", "standby replay"),
                         replication_probe::replay_paused));
  c.push_back(q("hot-standby-feedback", "Age (transactions) of the xmin standbys hold back on the primary", M::Count,
                "10000000", "100000000", server, "standby_xmin_age", "standbys with feedback"));
  c.push_back(with_probe(q("logical-slot-lag", "WAL a logical slot's consumer has not confirmed, in bytes", M::Bytes,
                           "1GB", "10GB", server, "logical_slot_lag_bytes", "logical slots"),
                         replication_probe::logical_slot_lag));
  c.push_back(q("conflicts", "Queries cancelled by recovery conflicts on a standby since the previous run", M::Count,
                "0", "", server, "recovery_conflicts_new", "databases", Reduce::Delta));
  // Security.
  c.push_back(
      q("superuser-count", "Login roles with superuser", M::Count, "3", "", server, "superusers", "login superusers"));
  c.push_back(q("password-expiry", "Time left before login roles' passwords expire (negative: expired)", M::Seconds,
                "7d:", "1d:", server, "password_expiry_seconds", "expiring passwords"));
  c.push_back(q("hba-errors", "Lines of pg_hba.conf the server cannot read", M::Count, "", "0", server, "hba_errors",
                "pg_hba.conf errors"));
  c.push_back(q("hba-trust",
                "pg_hba.conf rules that trust TCP clients without authentication: 1 loopback only, 2 "
                "any other address",
                M::Count, "0", "1", server, "hba_trust_rules", "trust rules over TCP"));
  c.push_back(q("config-errors", "Settings in the configuration files the server could not apply", M::Count, "", "0",
                server, "config_errors", "configuration errors"));
  c.push_back(with_probe(q("security",
                           "The security audit's findings (audit report) on the server and this database, each "
                           "valued by severity: 4 critical, 3 high, 2 medium, 1 low, 0 info; [audit] skip waives",
                           M::Count, "1", "3", server, "security_finding_severity", "audit findings"),
                         security_probe));
  return c;
}

}  // namespace

const std::vector<CheckDef>& check_catalog() {
  static const std::vector<CheckDef> catalog = build();
  return catalog;
}

CheckDef exact_bloat_check(const CheckDef& estimated) {
  CheckDef d = estimated;
  const std::string kind = d.name == "index-bloat" ? "index" : "table";
  d.help = "Table or btree index bloat measured by pgstattuple for the 20 worst by estimate";
  d.probe = [kind](Session& s, std::vector<CheckSample>& out) { bloat_probe(s, out, kind, true); };
  return d;
}

const CheckDef* find_check(const std::string& name) {
  for (const auto& d : check_catalog())
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace pgdba
