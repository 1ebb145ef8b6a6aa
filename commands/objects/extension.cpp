// extension: what is installed and what the server offers; create, update
// and drop extensions.
#include <string>
#include <vector>

#include "commands/objects/cascade.hpp"
#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ExtensionCreateOptions {
  std::string name, schema, version;
  bool cascade = false, if_not_exists = false;
};

struct ExtensionUpdateOptions {
  std::string name, to;
};

struct ExtensionDropOptions {
  std::string name;
  bool cascade = false, if_exists = false;
};

Error no_such_extension(const std::string& name, const std::string& where) {
  Error e = failure("extension \"" + name + "\" " + where);
  e.sqlstate = "42704";
  return e;
}

Result list_extensions(Unit& u, const std::string& query, const std::string& what) {
  Session& s = u.session();
  return {s.table(s.exec(sql_text(query, s.server_version()), what), "extensions")};
}

Result create_extension(Unit& u, const ExtensionCreateOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  const Rows r = s.exec(sql_text("extension/versions", s.server_version()), {o.name.c_str()},
                        "looking up extension \"" + o.name + "\"");
  if (r.empty())
    throw no_such_extension(o.name, "is not available on the server (no " + o.name +
                                        ".control file: install the package that provides it)");
  if (!r[0]["installed_version"].is_null()) {
    if (o.if_not_exists) {
      add_action(t, "create extension", o.name, "exists (version " + r[0]["installed_version"].str() + ")");
      return {t};
    }
    Error e = failure("extension \"" + o.name + "\" already exists (version " + r[0]["installed_version"].str() + ")");
    e.sqlstate = "42710";
    e.hint = "pgdba extension update " + o.name + " moves it to another version";
    throw e;
  }
  std::string sql = "CREATE EXTENSION " + quote_ident(o.name);
  if (!o.schema.empty()) sql += " SCHEMA " + quote_ident(o.schema);
  if (!o.version.empty()) sql += " VERSION " + quote_literal(o.version);
  if (o.cascade) sql += " CASCADE";
  u.ctx().mutate(s, sql, "creating extension \"" + o.name + "\"");
  if (u.ctx().dry_run()) return {t};
  const Rows now = s.exec(sql_text("extension/installed", s.server_version()), {o.name.c_str()},
                          "reading extension \"" + o.name + "\"");
  add_action(t, "create extension", o.name,
             "created (version " + now[0]["version"].str() + " in schema " + now[0]["schema"].str() + ")");
  return {t};
}

Result update_extension(Unit& u, const ExtensionUpdateOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  const Rows before = s.exec(sql_text("extension/installed", s.server_version()), {o.name.c_str()},
                             "reading extension \"" + o.name + "\"");
  if (before.empty()) throw no_such_extension(o.name, "does not exist in database \"" + s.dbname() + "\"");
  const std::string from = before[0]["version"].str();
  std::string sql = "ALTER EXTENSION " + quote_ident(o.name) + " UPDATE";
  if (!o.to.empty()) sql += " TO " + quote_literal(o.to);
  u.ctx().mutate(s, sql, "updating extension \"" + o.name + "\"");
  if (u.ctx().dry_run()) return {t};
  const Rows after = s.exec(sql_text("extension/installed", s.server_version()), {o.name.c_str()},
                            "reading extension \"" + o.name + "\"");
  const std::string to = after[0]["version"].str();
  add_action(t, "update extension", o.name, from == to ? "already at " + to : "updated " + from + " -> " + to);
  return {t};
}

Result drop_extension(Unit& u, const ExtensionDropOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  const Rows r = s.exec(sql_text("extension/installed", s.server_version()), {o.name.c_str()},
                        "reading extension \"" + o.name + "\"");
  if (r.empty()) {
    if (o.if_exists) {
      add_action(t, "drop extension", o.name, "absent");
      return {t};
    }
    throw no_such_extension(o.name, "does not exist in database \"" + s.dbname() + "\"");
  }
  std::vector<std::string> deps;
  for (const auto& row : s.exec(sql_text("extension/dependents"), {r[0]["oid"].c_str()},
                                "finding what depends on extension \"" + o.name + "\""))
    deps.push_back(row[0].str());
  confirm_drop(u, "extension \"" + o.name + "\"", deps, o.cascade);
  std::string sql = "DROP EXTENSION " + quote_ident(o.name);
  if (o.cascade) sql += " CASCADE";
  u.ctx().mutate(s, sql, "dropping extension \"" + o.name + "\"");
  add_cascaded(u, t, deps);
  add_action(t, "drop extension", o.name, "dropped");
  return {t};
}

}  // namespace

void register_extension(CommandTable& table) {
  Noun noun = table.noun("extension", "Extensions: installed, available, create, update, drop");

  noun.verb("list",
            "Extensions installed in the database: version, schema, owner, and whether the server has a newer "
            "version to update to",
            {Need::Catalog, Effect::Read, 0, true})
      .run([](Unit& u, const NoOptions&) {
        return list_extensions(u, "extension/list", "listing installed extensions");
      });

  noun.verb("available",
            "Extensions the server's files offer (pg_available_extensions): default version, installed version, "
            "whether creating one needs a superuser",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) {
        return list_extensions(u, "extension/available", "listing available extensions");
      });

  noun.verb<ExtensionCreateOptions>("create", "Create (install) an extension in the database",
                                    {Need::Ddl, Effect::Change})
      .name_arg("name", &ExtensionCreateOptions::name, "extension",
                "the extension, as pg_available_extensions names it")
      .option("--schema", &ExtensionCreateOptions::schema,
              "the schema for its objects (default: the extension's own "
              "choice, else the first on the search path)")
      .option("--version", &ExtensionCreateOptions::version, "this version instead of the default one")
      .flag("--cascade", &ExtensionCreateOptions::cascade, "also create the extensions it requires")
      .if_not_exists(&ExtensionCreateOptions::if_not_exists, "extension")
      .run(create_extension);

  noun.verb<ExtensionUpdateOptions>("update",
                                    "Update an extension (ALTER EXTENSION ... UPDATE) to the server's default version "
                                    "or --to",
                                    {Need::Ddl, Effect::Change})
      .name_arg("name", &ExtensionUpdateOptions::name, "extension", "the installed extension")
      .option("--to", &ExtensionUpdateOptions::to, "the version to update to (default: the server's default version)")
      .run(update_extension);

  noun.verb<ExtensionDropOptions>("drop", "Drop an extension (asks first; --yes when not on a terminal)",
                                  {Need::Ddl, Effect::Destroy})
      .name_arg("name", &ExtensionDropOptions::name, "extension", "the installed extension")
      .cascade(&ExtensionDropOptions::cascade, "the objects that depend on the extension (columns of its types, ...)")
      .if_exists(&ExtensionDropOptions::if_exists, "extension")
      .run(drop_extension);
}

}  // namespace pgdba
