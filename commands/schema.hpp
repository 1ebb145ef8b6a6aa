// schema: list, create, drop and rename schemas in the current database.
#pragma once

#include <string>

#include "src/context.hpp"

namespace pgdba {

struct SchemaCreateOptions {
  std::string name, owner;
  bool if_not_exists = false;
  void validate() const;
};

struct SchemaDropOptions {
  std::string name;
  bool cascade = false;
  bool if_exists = false;
  void validate() const;
};

Result list_schemas(Session& s, bool include_system);
Result create_schema(Context& ctx, const SchemaCreateOptions& o);
Result drop_schema(Context& ctx, const SchemaDropOptions& o);
Result rename_schema(Context& ctx, const std::string& from, const std::string& to);

}  // namespace pgdba
