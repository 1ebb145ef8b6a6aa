// role list|create|alter|drop against the test cluster: attributes checked
// in pg_roles, the password only ever as a verifier, and drop --reassign-to
// leaving nothing behind in any database.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "tests/integration/harness.hpp"

namespace {

// A role name unique to the test run, hostile: a quote, a semicolon, unicode.
std::string hostile_role(const std::string& tag) {
  return it::unique(tag) + "'; drop é";
}

std::string literal(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

nlohmann::json role_row(const nlohmann::json& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r["name"] == name) return r;
  return nullptr;
}

}  // namespace

TEST_CASE("role create: attributes as given, the password only ever as a SCRAM verifier", "[role][matrix]") {
  const std::string role = hostile_role("r_create");
  const std::string clear = "Pa'ss\\wörd;" + it::unique("x");
  const std::string pwfile = it::temp_file(clear + "\n");
  const std::string audit = it::temp_file("");
  it::ServerLog log;
  const auto r = it::pgdba({"-vv", "--audit-log", audit, "role", "create", role, "--login", "--createdb",
                            "--connection-limit", "3", "--valid-until", "2031-01-01", "--password-file", pwfile});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto c = it::connect("postgres");
  pqxx::nontransaction tx(c);
  const auto row = tx.exec_params1(
      "select rolcanlogin, rolcreatedb, rolsuper, rolconnlimit, rolvaliduntil::date::text, "
      "rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = $1",
      role);
  CHECK(row[0].as<bool>());
  CHECK(row[1].as<bool>());
  CHECK_FALSE(row[2].as<bool>());
  CHECK(row[3].as<int>() == 3);
  CHECK(row[4].as<std::string>() == "2031-01-01");
  CHECK(row[5].as<bool>());
  // The clear text is nowhere: not on the server (log_statement = all), not
  // in pgdba's debug log, not in the audit log; the verifier is masked too.
  CHECK(log.saw("CREATE ROLE"));
  CHECK(log.never_saw("wörd"));
  CHECK(r.err.find("wörd") == std::string::npos);
  CHECK(r.err.find("SCRAM-SHA-256$") == std::string::npos);
  std::ifstream in(audit);
  const std::string audit_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(audit_text.find("CREATE ROLE") != std::string::npos);
  CHECK(audit_text.find("wörd") == std::string::npos);
  CHECK(audit_text.find("SCRAM-SHA-256$") == std::string::npos);

  const auto dry = it::pgdba({"role", "alter", role, "--password-file", pwfile, "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("PASSWORD '***'") != std::string::npos);
  CHECK(dry.out.find("SCRAM") == std::string::npos);

  const auto list = it::pgdba({"role", "list", "-o", "json"});
  REQUIRE(list.code == 0);
  const auto mine = role_row(it::parse_json(list.out), role);
  REQUIRE(mine.is_object());
  CHECK(mine["password"] == "set");
  CHECK(mine["password_type"] == "scram-sha-256");
  CHECK(mine["connection_limit"] == 3);
  tx.exec("drop role " + c.quote_name(role));
}

TEST_CASE(
    "role create: the clear password is not in the process's argv or environment, nor in the server's view "
    "of the statement, while it runs",
    "[role]") {
  const std::string role = it::unique("r_ps");
  const std::string clear = "ps-secret-" + it::unique("pw");
  const std::string pwfile = it::temp_file(clear + "\n");
  // SHARE on pg_authid holds CREATE ROLE (ROW EXCLUSIVE) while logins (ACCESS
  // SHARE) go on: the statement is caught running.
  auto c = it::connect("postgres");
  pqxx::work hold(c);
  hold.exec("lock table pg_catalog.pg_authid in share mode");
  const auto bg =
      it::start_pgdba({"--lock-timeout", "60s", "role", "create", role, "--login", "--password-file", pwfile});
  std::string query;
  const bool waiting = it::wait_for([&] {
    query = it::query_value(
        "select coalesce(max(query), '') from pg_stat_activity where wait_event_type = 'Lock' "
        "and query like 'CREATE ROLE %" +
        role + "%'");
    return !query.empty();
  });
  const auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string cmdline = slurp("/proc/" + std::to_string(bg.pid) + "/cmdline");
  const std::string environ = slurp("/proc/" + std::to_string(bg.pid) + "/environ");
  hold.commit();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  REQUIRE(waiting);
  CHECK(r.code == 0);
  CHECK_THAT(cmdline, Catch::Contains(role));  // the right process was read
  CHECK(cmdline.find(clear) == std::string::npos);
  CHECK(environ.find(clear) == std::string::npos);
  CHECK_THAT(query, Catch::Contains("SCRAM-SHA-256$"));  // what travels is the verifier
  CHECK(query.find(clear) == std::string::npos);
  pqxx::nontransaction tx(c);
  tx.exec("drop role " + c.quote_name(role));
}

TEST_CASE("role alter switches attributes and renames, bad input is refused", "[role][matrix]") {
  const std::string role = it::unique("r_alter");
  auto c = it::connect("postgres");
  pqxx::nontransaction tx(c);
  tx.exec("create role " + role + " login");
  auto r = it::pgdba({"role", "alter", role, "--no-login", "--replication", "--rename", role + "_new"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto row =
      tx.exec_params1("select rolcanlogin, rolreplication from pg_roles where rolname = $1", role + "_new");
  CHECK_FALSE(row[0].as<bool>());
  CHECK(row[1].as<bool>());
  CHECK(it::pgdba({"role", "alter", role + "_new"}).code == 2);                           // nothing to change
  CHECK(it::pgdba({"role", "alter", role + "_new", "--login", "--no-login"}).code == 2);  // contradiction
  CHECK(it::pgdba({"role", "alter", "no_such_role_x", "--login"}).code == 1);
  CHECK(it::pgdba({"role", "create", std::string(64, 'r')}).code == 2);  // longer than NAMEDATALEN
  const auto exists = it::pgdba({"role", "create", role + "_new", "--if-not-exists", "-o", "json"});
  CHECK(exists.code == 0);
  CHECK(it::parse_json(exists.out)[0]["status"] == "exists");
  tx.exec("drop role " + role + "_new");
}

TEST_CASE("role drop --reassign-to hands everything over in every database, then drops the role", "[role]") {
  const std::string role = hostile_role("r_drop");
  const std::string heir = it::unique("r_heir");
  it::ScratchDb one("rdrop1");
  it::ScratchDb two("rdrop2");
  it::ScratchDb three("rdrop3");
  const std::string q = "\"" + [&] {
    std::string s;
    for (char ch : role)
      s += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return s;
  }() + "\"";
  one.exec("create role " + q + " login; create role " + heir);
  one.exec("create table owned_t(i serial); alter table owned_t owner to " + q);
  two.exec("create function owned_f() returns int language sql as 'select 1'; alter function owned_f() owner to " + q);
  three.exec("create table granted_t(i int); grant select on granted_t to " + q);

  // Without --reassign-to the server refuses and pgdba says what to do.
  const auto refused = it::pgdba({"role", "drop", role, "--yes"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("--reassign-to") != std::string::npos);
  CHECK(it::pgdba({"role", "drop", role, "--reassign-to", heir}).code == 2);  // not a terminal: needs --yes

  // --dry-run: the plan, database by database, and nothing done.
  const auto dry = it::pgdba({"role", "drop", role, "--reassign-to", heir, "--dry-run", "-o", "json"});
  INFO(dry.err);
  REQUIRE(dry.code == 0);
  std::set<std::string> planned;
  for (const auto& row : it::parse_json(dry.out))
    if (row["sql"].get<std::string>().rfind("REASSIGN OWNED BY", 0) == 0 && row["database"].is_string())
      planned.insert(row["database"].get<std::string>());
  CHECK(planned.count(one.name()) == 1);
  CHECK(planned.count(two.name()) == 1);
  CHECK(planned.count(three.name()) == 1);
  CHECK(one.value("select count(*) from pg_roles where rolname = " + literal(role)) == "1");
  CHECK(one.value("select tableowner from pg_tables where tablename = 'owned_t'") == role);

  const auto r = it::pgdba({"role", "drop", role, "--reassign-to", heir, "--yes", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  std::set<std::string> dbs;
  for (const auto& row : rows)
    if (row["action"] == "reassign owned") dbs.insert(row["database"].get<std::string>());
  CHECK(dbs.count(one.name()) == 1);
  CHECK(dbs.count(two.name()) == 1);
  CHECK(dbs.count(three.name()) == 1);
  CHECK(rows.back()["status"] == "dropped");
  CHECK(one.value("select count(*) from pg_roles where rolname = " + literal(role)) == "0");
  CHECK(one.value("select tableowner from pg_tables where tablename = 'owned_t'") == heir);
  CHECK(two.value("select proowner::regrole::text from pg_proc where proname = 'owned_f'") == heir);
  CHECK(three.value("select count(*) from information_schema.role_table_grants where table_name = 'granted_t' "
                    "and grantee <> current_user") == "0");
  two.exec("drop owned by " + heir);
  three.exec("drop owned by " + heir);
  one.exec("drop owned by " + heir + "; drop role " + heir);
  CHECK(it::pgdba({"role", "drop", role, "--if-exists", "--yes"}).code == 0);
}

TEST_CASE("role members, grant-membership and revoke-membership", "[role][matrix]") {
  const std::string group = it::unique("r_group");
  const std::string member = hostile_role("r_member");
  auto c = it::connect("postgres");
  pqxx::nontransaction tx(c);
  tx.exec("create role " + group + "; create role " + c.quote_name(member));
  auto r = it::pgdba({"role", "grant-membership", group, member, "--admin-option"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(tx.exec_params1("select pg_has_role($1, $2, 'MEMBER WITH ADMIN OPTION')", member, group)[0].as<bool>());
  r = it::pgdba({"role", "members", group, "-o", "json"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["member"] == member);
  CHECK(rows[0]["admin_option"] == true);
  const int server = std::stoi(tx.exec1("show server_version_num")[0].as<std::string>());
  const auto no_inherit = it::pgdba({"role", "grant-membership", group, "postgres", "--no-inherit"});
  CHECK(no_inherit.code == (server >= 160000 ? 0 : 1));
  r = it::pgdba({"role", "revoke-membership", group, member});
  REQUIRE(r.code == 0);
  CHECK_FALSE(tx.exec_params1("select pg_has_role($1, $2, 'MEMBER')", member, group)[0].as<bool>());
  CHECK(it::pgdba({"role", "members", "no_such_role_y"}).code == 1);
  tx.exec("drop role " + group + "; drop role " + c.quote_name(member));
}

TEST_CASE("role set and settings: per role, per database, and reset", "[role][matrix]") {
  const std::string role = it::unique("r_set");
  it::ScratchDb db("rset");
  db.exec("create role " + role);
  auto r = it::pgdba({"role", "set", role, "work_mem", "64MB"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  r = it::pgdba({"role", "set", role, "search_path", "app, public", "--database", db.name()});
  REQUIRE(r.code == 0);
  r = it::pgdba({"role", "settings", role, "-o", "json"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["database"].is_null());
  CHECK(rows[0]["name"] == "work_mem");
  CHECK(rows[0]["value"] == "64MB");
  CHECK(rows[1]["database"] == db.name());
  CHECK(rows[1]["value"] == "app, public");  // two schemas, not one named "app, public"
  CHECK(it::pgdba({"role", "set", role, "work_mem", "--reset"}).code == 0);
  CHECK(it::parse_json(it::pgdba({"role", "settings", role, "-o", "json"}).out).size() == 1);
  CHECK(it::pgdba({"role", "set", role, "work_mem"}).code == 2);  // neither a value nor --reset
  CHECK(it::pgdba({"role", "set", role, "no_such_parameter", "1"}).code == 1);
  db.exec("drop role " + role);
}
