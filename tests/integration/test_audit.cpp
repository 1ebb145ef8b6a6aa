// audit report / controls / logging against real servers. Every control
// that a test cluster can be put into is proven both ways: the test
// creates the bad state, sees the finding, fixes the state and sees it go.
// Server parameters and pg_hba.conf change only on clusters of the test's
// own (the shared cluster's log_statement = all is what other tests read);
// roles and objects on the shared cluster have unique names, and findings
// are filtered by those names (tests run in parallel).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

int server_num() {
  return std::stoi(it::query_value("select current_setting('server_version_num')"));
}

void exec(const std::string& sql, const std::string& db = "postgres") {
  auto c = it::connect(db);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string q(const std::string& name) {
  return "\"" + name + "\"";
}

// The findings of one report, parsed; REQUIREs that it ran.
nlohmann::json report(std::vector<std::string> args, const it::Env& env = {}) {
  args.insert(args.begin(), {"-o", "json", "audit", "report"});
  const auto r = pgdba(args, "", env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return it::parse_json(r.out);
}

// Whether a finding `id` names `object` (exactly, or containing it when
// `part`), in `database` when given ("" = server-wide: null).
bool has(const nlohmann::json& rows, const std::string& id, const std::string& object, bool part = false,
         const std::string* database = nullptr) {
  for (const auto& r : rows) {
    if (r["id"] != id || !r["object"].is_string()) continue;
    const std::string o = r["object"];
    if (part ? o.find(object) == std::string::npos : o != object) continue;
    if (database != nullptr) {
      if (database->empty() ? !r["database"].is_null() : r["database"] != *database) continue;
    }
    return true;
  }
  return false;
}

bool has_id(const nlohmann::json& rows, const std::string& id) {
  for (const auto& r : rows)
    if (r["id"] == id) return true;
  return false;
}

// pgdba and SQL on a cluster of the test's own.
struct AuditCluster {
  const it::Env& shared = it::cluster();
  it::PrivateCluster pc;
  explicit AuditCluster(const std::string& conf = "", const std::string& initdb_flags = "") : pc(conf, initdb_flags) {}
  it::Env env() const { return {{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}}; }
  nlohmann::json report(const std::vector<std::string>& args = {}) const { return ::report(args, env()); }
  std::string conninfo() const {
    return "host=" + pc.env().at("PGHOST") + " port=" + pc.env().at("PGPORT") + " user=postgres dbname=postgres";
  }
  std::string value(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(sql);
    return r[0][0].is_null() ? "" : r[0][0].c_str();
  }
  void exec(const std::string& sql) const {
    pqxx::connection c(conninfo());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  // ALTER SYSTEM each parameter, reload, and wait until new sessions see it.
  void set(const std::vector<std::pair<std::string, std::string>>& values) const {
    for (const auto& [name, value] : values)
      exec("ALTER SYSTEM SET " + name + " = '" + value + "'");
    exec("SELECT pg_reload_conf()");
    for (const auto& [name, value] : values) {
      const std::string probe = "select setting from pg_settings where name = '" + name + "'";
      const std::string want = value;
      const std::string param = name;  // a structured binding cannot be captured (C++17)
      const bool seen = it::wait_for([&] {
        const std::string now = this->value(probe);
        // log_connections is a list on 18: off is empty, on names the stages.
        return now == want || (want == "off" && now.empty()) ||
               (want == "on" && param == "log_connections" && !now.empty() && now != "off");
      });
      INFO(name << " = " << value);
      REQUIRE(seen);
    }
  }
  std::string data_dir() const { return pc.env().at("PGDBA_CLUSTER_DIR") + "/data"; }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("audit controls lists at least 60 controls with stable, unique ids", "[audit]") {
  const auto r = pgdba({"-o", "json", "audit", "controls"});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(rows.size() >= 60);
  std::set<std::string> ids;
  for (const auto& c : rows) {
    const std::string id = c["id"];
    CHECK(id.rfind("PGDBA-SEC-", 0) == 0);
    CHECK(id.size() == 13);
    CHECK(ids.insert(id).second);
    CHECK(std::set<std::string>{"critical", "high", "medium", "low", "info"}.count(c["severity"]) == 1);
    CHECK((c["scope"] == "server" || c["scope"] == "database"));
    CHECK(!c["recommendation"].get<std::string>().empty());
  }
  // Every id is in the help (and so in the man page).
  const auto help = pgdba({"audit", "report", "--help"});
  for (const auto& id : ids)
    CHECK_THAT(help.out, Catch::Contains(id));
  const auto table = pgdba({"audit", "controls"});
  CHECK_THAT(table.out, Catch::Contains("PGDBA-SEC-001") && Catch::Contains("recommendation"));
}

TEST_CASE("audit report: table and JSON, server-wide findings once, per-database ones in every database",
          "[audit][matrix]") {
  it::ScratchDb db("audit_all");
  db.exec("GRANT CREATE ON SCHEMA public TO PUBLIC");
  const std::string& name = db.name();
  const std::string none;

  const auto table = pgdba({"audit", "report"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("severity") && Catch::Contains("recommendation"));

  const auto rows = report({"--all-databases"});
  for (const auto& r : rows) {
    for (const char* k : {"id", "severity", "category", "database", "object", "finding", "recommendation"})
      CHECK(r.contains(k));
  }
  // The test cluster runs with fsync off and ssl off: server-wide, reported once, no database.
  int fsync = 0;
  for (const auto& r : rows)
    fsync += r["id"] == "PGDBA-SEC-038" ? 1 : 0;
  CHECK(fsync == 1);
  CHECK(has(rows, "PGDBA-SEC-038", "fsync", false, &none));
  CHECK(has(rows, "PGDBA-SEC-070", "public", false, &name));
  // Sorted by severity, most severe first.
  const std::vector<std::string> order = {"critical", "high", "medium", "low", "info"};
  std::size_t last = 0;
  for (const auto& r : rows) {
    const auto at = static_cast<std::size_t>(std::find(order.begin(), order.end(), r["severity"]) - order.begin());
    CHECK(at >= last);
    last = at;
  }

  // Without --all-databases the per-database controls run in the connection's database only.
  CHECK(has(report({"-d", name}), "PGDBA-SEC-070", "public", false, &name));
  CHECK(!has(report({"-d", "postgres"}), "PGDBA-SEC-070", "public", false, &name));
  // --exclude-database
  CHECK(!has(report({"--all-databases", "--exclude-database", name}), "PGDBA-SEC-070", "public", false, &name));
  const auto bad = pgdba({"audit", "report", "--exclude-database", "x"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--all-databases"));
}

TEST_CASE("audit report --skip drops a control's findings, and a bad or unknown id is a usage error", "[audit]") {
  const auto all = report({});
  REQUIRE(has_id(all, "PGDBA-SEC-038"));  // fsync off on the test cluster
  const auto skipped = report({"--skip", "PGDBA-SEC-038", "--skip", "PGDBA-SEC-016"});
  CHECK(!has_id(skipped, "PGDBA-SEC-038"));
  CHECK(!has_id(skipped, "PGDBA-SEC-016"));
  CHECK(skipped.size() + 2 <= all.size());

  for (const std::string id : {"PGDBA-SEC-38", "pgdba-sec-038", "SEC-038", "PGDBA-SEC-0381", ""}) {
    const auto r = pgdba({"audit", "report", "--skip", id});
    INFO(id);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("not a finding id"));
    CHECK(it::count_lines(r.err) == 1);
  }
  const auto unknown = pgdba({"audit", "report", "--skip", "PGDBA-SEC-999"});
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("no control PGDBA-SEC-999"));
  const auto age = pgdba({"audit", "report", "--max-password-age", "90"});
  CHECK(age.code == 2);
}

TEST_CASE("audit report reads standing waivers from the config file's [audit] skip", "[audit]") {
  const std::string cfg = it::temp_file("[audit]\nskip = [\"PGDBA-SEC-038\"]\n", ".toml");
  const auto waived = report({}, {{"PGDBA_CONFIG", cfg}});
  CHECK(!has_id(waived, "PGDBA-SEC-038"));
  CHECK(has_id(report({}), "PGDBA-SEC-038"));

  for (const std::string& text :
       {std::string("[audit]\nskip = [\"PGDBA-SEC-998\"]\n"), std::string("[audit]\nskip = [\"038\"]\n"),
        std::string("[audit]\nskip = \"x\"\n"), std::string("[audit]\nskipped = []\n")}) {
    const auto bad = pgdba({"audit", "report"}, "", {{"PGDBA_CONFIG", it::temp_file(text, ".toml")}});
    INFO(text);
    CHECK(bad.code == 2);
    CHECK(it::count_lines(bad.err) == 1);
  }
}

TEST_CASE("audit report as an unprivileged role: what it cannot judge is a finding, not an error", "[audit][matrix]") {
  const std::string role = it::unique("audit_nopriv");
  exec("CREATE ROLE " + q(role) + " LOGIN");
  const auto r = pgdba({"-U", role, "-o", "json", "audit", "report", "--all-databases"});
  exec("DROP ROLE " + q(role));
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  std::set<std::string> unknown;
  for (const auto& f : rows) {
    if (f["finding"].get<std::string>().rfind("cannot be judged", 0) == 0) {
      CHECK(f["severity"] == "info");
      unknown.insert(f["id"]);
    }
  }
  for (const char* id : {"PGDBA-SEC-001", "PGDBA-SEC-002", "PGDBA-SEC-003", "PGDBA-SEC-008", "PGDBA-SEC-010",
                         "PGDBA-SEC-014", "PGDBA-SEC-068"}) {
    INFO(id);
    CHECK(unknown.count(id) == 1);
  }
  // What pg_settings shows every role is still judged.
  CHECK(has(rows, "PGDBA-SEC-038", "fsync"));
  // The same role as a superuser judges them.
  const auto su = report({});
  for (const auto& f : su)
    CHECK(f["finding"].get<std::string>().rfind("cannot be judged", 0) != 0);
}

TEST_CASE("audit report: role controls appear for a role in the bad state and go when it is fixed", "[audit][matrix]") {
  const std::string r = it::unique("audit_role");
  const std::string rq = q(r);
  const int v = server_num();
  exec("CREATE ROLE " + rq + " LOGIN");
  auto rows = report({"--max-password-age", "90d"});
  CHECK(has(rows, "PGDBA-SEC-002", r));         // no password
  CHECK(has(rows, "PGDBA-SEC-005", r));         // never expires
  CHECK(has(rows, "PGDBA-SEC-028", r));         // no connection limit
  CHECK(!has(report({}), "PGDBA-SEC-005", r));  // no policy given: not judged

  exec("ALTER ROLE " + rq + " PASSWORD 'x-Secret-1' VALID UNTIL '" + "2999-01-01' CONNECTION LIMIT 5");
  rows = report({"--max-password-age", "90d"});
  CHECK(!has(rows, "PGDBA-SEC-002", r));
  CHECK(!has(rows, "PGDBA-SEC-005", r));
  CHECK(has(rows, "PGDBA-SEC-006", r));  // beyond the policy
  CHECK(!has(rows, "PGDBA-SEC-028", r));
  exec("DO $$ BEGIN EXECUTE format('ALTER ROLE %I VALID UNTIL %L', '" + r +
       "', (now() + interval '30 days')::text); END $$");
  CHECK(!has(report({"--max-password-age", "90d"}), "PGDBA-SEC-006", r));

  exec("ALTER ROLE " + rq + " VALID UNTIL '2000-01-01'");
  CHECK(has(report({}), "PGDBA-SEC-007", r));
  exec("ALTER ROLE " + rq + " VALID UNTIL 'infinity'");
  CHECK(!has(report({}), "PGDBA-SEC-007", r));

  // MD5 verifier, then SCRAM.
  {
    auto c = it::connect();
    pqxx::nontransaction tx(c);
    tx.exec("SET password_encryption = 'md5'");
    tx.exec("ALTER ROLE " + rq + " PASSWORD 'x-Secret-2'");
  }
  CHECK(has(report({}), "PGDBA-SEC-003", r));
  exec("ALTER ROLE " + rq + " PASSWORD 'x-Secret-3'");
  CHECK(!has(report({}), "PGDBA-SEC-003", r));

  // Attributes.
  exec("ALTER ROLE " + rq + " CREATEROLE BYPASSRLS REPLICATION CREATEDB");
  rows = report({});
  for (const char* id : {"PGDBA-SEC-024", "PGDBA-SEC-025", "PGDBA-SEC-026", "PGDBA-SEC-027"}) {
    INFO(id);
    CHECK(has(rows, id, r));
  }
  exec("ALTER ROLE " + rq + " NOCREATEROLE NOBYPASSRLS NOREPLICATION NOCREATEDB");
  rows = report({});
  for (const char* id : {"PGDBA-SEC-024", "PGDBA-SEC-025", "PGDBA-SEC-026", "PGDBA-SEC-027"}) {
    INFO(id);
    CHECK(!has(rows, id, r));
  }

  // Superuser without a password.
  const std::string su = it::unique("audit_su");
  exec("CREATE ROLE " + q(su) + " SUPERUSER LOGIN");
  rows = report({});
  CHECK(has(rows, "PGDBA-SEC-001", su));
  CHECK(has(rows, "PGDBA-SEC-023", su));
  exec("ALTER ROLE " + q(su) + " NOSUPERUSER NOLOGIN");
  rows = report({});
  CHECK(!has(rows, "PGDBA-SEC-001", su));
  CHECK(!has(rows, "PGDBA-SEC-023", su));
  exec("DROP ROLE " + q(su));

  // Memberships in the predefined roles.
  std::vector<std::pair<std::string, std::string>> members = {{"PGDBA-SEC-031", "pg_read_server_files"},
                                                              {"PGDBA-SEC-032", "pg_write_server_files"},
                                                              {"PGDBA-SEC-033", "pg_execute_server_program"},
                                                              {"PGDBA-SEC-034", "pg_signal_backend"}};
  if (v >= 140000) {
    members.emplace_back("PGDBA-SEC-029", "pg_read_all_data");
    members.emplace_back("PGDBA-SEC-030", "pg_write_all_data");
  }
  // Through a group: membership is judged transitively.
  const std::string group = it::unique("audit_grp");
  exec("CREATE ROLE " + q(group));
  exec("GRANT " + q(group) + " TO " + rq);
  for (const auto& m : members)
    exec("GRANT " + m.second + " TO " + q(group));
  rows = report({});
  for (const auto& m : members) {
    INFO(m.second);
    CHECK(has(rows, m.first, r));
  }
  for (const auto& m : members)
    exec("REVOKE " + m.second + " FROM " + q(group));
  rows = report({});
  for (const auto& m : members) {
    INFO(m.second);
    CHECK(!has(rows, m.first, r));
  }

  // A per-role logging override.
  exec("ALTER ROLE " + rq + " SET log_statement = 'none'");
  CHECK(has(report({}), "PGDBA-SEC-035", "role " + r));
  exec("ALTER ROLE " + rq + " RESET log_statement");
  CHECK(!has(report({}), "PGDBA-SEC-035", "role " + r));

  exec("DROP ROLE " + rq);
  exec("DROP ROLE " + q(group));
}

TEST_CASE("audit report: privilege, function, extension and RLS controls appear and go in a database",
          "[audit][matrix]") {
  it::ScratchDb db("audit_db");
  const std::string& name = db.name();
  const std::string owner = it::unique("audit_owner");
  exec("CREATE ROLE " + q(owner));
  const auto rows = [&] { return report({"-d", name}); };
  const auto present = [&](const nlohmann::json& rs, const std::string& id, const std::string& object) {
    return has(rs, id, object, false, &name);
  };

  // Schemas PUBLIC may create in (public is so by default before 15).
  db.exec("CREATE SCHEMA s");
  db.exec("GRANT CREATE ON SCHEMA public, s TO PUBLIC");
  auto rs = rows();
  CHECK(present(rs, "PGDBA-SEC-070", "public"));
  CHECK(present(rs, "PGDBA-SEC-071", "s"));
  db.exec("REVOKE CREATE ON SCHEMA public, s FROM PUBLIC");
  rs = rows();
  CHECK(!present(rs, "PGDBA-SEC-070", "public"));
  CHECK(!present(rs, "PGDBA-SEC-071", "s"));

  // Tables PUBLIC may read or write; default privileges for PUBLIC.
  db.exec("CREATE TABLE s.t (id int)");
  db.exec("GRANT SELECT, INSERT, DELETE ON s.t TO PUBLIC");
  db.exec("ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO PUBLIC");
  rs = rows();
  CHECK(present(rs, "PGDBA-SEC-072", "s.t"));
  CHECK(present(rs, "PGDBA-SEC-073", "s.t"));
  CHECK(present(rs, "PGDBA-SEC-074", "default privileges of postgres in schema s"));
  db.exec("REVOKE ALL ON s.t FROM PUBLIC");
  db.exec("ALTER DEFAULT PRIVILEGES IN SCHEMA s REVOKE SELECT ON TABLES FROM PUBLIC");
  rs = rows();
  CHECK(!present(rs, "PGDBA-SEC-072", "s.t"));
  CHECK(!present(rs, "PGDBA-SEC-073", "s.t"));
  CHECK(!present(rs, "PGDBA-SEC-074", "default privileges of postgres in schema s"));

  // SECURITY DEFINER functions.
  db.exec("CREATE FUNCTION s.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'");
  db.exec("CREATE FUNCTION s.g() RETURNS int LANGUAGE sql AS 'SELECT 2'");
  rs = rows();
  CHECK(present(rs, "PGDBA-SEC-075", "s.f()"));
  CHECK(present(rs, "PGDBA-SEC-076", "s"));
  CHECK(present(rs, "PGDBA-SEC-077", "s.f()"));
  CHECK(present(rs, "PGDBA-SEC-078", "s.f()"));
  db.exec("REVOKE EXECUTE ON FUNCTION s.f(), s.g() FROM PUBLIC");
  db.exec("ALTER FUNCTION s.f() SET search_path = pg_catalog, pg_temp");
  db.exec("ALTER FUNCTION s.f() OWNER TO " + q(owner));
  rs = rows();
  CHECK(!present(rs, "PGDBA-SEC-075", "s.f()"));
  CHECK(!present(rs, "PGDBA-SEC-076", "s"));
  CHECK(!present(rs, "PGDBA-SEC-077", "s.f()"));
  CHECK(!present(rs, "PGDBA-SEC-078", "s.f()"));
  // ... whose search_path has a schema PUBLIC may create in.
  db.exec("ALTER FUNCTION s.f() SET search_path = s, pg_temp");
  db.exec("GRANT CREATE ON SCHEMA s TO PUBLIC");
  CHECK(present(rows(), "PGDBA-SEC-079", "s.f()"));
  db.exec("REVOKE CREATE ON SCHEMA s FROM PUBLIC");
  CHECK(!present(rows(), "PGDBA-SEC-079", "s.f()"));

  // Server-file functions granted beyond superusers.
  db.exec("GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO " + q(owner));
  CHECK(present(rows(), "PGDBA-SEC-080", "pg_catalog.pg_read_file(text)"));
  db.exec("REVOKE EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) FROM " + q(owner));
  CHECK(!present(rows(), "PGDBA-SEC-080", "pg_catalog.pg_read_file(text)"));

  // Foreign data wrappers usable by non-superusers.
  db.exec("CREATE FOREIGN DATA WRAPPER audit_fdw");
  db.exec("GRANT USAGE ON FOREIGN DATA WRAPPER audit_fdw TO " + q(owner));
  CHECK(present(rows(), "PGDBA-SEC-084", "audit_fdw"));
  db.exec("REVOKE USAGE ON FOREIGN DATA WRAPPER audit_fdw FROM " + q(owner));
  CHECK(!present(rows(), "PGDBA-SEC-084", "audit_fdw"));
  db.exec("DROP FOREIGN DATA WRAPPER audit_fdw");

  // Extensions, where this server's build has them.
  const auto available = [&](const std::string& ext) {
    return db.value("select count(*) from pg_available_extensions where name = '" + ext + "'") == "1";
  };
  if (available("dblink")) {
    db.exec("CREATE EXTENSION dblink SCHEMA s");
    db.exec("GRANT CREATE ON SCHEMA s TO PUBLIC");
    rs = rows();
    CHECK(present(rs, "PGDBA-SEC-083", "dblink"));
    CHECK(present(rs, "PGDBA-SEC-085", "dblink"));
    db.exec("REVOKE EXECUTE ON FUNCTION s.dblink_connect(text), s.dblink_connect(text, text) FROM PUBLIC");
    db.exec("REVOKE CREATE ON SCHEMA s FROM PUBLIC");
    rs = rows();
    CHECK(!present(rs, "PGDBA-SEC-083", "dblink"));
    CHECK(!present(rs, "PGDBA-SEC-085", "dblink"));
  } else {
    WARN("dblink is not available on this server: PGDBA-SEC-083/085 not proven here");
  }
  if (available("adminpack")) {
    db.exec("CREATE EXTENSION adminpack");
    CHECK(present(rows(), "PGDBA-SEC-082", "adminpack"));
    db.exec("DROP EXTENSION adminpack");
    CHECK(!present(rows(), "PGDBA-SEC-082", "adminpack"));
  }
  // An untrusted language: plperlu and friends need their interpreter's
  // library, so a language of the test's own on plpgsql's handler (CREATE
  // LANGUAGE without TRUSTED makes an untrusted one).
  db.exec("CREATE LANGUAGE audit_untrusted HANDLER pg_catalog.plpgsql_call_handler");
  CHECK(present(rows(), "PGDBA-SEC-081", "audit_untrusted"));
  db.exec("DROP LANGUAGE audit_untrusted");
  CHECK(!present(rows(), "PGDBA-SEC-081", "audit_untrusted"));

  // Row-level security.
  db.exec("CREATE TABLE s.r (id int)");
  db.exec("ALTER TABLE s.r ENABLE ROW LEVEL SECURITY");
  CHECK(present(rows(), "PGDBA-SEC-086", "s.r"));
  db.exec("CREATE POLICY p ON s.r USING (true)");
  rs = rows();
  CHECK(!present(rs, "PGDBA-SEC-086", "s.r"));
  CHECK(present(rs, "PGDBA-SEC-088", "s.r"));
  CHECK(present(rs, "PGDBA-SEC-089", "s.r policy p"));
  db.exec("ALTER TABLE s.r FORCE ROW LEVEL SECURITY");
  db.exec("ALTER POLICY p ON s.r USING (id > 0)");
  rs = rows();
  CHECK(!present(rs, "PGDBA-SEC-088", "s.r"));
  CHECK(!present(rs, "PGDBA-SEC-089", "s.r"));
  db.exec("ALTER TABLE s.r DISABLE ROW LEVEL SECURITY");
  CHECK(present(rows(), "PGDBA-SEC-087", "s.r"));
  db.exec("ALTER TABLE s.r ENABLE ROW LEVEL SECURITY");
  CHECK(!present(rows(), "PGDBA-SEC-087", "s.r"));

  // PUBLIC may create schemas in the database: server-wide, names the database.
  db.exec("GRANT CREATE ON DATABASE " + q(name) + " TO PUBLIC");
  CHECK(has(report({}), "PGDBA-SEC-037", name));
  db.exec("REVOKE CREATE ON DATABASE " + q(name) + " FROM PUBLIC");
  CHECK(!has(report({}), "PGDBA-SEC-037", name));

  db.exec("DROP SCHEMA s CASCADE");
  exec("DROP OWNED BY " + q(owner), name);
  exec("DROP ROLE " + q(owner));
}

TEST_CASE("audit report: server parameters in the bad state are found and go when fixed", "[audit]") {
  AuditCluster c;
  // (control, parameter, bad value, good value): all reloadable.
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> params = {
      {"PGDBA-SEC-004", "password_encryption", "md5", "scram-sha-256"},
      {"PGDBA-SEC-017", "ssl_min_protocol_version", "TLSv1", "TLSv1.2"},
      {"PGDBA-SEC-018", "ssl_prefer_server_ciphers", "off", "on"},
      {"PGDBA-SEC-020", "authentication_timeout", "120", "60"},
      {"PGDBA-SEC-038", "fsync", "off", "on"},
      {"PGDBA-SEC-039", "full_page_writes", "off", "on"},
      {"PGDBA-SEC-040", "allow_system_table_mods", "on", "off"},
      {"PGDBA-SEC-041", "zero_damaged_pages", "on", "off"},
      {"PGDBA-SEC-042", "ignore_checksum_failure", "on", "off"},
      {"PGDBA-SEC-043", "ignore_system_indexes", "on", "off"},
      {"PGDBA-SEC-047", "synchronous_commit", "off", "on"},
      {"PGDBA-SEC-048", "dynamic_library_path", "/tmp:$libdir", "$libdir"},
      {"PGDBA-SEC-049", "lo_compat_privileges", "on", "off"},
      {"PGDBA-SEC-050", "standard_conforming_strings", "off", "on"},
      {"PGDBA-SEC-051", "idle_in_transaction_session_timeout", "0", "600000"},
      {"PGDBA-SEC-052", "track_counts", "off", "on"},
      {"PGDBA-SEC-053", "track_activities", "off", "on"},
      {"PGDBA-SEC-055", "log_connections", "off", "on"},
      {"PGDBA-SEC-056", "log_disconnections", "off", "on"},
      {"PGDBA-SEC-057", "log_statement", "none", "ddl"},
      {"PGDBA-SEC-058", "log_line_prefix", "%m [%p] ", "%m [%p] %u@%d "},
      {"PGDBA-SEC-059", "log_line_prefix", "%m [%p] ", "%m [%p] %u@%d "},
      {"PGDBA-SEC-060", "log_file_mode", "0640", "0600"},
      {"PGDBA-SEC-061", "log_temp_files", "-1", "0"},
      {"PGDBA-SEC-062", "log_checkpoints", "off", "on"},
      {"PGDBA-SEC-063", "log_lock_waits", "off", "on"},
      {"PGDBA-SEC-064", "log_min_messages", "error", "warning"},
      {"PGDBA-SEC-065", "log_min_error_statement", "log", "error"},
      {"PGDBA-SEC-066", "log_replication_commands", "off", "on"},
      {"PGDBA-SEC-067", "debug_print_parse", "on", "off"},
  };
  // Not db_user_namespace (PGDBA-SEC-022): on, it renames every user the tests connect as.
  std::vector<std::pair<std::string, std::string>> bad, good;
  for (const auto& [id, name, b, g] : params) {
    bad.emplace_back(name, b);
    good.emplace_back(name, g);
  }
  c.set(bad);
  auto rows = c.report();
  for (const auto& p : params) {
    INFO(std::get<0>(p) << " " << std::get<1>(p) << " = " << std::get<2>(p));
    CHECK(has(rows, std::get<0>(p), std::get<1>(p), true));
  }
  c.set(good);
  rows = c.report();
  for (const auto& p : params) {
    INFO(std::get<0>(p) << " " << std::get<1>(p) << " = " << std::get<3>(p));
    CHECK(!has_id(rows, std::get<0>(p)));
  }

  // template0 accepting connections.
  c.exec("ALTER DATABASE template0 ALLOW_CONNECTIONS true");
  CHECK(has(c.report(), "PGDBA-SEC-036", "template0"));
  c.exec("ALTER DATABASE template0 ALLOW_CONNECTIONS false");
  CHECK(!has_id(c.report(), "PGDBA-SEC-036"));
}

TEST_CASE("audit report: parameters fixed at server start, bad and good", "[audit]") {
  {
    AuditCluster bad(
        "wal_level = minimal\nmax_wal_senders = 0\narchive_mode = off\nsuperuser_reserved_connections = 0\n"
        "logging_collector = off\nlisten_addresses = '*'\n");
    const auto rows = bad.report();
    for (const char* id : {"PGDBA-SEC-019", "PGDBA-SEC-021", "PGDBA-SEC-045", "PGDBA-SEC-046", "PGDBA-SEC-054"}) {
      INFO(id);
      CHECK(has_id(rows, id));
    }
  }
  AuditCluster good(
      "wal_level = replica\narchive_mode = on\narchive_command = 'true'\n"
      "superuser_reserved_connections = 3\nlogging_collector = on\n");
  const auto rows = good.report();
  for (const char* id : {"PGDBA-SEC-021", "PGDBA-SEC-045", "PGDBA-SEC-046", "PGDBA-SEC-054"}) {
    INFO(id);
    CHECK(!has_id(rows, id));
  }
  // The harness's clusters listen on no TCP address and have no TLS.
  CHECK(!has_id(rows, "PGDBA-SEC-019"));
  CHECK(has_id(rows, "PGDBA-SEC-016"));
}

TEST_CASE("audit report: pg_hba.conf rules as the server would read them", "[audit][matrix]") {
  AuditCluster c;
  // pg_hba_file_rules reads the file on disk: the loaded rules (trust for
  // the tests' connections) stay as they are, no reload needed.
  const std::string hba = c.data_dir() + "/pg_hba.conf";
  const std::string original = read_text(hba);
  write_text(hba,
             "local all all trust\n"
             "host all all 10.0.0.0/8 trust\n"
             "host all all 0.0.0.0/0 password\n"
             "host all all ::/0 md5\n"
             "host all all 192.168.0.0/16 ident\n"
             "host all all 10.1.0.0/16 nonsense\n");
  auto rows = c.report();
  CHECK(has(rows, "PGDBA-SEC-009", "pg_hba.conf line 1"));
  CHECK(has(rows, "PGDBA-SEC-008", "pg_hba.conf line 2"));
  CHECK(has(rows, "PGDBA-SEC-012", "pg_hba.conf line 2"));
  CHECK(has(rows, "PGDBA-SEC-010", "pg_hba.conf line 3"));
  CHECK(has(rows, "PGDBA-SEC-011", "pg_hba.conf line 3"));
  CHECK(has(rows, "PGDBA-SEC-011", "pg_hba.conf line 4"));
  CHECK(has(rows, "PGDBA-SEC-013", "pg_hba.conf line 4"));
  CHECK(has(rows, "PGDBA-SEC-015", "pg_hba.conf line 5"));
  CHECK(has(rows, "PGDBA-SEC-014", "pg_hba.conf line 6"));

  // (hostssl would be an error of its own: the harness's clusters have no TLS.)
  write_text(hba, "local all all peer\nhost all all 10.0.0.0/8 reject\n");
  rows = c.report();
  for (const char* id : {"PGDBA-SEC-008", "PGDBA-SEC-009", "PGDBA-SEC-010", "PGDBA-SEC-011", "PGDBA-SEC-012",
                         "PGDBA-SEC-013", "PGDBA-SEC-014", "PGDBA-SEC-015"}) {
    INFO(id);
    CHECK(!has_id(rows, id));
  }
  write_text(hba, original);
}

TEST_CASE("audit logging sets statement and connection logging, reports before and after, --dry-run changes nothing",
          "[audit][matrix]") {
  AuditCluster c;
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"-o", "json", "audit", "logging"});
    return pgdba(args, "", c.env());
  };
  const std::string before_statement = c.value("show log_statement");

  const auto dry = run({"--statements", "mod", "--connections", "on", "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK_THAT(dry.out, Catch::Contains("ALTER SYSTEM SET \\\"log_statement\\\" TO 'mod'"));
  CHECK(c.value("select count(*) from pg_file_settings where name = 'log_statement' and "
                "sourcefile like '%postgresql.auto.conf'") == "0");

  const std::string audit_log = it::temp_file("", ".jsonl");
  const auto r = run({"--statements", "ddl", "--connections", "on", "--min-duration", "250", "--audit-log", audit_log});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 4);
  const auto find = [&](const std::string& name) -> const nlohmann::json& {
    for (const auto& row : rows)
      if (row["setting"] == name) return row;
    FAIL("no row for " << name);
    return rows[0];
  };
  CHECK(find("log_statement")["before"] == before_statement);
  CHECK(find("log_statement")["after"] == "ddl");
  CHECK(find("log_connections")["after"] == "on");
  CHECK(find("log_disconnections")["before"] == "off");
  CHECK(find("log_disconnections")["after"] == "on");
  CHECK(find("log_min_duration_statement")["before"] == "-1");
  CHECK(find("log_min_duration_statement")["after"] == "250");
  // The server has it, for new sessions too, and the change is audited.
  CHECK(c.value("show log_statement") == "ddl");
  CHECK(c.value("show log_min_duration_statement") == "250ms");
  CHECK_THAT(read_text(audit_log), Catch::Contains("log_statement"));
  // The audit report agrees.
  auto findings = c.report();
  CHECK(!has_id(findings, "PGDBA-SEC-055"));
  CHECK(!has_id(findings, "PGDBA-SEC-056"));
  CHECK(!has_id(findings, "PGDBA-SEC-057"));

  const auto off = run({"--statements", "none", "--connections", "off"});
  REQUIRE(off.code == 0);
  CHECK(c.value("show log_statement") == "none");
  findings = c.report();
  CHECK(has_id(findings, "PGDBA-SEC-055"));
  CHECK(has_id(findings, "PGDBA-SEC-057"));

  const auto table = pgdba({"audit", "logging", "--min-duration", "-1"}, "", c.env());
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("before") && Catch::Contains("after"));

  const auto nothing = run({});
  CHECK(nothing.code == 2);
  CHECK_THAT(nothing.err, Catch::Contains("nothing to change"));
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--statements", "some"},
                                              {"--connections", "maybe"},
                                              {"--min-duration", "5s"},
                                              {"--min-duration", "-2"}}) {
    const auto b = run(bad);
    INFO(bad[0] << " " << bad[1]);
    CHECK(b.code == 2);
  }
}

