// How a backup is fed back to a server, shared by `backup restore` and
// `backup verify --restore-test`: pg_restore for custom and directory
// backups, psql -X -v ON_ERROR_STOP=1 for plain ones, in one transaction
// when no --jobs asks otherwise.
#pragma once

#include <string>
#include <vector>

#include "commands/backup/manifest.hpp"
#include "commands/backup/pg_tools.hpp"
#include "src/child_process.hpp"
#include "src/errors.hpp"

namespace pgdba::backup {

struct RestoreArgs {
  bool clean = false;
  int jobs = 0;
  bool schema_only = false;
  bool data_only = false;
  std::vector<std::string> tables;
};

// "pg_restore" or "psql".
std::string restore_program(const Manifest& m);
// The major version of the pg_dump that wrote the backup (0 if unknown).
int archive_major(const Manifest& m);
// The command line restoring `m` into the database `conninfo` names.
std::vector<std::string> restore_argv(const Manifest& m, const PgProgram& tool, const std::string& conninfo,
                                      const RestoreArgs& a);
// The error for a restore that failed: the server's error and the
// statement that caused it in the message, the whole output in the detail.
Error restore_failure(const std::string& program, const std::string& what, const ChildResult& r);

}  // namespace pgdba::backup
