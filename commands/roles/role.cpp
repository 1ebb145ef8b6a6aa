// role list|create|alter|drop: the roles of a server. Passwords are turned
// into a verifier on the client (libpq, SCRAM as the server asks) so the
// clear text never travels, and the verifier is masked wherever pgdba
// shows SQL. `drop --reassign-to` is the whole job DROP ROLE alone cannot
// do: REASSIGN OWNED and DROP OWNED in every database the role has things
// in, then DROP ROLE.
#include <fstream>
#include <sstream>

#include "commands/roles/roles.hpp"
#include "src/command.hpp"
#include "src/conninfo.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct RoleListOptions {
  bool system = false;
};

// The attributes create and alter share; a pair of flags per attribute so
// alter can switch each on or off and leave the rest alone.
struct RoleAttrs {
  bool login = false, no_login = false, superuser = false, no_superuser = false, createdb = false, no_createdb = false,
       createrole = false, no_createrole = false, replication = false, no_replication = false, bypassrls = false,
       no_bypassrls = false, inherit = false, no_inherit = false;
  int connection_limit = -2;  // -2: not given (-1 is "no limit")
  std::string valid_until, password_file;
  bool password_prompt = false;
};

struct RoleCreateOptions : RoleAttrs {
  std::string name;
  std::vector<std::string> in_roles;
  bool if_not_exists = false;
};

struct RoleAlterOptions : RoleAttrs {
  std::string name, rename;
};

struct RoleDropOptions {
  std::string name, reassign_to;
  bool if_exists = false;
};

// " LOGIN NOSUPERUSER ..." for the attributes given; throws for a flag and
// its opposite together.
std::string attribute_clause(const RoleAttrs& a) {
  std::string out;
  const auto pair = [&](bool on, bool off, const char* word) {
    if (on && off) {
      std::string flag;
      for (const char* c = word; *c != '\0'; ++c)
        flag += static_cast<char>(*c - 'A' + 'a');
      throw usage_error("--" + flag + " and --no-" + flag + " contradict each other");
    }
    if (on) out += std::string(" ") + word;
    if (off) out += std::string(" NO") + word;
  };
  pair(a.login, a.no_login, "LOGIN");
  pair(a.superuser, a.no_superuser, "SUPERUSER");
  pair(a.createdb, a.no_createdb, "CREATEDB");
  pair(a.createrole, a.no_createrole, "CREATEROLE");
  pair(a.replication, a.no_replication, "REPLICATION");
  pair(a.bypassrls, a.no_bypassrls, "BYPASSRLS");
  pair(a.inherit, a.no_inherit, "INHERIT");
  if (a.connection_limit != -2) {
    if (a.connection_limit < -1) throw usage_error("--connection-limit must be -1 (no limit) or more");
    out += " CONNECTION LIMIT " + std::to_string(a.connection_limit);
  }
  if (!a.valid_until.empty()) out += " VALID UNTIL " + quote_literal(a.valid_until);
  return out;
}

// The clear-text password from --password-file (its first line) or the
// terminal (asked twice); "" when neither was given.
std::string read_password(const RoleAttrs& a, const std::string& role) {
  if (a.password_prompt && !a.password_file.empty())
    throw usage_error("--password-prompt and --password-file: choose one");
  std::string clear;
  if (!a.password_file.empty()) {
    std::ifstream in(a.password_file);
    if (!in) throw usage_error("cannot read --password-file \"" + a.password_file + "\"");
    std::getline(in, clear);
    if (!clear.empty() && clear.back() == '\r') clear.pop_back();
  } else if (a.password_prompt) {
    clear = prompt_password("Password for role " + role + ": ");
    if (prompt_password("Again: ") != clear) throw usage_error("the passwords do not match; nothing was changed");
  } else {
    return "";
  }
  if (clear.empty()) throw usage_error("the password is empty; nothing was changed");
  return clear;
}

bool role_exists(Session& s, const std::string& name) {
  return s.exec(sql_text("roles/role_exists"), {name.c_str()}, "looking up role \"" + name + "\"")[0][0].as<bool>();
}

Result list_roles(Unit& u, const RoleListOptions& o) {
  Session& s = u.session();
  const bool authid = s.exec(sql_text("roles/can_read_authid"), "checking access to pg_authid")[0][0].as<bool>();
  const char* include = o.system ? "true" : "false";
  Table t = s.table(s.exec(sql_text(authid ? "roles/list_authid" : "roles/list"), {include}, "listing roles"), "roles");
  if (!authid)
    log::warn("password and password_type need a superuser (pg_authid is readable only by superusers); they are empty");
  return {t};
}

