// grant and revoke: privileges on one object, on every table, sequence or
// function of a schema, or by default on the objects a role creates later.
// Object names resolve on the user's search_path as psql's would and are
// sent fully qualified; revoke asks first, like every destructive verb.
#include "commands/roles/grant_sql.hpp"
#include "commands/roles/roles.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct GrantOptions {
  std::string privileges, grantee;
  std::string database, schema, table, sequence, function, all_tables, all_sequences, all_functions;
  std::vector<std::string> columns;
  std::string default_for_role, in_schema, on_future;
  bool grant_option = false, cascade = false;
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool is_public(const std::string& g) {
  std::string lower;
  for (char c : g)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "public";
}

Error missing(const std::string& what, const std::string& name, Session& s) {
  Error e = failure(what + " \"" + name + "\" does not exist in database \"" + s.dbname() + "\"");
  e.sqlstate = "42P01";
  return e;
}

// The statement, with names resolved on the user's session.
GrantSpec spec_for(Unit& u, const GrantOptions& o, bool revoke) {
  GrantSpec g;
  g.revoke = revoke;
  g.privileges = split_commas(o.privileges);
  if (o.grantee.empty()) throw usage_error(revoke ? "--from ROLE is required" : "--to ROLE is required");
  g.grantee_public = is_public(o.grantee);
  if (!g.grantee_public) check_identifier("role", o.grantee);
  g.grantee = o.grantee;
  g.grant_option = o.grant_option;
  g.cascade = o.cascade;
  int targets = 0;
  for (const std::string* t : {&o.database, &o.schema, &o.table, &o.sequence, &o.function, &o.all_tables,
                               &o.all_sequences, &o.all_functions, &o.on_future})
    targets += t->empty() ? 0 : 1;
  if (targets != 1)
    throw usage_error(
        "name one object: --database, --schema, --table, --sequence, --function, "
        "--all-tables-in-schema, --all-sequences-in-schema, --all-functions-in-schema, or --on-future");
  if (!o.on_future.empty() != !o.default_for_role.empty())
    throw usage_error("--on-future KIND and --default-for-role ROLE go together");
  if (!o.in_schema.empty() && o.on_future.empty()) throw usage_error("--in-schema goes with --on-future");
  Session& user = u.session(SessionKind::User);
  if (!o.database.empty()) {
    check_identifier("database", o.database);
    g.kind = "DATABASE";
    g.object_name = o.database;
  } else if (!o.schema.empty()) {
    check_identifier("schema", o.schema);
    g.kind = "SCHEMA";
    g.object_name = o.schema;
  } else if (!o.table.empty() || !o.sequence.empty()) {
    const bool seq = !o.sequence.empty();
    const std::string& name = seq ? o.sequence : o.table;
    const Rows r = user.exec(sql_text("roles/resolve_relation"), {name.c_str()}, "resolving " + name);
    if (r.empty()) throw missing(seq ? "sequence" : "table", name, user);
    if (seq != (r[0]["kind"].str() == "S"))
      throw usage_error("\"" + name + "\" is " + (seq ? "not a sequence: use --table" : "a sequence: use --sequence"));
    g.kind = seq ? "SEQUENCE" : "TABLE";
    g.object_schema = r[0]["schema"].str();
    g.object_name = r[0]["name"].str();
  } else if (!o.function.empty()) {
    const Rows r = user.exec(sql_text("roles/resolve_function"), {o.function.c_str()}, "resolving " + o.function);
    if (r.empty()) throw missing("function", o.function, user);
    g.kind = "ROUTINE";  // a function or a procedure alike
    g.object_schema = r[0]["schema"].str();
    g.object_name = r[0]["name"].str();
    g.object_args = r[0]["args"].str();
  } else if (!o.on_future.empty()) {
    std::string k;
    for (char c : o.on_future)
      k += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (k != "TABLES" && k != "SEQUENCES" && k != "FUNCTIONS" && k != "SCHEMAS")
      throw usage_error("--on-future takes tables, sequences, functions or schemas");
    g.kind = k;
    check_identifier("role", o.default_for_role);
    g.default_for_role = o.default_for_role;
    if (!o.in_schema.empty()) {
      if (k == "SCHEMAS") throw usage_error("--in-schema does not apply to future schemas");
      check_identifier("schema", o.in_schema);
      g.default_in_schema = o.in_schema;
    }
  } else {
    const std::string& s = !o.all_tables.empty()      ? o.all_tables
                           : !o.all_sequences.empty() ? o.all_sequences
                                                      : o.all_functions;
    check_identifier("schema", s);
    g.kind = !o.all_tables.empty()      ? "ALL TABLES IN SCHEMA"
             : !o.all_sequences.empty() ? "ALL SEQUENCES IN SCHEMA"
                                        : "ALL FUNCTIONS IN SCHEMA";
    g.object_name = s;
  }
  for (const auto& c : o.columns) {
    check_identifier("column", c);
    g.columns.push_back(c);
  }
  return g;
}

