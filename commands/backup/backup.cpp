#include "commands/backup/backup.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace pgdba {

namespace backup {

std::string backup_dir(const std::string& given) {
  std::string d = given;
  if (d.empty()) {
    if (const char* env = std::getenv("PGDBA_BACKUP_DIR"); env != nullptr && *env != '\0') {
      d = env;
    } else if (geteuid() == 0) {
      d = "/var/lib/pgdba/backups";
    } else if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
      d = std::string(state) + "/pgdba/backups";
    } else {
      const char* home = std::getenv("HOME");
      if (home == nullptr || *home == '\0') {
        if (const passwd* pw = getpwuid(geteuid())) home = pw->pw_dir;
      }
      d = std::string(home != nullptr ? home : "/tmp") + "/.local/state/pgdba/backups";
    }
  }
  std::error_code ec;
  const auto abs = std::filesystem::absolute(d, ec);
  std::string out = ec ? d : abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  return out;
}

}  // namespace backup

void register_backup(CommandTable& table) {
  using namespace backup;
  Noun noun = table.noun("backup", "Logical backups with pg_dump: create, list, verify, prune, restore");
  const std::string dir_help =
      "backup directory (default $PGDBA_BACKUP_DIR, else /var/lib/pgdba/backups as root, "
      "~/.local/state/pgdba/backups otherwise)";
  {
    auto o = std::make_shared<CreateOptions>();
    Verb v = noun.raw("create",
                      "Dump databases with pg_dump into DIR/<target>/<db>/<UTC time>.<ext> with a manifest "
                      "(sizes, SHA-256, versions, row counts); atomic: a failed dump leaves no backup behind. --jobs N "
                      "also runs pg_dump --jobs N for the directory format",
                      {Need::Catalog, Effect::Change, 0, true});
    const VerbRecord* rec = &v.record();
    v.option("--db", &o->dbs, "database to dump (repeat; default: the connection's)")
        .option("--dir", &o->dir, dir_help)
        .option("--format", &o->format, "pg_dump format (default custom)")
        .choices({"custom", "directory", "plain"})
        .option("--compress", &o->compress,
                "METHOD[:LEVEL] or LEVEL: gzip, lz4, zstd or none (lz4 and zstd need pg_dump 16+)")
        .flag("--globals", &o->globals,
              "also dump roles and tablespaces (pg_dumpall --globals-only); "
              "implied by --all-databases")
        .option("--exclude-table", &o->exclude_tables, "do not dump tables matching this pg_dump pattern (repeat)")
        .flag("--schema-only", &o->schema_only, "dump only the definitions, no data")
        .option("--keep", &o->keep,
                "after every dump succeeded, keep this many newest backups of each database dumped (as backup "
                "prune)")
        .option("--keep-days", &o->keep_days,
                "after every dump succeeded, keep the backups of the databases dumped younger than this (7d, "
                "36h; a bare number is days)")
        .run([o, rec](Context& ctx) { run_create(ctx, *rec, *o); });
  }
  {
    auto o = std::make_shared<ListOptions>();
    noun.raw("list", "Backups found under DIR from their manifests: time, size, duration, status, verification",
             {Need::None})
        .option("--dir", &o->dir, dir_help)
        .run([o](Context& ctx) { run_list(ctx, *o); });
  }
  {
    auto o = std::make_shared<VerifyOptions>();
    noun.raw("verify",
             "Check a backup against its manifest (SHA-256 of every file) and with pg_restore --list; "
             "--restore-test also restores it into a scratch database and compares row counts",
             {Need::None})
        .arg("PATH", &o->path, "a backup file or directory, or its manifest", false)
        .option("--dir", &o->dir, dir_help + "; with --latest")
        .flag("--latest", &o->latest, "verify the newest backup of every database under --dir")
        .flag("--restore-test", &o->restore_test,
              "restore into a scratch database on the server the options name, compare table and row counts "
              "with the manifest, drop it")
        .run([o](Context& ctx) { run_verify(ctx, *o); });
  }
  {
    auto o = std::make_shared<PruneOptions>();
    noun.raw("prune",
             "Delete old backups under DIR, keeping the --keep newest and those within --keep-days of each "
             "database; never the newest verified one. Also removes what interrupted backups left (hidden "
             ".NAME.tmp-PID files of processes that are gone, over a day old)",
             {Need::None, Effect::Destroy})
        .option("--dir", &o->dir, dir_help)
        .option("--keep", &o->keep, "keep this many newest backups of each database")
        .option("--keep-days", &o->keep_days, "keep backups younger than this (7d, 36h; a bare number is days)")
        .run([o](Context& ctx) { run_prune(ctx, *o); });
  }
  {
    auto o = std::make_shared<RestoreOptions>();
    noun.raw("restore",
             "Restore a backup into a database: pg_restore for custom and directory, psql with ON_ERROR_STOP "
             "for plain; refuses a database that is not empty without --clean",
             {Need::Catalog, Effect::Change})
        .arg("PATH", &o->path, "a backup file or directory, or its manifest")
        .option("--db", &o->db, "database to restore into (default: the database the backup came from)")
        .flag("--create", &o->create, "create the database first")
        .flag("--clean", &o->clean, "drop the objects the backup holds before restoring them (asks first)")
        .option("--jobs", &o->jobs, "pg_restore jobs for custom and directory backups")
        .flag("--schema-only", &o->schema_only, "restore only the definitions")
        .flag("--data-only", &o->data_only, "restore only the data")
        .option("-t,--table", &o->tables, "restore only this table (repeat; custom and directory)")
        .run([o](Context& ctx) { run_restore(ctx, *o); });
  }
}

}  // namespace pgdba
