// privileges report | plan | apply | export: who can do what, and roles and
// grants as code. The report computes effective privileges in SQL
// (aclexplode over each catalog's acl, the built-in acl where it is NULL,
// a recursive walk of inheriting memberships); plan/apply/export compare a
// roles file with the server (roles_plan.cpp) and read or write the file
// (roles_file.cpp).
#include <memory>

#include "commands/privileges/roles_file.hpp"
#include "commands/privileges/roles_plan.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ReportOptions {
  std::string role, on, on_schema, on_database, on_function;
  void validate() const {
    int objects = 0;
    for (const std::string* s : {&on, &on_schema, &on_database, &on_function})
      objects += s->empty() ? 0 : 1;
    if (objects > 1) throw usage_error("name one object: --on, --on-schema, --on-database or --on-function");
    if (!role.empty()) check_identifier("role", role);
    if (!on_schema.empty()) check_identifier("schema", on_schema);
    if (!on_database.empty()) check_identifier("database", on_database);
  }
};

struct FileOptions {
  std::string file;
};

Result report(Unit& u, const ReportOptions& o) {
  // --on-database reads that database, where its own acl is.
  Session& s =
      !o.on_database.empty() && u.database().empty() ? u.session(SessionKind::Catalog, o.on_database) : u.session();
  if (!o.role.empty() &&
      !s.exec(sql_text("roles/role_exists"), {o.role.c_str()}, "looking up role \"" + o.role + "\"")[0][0].as<bool>())
    throw failure("role \"" + o.role + "\" does not exist");
  // The object asked about: its class in report.sql, its name, and what
  // an error calls it.
  struct Target {
    const std::string* name;
    const char* cls;
    const char* what;
  };
  std::string cls, name, what;
  for (const Target& t : {Target{&o.on, "relation", "table"}, Target{&o.on_function, "function", "function"},
                          Target{&o.on_schema, "schema", "schema"}, Target{&o.on_database, "database", "database"}}) {
    if (t.name->empty()) continue;
    cls = t.cls;
    name = *t.name;
    what = t.what;
  }
  std::string oid;
  if (!cls.empty()) {
    // Tables and functions resolve on the user's search_path, as psql's \dp would.
    Session& user = cls == "relation" || cls == "function"
                        ? u.session(SessionKind::User, u.database().empty() ? o.on_database : "")
                        : s;
    const Rows r = user.exec(sql_text("privileges/resolve_object"), {cls.c_str(), name.c_str()}, "resolving " + name);
    if (r.empty() || r[0]["oid"].is_null()) {
      Error e = failure(what + " \"" + name + "\" does not exist in database \"" + s.dbname() + "\"");
      e.sqlstate = cls == "database" ? "3D000" : cls == "schema" ? "3F000" : "42P01";
      throw e;
    }
    oid = r[0]["oid"].str();
  }
  const Rows rows = s.exec(sql_text("privileges/report", s.server_version()),
                           {o.role.empty() ? nullptr : o.role.c_str(), cls.empty() ? nullptr : cls.c_str(),
                            oid.empty() ? nullptr : oid.c_str()},
                           "reading privileges");
  return {s.table(rows, "privileges")};
}

Table plan_table(const std::vector<PlannedStatement>& plan) {
  Table t("plan", {Column{"database", Kind::Text, Kind::Text}, Column{"statement", Kind::Text, Kind::Text}});
  for (const auto& p : plan)
    t.add_row({p.database.empty() ? std::nullopt : std::optional<std::string>(p.database), p.sql});
  return t;
}

Result plan(Unit& u, const FileOptions& o) {
  const RolesFile f = read_roles_file(o.file);
  const auto statements = plan_roles_file(u, f, SessionKind::Catalog);
  // Drift is a verification that failed (exit 1), so CI can gate on it.
  if (!statements.empty()) u.ctx().set_exit_code(static_cast<int>(ErrorKind::Failed));
  return {plan_table(statements)};
}

Result apply(Unit& u, const FileOptions& o) {
  const RolesFile f = read_roles_file(o.file);
  const auto statements = plan_roles_file(u, f, SessionKind::Ddl);
  int revokes = 0;
  for (const auto& p : statements)
    revokes += p.revokes ? 1 : 0;
  if (revokes > 0)
    u.ctx().confirm("run " + std::to_string(statements.size()) + " statements, " + std::to_string(revokes) +
                    " of them taking privileges or attributes away");
  Table t("result", {Column{"database", Kind::Text, Kind::Text}, Column{"statement", Kind::Text, Kind::Text},
                     Column{"status", Kind::Text, Kind::Text}});
  Session& main = u.session();
  // Cluster-wide statements first (roles must exist before grants name
  // them), then one transaction per database: each is changed whole or not
  // at all.
  for (std::size_t i = 0; i < statements.size();) {
    const std::string db = statements[i].database;
    Session& s = db.empty() || db == main.dbname() ? main : u.session(SessionKind::Ddl, db);
    Transaction tx(s, "starting the changes" + (db.empty() ? std::string() : " in database \"" + db + "\""));
    std::size_t j = i;
    for (; j < statements.size() && statements[j].database == db; ++j)
      u.ctx().mutate(s, statements[j].sql, db.empty() ? "changing roles" : "changing privileges in \"" + db + "\"");
    tx.commit("committing the changes" + (db.empty() ? std::string() : " in database \"" + db + "\""));
    for (; i < j; ++i)
      t.add_row({db.empty() ? std::nullopt : std::optional<std::string>(db), statements[i].sql,
                 u.ctx().dry_run() ? "would run" : "done"});
  }
  return {t};
}

