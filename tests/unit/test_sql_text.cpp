#include <catch2/catch.hpp>

#include <map>
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

namespace {

const std::string* no_vars(const std::string&) {
  return nullptr;
}

}  // namespace

TEST_CASE("split_statements follows psql: BEGIN ATOMIC with CASE, rule actions in parentheses", "[sql_text][psql]") {
  const auto v = split_statements(
      "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC\n"
      "  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n"
      "  SELECT 2;\n"
      "END;\n"
      "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n"
      "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2));\n"
      "BEGIN;\n"
      "SELECT CASE WHEN true THEN 1 END;\n"
      "END;\n");
  REQUIRE(v.size() == 6);
  CHECK(v[0].text ==
        "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 "
        "END;\n  SELECT 2;\nEND");
  CHECK(v[1].keyword == "CREATE");
  CHECK(v[2].text.find("INSERT INTO u VALUES (2))") != std::string::npos);
  CHECK(v[3].text == "BEGIN");
  CHECK(v[5].text == "END");
  CHECK(lines(v) == std::vector<int>{1, 6, 7, 8, 9, 10});
}

TEST_CASE("split_statements keeps the closing semicolon in what is sent, and the text intact", "[sql_text][psql]") {
  // psql: the open parenthesis swallows every ';' after it
  CHECK(split_statements("select (1;\nselect 2 -- c;\n;\n  select 3").size() == 1);
  const auto w = split_statements("select 1 ;\nselect 2 -- c\n;\nselect 3");
  REQUIRE(w.size() == 3);
  CHECK(w[0].sql == "select 1 ;");
  CHECK(w[0].text == "select 1");
  CHECK(w[1].sql == "select 2 -- c\n;");
  CHECK(w[2].sql == "select 3");
}

TEST_CASE("split_statements: E'', U&'', nested comments, backslash-semicolon and standard_conforming_strings",
          "[sql_text][psql]") {
  const auto v = split_statements(
      "select E'a\\';b', U&'d\\0061t;a', /* x /* y; */ z; */ 1;\n"
      "select 1 \\; select 2;\n"
      "set standard_conforming_strings = off;\n"
      "select 'a\\';' as x;\n"
      "set standard_conforming_strings to 'on';\n"
      "select 'a\\'; select 3;\n");
  REQUIRE(v.size() == 7);
  CHECK(v[0].text == "select E'a\\';b', U&'d\\0061t;a', /* x /* y; */ z; */ 1");
  CHECK(v[1].combined);
  CHECK(v[1].text == "select 1 \\; select 2");
  CHECK(v[3].text == "select 'a\\';' as x");
  CHECK_FALSE(v[3].standard_strings);
  CHECK(v[5].text == "select 'a\\'");
  CHECK(v[6].text == "select 3");
  CHECK(prepare_sql(v[1].sql, true, no_vars) == "select 1 ; select 2;");
}

TEST_CASE("lex_script: meta-commands anywhere, g and gset send the statement", "[sql_text][psql]") {
  const auto items = lex_script(
      "select 1 as x \\gset p_\n"
      "BEGIN;\n"
      "select 2;\n"
      "\\g\n"
      "select 3\n"
      "\\echo mid\n"
      "+ 1 \\g\n"
      "\\set a 'b c' \\\\ \\unset a\n");
  REQUIRE(items.size() == 8);
  CHECK(items[0].statement.text == "select 1 as x");
  CHECK(items[0].statement.sent_by.name == "gset");
  CHECK(items[0].statement.sent_by.args == "p_");
  CHECK(items[1].statement.text == "BEGIN");
  CHECK(items[2].statement.text == "select 2");
  CHECK(items[3].statement.text == "select 2");  // \g on an empty buffer sends the last one again
  CHECK(items[3].statement.sent_by.line == 4);
  CHECK(items[4].is_meta);
  CHECK(items[4].meta.name == "echo");
  CHECK(items[5].statement.text == "select 3\n\n+ 1");
  CHECK(items[5].statement.line == 5);
  CHECK(items[6].meta.name == "set");
  CHECK(items[6].meta.args == "a 'b c'");
  CHECK(items[7].meta.name == "unset");
}