TEST_CASE("audit report: ssl off is found and goes once the server has a certificate and ssl on", "[audit]") {
  AuditCluster pc;
  REQUIRE(has_id(pc.report(), "PGDBA-SEC-016"));
  const std::string dir = pc.data_dir();
  // A self-signed certificate, owned by the server's OS user (root runs it as postgres).
  const auto made = it::shell("cd " + dir + " && openssl req -new -x509 -days 2 -nodes -subj /CN=pgdba-test " +
                              "-keyout server.key -out server.crt 2>&1 && chmod 600 server.key && " +
                              "{ [ \"$(id -u)\" != 0 ] || chown postgres server.key server.crt; }");
  INFO(made.out << made.err);
  REQUIRE(made.code == 0);
  pc.set({{"ssl", "on"}});  // reloadable since PostgreSQL 10
  CHECK(!has_id(pc.report(), "PGDBA-SEC-016"));
}

TEST_CASE("audit report: pgaudit loaded without pgaudit.log is found, and audit logging sets it", "[audit]") {
  if (it::shell("test -f /usr/lib/postgresql/15/lib/pgaudit.so").code != 0) {
    WARN("pgaudit is not installed (apt-get install postgresql-15-pgaudit): not exercised");
    return;
  }
  AuditCluster bare;
  CHECK(has_id(bare.report(), "PGDBA-SEC-068"));  // not loaded
  AuditCluster pc("shared_preload_libraries = 'pgaudit'\n");
  auto rows = pc.report();
  CHECK(!has_id(rows, "PGDBA-SEC-068"));
  CHECK(has_id(rows, "PGDBA-SEC-069"));  // loaded, logs nothing
  const auto r = it::pgdba({"audit", "logging", "--statements", "ddl", "-o", "json"}, "", pc.env());
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  bool pgaudit_row = false;
  for (const auto& row : it::parse_json(r.out))
    if (row["setting"] == "pgaudit.log") pgaudit_row = row["after"] != row["before"];
  CHECK(pgaudit_row);
  CHECK(pc.value("show pgaudit.log") != "none");
  CHECK(!has_id(pc.report(), "PGDBA-SEC-069"));
}

