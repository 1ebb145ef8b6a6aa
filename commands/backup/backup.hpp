// backup: pg_dump, pg_dumpall, pg_restore and psql driven with what DBAs
// script around them by hand: a layout, manifests with checksums, atomic
// files, verification, retention and restore. One file per verb; this
// header holds what the verbs share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/backup/retention.hpp"
#include "src/command.hpp"
#include "src/context.hpp"

namespace pgdba::backup {

struct CreateOptions {
  std::vector<std::string> dbs;
  std::string dir;
  std::string format = "custom";
  std::string compress;
  bool globals = false;
  bool schema_only = false;
  std::vector<std::string> exclude_tables;
  int keep = -1;  // retention after a successful run, as backup prune
  std::string keep_days;
};

struct ListOptions {
  std::string dir;
};

struct VerifyOptions {
  std::string path;
  std::string dir;
  bool latest = false;
  bool restore_test = false;
};

struct PruneOptions {
  std::string dir;
  int keep = -1;
  std::string keep_days;
};

struct RestoreOptions {
  std::string path;
  std::string db;
  bool create = false;
  bool clean = false;
  int jobs = 0;
  bool schema_only = false;
  bool data_only = false;
  std::vector<std::string> tables;
};

// --dir when not given: $PGDBA_BACKUP_DIR, else /var/lib/pgdba/backups for
// root, else $XDG_STATE_HOME/pgdba/backups or ~/.local/state/pgdba/backups.
std::string backup_dir(const std::string& given);

void run_create(Context& ctx, const VerbRecord& rec, const CreateOptions& o);
void run_list(Context& ctx, const ListOptions& o);
void run_verify(Context& ctx, const VerifyOptions& o);
void run_prune(Context& ctx, const PruneOptions& o);

// --keep N and --keep-days D as a rule; none when neither is given. A usage
// error for values out of range.
std::optional<RetentionRule> retention_rule(int keep, const std::string& keep_days);
// Deletes (or under --dry-run only lists) what `rule` lets go among `all`,
// and the leftovers of interrupted backups under `leftover_dirs`; one row
// per backup with its action. `failed` counts what could not be deleted.
Table prune_backups(Context& ctx, const std::vector<Manifest>& all, const RetentionRule& rule,
                    const std::vector<std::string>& leftover_dirs, int& failed);
void run_restore(Context& ctx, const RestoreOptions& o);

}  // namespace pgdba::backup
