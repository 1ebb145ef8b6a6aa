// db list/create/drop/rename/size against the test cluster.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

// Drops a database whatever the test did, so a failed test leaves nothing.
struct DropAfter {
  std::string name;
  ~DropAfter() {
    try {
      auto c = it::connect();
      pqxx::nontransaction tx(c);
      tx.exec("drop database if exists " + c.quote_name(name) + " with (force)");
    } catch (...) {
    }
  }
};

}  // namespace

TEST_CASE("db list shows every database in table and json form", "[db][matrix]") {
  const auto table = pgdba({"db", "list"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find("template1") != std::string::npos);
  CHECK(table.out.find("encoding") != std::string::npos);

  const auto json = pgdba({"db", "list", "-o", "json"});
  REQUIRE(json.code == 0);
  const auto rows = it::parse_json(json.out);
  REQUIRE(rows.is_array());
  // Other tests create databases meanwhile, so check membership, not counts.
  int templates = 0;
  bool saw_postgres = false;
  for (const auto& r : rows) {
    CHECK(r["name"].is_string());
    CHECK(r["is_template"].is_boolean());
    if (r["name"] == "template0" || r["name"] == "template1") ++templates;
    CHECK(r["connections"].is_number_integer());
    if (r["name"] == "postgres") {
      saw_postgres = true;
      CHECK(r["size"].is_number_integer());
      CHECK(r["size"].get<long long>() == std::stoll(it::query_value("select pg_database_size('postgres')")));
      CHECK(r["encoding"] == "UTF8");
    }
  }
  CHECK(saw_postgres);
  CHECK(templates == 2);
}

TEST_CASE("db create, size, rename and drop round-trip hostile names exactly", "[db]") {
  static const std::string suffix = it::unique("");  // sections re-enter the test
  const std::vector<std::string> names = {
      "a\"b" + suffix,
      "x; drop table y" + suffix,
      "données_日本" + suffix,
      "it's--/*" + suffix,
  };
  for (const auto& name : names) {
    DYNAMIC_SECTION(name) {
      DropAfter guard{name};
      const auto created = pgdba({"db", "create", name, "-o", "json"});
      REQUIRE(created.code == 0);
      CHECK(it::database_exists(name));
      CHECK(it::parse_json(created.out)[0]["status"] == "created");

      const auto size = pgdba({"db", "size", name, "-o", "json"});
      REQUIRE(size.code == 0);
      const auto rows = it::parse_json(size.out);
      REQUIRE(rows.size() == 1);
      CHECK(rows[0]["name"] == name);
      CHECK(rows[0]["size"].get<long long>() > 0);

      const std::string renamed = name + "_r";
      DropAfter guard2{renamed};
      REQUIRE(pgdba({"db", "rename", name, renamed}).code == 0);
      CHECK_FALSE(it::database_exists(name));
      CHECK(it::database_exists(renamed));

      REQUIRE(pgdba({"db", "drop", renamed, "--yes"}).code == 0);
      CHECK_FALSE(it::database_exists(renamed));
    }
  }
}

TEST_CASE("a 63-byte name works and a 64-byte name is refused before anything runs", "[db]") {
  std::string base = it::unique("n");
  std::string name63 = base + std::string(63 - base.size(), 'x');
  REQUIRE(name63.size() == 63);
  DropAfter guard{name63};
  REQUIRE(pgdba({"db", "create", name63}).code == 0);
  CHECK(it::database_exists(name63));
  REQUIRE(pgdba({"db", "drop", name63, "--yes"}).code == 0);

  const std::string name64 = name63 + "y";
  const auto r = pgdba({"db", "create", name64});
  CHECK(r.code == 2);
  CHECK(r.err.find("64 bytes") != std::string::npos);
  CHECK(it::count_lines(r.err) == 1);
  CHECK_FALSE(it::database_exists(name63));  // the truncated name was not created

  // A 64-byte name whose first 63 bytes name an existing database must not drop it.
  REQUIRE(pgdba({"db", "create", name63}).code == 0);
  CHECK(pgdba({"db", "drop", name64, "--yes"}).code == 2);
  CHECK(it::database_exists(name63));
}

TEST_CASE("db drop refuses without --yes when stdin is not a terminal", "[db][safety]") {
  const std::string name = it::unique("keepme");
  DropAfter guard{name};
  REQUIRE(pgdba({"db", "create", name}).code == 0);
  const auto r = pgdba({"db", "drop", name}, "y\n");
  CHECK(r.code == 2);
  CHECK(r.err.find("--yes") != std::string::npos);
  CHECK(it::database_exists(name));
}

TEST_CASE("dry run prints the SQL and changes nothing", "[db][safety]") {
  const std::string name = it::unique("dry \"run\"");
  DropAfter guard{name};
  const auto create = pgdba({"db", "create", name, "--dry-run", "-o", "json"});
  REQUIRE(create.code == 0);
  const auto rows = it::parse_json(create.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["sql"].get<std::string>().find("CREATE DATABASE \"dry \"\"run\"\"") == 0);
  CHECK_FALSE(it::database_exists(name));

  REQUIRE(pgdba({"db", "create", name}).code == 0);
  const auto drop = pgdba({"db", "drop", name, "--dry-run"});
  REQUIRE(drop.code == 0);
  CHECK(drop.out.find("DROP DATABASE") != std::string::npos);
  CHECK(it::database_exists(name));
}

TEST_CASE("missing databases give a clear error and exit 1", "[db][matrix]") {
  const std::string name = it::unique("missing");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"db", "drop", name, "--yes"}, {"db", "size", name}, {"db", "rename", name, name + "x"}}) {
    const auto r = pgdba(args);
    CHECK(r.code == 1);
    CHECK(r.err == "pgdba: error: database \"" + name + "\" does not exist\n");
  }
  CHECK(pgdba({"db", "drop", name, "--if-exists", "--yes"}).code == 0);
}