TEST_CASE("audit report: a cluster without data checksums is found, one initialised with them is not", "[audit]") {
  AuditCluster without;  // initdb's default on 15: no checksums
  REQUIRE(without.value("show data_checksums") == "off");
  CHECK(has_id(without.report(), "PGDBA-SEC-044"));
  AuditCluster with("", "--data-checksums");
  REQUIRE(with.value("show data_checksums") == "on");
  CHECK(!has_id(with.report(), "PGDBA-SEC-044"));
}

TEST_CASE("audit report: db_user_namespace on is found (a global user then logs in as name@)", "[audit]") {
  AuditCluster off;
  CHECK(!has_id(off.report(), "PGDBA-SEC-022"));
  AuditCluster on("db_user_namespace = on\n");
  // With db_user_namespace a user name without @ is per-database: the
  // superuser postgres is "postgres@".
  it::Env env = on.env();
  env["PGUSER"] = "postgres@";
  CHECK(has_id(report({}, env), "PGDBA-SEC-022"));
}

TEST_CASE("audit report --all-databases: a database dropped WITH (FORCE) while it is audited is skipped", "[audit]") {
  // As in the fan-out test of test_core: the database may be read whole
  // before the drop ends pgdba's session (right too); rounds until the drop
  // lands while the audit is inside.
  bool skipped = false;
  for (int round = 0; round < 5 && !skipped; ++round) {
    it::ScratchDb doomed("audit_doomed");
    doomed.exec("GRANT CREATE ON SCHEMA public TO PUBLIC");  // a finding there when it is read
    // The privilege controls read default privileges, which wait for this
    // lock: pgdba is inside the database when the drop ends its session.
    auto c = it::connect(doomed.name());
    pqxx::work tx(c);
    tx.exec("lock table pg_catalog.pg_default_acl in access exclusive mode");
    const auto bg = it::start_pgdba({"-o", "json", "audit", "report", "--all-databases"});
    REQUIRE(it::wait_for([&] {
      return it::query_value("select count(*) from pg_stat_activity where datname = '" + doomed.name() +
                             "' and wait_event_type = 'Lock'") != "0";
    }));
    it::query_value("drop database " + doomed.name() + " with (force)");
    const auto r = it::wait_pgdba(bg);
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto rows = it::parse_json(r.out);
    bool saw_doomed = false;
    for (const auto& row : rows)
      saw_doomed = saw_doomed || row["database"] == doomed.name();
    // Other tests drop their databases too: this one is named.
    skipped = r.err.find("database \"" + doomed.name() + "\": skipped") != std::string::npos;
    if (skipped) {
      CHECK_FALSE(saw_doomed);
    } else {
      CHECK(saw_doomed);
    }
  }
  CHECK(skipped);
}
