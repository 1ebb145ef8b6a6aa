#include "commands/schema.hpp"

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

void SchemaCreateOptions::validate() const {
  check_identifier("schema", name);
  if (!owner.empty()) check_identifier("owner", owner);
}

void SchemaDropOptions::validate() const {
  check_identifier("schema", name);
}

Result list_schemas(Session& s, bool include_system) {
  Table t = to_table(s.exec(sql_text("schema/list_schemas"), {include_system ? "true" : "false"}, "listing schemas"),
                     "schemas");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

Result create_schema(Context& ctx, const SchemaCreateOptions& o) {
  Session& s = ctx.session(SessionKind::Ddl);
  Table t = action_table();
  if (o.if_not_exists && schema_exists(s, o.name)) {
    add_action(t, "create schema", o.name, "exists");
    return {t};
  }
  std::string sql = "CREATE SCHEMA " + quote_ident(o.name);
  if (!o.owner.empty()) sql += " AUTHORIZATION " + quote_ident(o.owner);
  ctx.mutate(s, sql, "creating schema \"" + o.name + "\"");
  add_action(t, "create schema", o.name, "created");
  return {t};
}

Result drop_schema(Context& ctx, const SchemaDropOptions& o) {
  Session& s = ctx.session(SessionKind::Ddl);
  Table t = action_table();
  if (!schema_exists(s, o.name)) {
    if (o.if_exists) {
      add_action(t, "drop schema", o.name, "absent");
      return {t};
    }
    throw failure("schema \"" + o.name + "\" does not exist");
  }
  ctx.confirm("drop schema \"" + o.name + "\"" + (o.cascade ? " and everything in it" : ""));
  std::string sql = "DROP SCHEMA " + quote_ident(o.name);
  if (o.cascade) sql += " CASCADE";
  ctx.mutate(s, sql, "dropping schema \"" + o.name + "\"");
  add_action(t, "drop schema", o.name, "dropped");
  return {t};
}

Result rename_schema(Context& ctx, const std::string& from, const std::string& to) {
  Session& s = ctx.session(SessionKind::Ddl);
  if (!schema_exists(s, from)) throw failure("schema \"" + from + "\" does not exist");
  ctx.mutate(s, "ALTER SCHEMA " + quote_ident(from) + " RENAME TO " + quote_ident(to),
             "renaming schema \"" + from + "\"");
  Table t = action_table();
  add_action(t, "rename schema", from + " -> " + to, "renamed");
  return {t};
}

void register_schema(CommandTable& table) {
  Noun schema = table.noun("schema", "Schemas in a database: list, create, drop, rename");

  auto system = std::make_shared<bool>(false);
  schema.verb("list", "List schemas with owner, table count, total size and comment")
      .flag("--system", system.get(), "include pg_catalog, information_schema and the other system schemas")
      .run([system](Context& ctx) { ctx.emit(list_schemas(ctx.session(SessionKind::Catalog), *system)); });

  auto create = std::make_shared<SchemaCreateOptions>();
  schema.verb("create", "Create a schema")
      .arg("name", &create->name, "name of the new schema")
      .option("--owner", &create->owner, "role that will own the schema")
      .flag("--if-not-exists", &create->if_not_exists, "do nothing if the schema exists")
      .run([create](Context& ctx) {
        create->validate();
        ctx.emit(create_schema(ctx, *create));
      });

  auto drop = std::make_shared<SchemaDropOptions>();
  schema.verb("drop", "Drop a schema (asks first; --yes when not on a terminal)")
      .arg("name", &drop->name, "schema to drop")
      .flag("--cascade", &drop->cascade, "also drop every object in the schema")
      .flag("--if-exists", &drop->if_exists, "do nothing if the schema does not exist")
      .run([drop](Context& ctx) {
        drop->validate();
        ctx.emit(drop_schema(ctx, *drop));
      });

  auto names = std::make_shared<std::pair<std::string, std::string>>();
  schema.verb("rename", "Rename a schema")
      .arg("old", &names->first, "current name")
      .arg("new", &names->second, "new name")
      .run([names](Context& ctx) {
        check_identifier("schema", names->first);
        check_identifier("new schema", names->second);
        ctx.emit(rename_schema(ctx, names->first, names->second));
      });
}

}  // namespace pgdba
