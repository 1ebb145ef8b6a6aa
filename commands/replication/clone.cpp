// replication clone: a new standby of a running server through PostgreSQL's
// pg_basebackup -R -X stream, after checking on the source everything that
// would make it fail half-way, each with its own error.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "commands/backup/pg_tools.hpp"
#include "commands/replication/replication.hpp"
#include "src/child_process.hpp"
#include "src/conninfo.hpp"
#include "src/errors.hpp"
#include "src/process.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace fs = std::filesystem;

namespace pgdba {

namespace {

bool is_root() {
  return geteuid() == 0;
}

// As root, the cluster's files must belong to postgres (the server refuses
// to run as root), so pg_basebackup and pg_ctl run as that user.
const char* kServerUser = "postgres";

std::string human_bytes(long long b) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int i = 0;
  while (v >= 1024 && i < 4) {
    v /= 1024;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, i == 0 ? "%.0f %s" : "%.1f %s", v, units[i]);
  return buf;
}

// The target directory: absent, or an empty directory.
void check_target(const std::string& pgdata) {
  std::error_code ec;
  const fs::file_status st = fs::status(pgdata, ec);
  if (!fs::exists(st)) return;
  if (!fs::is_directory(st)) throw failure("--pgdata \"" + pgdata + "\" exists and is not a directory");
  if (!fs::is_empty(pgdata, ec) || ec) {
    Error e = failure("--pgdata \"" + pgdata + "\" is not empty");
    e.hint = "pg_basebackup writes a whole cluster there: give an absent or empty directory";
    throw e;
  }
}

// The nearest existing directory at or above `path`, for free space.
fs::path existing_ancestor(fs::path p) {
  std::error_code ec;
  p = fs::absolute(p, ec);
  while (!p.empty() && !fs::exists(p, ec) && p != p.root_path())
    p = p.parent_path();
  return p;
}

struct Source {
  int version_num = 0;
  long long size = 0;
};

Source check_source(Session& s, const ReplicationCloneOptions& o) {
  const Rows r = s.exec(sql_text("replication/clone_checks"), {o.slot.c_str()}, "checking the source server");
  const auto& row = r[0];
  const std::string where = s.describe();
  if (row["can_replicate"].is_null() || !row["can_replicate"].as<bool>()) {
    Error e = failure("role \"" + row["role"].str() + "\" on " + where + " has no REPLICATION privilege");
    e.hint = "ALTER ROLE " + quote_ident(row["role"].str()) + " REPLICATION, or clone as a role that has it";
    throw e;
  }
  if (row["wal_level"].str() == "minimal") {
    Error e = failure("wal_level is minimal on " + where + ": a standby needs replica or logical");
    e.hint = "ALTER SYSTEM SET wal_level = replica, then restart the server";
    throw e;
  }
  const int max_senders = row["max_wal_senders"].as<int>();
  const int in_use = row["senders_in_use"].as<int>();
  if (max_senders - in_use < 2) {
    Error e =
        failure("not enough free WAL senders on " + where + ": max_wal_senders is " + std::to_string(max_senders) +
                ", " + std::to_string(in_use) + " in use, and a clone needs 2 (the copy and its WAL stream)");
    e.hint = "raise max_wal_senders (restart needed) or wait for other base backups to end";
    throw e;
  }
  if (!o.slot.empty()) {
    const Field type = row["slot_type"];
    if (o.create_slot && !type.is_null())
      throw failure("replication slot \"" + o.slot + "\" already exists on " + where +
                    " (drop --create-slot to use it)");
    if (!o.create_slot && type.is_null()) {
      Error e = failure("replication slot \"" + o.slot + "\" does not exist on " + where);
      e.hint = "add --create-slot to create it, or `pgdba replication slot-create " + o.slot + "` on the source";
      throw e;
    }
    if (!o.create_slot && type.str() != "physical")
      throw failure("replication slot \"" + o.slot + "\" is a " + type.str() + " slot; a standby needs a physical one");
  }
  if (const auto hba = s.try_query(sql_text("replication/hba_replication"), {}, "reading pg_hba.conf rules");
      hba && !hba->empty() && (*hba)[0][0].as<int>() == 0) {
    Error e = failure("no pg_hba.conf line on " + where + " accepts replication connections");
    e.hint =
        "add one whose database column is \"replication\" (e.g. host replication all 10.0.0.0/8 scram-sha-256), "
        "then reload";
    throw e;
  }
  Source src;
  src.version_num = row["server_version_num"].as<int>();
  src.size = row["size"].is_null() ? 0 : row["size"].as<long long>();
  return src;
}

void check_space(const std::string& pgdata, long long need) {
  std::error_code ec;
  const fs::path at = existing_ancestor(pgdata);
  const fs::space_info sp = fs::space(at, ec);
  if (ec) return;  // not knowable: pg_basebackup will say if it runs out
  if (static_cast<long long>(sp.available) < need) {
    throw failure("not enough free disk for the clone: \"" + at.string() + "\" has " +
                  human_bytes(static_cast<long long>(sp.available)) + " free, the source's databases take " +
                  human_bytes(need));
  }
}

// Creates the target directory (0700) for the server's OS user.
bool make_target(const std::string& pgdata) {
  std::error_code ec;
  if (fs::exists(pgdata, ec)) return false;
  fs::create_directories(pgdata, ec);
  if (ec) throw failure("cannot create --pgdata \"" + pgdata + "\": " + ec.message());
  chmod(pgdata.c_str(), 0700);
  if (is_root()) {
    const passwd* pw = getpwnam(kServerUser);
    if (pw == nullptr || chown(pgdata.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw failure("cannot give \"" + pgdata + "\" to the postgres OS user");
  }
  return true;
}

Result clone(Unit& u, const ReplicationCloneOptions& o) {
  Context& ctx = u.ctx();
  const std::string pgdata = fs::absolute(o.pgdata).lexically_normal().string();
  check_target(pgdata);
  Session src(o.from);
  const Source source = check_source(src, o);
  check_space(pgdata, source.size);
  const int major = source.version_num / 10000;
  const backup::PgProgram basebackup = backup::find_pg_program("pg_basebackup", major);
  if (basebackup.major != major) {
    throw failure("no pg_basebackup of PostgreSQL " + std::to_string(major) + " found (only " + basebackup.version +
                  "): a standby runs the same major version as its primary");
  }
  const std::string bindir = fs::path(basebackup.path).parent_path().string();

  std::vector<std::string> argv = {basebackup.path, "-D", pgdata, "-R", "-X", "stream", "-c", "fast",
                                   "--no-password", "-d", o.from};
  if (!o.slot.empty()) {
    argv.insert(argv.end(), {"-S", o.slot});
    if (o.create_slot) argv.push_back("-C");
  }
  if (!o.max_rate.empty()) argv.insert(argv.end(), {"-r", o.max_rate});
  const bool progress = isatty(STDERR_FILENO) && !ctx.options().quiet;
  if (progress) argv.push_back("--progress");
  if (is_root()) argv.insert(argv.begin(), {"runuser", "-u", kServerUser, "--"});
  const std::vector<std::string> start = {bindir + "/pg_ctl",     "start", "-w", "-t", "60", "-D", pgdata, "-l",
                                          pgdata + "/startup.log"};

  Table t("clone", {Column{"pgdata", Kind::Text, Kind::Text}, Column{"source", Kind::Text, Kind::Text},
                    Column{"slot", Kind::Text, Kind::Text}, Column{"port", Kind::Integer, Kind::Text},
                    Column{"status", Kind::Text, Kind::Text}});
  std::optional<std::string> slot, port;
  if (!o.slot.empty()) slot = o.slot;
  if (o.port > 0) port = std::to_string(o.port);
  if (ctx.dry_run()) {
    ctx.plan(redact_password_text(shell_command_line(argv)));
    if (o.port > 0) ctx.plan("echo 'port = " + std::to_string(o.port) + "' >> " + pgdata + "/postgresql.conf");
    if (o.start) ctx.plan(shell_command_line(start));
    t.add_row({pgdata, redact_conninfo(o.from), slot, port, std::string("dry-run")});
    return {t};
  }

  const bool created = make_target(pgdata);
  ChildSpec spec;
  spec.argv = argv;
  if (progress)
    spec.on_stderr = [](const std::string& chunk) { (void)!write(STDERR_FILENO, chunk.data(), chunk.size()); };
  const ChildResult r = run_child(spec);
  ctx.record_audit(src, shell_command_line(argv), r.exit_code == 0 ? "ok" : "failed");
  if (r.exit_code != 0) {
    std::error_code ec;
    if (created) fs::remove_all(pgdata, ec);
    Error e = failure(r.interrupted ? "pg_basebackup interrupted"
                                    : "pg_basebackup failed (exit code " + std::to_string(r.exit_code) + ")");
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n')
      err.pop_back();
    e.detail = err;
    throw e;
  }
  std::string status = "cloned";
  if (o.port > 0) {
    std::ofstream conf(pgdata + "/postgresql.conf", std::ios::app);
    conf << "\n# pgdba replication clone\nport = " << o.port << "\n";
    if (!conf) throw failure("cannot write the port into \"" + pgdata + "/postgresql.conf\"");
  }
  if (o.start) {
    const ProcessResult p = run_process(start, is_root() ? kServerUser : "");
    if (p.exit_code != 0) {
      Error e = failure("the clone in \"" + pgdata + "\" did not start (pg_ctl exit code " +
                        std::to_string(p.exit_code) + "); see " + pgdata + "/startup.log");
      e.detail = p.output;
      throw e;
    }
    status = "started";
  }
  t.add_row({pgdata, redact_conninfo(o.from), slot, port, status});
  return {t};
}

}  // namespace

void ReplicationCloneOptions::validate() const {
  if (from.empty()) throw usage_error("--from is required: the connection string of the server to clone");
  if (pgdata.empty()) throw usage_error("--pgdata is required: the directory of the new standby");
  if (redact_password_text(from) != from) {
    Error e = usage_error("--from must not hold a password: it would be visible in pg_basebackup's command line");
    e.hint = "use ~/.pgpass or PGPASSWORD";
    throw e;
  }
  if (create_slot && slot.empty()) throw usage_error("--create-slot needs --slot NAME");
  if (!slot.empty()) replication_check_slot_name(slot);
  if (!max_rate.empty() && !std::regex_match(max_rate, std::regex("[0-9]+[kM]?")))
    throw usage_error("--max-rate must be a number of kB/s, optionally with k or M (32k, 100M), not \"" + max_rate +
                      "\"");
  if (start && port == 0) throw usage_error("--start needs --port: the clone must not take its source's port");
  if (port != 0 && (port < 1 || port > 65535)) throw usage_error("--port must be between 1 and 65535");
}

void add_replication_clone_verb(Noun& noun) {
  noun.verb<ReplicationCloneOptions>(
          "clone",
          "Make a new standby of a running server with pg_basebackup -R -X stream, after checking the source: "
          "replication privilege, wal_level, free WAL senders, a pg_hba.conf replication line, free disk, an empty "
          "target directory",
          {Need::None, Effect::Change})
      .option("--from", &ReplicationCloneOptions::from,
              "connection string of the server to clone (its password from ~/.pgpass or PGPASSWORD)")
      .option("--pgdata", &ReplicationCloneOptions::pgdata, "data directory of the new standby (absent or empty)")
      .option("--slot", &ReplicationCloneOptions::slot, "physical replication slot on the source for the standby")
      .flag("--create-slot", &ReplicationCloneOptions::create_slot, "create the --slot on the source")
      .option("--max-rate", &ReplicationCloneOptions::max_rate,
              "limit the transfer rate (kB/s; k or M suffix: 32k, 100M), as pg_basebackup -r")
      .flag("--start", &ReplicationCloneOptions::start, "start the new standby with pg_ctl (needs --port)")
      .option("--port", &ReplicationCloneOptions::port, "port of the new standby (written to its postgresql.conf)")
      .run(clone);
}

}  // namespace pgdba