Result create_role(Unit& u, const RoleCreateOptions& o) {
  Session& s = u.session();
  Table t = action_table();
  if (o.if_not_exists && role_exists(s, o.name)) {
    add_action(t, "create role", o.name, "exists");
    return {t};
  }
  std::string sql = "CREATE ROLE " + quote_ident(o.name) + attribute_clause(o);
  if (!o.in_roles.empty()) {
    sql += " IN ROLE ";
    for (std::size_t i = 0; i < o.in_roles.size(); ++i)
      sql += (i == 0 ? "" : ", ") + quote_ident(o.in_roles[i]);
  }
  const std::string clear = read_password(o, o.name);
  if (!clear.empty()) sql += " PASSWORD " + quote_literal(s.encrypt_password(o.name, clear));
  u.ctx().mutate(s, sql, "creating role \"" + o.name + "\"");
  add_action(t, "create role", o.name, "created");
  return {t};
}

Result alter_role(Unit& u, const RoleAlterOptions& o) {
  Session& s = u.session();
  if (!role_exists(s, o.name)) throw failure("role \"" + o.name + "\" does not exist");
  const std::string name = o.rename.empty() ? o.name : o.rename;
  std::string attrs = attribute_clause(o);
  const std::string clear = read_password(o, name);
  if (attrs.empty() && clear.empty() && o.rename.empty())
    throw usage_error("nothing to change: give attributes, --rename or a password");
  Table t = action_table();
  // Renaming first: an md5 verifier is salted with the role's name.
  if (!o.rename.empty()) {
    u.ctx().mutate(s, "ALTER ROLE " + quote_ident(o.name) + " RENAME TO " + quote_ident(o.rename),
                   "renaming role \"" + o.name + "\"");
    add_action(t, "rename role", o.name + " -> " + o.rename, "renamed");
  }
  if (!clear.empty()) attrs += " PASSWORD " + quote_literal(s.encrypt_password(name, clear));
  if (!attrs.empty()) {
    u.ctx().mutate(s, "ALTER ROLE " + quote_ident(name) + " WITH" + attrs, "altering role \"" + name + "\"");
    add_action(t, "alter role", name, "altered");
  }
  return {t};
}

Result drop_role(Unit& u, const RoleDropOptions& o) {
  Session& s = u.session();
  Table t("result", {Column{"database", Kind::Text, Kind::Text}, Column{"action", Kind::Text, Kind::Text},
                     Column{"object", Kind::Text, Kind::Text}, Column{"status", Kind::Text, Kind::Text}});
  if (!role_exists(s, o.name)) {
    if (!o.if_exists) throw failure("role \"" + o.name + "\" does not exist");
    t.add_row({std::nullopt, "drop role", o.name, "absent"});
    return {t};
  }
  if (!o.reassign_to.empty()) {
    if (!role_exists(s, o.reassign_to)) throw failure("role \"" + o.reassign_to + "\" does not exist");
    const Rows dbs =
        s.exec(sql_text("roles/dependent_databases"), {o.name.c_str()}, "finding where the role has objects");
    for (const auto& row : dbs) {
      const std::string db = row["database"].str();
      if (!row["allow_connections"].as<bool>())
        throw failure("role \"" + o.name + "\" has objects or privileges in database \"" + db +
                      "\", which does not accept connections; nothing was changed there or elsewhere");
    }
    u.ctx().confirm_all("drop role \"" + o.name + "\" after moving what it owns to \"" + o.reassign_to + "\"");
    for (const auto& row : dbs) {
      const std::string db = row["database"].str();
      Session& d = db == s.dbname() ? s : u.session(SessionKind::Ddl, db);
      // One transaction per database: it is moved and cleaned whole, or not at all.
      Transaction tx(d, "starting the hand-over in database \"" + db + "\"");
      u.ctx().mutate(d, "REASSIGN OWNED BY " + quote_ident(o.name) + " TO " + quote_ident(o.reassign_to),
                     "reassigning what \"" + o.name + "\" owns in \"" + db + "\"");
      u.ctx().mutate(d, "DROP OWNED BY " + quote_ident(o.name),
                     "dropping the privileges of \"" + o.name + "\" in \"" + db + "\"");
      tx.commit("committing the hand-over in database \"" + db + "\"");
      const std::string status = u.ctx().dry_run() ? "would run" : "done";
      t.add_row({db, "reassign owned", o.name + " -> " + o.reassign_to, status});
      t.add_row({db, "drop owned", o.name, status});
    }
  }
  try {
    u.ctx().mutate(s, "DROP ROLE " + quote_ident(o.name), "dropping role \"" + o.name + "\"");
  } catch (Error& e) {
    if (e.sqlstate == "2BP01" && o.reassign_to.empty()) e.hint = "--reassign-to ROLE hands what it owns to ROLE first";
    throw;
  }
  t.add_row({std::nullopt, "drop role", o.name, u.ctx().dry_run() ? "would run" : "dropped"});
  return {t};
}

