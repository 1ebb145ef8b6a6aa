// The GRANT and REVOKE statements `grant` and `revoke` send, built from
// checked options alone (pure, unit-tested): privileges are checked against
// what the object kind has; names arrive as they are and are quoted here.
#pragma once

#include <string>
#include <vector>

namespace pgdba {

struct GrantSpec {
  bool revoke = false;
  std::vector<std::string> privileges;  // as typed: "select", "ALL", "temp"
  // DATABASE, SCHEMA, TABLE, SEQUENCE, FUNCTION, ALL TABLES IN SCHEMA,
  // ALL SEQUENCES IN SCHEMA, ALL FUNCTIONS IN SCHEMA; or for default
  // privileges (future objects): TABLES, SEQUENCES, FUNCTIONS, SCHEMAS.
  std::string kind;
  std::string object_schema;         // TABLE, SEQUENCE, ROUTINE
  std::string object_name;           // "" for default privileges
  std::string object_args;           // ROUTINE: the identity arguments as the server formats them
  std::vector<std::string> columns;  // TABLE only
  std::string grantee;
  bool grantee_public = false;    // PUBLIC instead of grantee
  bool grant_option = false;      // WITH GRANT OPTION / REVOKE GRANT OPTION FOR
  bool cascade = false;           // revoke only
  std::string default_for_role;   // ALTER DEFAULT PRIVILEGES FOR ROLE ...
  std::string default_in_schema;  // optional
};

// The privileges a kind has, upper case (ALL included).
std::vector<std::string> privileges_of(const std::string& kind);

// The statement; throws a usage error for a privilege the kind does not have,
// columns on anything but a table, or a privilege columns cannot take.
std::string grant_statement(const GrantSpec& g);

}  // namespace pgdba
