#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "src/errors.hpp"
#include "src/sql_text.hpp"

using namespace pgdba;

namespace {

std::vector<std::string> texts(const std::vector<Statement>& v) {
  std::vector<std::string> out;
  for (const auto& s : v)
    out.push_back(s.text);
  return out;
}

std::vector<int> lines(const std::vector<Statement>& v) {
  std::vector<int> out;
  for (const auto& s : v)
    out.push_back(s.line);
  return out;
}

bool plain(const std::string& sql) {
  const auto v = split_statements(sql);
  REQUIRE(v.size() == 1);
  return is_plain_query(v[0]);
}

}  // namespace

TEST_CASE("code_mask blanks strings, identifiers, dollar bodies and comments", "[sql_text]") {
  CHECK(code_mask("SELECT 'a;b', x") == "SELECT '   ', x");
  CHECK(code_mask("SELECT 'it''s;'") == "SELECT '      '");
  CHECK(code_mask("SELECT E'it\\'s;' ;") == "SELECT E'      ' ;");
  CHECK(code_mask("SELECT 'a\\'; x") == "SELECT '  '; x");  // standard string: the backslash is plain
  CHECK(code_mask("SELECT \"a;\"\"b\" ;") == "SELECT \"     \" ;");
  CHECK(code_mask("SELECT $$a;b$$;") == "SELECT $$   $$;");
  CHECK(code_mask("DO $fn$ x; $$ y; $fn$;") == "DO $fn$" + std::string(10, ' ') + "$fn$;");
  CHECK(code_mask("SELECT 1 -- c;\n;") == "SELECT 1 " + std::string(5, ' ') + "\n;");
  CHECK(code_mask("/* a /* b; */ c; */;") == std::string(19, ' ') + ";");
  CHECK(code_mask("SELECT /* x\n; */ 1") == "SELECT " + std::string(4, ' ') + "\n" + std::string(4, ' ') + " 1");
  CHECK(code_mask("SELECT $1, a$b") == "SELECT $1, a$b");
  const std::string tricky = "SELECT E'\\\\', '--', \"/*\", $q$'$q$ /* */ -- '\n;";
  CHECK(code_mask(tricky).size() == tricky.size());
}

TEST_CASE("split_statements splits at top-level semicolons only", "[sql_text]") {
  const auto v = split_statements(
      "SELECT 'a;b';\n"
      "SELECT E'it\\'s;';\n"
      "DO $$ BEGIN PERFORM 1; END $$;\n"
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
      "SELECT 1 /* a /* nested; */ still; */ + 1;\n"
      "SELECT 2 -- trailing; comment\n"
      ";\n"
      "SELECT \"we;ird\" FROM t");
  CHECK(texts(v) == std::vector<std::string>{
                        "SELECT 'a;b'",
                        "SELECT E'it\\'s;'",
                        "DO $$ BEGIN PERFORM 1; END $$",
                        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                        "SELECT 1 /* a /* nested; */ still; */ + 1",
                        "SELECT 2 -- trailing; comment",
                        "SELECT \"we;ird\" FROM t",
                    });
  CHECK(lines(v) == std::vector<int>{1, 2, 3, 4, 5, 6, 8});
  CHECK(v[0].keyword == "SELECT");
  CHECK(v[2].keyword == "DO");
  CHECK(v[3].keyword == "CREATE");
}

TEST_CASE("split_statements: line numbers, empty and comment-only pieces", "[sql_text]") {
  const auto v = split_statements(
      ";;\n"
      "  ;\n"
      "-- header comment\n"
      "/* block\n"
      "   comment */\n"
      "select 'multi\n"
      "line';   update t\n"
      "  set x = 1;\n"
      "\n"
      "-- only a comment;\n"
      "  with x as (select 1) select * from x;  (SELECT 2);\n"
      "-- done\n");
  CHECK(texts(v) == std::vector<std::string>{"select 'multi\nline'", "update t\n  set x = 1",
                                             "with x as (select 1) select * from x", "(SELECT 2)"});
  CHECK(lines(v) == std::vector<int>{6, 7, 11, 11});
  CHECK(v[0].keyword == "SELECT");
  CHECK(v[1].keyword == "UPDATE");
  CHECK(v[2].keyword == "WITH");
  CHECK(v[3].keyword == "SELECT");

  CHECK(split_statements("").empty());
  CHECK(split_statements(" ; ;\n-- nothing\n/* at all */").empty());
}

