#include <libpq-fe.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>

#include "src/conninfo.hpp"
#include "src/errors.hpp"

using namespace pgdba;

namespace {

// Reads a conninfo string back the way libpq will.
std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  INFO(conninfo);
  REQUIRE(opts != nullptr);
  std::map<std::string, std::string> out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') out[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

std::map<std::string, std::string> build(const ConnOptions& o, const std::string& password = "",
                                         const std::string& dbname_override = "", SessionSettings s = {}) {
  unsetenv("PGOPTIONS");
  return parse_conninfo(build_conninfo(o, s, password, dbname_override));
}

// The usage error message build_conninfo throws, or "" if it did not throw.
std::string build_error(const ConnOptions& o, SessionSettings s = {}) {
  unsetenv("PGOPTIONS");
  try {
    build_conninfo(o, s, "");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("build_conninfo: key=value DSN, flags override it", "[conninfo]") {
  ConnOptions o;
  o.dsn = "host=dbhost port=5433 user=alice dbname=app password=secret sslmode=require application_name=mine";
  auto v = build(o);
  CHECK(v["host"] == "dbhost");
  CHECK(v["port"] == "5433");
  CHECK(v["user"] == "alice");
  CHECK(v["dbname"] == "app");
  CHECK(v["password"] == "secret");
  CHECK(v["sslmode"] == "require");
  CHECK(v["application_name"] == "pgdba");
  CHECK(v["connect_timeout"] == "10");

  o.host = "other";
  o.port = "6000";
  o.dbname = "flagdb";
  v = build(o);
  CHECK(v["host"] == "other");
  CHECK(v["port"] == "6000");
  CHECK(v["user"] == "alice");
  CHECK(v["dbname"] == "flagdb");
  CHECK(build(o, "", "postgres")["dbname"] == "postgres");
}

TEST_CASE("build_conninfo: postgresql:// URI DSN", "[conninfo]") {
  ConnOptions o;
  o.dsn = "postgresql://alice:s3cret@dbhost:5433/app?sslmode=require&application_name=mine";
  auto v = build(o);
  CHECK(v["host"] == "dbhost");
  CHECK(v["port"] == "5433");
  CHECK(v["user"] == "alice");
  CHECK(v["password"] == "s3cret");
  CHECK(v["dbname"] == "app");
  CHECK(v["sslmode"] == "require");
  CHECK(v["application_name"] == "pgdba");

  o.user = "bob";
  v = build(o, "pw");
  CHECK(v["user"] == "bob");
  CHECK(v["password"] == "pw");
}

TEST_CASE("build_conninfo: values with spaces, quotes and backslashes survive", "[conninfo]") {
  ConnOptions o;
  o.host = "/tmp/my sockets";
  o.user = "o'brien";
  o.dbname = "a\\b c";
  auto v = build(o, "p'a\\ss w=rd");
  CHECK(v["host"] == "/tmp/my sockets");
  CHECK(v["user"] == "o'brien");
  CHECK(v["dbname"] == "a\\b c");
  CHECK(v["password"] == "p'a\\ss w=rd");
}

TEST_CASE("build_conninfo: start-up options carry the output settings and timeouts", "[conninfo]") {
  ConnOptions o;
  SessionSettings s;
  s.statement_timeout = "5s";
  s.lock_timeout = "500ms";
  auto v = build(o, "", "", s);
  const std::string opts = v["options"];
  CHECK_THAT(opts, Catch::Contains("-c DateStyle=ISO") && Catch::Contains("-c IntervalStyle=postgres") &&
                       Catch::Contains("-c bytea_output=hex") && Catch::Contains("-c search_path=pg_catalog,pg_temp") &&
                       Catch::Contains("-c statement_timeout=5s") && Catch::Contains("-c lock_timeout=500ms"));

  o.dsn = "options='-c work_mem=64MB'";
  s = {};
  s.fixed_search_path = false;
  v = build(o, "", "", s);
  CHECK_THAT(v["options"], Catch::StartsWith("-c work_mem=64MB") && !Catch::Contains("search_path"));

  SessionSettings bad;
  bad.statement_timeout = "5 s";
  CHECK_THAT(build_error(ConnOptions{}, bad), Catch::Contains("--statement-timeout"));
  bad = {};
  bad.lock_timeout = "1;drop";
  CHECK_THAT(build_error(ConnOptions{}, bad), Catch::Contains("--lock-timeout"));

  ConnOptions negative;
  negative.connect_timeout = -1;
  CHECK_THAT(build_error(negative), Catch::Contains("connect-timeout"));
}

TEST_CASE("build_conninfo: a malformed DSN is a usage error that hides the password", "[conninfo]") {
  ConnOptions o;
  o.dsn = "host='unterminated";
  CHECK_THAT(build_error(o), Catch::Contains("--dsn"));
  o.dsn = "host=h password='s3cret";
  CHECK_THAT(build_error(o), !Catch::Contains("s3cret"));
  // libpq quotes the bad token, here the password itself
  o.dsn = "postgresql://alice:s3%zzcret@dbhost/app";
  const std::string msg = build_error(o);
  CHECK_THAT(msg, Catch::Contains("--dsn"));
  CHECK_THAT(msg, !Catch::Contains("s3"));
}

TEST_CASE("redact_conninfo never shows the password", "[conninfo]") {
  ConnOptions o;
  o.dsn = "postgresql://alice:s3cret@dbhost:5433/app?sslmode=require";
  unsetenv("PGOPTIONS");
  const std::string full = build_conninfo(o, {}, "typed-pw");
  const std::string shown = redact_conninfo(full);
  CHECK(shown == "host=dbhost port=5433 user=alice dbname=app");
  CHECK_THAT(shown, !Catch::Contains("s3cret") && !Catch::Contains("typed-pw") && !Catch::Contains("password"));

  // Keywords the string leaves out are filled from libpq's defaults (PG*
  // variables, compiled-in port), so the message names the real target.
  for (const char* v : {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE"})
    unsetenv(v);
  setenv("PGPORT", "6543", 1);
  setenv("PGUSER", "envuser", 1);
  CHECK(redact_conninfo("postgresql://alice:s3cret@dbhost/app") == "host=dbhost port=6543 user=alice dbname=app");
  CHECK(redact_conninfo("host=h password=s3cret") == "host=h port=6543 user=envuser");
  CHECK(redact_conninfo("password=s3cret") == "port=6543 user=envuser");
  unsetenv("PGPORT");
  unsetenv("PGUSER");
  CHECK(redact_conninfo("host='h password=s3cret") == "(unparsable connection string)");
  CHECK(redact_conninfo("postgresql://alice:s3%zzcret@dbhost/app") == "(unparsable connection string)");
}

TEST_CASE("check_timeout_value accepts PostgreSQL units only", "[conninfo]") {
  for (const char* ok : {"5s", "500ms", "0", "2min", "1h", "1d", "2500us", "100"}) {
    INFO(ok);
    CHECK_NOTHROW(check_timeout_value("--statement-timeout", ok));
  }
  for (const char* bad : {"5 s", "1;drop", "", "-1", "5sec", "s", "5s ", " 5s", "5S"}) {
    INFO(bad);
    try {
      check_timeout_value("--lock-timeout", bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind == ErrorKind::Usage);
      CHECK_THAT(e.what(), Catch::Contains("--lock-timeout"));
    }
  }
}

TEST_CASE("conninfo: -d holding a conninfo or URI is expanded like psql's", "[conninfo]") {
  ConnOptions o;
  o.dbname = "postgresql://alice:pw@db.example/app?sslmode=require";
  auto v = build(o);
  CHECK(v["dbname"] == "app");
  CHECK(v["user"] == "alice");
  CHECK(v["password"] == "pw");
  CHECK(v["host"] == "db.example");
  CHECK(v["sslmode"] == "require");
  CHECK(chosen_dbname(o) == "app");

  o.dbname = "host=/tmp dbname=other password=x";
  v = build(o);
  CHECK(v["dbname"] == "other");
  CHECK(chosen_dbname(o) == "other");

  o.dbname = "plain";
  CHECK(build(o)["dbname"] == "plain");
  CHECK(chosen_dbname(o) == "plain");
  CHECK_FALSE(is_connection_string("a-b_c"));
  CHECK(is_connection_string("postgres://h/d"));
}

TEST_CASE("conninfo: ports and timeouts are checked before connecting", "[conninfo]") {
  CHECK_NOTHROW(check_port_value(""));
  CHECK_NOTHROW(check_port_value("5433"));
  CHECK_NOTHROW(check_port_value("5433,5434"));
  CHECK_THROWS_AS(check_port_value("abc"), Error);
  CHECK_THROWS_AS(check_port_value("0"), Error);
  CHECK_THROWS_AS(check_port_value("65536"), Error);
  CHECK_THROWS_AS(check_port_value("54 32"), Error);
  for (const char* ok : {"0", "1", "1ms", "1.5s", "5s", "2min", "1h", "1d", "2147483647ms", "1000us"}) {
    INFO(ok);
    CHECK_NOTHROW(check_timeout_value("--lock-timeout", ok));
  }
  for (const char* bad : {"", "400us", "0.5ms", "3000000s", "25d", "5 parsecs", "-1s", "1e3"}) {
    INFO(bad);
    CHECK_THROWS_AS(check_timeout_value("--lock-timeout", bad), Error);
  }
  ConnOptions o;
  o.port = "abc";
  CHECK_THROWS_AS(validate_conn_options(o), Error);
  o.port = "";
  o.dbname = "host='unterminated";
  CHECK_THROWS_AS(validate_conn_options(o), Error);
}

TEST_CASE("conninfo: passwords are redacted from text", "[conninfo]") {
  CHECK(redact_password_text("host=h password=secret user=u") == "host=h password=*** user=u");
  CHECK(redact_password_text("password = 'se cret' x=1") == "password = *** x=1");
  CHECK(redact_password_text("postgresql://alice:secret@host/db") == "postgresql://alice:***@host/db");
  CHECK(redact_password_text("postgres://h/db?password=secret&sslmode=require") ==
        "postgres://h/db?password=***&sslmode=require");
  CHECK(redact_password_text("select 1") == "select 1");
}

TEST_CASE("redact_conninfo names a service without libpq's defaults, which the service overrides", "[conninfo]") {
  setenv("PGPORT", "6543", 1);
  CHECK(redact_conninfo("service='pg-prod-1' dbname=app password=x") == "service=pg-prod-1 dbname=app");
  unsetenv("PGPORT");
}
