// What hostile testing of the foundation found (issue "Fix what hostile
// testing found"): each case reproduces a report against the real server.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("batch keeps executemany's per-row meaning", "[hostile][batch]") {
  it::ScratchDb db("batchsem");
  db.exec("CREATE TABLE cnt (n int, v text); CREATE TABLE up (id int PRIMARY KEY, v text); CREATE TABLE plain (a int)");

  // Each row's subquery sees the rows inserted before it.
  const auto counted = db.pgdba({"sql", "-c", "insert into cnt values ((select count(*) from cnt), $1)", "--batch",
                                 it::temp_file("a\nb\nc\n", ".csv")});
  REQUIRE(counted.code == 0);
  CHECK(db.value("SELECT string_agg(n::text, ',' ORDER BY v) FROM cnt") == "0,1,2");

  // An upsert may meet its own key again, as it would row by row.
  const auto upsert =
      db.pgdba({"sql", "-c", "insert into up values ($1, $2) on conflict (id) do update set v = excluded.v", "--batch",
                it::temp_file("1,first\n1,second\n2,x\n", ".csv")});
  REQUIRE(upsert.code == 0);
  CHECK(db.value("SELECT v FROM up WHERE id = 1") == "second");
  CHECK(db.value("SELECT count(*) FROM up") == "2");

  // A plain insert of parameters keeps the fast set-based path.
  const auto fast = db.pgdba(
      {"sql", "-c", "insert into plain values ($1::int)", "--batch", it::temp_file("1\n2\n3\n", ".csv"), "-o", "json"});
  REQUIRE(fast.code == 0);
  CHECK(it::parse_json(fast.out)[0]["method"] == "multi-row insert");
  CHECK(db.value("SELECT sum(a) FROM plain") == "6");
}

TEST_CASE("a NUL byte in a batch CSV is refused with its line and nothing is stored", "[hostile][batch]") {
  it::ScratchDb db("batchnul");
  db.exec("CREATE TABLE t (id int, v text)");
  const auto r = db.pgdba({"sql", "-c", "insert into t values ($1, $2)", "--batch",
                           it::temp_file(std::string("1,ok\n2,a\0b\n", 11), ".csv")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("line 2") && Catch::Contains("NUL"));
  CHECK(db.value("SELECT count(*) FROM t") == "0");
}

TEST_CASE("an audit record that cannot be written after the change says the change was made", "[hostile][audit]") {
  const std::string role = it::unique("audfull");
  const auto r = pgdba({"--audit-log", "/dev/full", "-o", "json", "sql", "-c", "create role " + role});
  CHECK(r.code == 4);
  const auto err = it::parse_json(r.err)["error"];
  CHECK_THAT(err["message"].get<std::string>(), Catch::Contains("change was made") && Catch::Contains("/dev/full"));
  CHECK_THAT(err["detail"].get<std::string>(), Catch::Contains("create role " + role));
  CHECK(it::query_value("SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'") == "1");
  it::query_value("DROP ROLE " + role);

  // db commands report it the same way.
  const std::string db = it::unique("audfull_db");
  const auto created = pgdba({"--audit-log", "/dev/full", "db", "create", db});
  CHECK(created.code == 4);
  CHECK_THAT(created.err, Catch::Contains("change was made"));
  CHECK(it::database_exists(db));
  pgdba({"db", "drop", db, "--yes"});
}

TEST_CASE("a -d with a URI or conninfo is expanded like psql's and its password never shows", "[hostile][secrets]") {
  const auto& env = it::cluster();
  it::ServerLog log;
  const std::string uri =
      "postgresql://nosuchuser:Hunter2Secret@/postgres?host=" + env.at("PGHOST") + "&port=" + env.at("PGPORT");
  const auto r = pgdba({"-d", uri, "-o", "json", "sql", "-c", "select 1"});
  CHECK(r.code == 3);
  CHECK(r.err.find("Hunter2Secret") == std::string::npos);
  CHECK(r.out.find("Hunter2Secret") == std::string::npos);
  const auto err = it::parse_json(r.err)["error"];
  CHECK_THAT(err["message"].get<std::string>(), Catch::Contains("nosuchuser") && Catch::Contains("dbname=postgres"));

  // A conninfo names the database inside it; the server sees that name only.
  it::ScratchDb db("dsnexp");
  const auto ok = pgdba({"-d", "dbname=" + db.name() + " password=Hunter3Secret", "-o", "json", "sql", "-c",
                         "select current_database() as d"});
  REQUIRE(ok.code == 0);
  CHECK(it::parse_json(ok.out)[0]["d"] == db.name());
  CHECK(log.never_saw("Hunter[23]Secret"));
}

TEST_CASE("password literals are redacted in the audit log, -vv and --log-file", "[hostile][secrets]") {
  const std::string role = it::unique("pwred");
  const std::string audit = it::temp_file("", ".jsonl");
  const std::string logfile = it::temp_file("", ".log");
  const auto r = pgdba({"--audit-log", audit, "--log-file", logfile, "-vv", "sql", "-c",
                        "create role " + role + " password 'Sw0rdfishA'; alter role " + role +
                            " with encrypted password 'Sw0rdfishB' valid until 'infinity'; "
                            "select 'dbname=x password=Sw0rdfishC' as c"});
  REQUIRE(r.code == 0);
  const std::string a = read_all(audit);
  const std::string l = read_all(logfile);
  CHECK_THAT(a, Catch::Contains("password '***'") && Catch::Contains("alter role " + role));
  CHECK_THAT(l, Catch::Contains("password '***'"));
  for (const std::string& text : {a, l, r.err}) {
    CHECK(text.find("Sw0rdfish") == std::string::npos);
  }
  it::query_value("DROP ROLE " + role);
}

TEST_CASE("a --param count that does not match the statement is a usage error", "[hostile][params]") {
  it::ServerLog log;
  const auto extra =
      pgdba({"sql", "-c", "select $1::int as a /* param_extra_probe */", "--param", "1", "--param", "2"});
  CHECK(extra.code == 2);
  CHECK_THAT(extra.err, Catch::Contains("2 value(s)") && Catch::Contains("$1"));
  CHECK(extra.err.find("lost") == std::string::npos);
  const auto missing = pgdba({"sql", "-c", "select $1::int, $2::int", "--param", "1"});
  CHECK(missing.code == 2);
  CHECK(log.never_saw("param_extra_probe"));
}

TEST_CASE("bad ports and durations are refused before connecting", "[hostile][options]") {
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{{"-p", "abc"},
                                                                                   {"-p", "70000"},
                                                                                   {"--lock-timeout", "3000000s"},
                                                                                   {"--lock-timeout", "400us"},
                                                                                   {"--lock-timeout", ""},
                                                                                   {"--statement-timeout", "5 parsecs"},
                                                                                   {"--statement-timeout", ""}}) {
    std::vector<std::string> args = bad;
    args.insert(args.end(), {"sql", "-c", "select 1"});
    const auto r = pgdba(args);
    INFO(bad[0] << " '" << bad[1] << "': " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("could not connect") == std::string::npos);
  }
  // Valid forms still work.
  CHECK(pgdba({"--lock-timeout", "1.5s", "--statement-timeout", "0", "-p", it::cluster().at("PGPORT"), "sql", "-c",
               "select 1"})
            .code == 0);
  const auto shown =
      pgdba({"--lock-timeout", "1500ms", "-o", "json", "sql", "-c", "select current_setting('lock_timeout') as t"});
  REQUIRE(shown.code == 0);
  CHECK(it::parse_json(shown.out)[0]["t"] == "1500ms");
}

