// backup restore: a backup into a database, never mixed into one that
// holds objects unless --clean (which asks first).
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "commands/backup/backup.hpp"
#include "commands/backup/manifest.hpp"
#include "commands/backup/pg_tools.hpp"
#include "commands/backup/restore_exec.hpp"
#include "src/child_process.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/progress.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba::backup {

namespace {

void validate(const RestoreOptions& o, const Manifest& m) {
  if (o.schema_only && o.data_only) throw usage_error("--schema-only cannot be combined with --data-only");
  if (o.clean && o.data_only) throw usage_error("--clean cannot be combined with --data-only");
  if (o.jobs < 0) throw usage_error("--jobs must be at least 1");
  if (o.clean && o.create) throw usage_error("--clean cannot be combined with --create (a new database is empty)");
  if (m.format == "plain") {
    for (const auto& [given, flag] :
         {std::pair{o.clean, "--clean"}, std::pair{o.jobs > 1, "--jobs"}, std::pair{o.schema_only, "--schema-only"},
          std::pair{o.data_only, "--data-only"}, std::pair{!o.tables.empty(), "--table"}}) {
      if (given) {
        throw usage_error(std::string(flag) + " needs a custom or directory backup; \"" + m.backup_path() +
                          "\" is plain SQL (restore it into a new database with --create)");
      }
    }
  }
}

}  // namespace

void run_restore(Context& ctx, const RestoreOptions& o) {
  catch_termination();
  const Manifest m = manifest_for(o.path);
  validate(o, m);
  const std::string db = !o.db.empty() ? o.db : m.kind == "globals" ? std::string("postgres") : m.database;
  check_identifier("database", db);

  Session& admin = ctx.session(SessionKind::Ddl);
  const int server_major = admin.server_version() / 10000;
  const bool exists =
      admin.exec(sql_text("db/database_exists", admin.server_version()), {db.c_str()}, "looking up the database")[0][0]
          .as<bool>();
  if (o.create && exists)
    throw failure("database \"" + db + "\" already exists; leave out --create to restore into it");
  if (!o.create && !exists) {
    Error e = failure("database \"" + db + "\" does not exist");
    e.hint = "add --create to create it";
    throw e;
  }
  const std::string program = restore_program(m);
  // Before anything changes: a client too old for the server or the archive.
  const PgProgram tool = find_pg_program(program, server_major, program == "pg_restore" ? archive_major(m) : 0);

  Table t = action_table();
  if (exists) {
    auto target = ctx.open_session("", SessionKind::Catalog, db);
    const long long objects = target
                                  ->exec(sql_text("backup/user_objects", target->server_version()),
                                         "looking at what the database holds")[0][0]
                                  .as<long long>();
    if (objects > 0 && !o.clean && !o.data_only) {
      Error e = usage_error("database \"" + db + "\" is not empty (" + std::to_string(objects) +
                            " objects); refusing to restore into it");
      e.hint = "restore into a new database with --create, or replace what the backup holds with --clean --yes";
      throw e;
    }
    if (objects > 0 && o.clean)
      ctx.confirm("drop and restore the objects of backup \"" + m.backup_path() + "\" in database \"" + db + "\"");
  }

  RestoreArgs args;
  args.clean = o.clean;
  args.jobs = o.jobs;
  args.schema_only = o.schema_only;
  args.data_only = o.data_only;
  args.tables = o.tables;
  ChildConnection conn(ctx.options(), "", db);
  std::vector<std::string> argv = restore_argv(m, tool, conn.conninfo(), args);
  const std::string create_sql = "CREATE DATABASE " + quote_ident(db);
  if (ctx.dry_run()) {
    if (o.create) ctx.mutate(admin, create_sql, "creating the database");
    for (auto& a : argv)
      if (a.rfind("--dbname=", 0) == 0) a = "--dbname=" + redact_password_text(conn.conninfo());
    ctx.plan(shell_command_line(argv));
    ctx.emit({t});
    return;
  }
  ctx.open_audit_log();
  if (o.create) {
    ctx.mutate(admin, create_sql, "creating the database");
    add_action(t, "create database", db, "created");
  }
  const auto t0 = std::chrono::steady_clock::now();
  log::info("running " + shell_command_line(argv));
  ChildSpec spec;
  spec.argv = argv;
  spec.env = conn.env();
  // Tables done, from pg_restore's --verbose output, on a terminal only.
  ProgressLine line(program != "pg_restore" || ctx.options().quiet);
  std::size_t done = 0;
  std::string partial;
  if (line.on()) {
    spec.argv.insert(spec.argv.begin() + 1, "--verbose");
    spec.on_stderr = [&](const std::string& chunk) {
      partial += chunk;
      std::size_t nl;
      while ((nl = partial.find('\n')) != std::string::npos) {
        if (nl > 38 && partial.compare(0, 38, "pg_restore: processing data for table ") == 0) ++done;
        partial.erase(0, nl + 1);
      }
      std::string text = "restoring into \"" + db + "\": " + std::to_string(done);
      if (!m.row_counts.empty()) text += " of " + std::to_string(m.row_counts.size());
      line.show(text + " tables");
    };
  }
  const ChildResult r = run_child(spec);
  line.clear();
  if (r.interrupted || r.exit_code != 0) {
    Error e = restore_failure(program, "restoring \"" + m.backup_path() + "\" into database \"" + db + "\"", r);
    if (o.create) {
      // Ours, and half-restored at best: it goes.
      try {
        ctx.mutate(admin, "DROP DATABASE IF EXISTS " + quote_ident(db), "dropping the database the restore created");
      } catch (const Error& drop) {
        log::warn(std::string("could not drop the database the failed restore created: ") + drop.what());
      }
    }
    throw e;
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1fs",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  add_action(t, "restore", m.backup_path() + " -> " + db, std::string("restored in ") + secs);
  ctx.emit({t});
}

}  // namespace pgdba::backup