TEST_CASE("lex_script: COPY FROM STDIN takes the data up to the backslash-dot line", "[sql_text][psql]") {
  const std::string script =
      "COPY t (a, b) FROM stdin;\n"
      "1\tit's; \\N\n"
      "2\t\\\\x\n"
      "\\.\n"
      "select 1;\n"
      "copy t from stdin with (format csv);\n"
      "3,\"a;\n"
      "b\"\n";
  const auto items = lex_script(script);
  REQUIRE(items.size() == 3);
  const Statement& c = items[0].statement;
  CHECK(c.copy_in);
  CHECK(script.substr(c.data_begin, c.data_end - c.data_begin) == "1\tit's; \\N\n2\t\\\\x\n");
  CHECK(items[1].statement.text == "select 1");
  CHECK(items[1].statement.line == 5);
  CHECK(items[2].statement.copy_in);
  CHECK(script.substr(items[2].statement.data_begin) == "3,\"a;\nb\"\n");
}

TEST_CASE("prepare_sql interpolates variables in code only", "[sql_text][psql]") {
  const std::map<std::string, std::string> vars = {{"v", "42"}, {"t", "it's"}, {"id", "a\"b"}};
  const auto lookup = [&](const std::string& n) -> const std::string* {
    const auto it = vars.find(n);
    return it == vars.end() ? nullptr : &it->second;
  };
  CHECK(prepare_sql("select :v, :'t', :\"id\", x::int, ':v', :nope, \\:v, :{?v}, :{?nope} -- :v", true, lookup) ==
        "select 42, 'it''s', \"a\"\"b\", x::int, ':v', :nope, :v, TRUE, FALSE -- :v");
  CHECK(prepare_sql("select $$ :v $$, \":v\" /* :v */", true, lookup) == "select $$ :v $$, \":v\" /* :v */");
}

TEST_CASE("meta_args and parse_psql_bool read as psql does", "[sql_text][psql]") {
  const std::map<std::string, std::string> vars = {{"v", "42"}};
  const auto lookup = [&](const std::string& n) -> const std::string* {
    const auto it = vars.find(n);
    return it == vars.end() ? nullptr : &it->second;
  };
  CHECK(meta_args("a 'b c' 'it''s\\n' :v :'v' \"q r\"", lookup) ==
        std::vector<std::string>{"a", "b c", "it's\n", "42", "'42'", "\"q r\""});
  CHECK_THROWS_AS(meta_args("`date`", lookup), Error);
  CHECK(parse_psql_bool("on") == true);
  CHECK(parse_psql_bool("OFF") == false);
  CHECK(parse_psql_bool("t") == true);
  CHECK(parse_psql_bool("n") == false);
  CHECK(parse_psql_bool("1") == true);
  CHECK_FALSE(parse_psql_bool("o").has_value());
  CHECK_FALSE(parse_psql_bool("7").has_value());
}

TEST_CASE("slash_copy_statement: psql's copy as the COPY it stands for", "[sql_text][psql]") {
  const auto st = [](const std::string& args) {
    MetaCommand m;
    m.name = "copy";
    m.args = args;
    m.line = 7;
    return slash_copy_statement(m);
  };
  auto s = st("my.t (a, b) from 'in ''x''.csv' with (format csv)");
  CHECK(s.sql == "COPY my.t (a, b) FROM STDIN with (format csv)");
  CHECK(s.copy_in);
  CHECK(s.client_file == "in 'x'.csv");
  CHECK(s.keyword == "COPY");
  CHECK(s.line == 7);
  s = st("(select 'from' as \"to\" from t) TO out.csv csv header");
  CHECK(s.sql == "COPY (select 'from' as \"to\" from t) TO STDOUT csv header");
  CHECK_FALSE(s.copy_in);
  CHECK(s.client_file == "out.csv");
  s = st("t to pstdout");
  CHECK(s.sql == "COPY t TO STDOUT");
  CHECK(s.client_file.empty());
  CHECK_THROWS_WITH(st("t from stdin"), Catch::Contains("line 7") && Catch::Contains("from stdin"));
  CHECK_THROWS_WITH(st("t to program 'gzip > x'"), Catch::Contains("program"));
  CHECK_THROWS_WITH(st("t somewhere"), Catch::Contains("FROM or TO"));
  CHECK_THROWS_WITH(st("t from"), Catch::Contains("needs a file"));
}
