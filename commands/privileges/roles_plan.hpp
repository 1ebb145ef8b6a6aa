// What `privileges plan|apply|export` compute against a server: the
// statements that make it match a roles file, and the file that describes
// what it holds now.
#pragma once

#include <string>
#include <vector>

#include "commands/privileges/roles_file.hpp"
#include "src/context.hpp"

namespace pgdba {

class Unit;

struct PlannedStatement {
  std::string database;  // "" for cluster-wide statements (roles, memberships)
  std::string sql;
  bool revokes = false;  // takes something away (REVOKE, or an attribute)
};

// The statements, cluster-wide ones first, then per database (sorted) its
// REVOKEs before its GRANTs. Reads through sessions of `kind` on the unit's
// target. A database, schema or object the file names that does not exist
// is a failure naming the file's line.
std::vector<PlannedStatement> plan_roles_file(Unit& u, const RolesFile& file, SessionKind kind);

// The current state: the roles `roles` names (empty: every role created
// after initdb), their memberships, and in each of `databases` (empty: every
// database that accepts connections) their grants and default privileges.
RolesFile export_roles_file(Unit& u, const std::vector<std::string>& roles, const std::vector<std::string>& databases);

}  // namespace pgdba