TEST_CASE("split_statements refuses psql meta-commands, naming the line", "[sql_text]") {
  const auto refusal = [](const std::string& script) -> std::string {
    try {
      split_statements(script);
    } catch (const Error& e) {
      CHECK(e.kind == ErrorKind::Usage);
      return e.what();
    }
    return "";
  };
  CHECK_THAT(refusal("SELECT 1;\n\\d pg_class\nSELECT 2;"), Catch::Contains("line 2") && Catch::Contains("\\d"));
  CHECK_THAT(refusal("\\timing on\nSELECT 1;"), Catch::Contains("line 1") && Catch::Contains("\\timing"));
  CHECK_THAT(refusal("SELECT 1;\n-- c\n\n  \\x\n"), Catch::Contains("line 4") && Catch::Contains("\\x"));
  // a backslash inside a string or comment is not a meta-command
  CHECK(refusal("SELECT '\\d';\n-- \\d\nSELECT E'\\\\';") == "");
}

TEST_CASE("max_parameter finds the highest $n in code only", "[sql_text]") {
  CHECK(max_parameter("SELECT 1") == 0);
  CHECK(max_parameter("SELECT $1") == 1);
  CHECK(max_parameter("SELECT $2, $1") == 2);
  CHECK(max_parameter("INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)") == 12);
  CHECK(max_parameter("SELECT $3 WHERE a = '$9' AND b = E'\\'$8' AND \"$7\" = $$ $6 $$ -- $5\n") == 3);
  CHECK(max_parameter("SELECT $1 /* $4 */, $tag$ $5 $tag$") == 1);
  CHECK(max_parameter("SELECT a$2 FROM t") == 0);  // $ inside an identifier
}

TEST_CASE("is_plain_query: read-only queries without INTO", "[sql_text]") {
  CHECK(plain("SELECT * FROM t"));
  CHECK(plain("select 'insert into x', \"update\" from t where note = 'delete'"));
  CHECK(plain("SELECT updated_at, insert_count FROM t"));
  CHECK(plain("VALUES (1), (2)"));
  CHECK(plain("TABLE t"));
  CHECK(plain("WITH x AS (SELECT 1) SELECT * FROM x"));
  CHECK(plain("(SELECT 1)"));
  CHECK(plain("/* lead */ SELECT 1"));
  CHECK(plain("SELECT $$ delete $$"));
  CHECK_FALSE(plain("SELECT * INTO new_t FROM t"));
  CHECK_FALSE(plain("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
  CHECK_FALSE(plain("WITH u AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM u"));
  CHECK_FALSE(plain("INSERT INTO t VALUES (1)"));
  CHECK_FALSE(plain("UPDATE t SET a = 1"));
  CHECK_FALSE(plain("EXPLAIN SELECT 1"));
  CHECK_FALSE(plain("SHOW work_mem"));
  CHECK_FALSE(plain("CREATE TABLE t AS SELECT 1"));
}

TEST_CASE("redact_secrets hides password literals and conninfo passwords", "[sql_text]") {
  CHECK(redact_secrets("ALTER ROLE x PASSWORD 'a''b;c'") == "ALTER ROLE x PASSWORD '***'");
  CHECK(redact_secrets("create role x with login encrypted password E'p\\'w' valid until 'infinity'") ==
        "create role x with login encrypted password '***' valid until 'infinity'");
  CHECK(redact_secrets("CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'bob', password 'hunter2')") ==
        "CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'bob', password '***')");
  CHECK(redact_secrets("alter role x password $pw$secret$pw$") == "alter role x password '***'");
  CHECK(redact_secrets("select dblink_connect('host=h password=secret dbname=d')") ==
        "select dblink_connect('host=h password=*** dbname=d')");
  CHECK(redact_secrets("-- password 'x' in a comment stays a comment\nselect 'password'") ==
        "-- password 'x' in a comment stays a comment\nselect 'password'");
  CHECK(redact_secrets("select 1") == "select 1");
}

TEST_CASE("is_read_only: only what provably changes nothing", "[sql_text]") {
  const auto ro = [](const std::string& sql) {
    const auto v = split_statements(sql);
    REQUIRE(v.size() == 1);
    return is_read_only(v[0]);
  };
  CHECK(ro("select 1 + 1"));
  CHECK(ro("select count(*), max(relpages) from pg_class where relname in ('a', 'b')"));
  CHECK(ro("with x as (select 1 as a) select coalesce(a, 0) from x"));
  CHECK(ro("show work_mem"));
  CHECK(ro("explain select 1"));
  CHECK(ro("select pg_catalog.pg_size_pretty(pg_database_size(current_database()))"));
  CHECK_FALSE(ro("select pg_terminate_backend(123)"));
  CHECK_FALSE(ro("select setval('s', 1)"));
  CHECK_FALSE(ro("select nextval('s')"));
  CHECK_FALSE(ro("select my_function()"));
  CHECK_FALSE(ro("select * from t for update"));
  CHECK_FALSE(ro("explain analyze delete from t"));
  CHECK_FALSE(ro("insert into t values (1)"));
  CHECK_FALSE(ro("with d as (delete from t returning *) select * from d"));
  CHECK_FALSE(ro("set work_mem = '1GB'"));
  CHECK(called_functions("select \"f\"(1), s.g(2), count(*) from x where a in (1)") ==
        std::vector<std::string>{"", "g", "count"});
}