TEST_CASE("sql --on-error continue exits 1 when nothing succeeded, 4 when some did", "[hostile][exit]") {
  const auto none = pgdba({"sql", "--on-error", "continue", "-c", "select 1/0; select 2/0"});
  CHECK(none.code == 1);
  const auto some = pgdba({"sql", "--on-error", "continue", "-c", "select 1/0; select 2"});
  CHECK(some.code == 4);
}

TEST_CASE("an unwritable --log-file or stdout is reported, and nothing runs", "[hostile][exit]") {
  it::ScratchDb db("logfull");
  const auto r = db.pgdba({"--log-file", "/dev/full", "sql", "-c", "create table must_not_exist (a int)"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("/dev/full"));
  CHECK(r.err.find("LOG ERROR") == std::string::npos);
  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname = 'must_not_exist'") == "0");

  CHECK(it::pgdba_stdout_to("/dev/full", {"--help"}).code == 1);
  CHECK(it::pgdba_stdout_to("/dev/full", {"--version"}).code == 1);
  CHECK(it::pgdba_stdout_to("/dev/full", {"sql", "--help"}).code == 1);
}

TEST_CASE("sql -f - and --batch - cannot both read standard input", "[hostile][options]") {
  const auto r = pgdba({"sql", "-f", "-", "--batch", "-"}, "insert into t values ($1)\n");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("standard input"));
}

TEST_CASE("sql audits every statement it cannot prove read-only", "[hostile][audit]") {
  it::ScratchDb db("auditsql");
  db.exec("CREATE SEQUENCE s");
  const std::string audit = it::temp_file("", ".jsonl");
  const auto r = db.pgdba({"--audit-log", audit, "-v", "sql", "-c",
                           "select setval('s', 42); select pg_terminate_backend(-1) as t; select 1 + 1 as two; "
                           "select count(*) from pg_class; show work_mem"});
  REQUIRE(r.code == 0);
  std::vector<std::string> audited;
  std::istringstream lines(read_all(audit));
  for (std::string line; std::getline(lines, line);)
    audited.push_back(it::parse_json(line)["sql"]);
  CHECK(audited == std::vector<std::string>{"select setval('s', 42)", "select pg_terminate_backend(-1) as t"});
  // Without --audit-log the record still goes to the log, as for db and schema.
  const auto logged = db.pgdba({"-v", "sql", "-c", "select setval('s', 7)"});
  REQUIRE(logged.code == 0);
  CHECK_THAT(logged.err, Catch::Contains("audit: ") && Catch::Contains("setval"));
  const auto quiet = db.pgdba({"-v", "sql", "-c", "select 1"});
  CHECK(quiet.err.find("audit: ") == std::string::npos);
}