template <class O>
void attribute_options(TypedVerb<O>& v) {
  const auto pair = [&](const char* word, bool RoleAttrs::*on, bool RoleAttrs::*off, const char* what) {
    v.flag(std::string("--") + word, on, what);
    v.flag(std::string("--no-") + word, off, std::string("not: ") + what);
  };
  pair("login", &RoleAttrs::login, &RoleAttrs::no_login, "may log in");
  pair("superuser", &RoleAttrs::superuser, &RoleAttrs::no_superuser, "bypasses every permission check");
  pair("createdb", &RoleAttrs::createdb, &RoleAttrs::no_createdb, "may create databases");
  pair("createrole", &RoleAttrs::createrole, &RoleAttrs::no_createrole, "may create and alter roles");
  pair("replication", &RoleAttrs::replication, &RoleAttrs::no_replication, "may stream WAL and create slots");
  pair("bypassrls", &RoleAttrs::bypassrls, &RoleAttrs::no_bypassrls, "bypasses row-level security");
  pair("inherit", &RoleAttrs::inherit, &RoleAttrs::no_inherit, "uses the privileges of the roles it is in");
  v.option("--connection-limit", static_cast<int O::*>(&RoleAttrs::connection_limit),
           "at most this many sessions (-1: no limit)")
      .option("--valid-until", static_cast<std::string O::*>(&RoleAttrs::valid_until),
              "the password expires then (a timestamp, or 'infinity')")
      .option("--password-file", static_cast<std::string O::*>(&RoleAttrs::password_file),
              "set the password to this file's first line (never on the command line)")
      .flag("--password-prompt", &RoleAttrs::password_prompt, "ask for the password on the terminal, twice");
}

}  // namespace

void register_role(CommandTable& table) {
  Noun role = table.noun(
      "role", "Roles: list, create, alter, drop (with the hand-over of what they own), members, per-role settings");
  role.verb<RoleListOptions>("list",
                             "Roles with their attributes, memberships, connection limit, expiry and (for a "
                             "superuser) whether a password is set and its kind",
                             {Need::Catalog, Effect::Read})
      .flag("--system", &RoleListOptions::system, "include the predefined pg_* roles")
      .run(list_roles);
  {
    auto v = role.verb<RoleCreateOptions>("create",
                                          "Create a role; a password is encrypted here (SCRAM) and never sent, "
                                          "logged or shown in clear",
                                          {Need::Ddl, Effect::Change});
    v.name_arg("name", &RoleCreateOptions::name, "role", "name of the new role")
        .if_not_exists(&RoleCreateOptions::if_not_exists, "role")
        .option("--in-role", &RoleCreateOptions::in_roles, "make it a member of this role (repeat)");
    attribute_options(v);
    v.run(create_role);
  }
  {
    auto v = role.verb<RoleAlterOptions>("alter", "Change a role's attributes, name or password",
                                         {Need::Ddl, Effect::Change});
    v.name_arg("name", &RoleAlterOptions::name, "role", "role to change")
        .option("--rename", &RoleAlterOptions::rename, "new name");
    attribute_options(v);
    v.run(alter_role);
  }
  role.verb<RoleDropOptions>("drop",
                             "Drop a role; --reassign-to hands what it owns to another role and drops its "
                             "privileges in every database first (asks first; --yes when not on a terminal)",
                             {Need::Ddl, Effect::Destroy})
      .name_arg("name", &RoleDropOptions::name, "role", "role to drop")
      .if_exists(&RoleDropOptions::if_exists, "role")
      .option("--reassign-to", &RoleDropOptions::reassign_to, "the role that takes over its objects")
      .run(drop_role);
  register_role_membership(role);
}

}  // namespace pgdba