TEST_CASE("db create --if-not-exists leaves an existing database alone", "[db]") {
  const std::string name = it::unique("twice");
  DropAfter guard{name};
  REQUIRE(pgdba({"db", "create", name}).code == 0);
  const auto again = pgdba({"db", "create", name});
  CHECK(again.code == 1);
  CHECK(again.err.find("already exists") != std::string::npos);
  CHECK(again.err.find("42P04") == std::string::npos);
  const auto skip = pgdba({"db", "create", name, "--if-not-exists", "-o", "json"});
  CHECK(skip.code == 0);
  CHECK(it::parse_json(skip.out)[0]["status"] == "exists");
}

TEST_CASE("db rename names the sessions in the way, or terminates them when asked", "[db]") {
  const std::string name = it::unique("busy");
  DropAfter guard{name};
  DropAfter guard2{name + "_new"};
  REQUIRE(pgdba({"db", "create", name}).code == 0);
  auto holder = it::connect(name);
  const int pid = holder.backendpid();

  const auto blocked = pgdba({"db", "rename", name, name + "_new"});
  CHECK(blocked.code == 1);
  CHECK(blocked.err.find("pid " + std::to_string(pid)) != std::string::npos);
  CHECK(blocked.err.find("pgdba_tests") != std::string::npos);
  CHECK(blocked.err.find("--terminate-connections") != std::string::npos);
  CHECK(it::database_exists(name));

  const auto refused = pgdba({"db", "rename", name, name + "_new", "--terminate-connections"});
  CHECK(refused.code == 2);  // terminating sessions asks first
  CHECK(it::database_exists(name));

  const auto done = pgdba({"db", "rename", name, name + "_new", "--terminate-connections", "--yes"});
  CHECK(done.code == 0);
  CHECK(it::database_exists(name + "_new"));
  CHECK_FALSE(it::database_exists(name));
}

