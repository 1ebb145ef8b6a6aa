#include "commands/objects/schema.hpp"

#include <memory>

#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

bool schema_exists(Session& s, const std::string& name) {
  const auto r = s.exec(sql_text("schema/schema_exists"), {name.c_str()}, "looking up schema \"" + name + "\"");
  return r[0][0].as<bool>();
}

}  // namespace

Result list_schemas(Session& s, bool include_system) {
  Table t = to_table(s.exec(sql_text("schema/list_schemas"), {include_system ? "true" : "false"}, "listing schemas"),
                     "schemas");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

Result create_schema(Unit& u, const SchemaCreateOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  if (o.if_not_exists && schema_exists(s, o.name)) {
    add_action(t, "create schema", o.name, "exists");
    return {t};
  }
  std::string sql = "CREATE SCHEMA " + quote_ident(o.name);
  if (!o.owner.empty()) sql += " AUTHORIZATION " + quote_ident(o.owner);
  u.ctx().mutate(s, sql, "creating schema \"" + o.name + "\"");
  add_action(t, "create schema", o.name, "created");
  return {t};
}

Result drop_schema(Unit& u, const SchemaDropOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  if (!schema_exists(s, o.name)) {
    if (o.if_exists) {
      add_action(t, "drop schema", o.name, "absent");
      return {t};
    }
    throw failure("schema \"" + o.name + "\" does not exist");
  }
  u.ctx().confirm("drop schema \"" + o.name + "\"" + (o.cascade ? " and everything in it" : ""));
  std::string sql = "DROP SCHEMA " + quote_ident(o.name);
  if (o.cascade) sql += " CASCADE";
  u.ctx().mutate(s, sql, "dropping schema \"" + o.name + "\"");
  add_action(t, "drop schema", o.name, "dropped");
  return {t};
}

Result rename_schema(Unit& u, const SchemaRenameOptions& o) {
  const std::string& from = o.from;
  const std::string& to = o.to;
  Session& s = u.session();
  if (!schema_exists(s, from)) throw failure("schema \"" + from + "\" does not exist");
  u.ctx().mutate(s, "ALTER SCHEMA " + quote_ident(from) + " RENAME TO " + quote_ident(to),
                 "renaming schema \"" + from + "\"");
  Table t = action_table();
  add_action(t, "rename schema", from + " -> " + to, "renamed");
  return {t};
}

void register_schema(CommandTable& table) {
  Noun schema = table.noun("schema", "Schemas in a database: list, create, drop, rename; diff two databases");

  schema
      .verb<SchemaListOptions>("list", "List schemas with owner, table count, total size and comment",
                               {Need::Catalog, Effect::Read, 0, true})
      .flag("--system", &SchemaListOptions::system,
            "include pg_catalog, information_schema and the other system schemas")
      .run([](Unit& u, const SchemaListOptions& o) { return list_schemas(u.session(), o.system); });

  schema.verb<SchemaCreateOptions>("create", "Create a schema", {Need::Ddl, Effect::Change})
      .name_arg("name", &SchemaCreateOptions::name, "schema", "name of the new schema")
      .owner(&SchemaCreateOptions::owner, "schema")
      .if_not_exists(&SchemaCreateOptions::if_not_exists, "schema")
      .run(create_schema);

  schema
      .verb<SchemaDropOptions>("drop", "Drop a schema (asks first; --yes when not on a terminal)",
                               {Need::Ddl, Effect::Destroy})
      .name_arg("name", &SchemaDropOptions::name, "schema", "schema to drop")
      .cascade(&SchemaDropOptions::cascade, "every object in the schema")
      .if_exists(&SchemaDropOptions::if_exists, "schema")
      .run(drop_schema);

  schema.verb<SchemaRenameOptions>("rename", "Rename a schema", {Need::Ddl, Effect::Change})
      .name_arg("old", &SchemaRenameOptions::from, "schema", "current name")
      .name_arg("new", &SchemaRenameOptions::to, "new schema", "new name")
      .run(rename_schema);

  add_schema_diff_verb(schema);
}

}  // namespace pgdba