TEST_CASE("arrays of enums, ranges, composites and points are JSON arrays", "[hostile][types][matrix]") {
  it::ScratchDb db("arrtypes");
  db.exec(
      "CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE TYPE pair AS (a int, b text); "
      "CREATE DOMAIN posint AS int CHECK (VALUE > 0)");
  const auto r = db.pgdba({"-o", "json", "sql", "-c",
                           "select array['ok','sad']::mood[] as m, array[int4range(1,3)] as r, "
                           "array[point(1,2)] as p, array[row(1,'x')::pair] as c, array[1,2]::posint[] as d, "
                           "'sad'::mood as s"});
  REQUIRE(r.code == 0);
  const auto row = it::parse_json(r.out)[0];
  CHECK(row["m"] == nlohmann::json::array({"ok", "sad"}));
  CHECK(row["r"] == nlohmann::json::array({"[1,3)"}));
  CHECK(row["p"] == nlohmann::json::array({"(1,2)"}));
  CHECK(row["c"] == nlohmann::json::array({"(1,x)"}));
  CHECK(row["d"] == nlohmann::json::array({1, 2}));
  CHECK(row["s"] == "sad");
}

TEST_CASE("a script's SET DateStyle or bytea_output does not break typed output", "[hostile][types][matrix]") {
  const auto r = pgdba({"-o", "json", "sql", "-c",
                        "set datestyle = 'German, DMY'; set intervalstyle = 'sql_standard'; set bytea_output = escape; "
                        "set extra_float_digits = -10; "
                        "select '2024-01-02 03:04:05+00'::timestamptz as t, '\\x01ff'::bytea as b, "
                        "'1 day 2 hours'::interval as i, 0.1::float8 as f"});
  REQUIRE(r.code == 0);
  const auto row = it::parse_json(r.out)["statement_5"][0];
  CHECK(row["t"] == "2024-01-02T03:04:05+00:00");
  CHECK(row["b"] == "\\x01ff");
  CHECK(row["i"] == 93600);
  CHECK(row["f"] == 0.1);
  // Inside a DO block too.
  const auto d = pgdba({"-o", "json", "sql", "-c",
                        "do $$ begin perform set_config('DateStyle', 'SQL', false); end $$; "
                        "select '2024-01-02'::date::timestamp as t"});
  REQUIRE(d.code == 0);
  CHECK(it::parse_json(d.out)["statement_2"][0]["t"] == "2024-01-02T00:00:00");
}

TEST_CASE("db rename is not blocked by an autovacuum worker", "[hostile][db]") {
  it::PrivateCluster pc;
  const it::Env env{{"PGHOST", pc.env().at("PGHOST")}, {"PGPORT", pc.env().at("PGPORT")}};
  const auto run_sql = [&](const std::string& db, const std::string& sql) {
    return pgdba({"-d", db, "sql", "-c", sql}, "", env);
  };
  REQUIRE(pgdba({"db", "create", "avdb"}, "", env).code == 0);
  REQUIRE(run_sql("postgres", "alter system set autovacuum_naptime = 1; select pg_reload_conf()").code == 0);
  // A slow autovacuum of a table full of dead rows keeps a worker in avdb.
  REQUIRE(run_sql("avdb",
                  "create table t (a int) with (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1, "
                  "autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0); "
                  "insert into t select generate_series(1, 200000); delete from t")
              .code == 0);
  bool worker = false;
  for (int i = 0; i < 60 && !worker; ++i) {
    const auto r = pgdba({"-o", "json", "sql", "-c",
                          "select count(*) as n from pg_stat_activity "
                          "where datname = 'avdb' and backend_type = 'autovacuum worker'"},
                         "", env);
    worker = r.code == 0 && it::parse_json(r.out)[0]["n"] == 1;
    if (!worker) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  REQUIRE(worker);
  const auto renamed = pgdba({"db", "rename", "avdb", "avdb2"}, "", env);
  INFO(renamed.err);
  CHECK(renamed.code == 0);
}

TEST_CASE("a failure mid-stream leaves valid JSON that records the error", "[hostile][output]") {
  // Rows 1 and 2 arrive in the first FETCH; the third FETCH divides by zero.
  const auto r =
      pgdba({"-o", "json", "sql", "--fetch-size", "2", "-c", "select 10 / (3 - g) as v from generate_series(1, 5) g"});
  CHECK(r.code == 1);
  const auto doc = it::parse_json(r.out);
  REQUIRE(doc.is_array());
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["v"] == 5);
  CHECK(doc[1]["v"] == 10);
  CHECK(doc[2]["error"]["sqlstate"] == "22012");
  const auto lines =
      pgdba({"-o", "jsonl", "sql", "--fetch-size", "2", "-c", "select 10 / (3 - g) as v from generate_series(1, 5) g"});
  CHECK(lines.code == 1);
  CHECK(it::count_lines(lines.out) == 3);
  CHECK_THAT(lines.out, Catch::Contains("\"error\""));
}
