#include "commands/objects/db.hpp"

#include <memory>

#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

// CREATE/DROP/ALTER DATABASE cannot act on the database they run in, so like
// dropdb they run from a maintenance database: postgres, or the -d database
// when that is another one.
Session& maintenance_session(Unit& u, const std::string& target) {
  const std::string chosen = chosen_dbname(u.ctx().options().conn);
  if (!chosen.empty() && chosen != target) return u.session(SessionKind::Ddl);
  if (target == "postgres") return u.session(SessionKind::Ddl, "template1");
  try {
    return u.session(SessionKind::Ddl, "postgres");
  } catch (const Error& e) {
    // Like dropdb: a cluster without a postgres database still has template1.
    if (e.kind != ErrorKind::Connect || std::string(e.what()).find("does not exist") == std::string::npos) throw;
    return u.session(SessionKind::Ddl, "template1");
  }
}

bool database_exists(Session& s, const std::string& name) {
  const auto r = s.exec(sql_text("db/database_exists"), {name.c_str()}, "looking up database \"" + name + "\"");
  return r[0][0].as<bool>();
}

std::string describe_sessions(const Rows& r) {
  std::string out;
  for (const auto& row : r) {
    if (!out.empty()) out += ", ";
    out += "pid " + std::string(row[0].c_str()) + " (" + row[1].c_str();
    if (row[2].size() > 0) out += std::string(", ") + row[2].c_str();
    out += std::string(", ") + row[3].c_str() + ")";
  }
  return out;
}

}  // namespace

void DbCreateOptions::validate() const {
  if (!templ.empty()) check_identifier("template", templ);
}

void DbRenameOptions::validate() const {
  if (from == to) throw usage_error("the new name is the same as the old one");
}

Result list_databases(Session& s) {
  Table t = to_table(s.exec(sql_text("db/list_databases"), "listing databases"), "databases");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

Result database_sizes(Session& s, const std::string& name) {
  const char* p = name.empty() ? nullptr : name.c_str();
  Table t = to_table(s.exec(sql_text("db/database_sizes"), {p}, "measuring database sizes"), "database_sizes");
  if (!name.empty() && t.size() == 0) throw failure("database \"" + name + "\" does not exist");
  t.set_kind("size", Kind::Bytes);
  return {t};
}

Result create_database(Unit& u, const DbCreateOptions& o) {
  Session& s = maintenance_session(u, o.name);
  Table t = action_table();
  if (o.if_not_exists && database_exists(s, o.name)) {
    add_action(t, "create database", o.name, "exists");
    return {t};
  }
  std::string sql = "CREATE DATABASE " + quote_ident(o.name);
  if (!o.owner.empty()) sql += " OWNER " + quote_ident(o.owner);
  if (!o.templ.empty()) sql += " TEMPLATE " + quote_ident(o.templ);
  if (!o.encoding.empty()) sql += " ENCODING " + quote_literal(o.encoding);
  if (!o.locale.empty()) sql += " LOCALE " + quote_literal(o.locale);
  u.ctx().mutate(s, sql, "creating database \"" + o.name + "\"");
  add_action(t, "create database", o.name, "created");
  return {t};
}

Result drop_database(Unit& u, const DbDropOptions& o) {
  Session& s = maintenance_session(u, o.name);
  Table t = action_table();
  if (!database_exists(s, o.name)) {
    if (o.if_exists) {
      add_action(t, "drop database", o.name, "absent");
      return {t};
    }
    throw failure("database \"" + o.name + "\" does not exist");
  }
  u.ctx().confirm("drop database \"" + o.name + "\"" + (o.force ? " and terminate its sessions" : ""));
  std::string sql = "DROP DATABASE " + quote_ident(o.name);
  if (o.force) sql += " WITH (FORCE)";
  u.ctx().mutate(s, sql, "dropping database \"" + o.name + "\"");
  add_action(t, "drop database", o.name, "dropped");
  return {t};
}

Result rename_database(Unit& u, const DbRenameOptions& o) {
  Session& s = maintenance_session(u, o.from);
  if (!database_exists(s, o.from)) throw failure("database \"" + o.from + "\" does not exist");
  const auto others = s.exec(sql_text("db/other_sessions"), {o.from.c_str()}, "listing sessions");
  if (!others.empty()) {
    if (!o.terminate) {
      Error e = failure("database \"" + o.from + "\" is being accessed by " + std::to_string(others.size()) +
                        " other session" + (others.size() == 1 ? "" : "s") + ": " + describe_sessions(others));
      e.hint = "disconnect them, or use --terminate-connections";
      throw e;
    }
    u.ctx().confirm("terminate " + std::to_string(others.size()) + " session(s) on database \"" + o.from + "\"");
    u.ctx().mutate(s, sql_text("db/terminate_sessions", s.server_version()),
                   "terminating sessions on \"" + o.from + "\"", {o.from.c_str()});
  }
  u.ctx().mutate(s, "ALTER DATABASE " + quote_ident(o.from) + " RENAME TO " + quote_ident(o.to),
                 "renaming database \"" + o.from + "\"");
  Table t = action_table();
  add_action(t, "rename database", o.from + " -> " + o.to, "renamed");
  return {t};
}

void register_db(CommandTable& table) {
  Noun db = table.noun("db", "Databases: list, create, drop, rename, size");

  db.verb("list", "List databases with owner, encoding, collation, size, sessions and comment", {Need::Catalog})
      .run([](Unit& u, const NoOptions&) { return list_databases(u.session()); });

  db.verb<DbCreateOptions>("create", "Create a database", {Need::Ddl, Effect::Change})
      .name_arg("name", &DbCreateOptions::name, "database", "name of the new database")
      .owner(&DbCreateOptions::owner, "database")
      .option("--template", &DbCreateOptions::templ, "template database to copy")
      .option("--encoding", &DbCreateOptions::encoding, "character set encoding, e.g. UTF8")
      .option("--locale", &DbCreateOptions::locale, "locale (collation and ctype), e.g. C.UTF-8")
      .if_not_exists(&DbCreateOptions::if_not_exists, "database")
      .run(create_database);

  db.verb<DbDropOptions>("drop", "Drop a database (asks first; --yes when not on a terminal)",
                         {Need::Ddl, Effect::Destroy})
      .name_arg("name", &DbDropOptions::name, "database", "database to drop")
      .if_exists(&DbDropOptions::if_exists, "database")
      .flag("--force", &DbDropOptions::force, "terminate the database's sessions first")
      .since(130000)
      .run(drop_database);

  db.verb<DbRenameOptions>("rename", "Rename a database", {Need::Ddl, Effect::Change})
      .name_arg("old", &DbRenameOptions::from, "database", "current name")
      .name_arg("new", &DbRenameOptions::to, "new database", "new name")
      .flag("--terminate-connections", &DbRenameOptions::terminate,
            "terminate the sessions connected to the database first (asks first)")
      .run(rename_database);

  db.verb<DbSizeOptions>("size", "Size of one database, or of every database, largest first", {Need::Catalog})
      .name_arg("name", &DbSizeOptions::name, "database", "database (default: all)", false)
      .run([](Unit& u, const DbSizeOptions& o) { return database_sizes(u.session(), o.name); });
}

}  // namespace pgdba
