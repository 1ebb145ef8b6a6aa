// PostgreSQL's client programs as backup runs them: which pg_dump (or
// pg_restore, pg_dumpall, psql) fits the server, and how a child reaches the
// server without a password in its argv.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "src/context.hpp"

namespace pgdba::backup {

struct PgProgram {
  std::string path;
  std::string version;  // "15.18"
  int major = 0;        // 15
};

// The `program` to use against a server of major version `server_major`
// (and able to read archives written by a pg_dump of `archive_major`, 0 if
// none): the one of the same major when present, else the oldest newer one.
// Looked for in $PGDBA_PG_BINDIR, /usr/lib/postgresql/*/bin,
// /var/cache/pgdba/pg/*/bin and PATH. Throws a failure before anything runs
// when only older ones exist ("pg_dump 15.18 ... is older than the server")
// or none at all.
PgProgram find_pg_program(const std::string& program, int server_major, int archive_major = 0);

// "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15.18, major 15.
// Returns false for anything else.
bool parse_program_version(const std::string& text, std::string& version, int& major);

// A connection for a child program: a conninfo string without any password
// (for --dbname) and the environment that carries the password, if the
// options hold one, in a 0600 passfile (PGPASSFILE) removed when this goes
// out of scope.
class ChildConnection {
 public:
  // `target`: a fleet service ("" for the options' own connection);
  // `dbname`: the database ("" keeps the options' own).
  ChildConnection(const GlobalOptions& g, const std::string& target, const std::string& dbname);
  ~ChildConnection();
  ChildConnection(const ChildConnection&) = delete;
  ChildConnection& operator=(const ChildConnection&) = delete;
  const std::string& conninfo() const { return conninfo_; }
  const std::map<std::string, std::string>& env() const { return env_; }

 private:
  std::string conninfo_;
  std::map<std::string, std::string> env_;
  std::string passfile_;
};

// pgdba's own command line with every secret removed, for manifests.
std::string own_command_line();

// Whether a child's stderr says the server went away (exit code 3).
bool lost_connection(const std::string& err);

}  // namespace pgdba::backup