TEST_CASE("db drop --force terminates sessions on the database", "[db]") {
  const std::string name = it::unique("forced");
  DropAfter guard{name};
  REQUIRE(pgdba({"db", "create", name}).code == 0);
  auto holder = it::connect(name);
  const auto plain = pgdba({"db", "drop", name, "--yes"});
  CHECK(plain.code == 1);
  CHECK(plain.err.find("being accessed by other users") != std::string::npos);
  CHECK(pgdba({"db", "drop", name, "--yes", "--force"}).code == 0);
  CHECK_FALSE(it::database_exists(name));
}

TEST_CASE("a non-superuser gets a permission error, exit 1, one line", "[db][permissions]") {
  const std::string role = it::unique("weak");
  {
    auto c = it::connect();
    pqxx::nontransaction tx(c);
    tx.exec("create role " + c.quote_name(role) + " login");
  }
  const std::string name = it::unique("notallowed");
  DropAfter guard{name};
  const auto r = pgdba({"-U", role, "db", "create", name});
  CHECK(r.code == 1);
  CHECK(r.err.find("permission denied to create database") != std::string::npos);
  CHECK(it::count_lines(r.err) == 1);
  CHECK_FALSE(it::database_exists(name));

  const auto json = pgdba({"-U", role, "db", "drop", "postgres", "--yes", "-o", "json"});
  CHECK(json.code == 1);
  const auto err = it::parse_json(json.err)["error"];
  CHECK(err["sqlstate"] == "42501");
  CHECK(err["severity"] == "ERROR");
  CHECK(err["message"].get<std::string>().find("must be owner") != std::string::npos);
  CHECK(it::database_exists("postgres"));
  auto c = it::connect();
  pqxx::nontransaction tx(c);
  tx.exec("drop role " + c.quote_name(role));
}

TEST_CASE("mutations are written to the audit log as JSON lines", "[db][safety]") {
  const std::string name = it::unique("audited");
  DropAfter guard{name};
  const std::string log = it::temp_file("", ".jsonl");
  REQUIRE(pgdba({"db", "create", name, "--audit-log", log}).code == 0);
  REQUIRE(pgdba({"db", "drop", name, "--yes", "--audit-log", log}).code == 0);
  std::ifstream in(log);
  std::vector<nlohmann::json> recs;
  std::string line;
  while (std::getline(in, line))
    recs.push_back(it::parse_json(line));
  REQUIRE(recs.size() == 2);
  const auto unwritable = pgdba({"db", "create", name, "--audit-log", "/nonexistent/dir/audit.jsonl"});
  CHECK(unwritable.code == 2);
  CHECK_FALSE(it::database_exists(name));
  CHECK(recs[0]["sql"].get<std::string>().find("CREATE DATABASE") == 0);
  CHECK(recs[1]["sql"].get<std::string>().find("DROP DATABASE") == 0);
  for (const auto& r : recs) {
    CHECK(r["result"] == "ok");
    CHECK(r["db_user"] == "postgres");
    CHECK(r["os_user"].is_string());
    CHECK(r["time"].is_string());
    CHECK(r["command"].get<std::string>().find("pgdba db ") == 0);
  }
}

TEST_CASE("db commands fall back to template1 when there is no postgres database", "[db]") {
  // A cluster of its own: the shared one keeps its postgres database.
  it::PrivateCluster own;
  const auto& env = own.env();
  const it::Env target{{"PGHOST", env.at("PGHOST")}, {"PGPORT", env.at("PGPORT")}, {"PGDATABASE", ""}};
  CHECK(pgdba({"-d", "template1", "sql", "-c", "drop database postgres"}, "", target).code == 0);
  const auto created = pgdba({"db", "create", "made_without_postgres"}, "", target);
  CHECK(created.code == 0);
  const auto listed = pgdba({"-d", "template1", "db", "list", "-o", "json"}, "", target);
  CHECK(listed.out.find("made_without_postgres") != std::string::npos);
  CHECK(pgdba({"db", "drop", "made_without_postgres", "--yes"}, "", target).code == 0);
}
