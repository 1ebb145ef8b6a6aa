// role members | grant-membership | revoke-membership, and role set |
// settings: who is in a role and how, and the per-role settings
// (ALTER ROLE ... SET) a DBA otherwise reads from pg_db_role_setting.
#include "commands/roles/roles.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

struct MembersOptions {
  std::string role;
};

struct MembershipOptions {
  std::string role, member;
  bool admin_option = false, inherit = false, no_inherit = false;
};

struct RoleSetOptions {
  std::string role, name, value, database;
  bool reset = false;
  void validate() const {
    if (reset == !value.empty()) throw usage_error("give a VALUE, or --reset to remove the setting");
  }
};

struct SettingsOptions {
  std::string role;
};

// The parameters whose value is a list (pg_dump's list, GUC_LIST_QUOTE):
// each element is its own literal, or "app, public" would be one schema.
bool is_list_parameter(const std::string& name) {
  for (const char* n : {"search_path", "temp_tablespaces", "local_preload_libraries", "session_preload_libraries",
                        "shared_preload_libraries", "unix_socket_directories"})
    if (name == n) return true;
  return false;
}

std::string value_literals(const std::string& name, const std::string& value) {
  if (!is_list_parameter(name)) return quote_literal(value);
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = value.find(',', start);
    const std::string item = trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty()) throw usage_error("an empty element in the list \"" + value + "\"");
    out += (out.empty() ? "" : ", ") + quote_literal(item);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

void require_role(Session& s, const std::string& name) {
  if (!s.exec(sql_text("roles/role_exists"), {name.c_str()}, "looking up role \"" + name + "\"")[0][0].as<bool>())
    throw failure("role \"" + name + "\" does not exist");
}

Result members(Unit& u, const MembersOptions& o) {
  Session& s = u.session();
  require_role(s, o.role);
  return {
      s.table(s.exec(sql_text("roles/members", s.server_version()), {o.role.c_str()}, "listing members"), "members")};
}

Result grant_membership(Unit& u, const MembershipOptions& o) {
  Session& s = u.session();
  if (o.inherit && o.no_inherit) throw usage_error("--inherit and --no-inherit contradict each other");
  if ((o.inherit || o.no_inherit) && s.server_version() < 160000)
    throw failure(
        "--inherit/--no-inherit on a membership needs PostgreSQL 16; before it a member inherits by its "
        "own INHERIT attribute (role alter --inherit)");
  std::string with;
  if (o.admin_option) with += "ADMIN OPTION";
  if (o.inherit || o.no_inherit)
    with += std::string(with.empty() ? "" : ", ") + (o.inherit ? "INHERIT TRUE" : "INHERIT FALSE");
  std::string sql = "GRANT " + quote_ident(o.role) + " TO " + quote_ident(o.member);
  if (!with.empty()) sql += " WITH " + with;
  u.ctx().mutate(s, sql, "granting membership in \"" + o.role + "\"");
  Table t = action_table();
  add_action(t, "grant membership", o.role + " -> " + o.member, "granted");
  return {t};
}

Result revoke_membership(Unit& u, const MembershipOptions& o) {
  Session& s = u.session();
  u.ctx().mutate(s, "REVOKE " + quote_ident(o.role) + " FROM " + quote_ident(o.member),
                 "revoking membership in \"" + o.role + "\"");
  Table t = action_table();
  add_action(t, "revoke membership", o.role + " -> " + o.member, "revoked");
  return {t};
}

Result set_role_setting(Unit& u, const RoleSetOptions& o) {
  Session& s = u.session();
  require_role(s, o.role);
  std::string sql = "ALTER ROLE " + quote_ident(o.role);
  if (!o.database.empty()) sql += " IN DATABASE " + quote_ident(o.database);
  // The name is an identifier (a GUC, possibly a placeholder like
  // pgaudit.log), the value a literal: nothing is pasted in as SQL.
  sql += o.reset ? " RESET " + quote_ident(o.name)
                 : " SET " + quote_ident(o.name) + " TO " + value_literals(o.name, o.value);
  u.ctx().mutate(s, sql, "setting " + o.name + " for role \"" + o.role + "\"");
  Table t = action_table();
  add_action(t, o.reset ? "reset" : "set", o.role + ": " + o.name, o.reset ? "reset" : "set");
  return {t};
}

Result role_settings(Unit& u, const SettingsOptions& o) {
  Session& s = u.session();
  const char* role = o.role.empty() ? nullptr : o.role.c_str();
  return {s.table(s.exec(sql_text("roles/settings"), {role}, "listing role settings"), "settings")};
}

}  // namespace

void register_role_membership(Noun& role) {
  role.verb<MembersOptions>("members", "The members of a role: admin option, inheritance, grantor",
                            {Need::Catalog, Effect::Read})
      .name_arg("role", &MembersOptions::role, "role", "the role whose members to list")
      .run(members);
  role.verb<MembershipOptions>("grant-membership", "Make MEMBER a member of ROLE (GRANT role TO member)",
                               {Need::Ddl, Effect::Change})
      .name_arg("role", &MembershipOptions::role, "role", "the group role")
      .name_arg("member", &MembershipOptions::member, "member", "the role that joins it")
      .flag("--admin-option", &MembershipOptions::admin_option, "the member may grant the role to others")
      .flag("--inherit", &MembershipOptions::inherit, "the member uses the role's privileges without SET ROLE")
      .since(160000)
      .flag("--no-inherit", &MembershipOptions::no_inherit, "the member must SET ROLE to use them")
      .since(160000)
      .run(grant_membership);
  role.verb<MembershipOptions>("revoke-membership", "Remove MEMBER from ROLE (REVOKE role FROM member)",
                               {Need::Ddl, Effect::Change})
      .name_arg("role", &MembershipOptions::role, "role", "the group role")
      .name_arg("member", &MembershipOptions::member, "member", "the role that leaves it")
      .run(revoke_membership);
  role.verb<RoleSetOptions>(
          "set", "Set a server parameter for a role's sessions (ALTER ROLE ... SET), in one or all databases",
          {Need::Ddl, Effect::Change})
      .name_arg("role", &RoleSetOptions::role, "role", "the role")
      .arg("name", &RoleSetOptions::name, "the parameter (work_mem, search_path, ...)")
      .arg("value", &RoleSetOptions::value, "its value", false)
      .option("--database", &RoleSetOptions::database, "only in this database")
      .flag("--reset", &RoleSetOptions::reset, "remove the setting instead")
      .run(set_role_setting);
  role.verb<SettingsOptions>("settings", "Per-role settings (ALTER ROLE ... SET), per database",
                             {Need::Catalog, Effect::Read})
      .name_arg("role", &SettingsOptions::role, "role", "only this role", false)
      .run(role_settings);
}

}  // namespace pgdba