struct ExportOptions {
  std::string file;
  std::vector<std::string> roles, databases;
};

const char* const kFileFormat =
    " FILE is TOML. [[role]]: name, login, superuser, createdb, createrole, replication, bypassrls (false unless "
    "given), inherit (true unless given), connection_limit (-1), member_of = [roles]; passwords and VALID UNTIL are "
    "not managed here (role alter does them). [[database]]: name, revoke_public = true makes PUBLIC managed there: "
    "its built-in CONNECT and TEMPORARY on the database, CREATE and USAGE on schemas, EXECUTE on functions, and "
    "EXECUTE on the functions the for_role roles of its [[default]] tables create later, are revoked in the same "
    "pass unless granted to \"public\" in the file. [[grant]]: database, on = database | schema "
    "| table | sequence | function (one object: schema, name, and args = \"integer, text\" for a function) | "
    "tables | sequences | functions (every one in schema), privileges = [\"select\", ...] or [\"all\"], to = "
    "role, [roles] or \"public\", grant_option. [[default]]: database, for_role (who creates the objects), "
    "schema (optional), on = tables | sequences | functions | schemas, privileges, to, grant_option. Scope: the "
    "roles the file declares are managed in full: their attributes and memberships, and in every database the file "
    "names, their privileges on that database, its schemas and the tables, sequences and routines in them and "
    "their default privileges (those not in the file are revoked). Roles the file does not declare, other "
    "databases, column privileges, default privileges on types, what extensions own and what owners hold are left "
    "alone; grants may go only to declared roles or public.";

}  // namespace

void register_privileges(CommandTable& table) {
  Noun n = table.noun("privileges",
                      "Effective privileges by role or by object, and roles and grants as code (plan, apply, export)");
  {
    VerbSpec spec{Need::Catalog, Effect::Read};
    spec.per_database = true;
    n.verb<ReportOptions>("report",
                          "Every privilege a role can use and how it gets it: directly, as owner, through PUBLIC, "
                          "through a chain of inherited memberships (member of a -> b), by default privileges on "
                          "future objects, or as superuser; flags row-level security (and whether the role bypasses "
                          "it) and SECURITY DEFINER functions. With --on and friends: every role that can use that "
                          "object. Without either: every role but the predefined pg_* ones",
                          spec)
        .option("--role", &ReportOptions::role, "only this role")
        .option("--on", &ReportOptions::on, "only this table, view or sequence (as SQL names it), and its columns")
        .option("--on-schema", &ReportOptions::on_schema, "only this schema")
        .option("--on-database", &ReportOptions::on_database, "only this database (its CONNECT, CREATE, TEMPORARY)")
        .option("--on-function", &ReportOptions::on_function, "only this function or procedure: name or name(argtypes)")
        .run(report);
  }
  n.verb<FileOptions>("plan",
                      std::string("The statements (CREATE ROLE, ALTER ROLE, GRANT, REVOKE, ALTER DEFAULT PRIVILEGES) "
                                  "that would make the server match a roles file, PUBLIC's built-in privileges "
                                  "included, in one pass; exit 0 when there is nothing to do, 1 when there is "
                                  "(a drift check for CI).") +
                          kFileFormat,
                      {Need::Catalog, Effect::Read})
      .arg("file", &FileOptions::file, "the roles file (TOML; - for standard input)")
      .run(plan);
  n.verb<FileOptions>("apply",
                      "Run what plan shows: roles and memberships first, then one transaction per database; asks "
                      "first when something is revoked (--yes when not on a terminal); --dry-run shows the "
                      "statements only",
                      {Need::Ddl, Effect::Change})
      .arg("file", &FileOptions::file, "the roles file (TOML; - for standard input)")
      .run(apply);
  {
    auto o = std::make_shared<ExportOptions>();
    Verb v = n.raw("export",
                   "Write the roles (all but the predefined and bootstrap ones), their memberships, grants and default "
                   "privileges as a roles file, so that plan on it has nothing to do; to FILE, or standard output",
                   {Need::Catalog, Effect::Read});
    const VerbRecord* rec = &v.record();
    v.arg("file", &o->file, "where to write the file (default or -: standard output)", false)
        .option("--role", &o->roles, "only this role (repeat)")
        .option("--database", &o->databases, "read grants in this database (repeat; default: every one)")
        .run([o, rec](Context& ctx) {
          for (const auto& r : o->roles)
            check_identifier("role", r);
          const auto& targets = ctx.targets();
          if (targets.size() > 1) throw usage_error("privileges export reads one server: name one --target");
          SessionCache cache;
          Unit u(ctx, *rec, targets.empty() ? "" : targets[0], "", &cache);
          const RolesFile f = export_roles_file(u, o->roles, o->databases);
          const std::string text = write_roles_file(f);
          if (!o->file.empty() && o->file != "-") {
            write_file_atomic(o->file, text);
            Table t = action_table();
            add_action(t, "export", o->file,
                       std::to_string(f.roles.size()) + " roles, " + std::to_string(f.grants.size()) + " grants, " +
                           std::to_string(f.defaults.size()) + " default privileges");
            ctx.emit({t});
            return;
          }
          Table t("export", {Column{"toml", Kind::Text, Kind::Text}});
          t.add_row({text});
          ctx.emit_text(text, {t});
        });
  }
}

}  // namespace pgdba
