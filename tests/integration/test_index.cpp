// index list/invalid/unused/duplicate/create/drop against the test cluster.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/integration/harness.hpp"

namespace {

// The row of `rows` whose `key` is `value` (null JSON when none).
bool has_index(const it::ScratchDb& db, const std::string& name) {
  auto c = it::connect(db.name());
  pqxx::nontransaction tx(c);
  return !tx.exec_params("select 1 from pg_class where relname = $1 and relkind in ('i', 'I')", name).empty();
}

}  // namespace

TEST_CASE("index duplicate, unused and list with hostile names", "[index][matrix]") {
  it::ScratchDb db("idx_find");
  db.exec(
      "create schema \"s'; x\"; "
      "create table \"s'; x\".\"T\"\"1 日本\" (id int primary key, a int, b int, c text, constraint u_c unique (c)); "
      "insert into \"s'; x\".\"T\"\"1 日本\" select g, g % 10, g, g::text from generate_series(1, 500) g; "
      "create index \"a;idx\" on \"s'; x\".\"T\"\"1 日本\" (a); "
      "create index a_again on \"s'; x\".\"T\"\"1 日本\" (a); "
      "create index ab on \"s'; x\".\"T\"\"1 日本\" (a, b); "
      "create index a_desc on \"s'; x\".\"T\"\"1 日本\" (a desc); "
      "create index a_part on \"s'; x\".\"T\"\"1 日本\" (a) where b > 10; "
      "create index c_plain on \"s'; x\".\"T\"\"1 日本\" (c); "
      "create index lower_c on \"s'; x\".\"T\"\"1 日本\" (lower(c)); "
      "create index lower_c2 on \"s'; x\".\"T\"\"1 日本\" (lower(c))");

  const auto dup = db.pgdba({"index", "duplicate", "-o", "json"});
  INFO(dup.err);
  REQUIRE(dup.code == 0);
  const auto rows = it::parse_json(dup.out);
  // a_again is the newer copy of "a;idx"; "a;idx" is a prefix of ab.
  CHECK(it::row_for(rows, "index", "a_again")["duplicate_of"] == "a;idx");
  CHECK(it::row_for(rows, "index", "a_again")["reason"] == "same keys");
  CHECK(it::row_for(rows, "index", "a_again")["schema"] == "s'; x");
  CHECK(it::row_for(rows, "index", "a_again")["table"] == "T\"1 日本");
  CHECK(it::row_for(rows, "index", "a;idx")["duplicate_of"] == "ab");
  CHECK(it::row_for(rows, "index", "a;idx")["reason"] == "prefix");
  CHECK(it::row_for(rows, "index", "a;idx")["size_bytes"].get<long long>() > 0);
  // The plain index on c duplicates the unique constraint's, not the reverse.
  CHECK(it::row_for(rows, "index", "c_plain")["duplicate_of"] == "u_c");
  CHECK(it::row_for(rows, "index", "u_c").is_null());
  CHECK(it::row_for(rows, "index", "lower_c2")["duplicate_of"] == "lower_c");
  // Other sort order, a predicate, the longer index: not duplicates.
  CHECK(it::row_for(rows, "index", "a_desc").is_null());
  CHECK(it::row_for(rows, "index", "a_part").is_null());
  CHECK(it::row_for(rows, "index", "ab").is_null());

  // A scan on one index moves it out of unused (statistics are flushed at
  // the end of the scanning session's transaction, reported within ~1s).
  // Only ab gives that order, and sorting is off.
  db.exec(
      "set enable_seqscan = off; set enable_bitmapscan = off; set enable_sort = off; "
      "select a, b from \"s'; x\".\"T\"\"1 日本\" order by a, b limit 5");
  nlohmann::json unused;
  for (int i = 0; i < 50; ++i) {
    const auto r = db.pgdba({"index", "unused", "-n", "s'; x", "-o", "json"});
    REQUIRE(r.code == 0);
    unused = it::parse_json(r.out);
    if (it::row_for(unused, "index", "ab").is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(it::row_for(unused, "index", "ab").is_null());
  CHECK_FALSE(it::row_for(unused, "index", "a_again").is_null());
  CHECK(it::row_for(unused, "index", "a_again")["scans"] == 0);
  CHECK(it::row_for(unused, "index", "a_again")["table_writes"].get<long long>() >= 500);
  CHECK(it::row_for(unused, "index", "a_again")["stats_age_seconds"].get<double>() >= 0);
  // Indexes that enforce something are never "unused".
  CHECK(it::row_for(unused, "index", "u_c").is_null());
  CHECK(it::row_for(unused, "index", "T\"1 日本_pkey").is_null());

  const auto list = db.pgdba({"index", "list", "--table", "\"s'; x\".\"T\"\"1 日本\"", "-o", "json"});
  INFO(list.err);
  REQUIRE(list.code == 0);
  const auto all = it::parse_json(list.out);
  CHECK(all.size() == 10);
  CHECK(it::row_for(all, "index", "u_c")["enforces"] == "unique constraint");
  CHECK(it::row_for(all, "index", "u_c")["constraint"] == "u_c");
  CHECK(it::row_for(all, "index", "T\"1 日本_pkey")["enforces"] == "primary key");
  CHECK(it::row_for(all, "index", "a;idx")["method"] == "btree");
  CHECK(it::row_for(all, "index", "a;idx")["valid"] == true);

  const auto table = db.pgdba({"index", "list", "-n", "s'; x"});
  CHECK(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("a;idx"));
  const auto missing = db.pgdba({"index", "list", "--table", "no_such_table"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("does not exist"));
  const auto upper = db.pgdba({"index", "list", "--table", "NoSuch"});
  CHECK_THAT(upper.err, Catch::Contains("double quotes"));
}

TEST_CASE(
    "a failed concurrent unique build leaves an invalid index: index invalid finds it, --cleanup-invalid drops it",
    "[index][matrix]") {
  it::ScratchDb db("idx_invalid");
  db.exec("create table dup (id int, v text); insert into dup select g % 5, 'x' from generate_series(1, 100) g");
  it::ServerLog log;
  const auto failed =
      db.pgdba({"index", "create", "--table", "dup", "--columns", "id", "--unique", "--name", "dup_id"});
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::Contains("is duplicated"));
  CHECK_THAT(failed.err, Catch::Contains("left the invalid index \"public\".\"dup_id\""));
  CHECK_THAT(failed.err, Catch::Contains("--cleanup-invalid"));
  CHECK(log.saw("CREATE UNIQUE INDEX CONCURRENTLY \"dup_id\" ON \"public\".\"dup\""));
  CHECK(db.value("select indisvalid from pg_index where indexrelid = 'dup_id'::regclass") == "f");

  const auto inv = db.pgdba({"index", "invalid", "-o", "json"});
  REQUIRE(inv.code == 0);
  const auto rows = it::parse_json(inv.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["index"] == "dup_id");
  CHECK(rows[0]["table"] == "dup");
  CHECK(rows[0]["building_now"] == false);
  CHECK(rows[0]["reason"] == "left by a failed CREATE INDEX CONCURRENTLY");
  CHECK(rows[0].contains("size_bytes"));

  // Again with --cleanup-invalid: the new invalid index is dropped, the old one
  // (not this run's) is left for the user.
  const auto cleaned =
      db.pgdba({"index", "create", "--table", "dup", "--columns", "id", "--unique", "--cleanup-invalid", "-o", "json"});
  CHECK(cleaned.code == 1);
  CHECK_THAT(cleaned.err, Catch::Contains("now dropped (--cleanup-invalid)"));
  CHECK(db.value("select count(*) from pg_index where indrelid = 'dup'::regclass") == "1");
  CHECK(has_index(db, "dup_id"));

  // index drop removes the old one (concurrently).
  it::ServerLog drop_log;
  REQUIRE(db.pgdba({"index", "drop", "dup_id", "--yes"}).code == 0);
  CHECK(drop_log.saw("DROP INDEX CONCURRENTLY \"public\".\"dup_id\""));
  CHECK_FALSE(has_index(db, "dup_id"));
  const auto none = db.pgdba({"index", "invalid", "-o", "json"});
  CHECK(it::parse_json(none.out).empty());
}

TEST_CASE("index create with columns, expressions, method, where, include, names and a dry run", "[index]") {
  it::ScratchDb db("idx_create");
  db.exec("create schema \"a\"\"b\"; create table \"a\"\"b\".\"Ta; b\" (id int, \"Col,1\" text, tags text[], n int)");
  const std::string table = "\"a\"\"b\".\"Ta; b\"";

  it::ServerLog log;
  const auto r = db.pgdba({"index", "create", "--table", table, "--columns", "\"Col,1\", id", "--include", "n",
                           "--where", "n > 0", "--name", "ix \"1\"", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(it::parse_json(r.out)[0]["object"] == "\"a\"\"b\".\"ix \"\"1\"\"\"");
  CHECK(it::parse_json(r.out)[0]["status"] == "created");
  CHECK(log.saw("CREATE INDEX CONCURRENTLY"));
  CHECK(db.value("select pg_get_indexdef('\"a\"\"b\".\"ix \"\"1\"\"\"'::regclass)") ==
        "CREATE INDEX \"ix \"\"1\"\"\" ON \"a\"\"b\".\"Ta; b\" USING btree (\"Col,1\", id) INCLUDE (n) WHERE (n > 0)");

  // No name: PostgreSQL picks one, pgdba reports it.
  const auto gin =
      db.pgdba({"index", "create", "--table", table, "--columns", "tags", "--method", "gin", "-o", "json"});
  INFO(gin.err);
  REQUIRE(gin.code == 0);
  const std::string gin_name = it::parse_json(gin.out)[0]["object"];
  CHECK_THAT(gin_name, Catch::Contains("tags_idx"));
  CHECK(db.value("select count(*) from pg_indexes where indexdef like '%USING gin (tags)%'") == "1");

  const auto expr = db.pgdba({"index", "create", "--table", table, "--expression", "lower(\"Col,1\")",
                              "--no-concurrently", "--name", "lower_col"});
  INFO(expr.err);
  REQUIRE(expr.code == 0);
  CHECK_THAT(db.value("select pg_get_indexdef('\"a\"\"b\".lower_col'::regclass)"),
             Catch::Contains("(lower(\"Col,1\"))"));
  // --if-not-exists with an existing name: nothing to do.
  const auto again = db.pgdba({"index", "create", "--table", table, "--expression", "lower(\"Col,1\")", "--name",
                               "lower_col", "--if-not-exists", "-o", "json"});
  CHECK(again.code == 0);
  CHECK(it::parse_json(again.out)[0]["status"] == "exists");

  // --dry-run: the statement, nothing built.
  it::ServerLog dry_log;
  const auto dry = db.pgdba({"index", "create", "--table", table, "--columns", "n", "--name", "never", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK_THAT(dry.out,
             Catch::Contains("CREATE INDEX CONCURRENTLY \"never\" ON \"a\"\"b\".\"Ta; b\" USING \"btree\" (\"n\")"));
  CHECK(dry_log.never_saw("CREATE INDEX[^\\n]*never"));
  CHECK_FALSE(has_index(db, "never"));

  // Bad input: refused before connecting, or named clearly.
  CHECK(db.pgdba({"index", "create", "--columns", "n"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table, "--columns", "n", "--expression", "n"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table, "--columns", "n", "--unique", "--method", "hash"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table, "--columns", "\"n"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table, "--columns", "n", "--method", "rtree"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", table, "--columns", std::string(64, 'x')}).code == 2);
  const auto no_table = db.pgdba({"index", "create", "--table", "missing_t", "--columns", "n"});
  CHECK(no_table.code == 1);
  CHECK(it::count_lines(no_table.err) == 1);
  const auto no_col = db.pgdba({"index", "create", "--table", table, "--columns", "nope"});
  CHECK(no_col.code == 1);
  CHECK_THAT(no_col.err, Catch::Contains("\"nope\" does not exist"));

  // drop: a missing index, --if-exists, a table is not an index.
  CHECK(db.pgdba({"index", "drop", "nope", "--yes"}).code == 1);
  CHECK(db.pgdba({"index", "drop", "nope", "--yes", "--if-exists"}).code == 0);
  const auto not_index = db.pgdba({"index", "drop", table, "--yes"});
  CHECK(not_index.code == 1);
  CHECK_THAT(not_index.err, Catch::Contains("it is a table"));
  it::ServerLog plain;
  REQUIRE(db.pgdba({"index", "drop", "\"a\"\"b\".lower_col", "--yes", "--no-concurrently"}).code == 0);
  CHECK(plain.saw("DROP INDEX \"a\"\"b\".\"lower_col\""));
  CHECK_FALSE(has_index(db, "lower_col"));
}

TEST_CASE("index create on a table another session holds fails within the lock timeout, then succeeds", "[index]") {
  it::ScratchDb db("idx_locked");
  db.exec("create table held (id int)");
  {
    auto c = it::connect(db.name());
    pqxx::work tx(c);
    tx.exec("lock table held in share row exclusive mode");
    const auto start = std::chrono::steady_clock::now();
    const auto r = db.pgdba({"--lock-timeout", "300ms", "index", "create", "--table", "held", "--columns", "id"});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("lock timeout"));
    CHECK(took < std::chrono::seconds(5));
    CHECK(db.value("select count(*) from pg_index where indrelid = 'held'::regclass") == "0");
    tx.abort();
  }
  const auto ok = db.pgdba({"--lock-timeout", "300ms", "index", "create", "--table", "held", "--columns", "id"});
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(db.value("select count(*) from pg_index where indrelid = 'held'::regclass and indisvalid") == "1");
}

TEST_CASE(
    "index create --retries: a concurrent build that timed out waiting for an old transaction is dropped "
    "and built again once it ends, index drop --retries waits for the table",
    "[index]") {
  it::ScratchDb db("idx_retry");
  db.exec("create table held (id int)");
  auto c = it::connect(db.name());
  const auto err_of = [](const it::Background& bg) {
    std::ifstream in(bg.err_path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  {
    // A snapshot older than the build: CREATE INDEX CONCURRENTLY waits for
    // it to end, and that wait is what the lock timeout cuts short.
    pqxx::work old(c, "old");
    old.exec("set transaction isolation level repeatable read");
    old.exec("select count(*) from held");  // its snapshot lives until the transaction ends
    const auto bg =
        it::start_pgdba({"-d", db.name(), "--lock-timeout", "300ms", "index", "create", "--table", "held", "--columns",
                         "id", "--name", "held_id", "--retries", "50", "--retry-pause", "100ms"});
    const bool retried = it::wait_for([&] { return err_of(bg).find("trying again (2 of 50)") != std::string::npos; });
    old.abort();
    const auto r = it::wait_pgdba(bg);
    INFO(r.err);
    CHECK(retried);
    CHECK(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("trying again (2 of 50)"));
  }
  // One index, valid: every timed-out try's invalid one was dropped.
  CHECK(db.value("select string_agg(indexrelid::regclass::text || ':' || indisvalid, ',') from pg_index "
                 "where indrelid = 'held'::regclass") == "held_id:true");

  pqxx::work hold(c);
  hold.exec("lock table held in access exclusive mode");
  const auto bg = it::start_pgdba({"-d", db.name(), "--lock-timeout", "200ms", "index", "drop", "held_id", "--yes",
                                   "--retries", "50", "--retry-pause", "100ms"});
  const bool retried = it::wait_for([&] { return err_of(bg).find("trying again") != std::string::npos; });
  hold.abort();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(retried);
  CHECK(r.code == 0);
  CHECK(db.value("select count(*) from pg_index where indrelid = 'held'::regclass") == "0");
  CHECK(db.pgdba({"index", "drop", "held_id", "--retries", "-1"}).code == 2);
  CHECK(db.pgdba({"index", "create", "--table", "held", "--columns", "id", "--retry-pause", "soon"}).code == 2);
}

TEST_CASE("index invalid --all-databases names each database", "[index]") {
  it::ScratchDb db("idx_alldb");
  db.exec("create table dup (id int); insert into dup values (1), (1)");
  CHECK(db.pgdba({"index", "create", "--table", "dup", "--columns", "id", "--unique"}).code == 1);
  const auto r = it::pgdba({"index", "invalid", "--all-databases", "-o", "json"});
  INFO(r.err);
  CHECK((r.code == 0 || r.code == 4));  // another test's database may vanish meanwhile
  bool found = false;
  for (const auto& row : it::parse_json(r.out))
    if (row["database"] == db.name() && row["table"] == "dup") found = true;
  CHECK(found);
}
