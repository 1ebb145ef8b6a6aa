// sql -f on psql scripts: each case of issue 7 run through psql -X -f and
// pgdba sql -f in two fresh databases, comparing what each did (errors,
// final catalog and data); a pg_dump plain file restored through sql -f.
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/harness.hpp"

namespace {

std::string bindir() {
  const auto& env = it::cluster();
  const auto b = env.find("PGDBA_PG_BINDIR");
  return b != env.end() ? b->second : "/usr/lib/postgresql/15/bin";
}

// Runs a shell command; its stdout, and stderr into `err`.
int shell(const std::string& cmd, std::string& out, std::string& err) {
  auto r = it::shell(cmd);
  out = std::move(r.out);
  err = std::move(r.err);
  return r.code;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// What a database holds: its objects and, per table, its rows.
std::string state(const it::ScratchDb& db) {
  return db.value(
      "select coalesce(string_agg(x, E'\\n' order by x), '') from ("
      " select format('%s %s.%s', c.relkind, n.nspname, c.relname) as x from pg_class c"
      "  join pg_namespace n on n.oid = c.relnamespace"
      "  where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%'"
      " union all select format('f %s(%s)', p.proname, pg_get_function_arguments(p.oid)) from pg_proc p"
      "  join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'"
      " union all select format('r %s', rulename) from pg_rules where schemaname = 'public'"
      " union all select format('t %s %s', c.oid::regclass,"
      "   (xpath('/row/c/text()', query_to_xml(format('select md5(coalesce(string_agg(t::text, ''|'' order by "
      "t::text), '''')) as c from %s t', c.oid::regclass), false, true, '')))[1]::text)"
      "  from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'"
      ") s");
}

struct Compared {
  int psql_errors = 0;
  int pgdba_code = -1;
  std::string pgdba_out, pgdba_err, psql_out, psql_err;
  std::string psql_state, pgdba_state;
};

// The script through psql -X -f and pgdba sql -f --on-error continue.
Compared compare(const std::string& script, const std::vector<std::string>& extra = {}) {
  const std::string file = it::temp_file(script, ".sql");
  it::ScratchDb a("psqlside");
  it::ScratchDb b("pgdbaside");
  Compared c;
  shell(bindir() + "/psql -X -q -f " + file + " -d " + a.name(), c.psql_out, c.psql_err);
  c.psql_errors = static_cast<int>(count(c.psql_err, "ERROR:"));
  std::vector<std::string> args = {"sql", "-f", file, "--on-error", "continue"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = b.pgdba(args);
  c.pgdba_code = r.code;
  c.pgdba_out = r.out;
  c.pgdba_err = r.err;
  c.psql_state = state(a);
  c.pgdba_state = state(b);
  return c;
}

int pgdba_errors(const Compared& c) {
  return static_cast<int>(count(c.pgdba_err, "pgdba: error: statement "));
}

}  // namespace

TEST_CASE("scripts: BEGIN ATOMIC bodies with CASE and rule actions in parentheses run as in psql", "[sql][psql]") {
  const auto c = compare(
      "create function f(x int) returns int language sql\n"
      "begin atomic\n"
      "  select case when x > 0 then 1 else 0 end;\n"
      "end;\n"
      "create table r1(a int);\ncreate table r2(a int);\n"
      "create rule rr as on insert to r1 do also (insert into r2 values (new.a); insert into r2 values (f(new.a)));\n"
      "insert into r1 values (5);\n");
  INFO(c.pgdba_err << c.psql_err);
  CHECK(c.psql_errors == 0);
  CHECK(c.pgdba_code == 0);
  CHECK(c.pgdba_state == c.psql_state);
  CHECK_THAT(c.pgdba_state, Catch::Contains("r rr") && Catch::Contains("f f(x integer)"));
}

TEST_CASE("scripts: COPY FROM stdin data is streamed, a failed COPY never runs its data as SQL", "[sql][psql][copy]") {
  const auto c = compare(
      "create table t(a int, b text);\n"
      "copy t (a, b) from stdin;\n"
      "1\tit's; a\\ttab\n"
      "2\t\\N\n"
      "\\.\n"
      "copy missing from stdin;\n"
      "3\tnever SQL; drop table t;\n"
      "\\.\n"
      "copy t from stdin with (format csv);\n"
      "4,\"multi\n"
      "line; \"\"quoted\"\"\"\n"
      "\\.\n"
      "copy t to stdout;\n"
      "select count(*) from t;\n");
  INFO(c.pgdba_err << c.psql_err);
  // Deliberately unlike psql: when COPY ... FROM stdin fails, psql reads the
  // data lines as SQL (here it runs "drop table t"); pgdba skips the data.
  CHECK_THAT(c.psql_err, Catch::Contains("invalid command \\."));
  CHECK(pgdba_errors(c) == 1);
  CHECK(c.pgdba_code == 4);
  CHECK_THAT(c.pgdba_state, Catch::Contains("r public.t"));
  CHECK_THAT(c.pgdba_out, Catch::Contains("statement_5") && Catch::Contains("(3 rows)"));
  // Without the failing COPY both agree.
  const auto ok = compare(
      "create table t(a int, b text);\ncopy t (a, b) from stdin;\n1\tx\\ty\n2\t\\N\n\\.\nselect count(*) from t;\n");
  CHECK(ok.psql_errors == 0);
  CHECK(ok.pgdba_code == 0);
  CHECK(ok.pgdba_state == ok.psql_state);
}

TEST_CASE("scripts: COPY TO STDOUT is a section of lines in JSON", "[sql][copy]") {
  it::ScratchDb db;
  const auto r = db.pgdba({"-o", "json", "sql", "-c", "copy (select 1 as a, 'x\ty' as b) to stdout; select 2 as n"});
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out);
  CHECK(j["statement_1"][0]["copy"] == "1\tx\\ty");
  CHECK(j["statement_2"][0]["n"] == 2);
}

TEST_CASE("scripts: an unsupported meta-command anywhere is refused before anything runs", "[sql][psql]") {
  it::ScratchDb db;
  for (const std::string script :
       {"create table u(a int);\nselect 1 \\gexec\n", "create table u(a int);\n\\lo_import 'x'\n",
        "create table u(a int);\n\\gx\n", "create table u(a int);\nselect 1 \\g out.txt\n"}) {
    const auto r = db.pgdba({"sql", "-f", it::temp_file(script, ".sql")});
    INFO(script << r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("line 2") && Catch::Contains("not supported"));
    CHECK(db.value("select count(*) from pg_class where relname = 'u'") == "0");
  }
}

TEST_CASE("scripts: gset and g meta-commands on their own line send the statement, as psql", "[sql][psql]") {
  const auto c = compare(
      "select 1 as x \\gset\n"
      "BEGIN;\n"
      "create table u(a int);\n"
      "ROLLBACK;\n"
      "create table v(a int);\n"
      "insert into v values (:x);\n"
      "insert into v values (2);\n"
      "\\g\n"
      "\\set n 10\n"
      "select :n as n \\gset p_\n"
      "\\if :{?p_n}\n"
      "  insert into v values (:p_n);\n"
      "\\elif true\n"
      "  insert into v values (-1);\n"
      "\\else\n"
      "  insert into v values (-2);\n"
      "\\endif\n"
      "\\set ON_ERROR_STOP on\n"
      "\\timing on\n"
      "\\echo :'n' done\n"
      "insert into v values (:'n'::int + 1);\n");
  INFO(c.pgdba_err << c.psql_err);
  CHECK(c.psql_errors == 0);
  CHECK(c.pgdba_code == 0);
  CHECK(c.pgdba_state == c.psql_state);
  CHECK_THAT(c.pgdba_err, Catch::Contains("'10' done"));
  CHECK_THAT(c.pgdba_state, !Catch::Contains("public.u"));
}

TEST_CASE("scripts: backslash-semicolon sends statements together, standard_conforming_strings off is read as psql",
          "[sql][psql]") {
  const auto c = compare(
      "create table a1(x text) \\; create table a2(x text);\n"
      "set standard_conforming_strings = off;\n"
      "insert into a1 values ('a\\';b');\n"
      "set standard_conforming_strings = on;\n"
      "insert into a2 values ('c\\');\n");
  INFO(c.pgdba_err << c.psql_err);
  CHECK(c.psql_errors == 0);
  CHECK(c.pgdba_code == 0);
  CHECK(c.pgdba_state == c.psql_state);
}

TEST_CASE("scripts: errors name the semicolon as psql does, ON_ERROR_STOP stops", "[sql][psql]") {
  const auto c = compare(
      "select (1;\n);\ncreate table w(a int);\nselect 1 +;\n\\set ON_ERROR_STOP 1\nselect 1/0;\ncreate table z(a "
      "int);\n");
  INFO(c.pgdba_err << c.psql_err);
  CHECK(c.psql_errors == 3);
  CHECK(pgdba_errors(c) == 3);
  CHECK_THAT(c.psql_err, Catch::Contains("at or near \";\""));
  CHECK_THAT(c.pgdba_err, Catch::Contains("statement 3 (line 4): syntax error at or near \";\""));
  CHECK(c.pgdba_state == c.psql_state);
  CHECK_THAT(c.pgdba_state, Catch::Contains("public.w") && !Catch::Contains("public.z"));
}

TEST_CASE("scripts: -o jsonl writes one record per statement, -o json closes with the error", "[sql][output]") {
  it::ScratchDb db;
  const std::string file = it::temp_file(
      "create table t(a int);\nselect * from t;\ninsert into t values (1);\nselect 1/0;\nselect 2;\n", ".sql");
  const auto lines = db.pgdba({"-o", "jsonl", "sql", "-f", file, "--on-error", "continue"});
  CHECK(lines.code == 4);
  CHECK(it::count_lines(lines.out) == 5);
  CHECK_THAT(lines.out, Catch::Contains("{\"section\":\"statement_2\",\"command\":\"SELECT\",\"rows_affected\":0}"));
  db.exec("drop table t");
  const auto doc = db.pgdba({"-o", "json", "sql", "-f", file});
  CHECK(doc.code == 1);
  const auto j = it::parse_json(doc.out);
  CHECK(j["statement_4"][0]["error"]["sqlstate"] == "22012");
  CHECK_FALSE(j.contains("statement_5"));
}

TEST_CASE("scripts: a pg_dump plain file restores through sql -f to identical content", "[sql][copy][dump]") {
  it::ScratchDb src("dumpsrc");
  src.exec(
      "create table typed(id int primary key, n numeric(12,4), t text, b bytea, ts timestamptz, arr int[], "
      "tarr text[], j json, jb jsonb, flag boolean, d date, f float8);"
      "insert into typed values"
      " (1, 12345678.1234, E'tab\\there\\nnewline \\\\ backslash ''quote'' \"dq\" ; \\\\.', '\\x00ff5c0a'::bytea,"
      "  '2026-01-02 03:04:05.678+02', '{1,NULL,3}', '{\"a b\",\"c,d\",NULL}', '{\"k\": [1, \"x\\ty\"]}',"
      "  '{\"z\": null}', true, '2026-02-03', 1.5e-7),"
      " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      " (3, -0.5, '', '', 'infinity', '{}', '{}', '[]', '[]', false, '-infinity', 'NaN'),"
      " (4, 1, E'\\\\.', E'\\\\x', now(), '{4}', '{\"\\\\\"}', 'null', '\"s\"', null, null, '-Infinity');"
      "create table child(id serial primary key, typed_id int references typed(id), note text);"
      "insert into child(typed_id, note) select (g % 4) + 1, repeat('x', g) from generate_series(1, 500) g;"
      "create view v as select id, t from typed;"
      "create function f(x int) returns int language sql begin atomic select case when x > 0 then x else 0 end; end;");
  std::string dump, err;
  REQUIRE(shell(bindir() + "/pg_dump --format=plain --no-owner -d " + src.name(), dump, err) == 0);
  const std::string file = it::temp_file(dump, ".sql");
  it::ScratchDb dst("dumpdst");
  const auto r = dst.pgdba({"sql", "-f", file, "-o", "jsonl"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::string again;
  REQUIRE(shell(bindir() + "/pg_dump --format=plain --no-owner -d " + dst.name(), again, err) == 0);
  // pg_dump 15.14+ brackets the script with \\restrict KEY / \\unrestrict KEY, a new key each time.
  const auto without_keys = [](const std::string& text) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) out += line + "\n";
    return out;
  };
  CHECK(without_keys(again) == without_keys(dump));
  CHECK(state(dst) == state(src));
}

TEST_CASE("scripts: i and ir include files as psql does, read and checked before anything runs", "[sql][psql]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / it::unique("pgdba include é");
  fs::create_directories(dir / "sub dir");
  const auto write = [](const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; };
  write(dir / "other.sql", "insert into a values (4);\n");
  write(dir / "main.sql", "create table a(x int);\n\\ir 'sub dir/part.sql'\n\\i '" + (dir / "other.sql").string() +
                              "'\ninsert into a values (5);\n");
  // \ir is relative to the including file, wherever that is.
  write(dir / "sub dir" / "part.sql", "insert into a values (1);\n\\ir nested.sql\n");
  write(dir / "sub dir" / "nested.sql", "copy a from stdin;\n2\n3\n\\.\n");
  it::ScratchDb a("psqlinc"), b("pgdbainc");
  std::string out, err;
  REQUIRE(shell(bindir() + "/psql -X -q -v ON_ERROR_STOP=1 -f '" + (dir / "main.sql").string() + "' -d " + a.name(),
                out, err) == 0);
  const auto r = b.pgdba({"sql", "-f", (dir / "main.sql").string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(state(b) == state(a));
  CHECK(b.value("select string_agg(x::text, ',' order by x) from a") == "1,2,3,4,5");

  // A missing file, a cycle, a meta-command pgdba does not run in an
  // included file: refused before anything runs, naming file and line.
  write(dir / "missing.sql", "create table u(x int);\n\\i no-such-file.sql\n");
  write(dir / "loop1.sql", "create table u(x int);\n\\ir loop2.sql\n");
  write(dir / "loop2.sql", "select 1;\n\\ir loop1.sql\n");
  write(dir / "bad.sql", "create table u(x int);\n\\ir 'sub dir/bad part.sql'\n");
  write(dir / "sub dir" / "bad part.sql", "select 1;\n\\gexec\n");
  for (const auto& [file, words] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"missing.sql", {"line 2", "no-such-file.sql"}},
           {"loop1.sql", {"cycle"}},
           {"bad.sql", {"bad part.sql", "line 2", "\\gexec", "not supported"}}}) {
    const auto refused = b.pgdba({"sql", "-f", (dir / file).string()});
    INFO(file << ": " << refused.err);
    CHECK(refused.code == 2);
    for (const auto& w : words)
      CHECK_THAT(refused.err, Catch::Contains(w));
    CHECK(b.value("select count(*) from pg_class where relname = 'u'") == "0");
  }
  fs::remove_all(dir);
}

TEST_CASE("scripts: copy reads and writes files on this side as psql does", "[sql][psql][copy]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / it::unique("pgdba copy it's");
  fs::create_directories(dir);
  const std::string in = (dir / "in put.csv").string();
  std::ofstream(in, std::ios::binary) << "1,\"a,b\"\n2,\n3,ü \"q\"\n";
  const auto quoted = [](const std::string& p) {
    std::string q = "'";
    for (char c : p)
      q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  };
  const auto script = [&](const std::string& side) {
    return "create table cp(a int, b text);\n"
           "\\copy cp from " +
           quoted(in) +
           " with (format csv)\n"
           "\\copy (select a, b from cp where a > 1 order by a) to " +
           quoted((dir / (side + ".csv")).string()) +
           " with (format csv, header)\n"
           "\\copy cp (a) to " +
           quoted((dir / (side + ".txt")).string()) + "\n";
  };
  it::ScratchDb a("psqlcopy"), b("pgdbacopy");
  std::string out, err;
  REQUIRE(shell(bindir() + "/psql -X -q -v ON_ERROR_STOP=1 -f '" + it::temp_file(script("psql"), ".sql") + "' -d " +
                    a.name(),
                out, err) == 0);
  const auto r = b.pgdba({"sql", "-f", it::temp_file(script("pgdba"), ".sql"), "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(state(b) == state(a));
  const auto slurp = [](const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  CHECK(slurp(dir / "pgdba.csv") == slurp(dir / "psql.csv"));
  CHECK(slurp(dir / "pgdba.txt") == slurp(dir / "psql.txt"));
  // (COPY's CSV reads the quotes inside an unquoted field as quoting.)
  CHECK(slurp(dir / "pgdba.csv") == "a,b\n2,\n3,ü q\n");
  const auto j = it::parse_json(r.out);
  CHECK(j["statement_2"][0]["rows_affected"] == 3);
  // What pgdba does not run is refused before anything runs.
  for (const std::string bad :
       {"\\copy cp from stdin\n", "\\copy cp from program 'cat /etc/passwd'\n", "\\copy cp somewhere\n"}) {
    const auto refused = b.pgdba({"sql", "-f", it::temp_file("create table u(x int);\n" + bad, ".sql")});
    INFO(bad << refused.err);
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Catch::Contains("line 2") && Catch::Contains("\\copy"));
    CHECK(b.value("select count(*) from pg_class where relname = 'u'") == "0");
  }
  // A file that is not there: that statement fails, named, as in psql.
  const auto missing = b.pgdba({"sql", "-f", it::temp_file("\\copy cp from '/nonexistent/x.csv'\n", ".sql")});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/x.csv"));
  fs::remove_all(dir);
}

// Scripts we did not write, from the server's own share directory (so no
// copy of them lives here): the SQL of contrib extensions, made loadable
// by hand as a DBA would (the guard line that stops psql dropped,
// MODULE_PATHNAME and @extschema@ filled in), and the server's bootstrap
// files, rich in BEGIN ATOMIC bodies, rules and dollar quotes, which fail
// statement by statement where objects exist. Each runs through psql -X -f
// and pgdba sql -f --on-error continue in fresh databases: the same errors
// and the same final catalog and data.
TEST_CASE("scripts: a corpus of the server's own SQL files runs as in psql", "[sql][psql][corpus]") {
  const std::string share = it::query_value("select setting from pg_config where name = 'SHAREDIR'");
  REQUIRE(!share.empty());
  const auto read = [](const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  const auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
    return s;
  };
  std::vector<std::pair<std::string, std::string>> corpus;
  for (const std::string ext : {"hstore--1.4", "pg_trgm--1.3", "citext--1.4", "cube--1.2", "ltree--1.1", "seg--1.1",
                                "isn--1.1", "intarray--1.2", "tablefunc--1.0", "fuzzystrmatch--1.1", "pgcrypto--1.3",
                                "unaccent--1.1", "lo--1.1", "btree_gist--1.2"}) {
    std::string text = read(share + "/extension/" + ext + ".sql");
    if (text.empty()) continue;  // not shipped with this major
    std::string kept;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("\\echo Use", 0) != 0) kept += line + "\n";
    const std::string module = ext.substr(0, ext.find("--"));
    kept = replace_all(kept, "MODULE_PATHNAME", "$libdir/" + module);
    corpus.emplace_back(ext, replace_all(kept, "@extschema@", "public"));
  }
  REQUIRE(corpus.size() >= 10);
  for (const std::string f : {"system_functions.sql", "system_views.sql", "information_schema.sql"}) {
    const std::string text = read(share + "/" + f);
    if (!text.empty()) corpus.emplace_back(f, text);
  }
  int clean = 0;
  for (const auto& [name, script] : corpus) {
    const auto c = compare(script);
    INFO(name << "\npgdba: " << c.pgdba_err.substr(0, 2000) << "\npsql: " << c.psql_err.substr(0, 2000));
    CHECK(pgdba_errors(c) == c.psql_errors);
    CHECK(c.pgdba_state == c.psql_state);
    if (c.psql_errors == 0) {
      ++clean;
      CHECK(c.pgdba_code == 0);
      CHECK_THAT(c.pgdba_state, Catch::Contains("\nf ") || Catch::StartsWith("f "));
    }
  }
  CHECK(clean >= 10);  // the extension scripts load without an error
}

TEST_CASE("scripts: connect moves the script to another database as psql does, a failed one ends it", "[sql][psql]") {
  it::ScratchDb a1("conn a 1"), b1("conn b 日1"), a2("conn a 2"), b2("conn b 日2");
  const auto quoted = [](const std::string& name) {
    std::string q = "'";
    for (char c : name)
      q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  };
  const auto script = [&](const it::ScratchDb& a, const it::ScratchDb& b) {
    return "create table in_a(x int);\n"
           "\\connect " +
           quoted(b.name()) +
           "\n"
           "create table in_b(x int);\n"
           "\\c - - - -\n"
           "insert into in_b values (1);\n"
           "\\connect -reuse-previous=on \"dbname=" +
           quoted(a.name()) +
           "\"\n"
           "insert into in_a values (2);\n";
  };
  std::string out, err;
  REQUIRE(shell(bindir() + "/psql -X -q -v ON_ERROR_STOP=1 -f '" + it::temp_file(script(a1, b1), ".sql") + "' -d '" +
                    a1.name() + "'",
                out, err) == 0);
  const auto r = a2.pgdba({"sql", "-f", it::temp_file(script(a2, b2), ".sql")});
  INFO(r.err << err);
  REQUIRE(r.code == 0);
  CHECK(state(a2) == state(a1));
  CHECK(state(b2) == state(b1));
  CHECK(a2.value("select string_agg(x::text, ',') from in_a") == "2");
  CHECK(b2.value("select string_agg(x::text, ',') from in_b") == "1");

  // A postgresql:// URI, as psql takes it: the name percent-encoded.
  const auto encoded = [](const std::string& name) {
    std::string e;
    for (unsigned char c : name) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      e += std::isalnum(c) != 0 ? std::string(1, static_cast<char>(c)) : std::string(hex);
    }
    return e;
  };
  const auto by_uri = a2.pgdba(
      {"sql", "-f",
       it::temp_file("\\connect postgresql:///" + encoded(b2.name()) + "\ncreate table by_uri(x int);\n", ".sql")});
  INFO(by_uri.err);
  CHECK(by_uri.code == 0);
  CHECK(b2.value("select count(*) from pg_class where relname = 'by_uri'") == "1");
  // What \connect cannot change is refused, and a URI libpq cannot read is
  // refused without echoing it (it may hold a password).
  const auto pw = a2.pgdba({"sql", "-f", it::temp_file("\\c postgresql://u:s3cr3t@/x\nselect 1;\n", ".sql")});
  CHECK(pw.code == 2);
  CHECK_THAT(pw.err, Catch::Contains("line 1") && Catch::Contains("not password") && !Catch::Contains("s3cr3t"));
  const auto bad = a2.pgdba({"sql", "-f", it::temp_file("\\c postgresql://u:s3cr3t@/x?bogus=1\nselect 1;\n", ".sql")});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("line 1") && !Catch::Contains("s3cr3t"));

  // A \connect that fails ends the script in psql, even without
  // ON_ERROR_STOP; so it does in pgdba, with --on-error continue too.
  const std::string failing = "\\connect no_such_db_pgdba\ncreate table after_fail(x int);\n";
  const int psql_code =
      shell(bindir() + "/psql -X -q -f '" + it::temp_file(failing, ".sql") + "' -d '" + a1.name() + "'", out, err);
  const auto f = a2.pgdba({"sql", "-f", it::temp_file(failing, ".sql"), "--on-error", "continue"});
  CHECK(psql_code != 0);
  CHECK(f.code == 3);
  CHECK_THAT(f.err, Catch::Contains("line 1") && Catch::Contains("no_such_db_pgdba"));
  CHECK(a1.value("select count(*) from pg_class where relname = 'after_fail'") == "0");
  CHECK(a2.value("select count(*) from pg_class where relname = 'after_fail'") == "0");
  // One transaction is one connection.
  const auto single =
      a2.pgdba({"sql", "-f", it::temp_file("select 1;\n\\c postgres\n", ".sql"), "--single-transaction"});
  CHECK(single.code == 2);
  CHECK_THAT(single.err, Catch::Contains("--single-transaction"));
}