Result run_grant(Unit& u, const GrantOptions& o, bool revoke) {
  const GrantSpec g = spec_for(u, o, revoke);
  const std::string sql = grant_statement(g);
  Session& s = u.session();
  u.ctx().mutate(s, sql, revoke ? "revoking" : "granting");
  Table t = action_table();
  const std::string object =
      g.object_name.empty() ? "future " + g.kind + " of " + g.default_for_role
                            : g.kind + " " + (g.object_schema.empty() ? "" : g.object_schema + ".") + g.object_name;
  add_action(t, revoke ? "revoke " + o.privileges : "grant " + o.privileges, object,
             u.ctx().dry_run() ? "would run" : (revoke ? "revoked" : "granted"));
  return {t};
}

template <class V>
void object_options(V& v) {
  v.option("--database", &GrantOptions::database, "on this database (CREATE, CONNECT, TEMPORARY)")
      .option("--schema", &GrantOptions::schema, "on this schema (CREATE, USAGE)")
      .option("--table", &GrantOptions::table, "on this table or view, as SQL names it")
      .option("--column", &GrantOptions::columns, "with --table: only this column (repeat)")
      .option("--sequence", &GrantOptions::sequence, "on this sequence (USAGE, SELECT, UPDATE)")
      .option("--function", &GrantOptions::function, "on this function or procedure: name or name(argtypes)")
      .option("--all-tables-in-schema", &GrantOptions::all_tables, "on every table of this schema")
      .option("--all-sequences-in-schema", &GrantOptions::all_sequences, "on every sequence of this schema")
      .option("--all-functions-in-schema", &GrantOptions::all_functions, "on every function of this schema")
      .option("--on-future", &GrantOptions::on_future,
              "default privileges on objects created later: tables, sequences, functions or schemas")
      .option("--default-for-role", &GrantOptions::default_for_role, "with --on-future: objects this role creates")
      .option("--in-schema", &GrantOptions::in_schema, "with --on-future: only in this schema");
}

}  // namespace

void register_grant(CommandTable& table) {
  {
    auto v = table.command<GrantOptions>(
        "grant",
        "Grant privileges on a database, schema, table (or columns), sequence, function, every object of a "
        "schema, or by default on future objects",
        {Need::Ddl, Effect::Change});
    v.arg("privileges", &GrantOptions::privileges, "comma-separated: select,insert or all")
        .option("--to", &GrantOptions::grantee, "the role that receives them, or public");
    object_options(v);
    v.flag("--with-grant-option", &GrantOptions::grant_option, "the role may grant them on")
        .run([](Unit& u, const GrantOptions& o) { return run_grant(u, o, false); });
  }
  {
    auto v = table.command<GrantOptions>("revoke",
                                         "Revoke privileges (asks first; --yes when not on a terminal); the same "
                                         "objects as grant",
                                         {Need::Ddl, Effect::Destroy});
    v.arg("privileges", &GrantOptions::privileges, "comma-separated: select,insert or all")
        .option("--from", &GrantOptions::grantee, "the role that loses them, or public");
    object_options(v);
    v.flag("--grant-option", &GrantOptions::grant_option, "revoke only the right to grant them on")
        .flag("--cascade", &GrantOptions::cascade, "also from the roles it granted them to")
        .run([](Unit& u, const GrantOptions& o) { return run_grant(u, o, true); });
  }
}

}  // namespace pgdba
