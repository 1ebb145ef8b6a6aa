// schema: list, create, drop and rename schemas in the current database.
#pragma once

#include <string>

#include "src/runner.hpp"

namespace pgdba {

struct SchemaCreateOptions {
  std::string name, owner;
  bool if_not_exists = false;
};

struct SchemaListOptions {
  bool system = false;
};

struct SchemaRenameOptions {
  std::string from, to;
};

struct SchemaDropOptions {
  std::string name;
  bool cascade = false;
  bool if_exists = false;
};

Result list_schemas(Session& s, bool include_system);
Result create_schema(Unit& u, const SchemaCreateOptions& o);
Result drop_schema(Unit& u, const SchemaDropOptions& o);
Result rename_schema(Unit& u, const SchemaRenameOptions& o);
// schema diff (commands/objects/schema_diff.cpp).
void add_schema_diff_verb(Noun& schema);

}  // namespace pgdba
