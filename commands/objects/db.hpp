// db: list, create, drop, rename and size databases.
#pragma once

#include <string>

#include "src/runner.hpp"

namespace pgdba {

struct DbCreateOptions {
  std::string name, owner, templ, encoding, locale;
  bool if_not_exists = false;
  void validate() const;
};

struct DbDropOptions {
  std::string name;
  bool if_exists = false;
  bool force = false;
};

struct DbRenameOptions {
  std::string from, to;
  bool terminate = false;
  void validate() const;
};

struct DbSizeOptions {
  std::string name;  // "" = every database
};

Result list_databases(Session& s);
// Throws a failure if `name` is given and no such database exists.
Result database_sizes(Session& s, const std::string& name);
Result create_database(Unit& u, const DbCreateOptions& o);
Result drop_database(Unit& u, const DbDropOptions& o);
// Fails naming the sessions that block the rename unless o.terminate.
Result rename_database(Unit& u, const DbRenameOptions& o);

}  // namespace pgdba
