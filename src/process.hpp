// Running PostgreSQL's own programs (initdb, pg_ctl, and later pg_dump).
#pragma once

#include <string>
#include <vector>

namespace pgdba {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or could not start
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up in PATH if it has no '/') and waits. `as_user`,
// when set and we are root, runs it as that OS user (initdb and pg_ctl
// refuse to run as root). Passwords must never be passed in argv.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& as_user = "");

// The directory holding initdb and pg_ctl: $PGDBA_PG_BINDIR, else the
// newest /usr/lib/postgresql/N/bin, else the directory of initdb in PATH.
// Throws a failure if none is found.
std::string postgres_bindir();

}  // namespace pgdba
