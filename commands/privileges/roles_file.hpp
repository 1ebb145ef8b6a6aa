// The roles file of `privileges plan|apply|export`: roles, memberships,
// grants and default privileges declared in TOML (the format is in the
// verbs' description, privileges.cpp). Reading checks every key and value
// and names the line of a mistake; writing produces a file that reads back
// to the same declarations. toml++ stays inside roles_file.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pgdba {

struct DeclaredRole {
  std::string name;
  bool login = false, superuser = false, createdb = false, createrole = false, replication = false, bypassrls = false,
       inherit = true;
  int connection_limit = -1;
  std::vector<std::string> member_of;  // sorted, unique
};

// One [[grant]]: `on` is database, schema, table, sequence, function (one
// object) or tables, sequences, functions (every one in `schema`).
struct DeclaredGrant {
  std::string database, on, schema, name, args;
  std::vector<std::string> privileges;  // upper case, "ALL" kept as is
  std::vector<std::string> to;          // role names, or "public"
  bool grant_option = false;
  int line = 0;
};

// One [[default]]: privileges the objects `for_role` creates later get.
struct DeclaredDefault {
  std::string database, for_role, schema, on;  // on: tables, sequences, functions, schemas
  std::vector<std::string> privileges;
  std::vector<std::string> to;
  bool grant_option = false;
  int line = 0;
};

struct RolesFile {
  std::vector<DeclaredRole> roles;
  std::map<std::string, bool> databases;  // [[database]]: name -> revoke_public
  std::vector<DeclaredGrant> grants;
  std::vector<DeclaredDefault> defaults;
};

// The privileges an `on` kind has, upper case, without ALL (MAINTAIN on
// tables exists from PostgreSQL 17).
std::vector<std::string> roles_file_privileges(const std::string& on);

// Parses `text` (named `path` in messages); a usage error naming
// path:line:column and the key for anything wrong.
RolesFile parse_roles_file(const std::string& text, const std::string& path);
// Reads FILE ("-": standard input); a missing file is a failure (exit 1),
// like a missing object.
RolesFile read_roles_file(const std::string& path);
// The file as TOML text, roles first, then per database its grants and
// default privileges.
std::string write_roles_file(const RolesFile& f);

}  // namespace pgdba
