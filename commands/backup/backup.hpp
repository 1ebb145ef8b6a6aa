// backup: pg_dump, pg_dumpall, pg_restore and psql driven with what DBAs
// script around them by hand: a layout, manifests with checksums, atomic
// files, verification, retention and restore. One file per verb; this
// header holds what the verbs share.
#pragma once

#include <string>
#include <vector>

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
void run_restore(Context& ctx, const RestoreOptions& o);

}  // namespace pgdba::backup
