// table list/describe/create/drop/rename/truncate against the test cluster.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/integration/harness.hpp"

namespace {

nlohmann::json row_for(const nlohmann::json& rows, const std::string& key, const std::string& value) {
  for (const auto& r : rows)
    if (r.contains(key) && r[key] == value) return r;
  return nullptr;
}

// What psql's \d+ prints for `table` in `db`: the server's own psql, else
// the system's (the matrix's servers come without client programs).
std::string psql_describe(const std::string& db, const std::string& table) {
  const auto& env = it::cluster();
  std::string psql = "psql";
  if (env.count("PGDBA_PG_BINDIR") != 0u && access((env.at("PGDBA_PG_BINDIR") + "/psql").c_str(), X_OK) == 0)
    psql = env.at("PGDBA_PG_BINDIR") + "/psql";
  return it::shell(psql + " -X -d '" + db + "' -c '\\d+ " + table + "' 2>&1").out;
}

// `sql` without the "public." psql leaves out.
std::string unqualified(const nlohmann::json& sql) {
  std::string s = sql.get<std::string>();
  for (std::size_t at; (at = s.find("public.")) != std::string::npos;)
    s.erase(at, 7);
  return s;
}

const char* const kEveryFeature =
    "create table parent_t (id int generated always as identity primary key, "
    "  name text not null default 'x' collate \"C\", doubled int generated always as (id * 2) stored, "
    "  payload text); "
    "comment on column parent_t.name is 'the name'; "
    "create table orders (id bigint, region text, parent_id int references parent_t (id) on delete cascade, "
    "  amount numeric(10, 2) check (amount > 0)) partition by list (region); "
    "create table orders_eu partition of orders for values in ('eu'); "
    "create table orders_def partition of orders default; "
    "alter table orders add primary key (id, region); "
    "create table child_t (id int, order_id bigint, region text, "
    "  foreign key (order_id, region) references orders (id, region)); "
    "alter table orders enable row level security; "
    "create policy only_eu on orders for select to public using (region = 'eu'); "
    "create function trg_f() returns trigger language plpgsql as 'begin return new; end'; "
    "create trigger orders_trg before insert on orders_eu for each row execute function trg_f(); "
    "create trigger parent_trg after update on parent_t for each row execute function trg_f(); ";

}  // namespace

TEST_CASE("table list: kinds, primary key, replica identity, sizes, hostile names", "[table][matrix]") {
  it::ScratchDb db("tbl_list");
  db.exec(kEveryFeature);
  db.exec(
      "create schema \"s'; x\"; create table \"s'; x\".\"T\"\"1 日本\" (id int); "
      "insert into \"s'; x\".\"T\"\"1 日本\" select generate_series(1, 100); analyze \"s'; x\".\"T\"\"1 日本\"; "
      "alter table \"s'; x\".\"T\"\"1 日本\" replica identity full; "
      "create view \"s'; x\".v as select 1 as one; "
      "create materialized view \"s'; x\".mv as select 1 as one");
  const auto r = db.pgdba({"table", "list", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(row_for(rows, "name", "orders")["kind"] == "partitioned table");
  CHECK(row_for(rows, "name", "orders")["has_primary_key"] == true);
  // A partitioned table holds nothing itself: its size is that of its partitions.
  CHECK(
      row_for(rows, "name", "orders")["size_bytes"].get<long long>() ==
      std::stoll(db.value("select sum(pg_total_relation_size(relid)) from pg_partition_tree('orders') where isleaf")));
  CHECK(row_for(rows, "name", "orders")["size_bytes"].get<long long>() >=
        row_for(rows, "name", "orders_eu")["size_bytes"].get<long long>());
  CHECK(row_for(rows, "name", "orders_eu")["kind"] == "partition");
  CHECK(row_for(rows, "name", "child_t")["has_primary_key"] == false);
  CHECK(row_for(rows, "name", "child_t")["replica_identity"] == "default");
  const auto hostile = row_for(rows, "name", "T\"1 日本");
  CHECK(hostile["schema"] == "s'; x");
  CHECK(hostile["kind"] == "table");
  CHECK(hostile["row_estimate"] == 100);
  CHECK(hostile["replica_identity"] == "full");
  CHECK(hostile["owner"] == "postgres");
  CHECK(hostile["size_bytes"].get<long long>() ==
        std::stoll(db.value("select pg_total_relation_size('\"s''; x\".\"T\"\"1 日本\"')")));
  CHECK(row_for(rows, "name", "v")["kind"] == "view");
  CHECK(row_for(rows, "name", "mv")["kind"] == "materialized view");

  const auto only = db.pgdba({"table", "list", "-n", "s'; x", "-o", "json"});
  REQUIRE(only.code == 0);
  CHECK(it::parse_json(only.out).size() == 3);
  CHECK(db.pgdba({"table", "list"}).code == 0);
}

TEST_CASE("table describe agrees with psql d+ for a table with every feature", "[table][matrix]") {
  it::ScratchDb db("tbl_describe");
  db.exec(kEveryFeature);
  const auto r = db.pgdba({"table", "describe", "orders", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out);
  const std::string psql = psql_describe(db.name(), "orders");
  INFO(psql);
  REQUIRE_THAT(psql, Catch::Contains("Partitioned table"));

  const auto& t = j["table"][0];
  CHECK(t["kind"] == "partitioned table");
  CHECK(t["row_security"] == true);
  CHECK_THAT(psql, Catch::Contains("Partition key: " + t["partition_key"].get<std::string>()));
  for (const auto& c : j["columns"]) {
    CHECK_THAT(psql, Catch::Contains(c["name"].get<std::string>()));
    CHECK_THAT(psql, Catch::Contains(c["type"].get<std::string>()));
  }
  CHECK(j["columns"].size() == 4);
  CHECK(row_for(j["columns"], "name", "id")["not_null"] == true);
  // psql shows keys under Indexes, and names objects of its search_path
  // unqualified; pgdba's fixed search_path qualifies them.
  for (const auto& k : j["constraints"]) {
    if (k["type"] != "check" && k["type"] != "foreign key") continue;
    CHECK_THAT(psql, Catch::Contains(unqualified(k["definition"])));
  }
  CHECK(row_for(j["constraints"], "type", "foreign key")["references"] == "public.parent_t");
  CHECK(row_for(j["constraints"], "type", "check")["definition"] == "CHECK (amount > 0::numeric)");
  REQUIRE(j["referenced_by"].size() == 1);
  CHECK(j["referenced_by"][0]["table"] == "public.child_t");
  CHECK_THAT(psql,
             Catch::Contains("TABLE \"child_t\" CONSTRAINT \"" + j["referenced_by"][0]["name"].get<std::string>()));
  REQUIRE(j["policies"].size() == 1);
  CHECK(j["policies"][0]["name"] == "only_eu");
  CHECK(j["policies"][0]["using"] == "(region = 'eu'::text)");
  CHECK_THAT(psql, Catch::Contains("POLICY \"only_eu\" FOR SELECT"));
  REQUIRE(j["partitions"].size() == 2);
  CHECK(j["partitions"][0]["name"] == "public.orders_eu");
  CHECK(j["partitions"][0]["bound"] == "FOR VALUES IN ('eu')");
  CHECK(j["partitions"][1]["bound"] == "DEFAULT");
  CHECK_THAT(psql, Catch::Contains("orders_eu FOR VALUES IN ('eu')"));
  REQUIRE(j["indexes"].size() == 1);
  CHECK(j["indexes"][0]["enforces"] == "primary key");
  for (const char* s : {"triggers", "publications"})
    CHECK(j[s].empty());

  // The parent: identity and generated columns, a default with a collation,
  // a comment, a trigger.
  const auto p = db.pgdba({"table", "describe", "public.parent_t", "-o", "json"});
  REQUIRE(p.code == 0);
  const auto pj = it::parse_json(p.out);
  const std::string ppsql = psql_describe(db.name(), "parent_t");
  INFO(ppsql);
  CHECK(row_for(pj["columns"], "name", "id")["identity"] == "always");
  CHECK_THAT(ppsql, Catch::Contains("generated always as identity"));
  CHECK(row_for(pj["columns"], "name", "doubled")["generated"] == "(id * 2)");
  CHECK_THAT(ppsql, Catch::Contains("generated always as (id * 2) stored"));
  CHECK(row_for(pj["columns"], "name", "name")["default"] == "'x'::text");
  CHECK(row_for(pj["columns"], "name", "name")["collation"] == "C");
  CHECK(row_for(pj["columns"], "name", "name")["comment"] == "the name");
  CHECK(row_for(pj["columns"], "name", "payload")["storage"] == "extended");
  REQUIRE(pj["triggers"].size() == 1);
  CHECK_THAT(ppsql, Catch::Contains(unqualified(pj["triggers"][0]["definition"]).substr(15)));  // after CREATE TRIGGER
  CHECK(pj["referenced_by"][0]["table"] == "public.orders");
  CHECK(pj["table"][0]["total_bytes"].get<long long>() > 0);

  // A partition names its parent.
  const auto part = db.pgdba({"table", "describe", "orders_eu", "-o", "json"});
  REQUIRE(part.code == 0);
  const auto partj = it::parse_json(part.out);
  CHECK(partj["table"][0]["partition_of"] == "public.orders");
  CHECK(partj["table"][0]["partition_bound"] == "FOR VALUES IN ('eu')");
  CHECK(partj["triggers"][0]["name"] == "orders_trg");

  CHECK(db.pgdba({"table", "describe", "orders"}).code == 0);
  const auto missing = db.pgdba({"table", "describe", "no_such"});
  CHECK(missing.code == 1);
  CHECK(it::count_lines(missing.err) == 1);
}

TEST_CASE("table describe of hostile names and a view", "[table]") {
  it::ScratchDb db("tbl_hostile");
  db.exec(
      "create schema \"a\"\"b\"; create table \"a\"\"b\".\"x; drop table y 日本\" (\"c\"\"1\" int default 7); "
      "create view \"a\"\"b\".v as select 1 as one");
  const auto r = db.pgdba({"table", "describe", "\"a\"\"b\".\"x; drop table y 日本\"", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = it::parse_json(r.out);
  CHECK(j["table"][0]["schema"] == "a\"b");
  CHECK(j["table"][0]["name"] == "x; drop table y 日本");
  CHECK(j["columns"][0]["name"] == "c\"1");
  CHECK(j["columns"][0]["default"] == "7");
  const auto v = db.pgdba({"table", "describe", "\"a\"\"b\".v", "-o", "json"});
  REQUIRE(v.code == 0);
  CHECK(it::parse_json(v.out)["table"][0]["view_definition"].get<std::string>().find("1 AS one") != std::string::npos);
  const auto idx = db.pgdba({"table", "describe", "pg_class_oid_index"});
  CHECK(idx.code == 1);
  CHECK_THAT(idx.err, Catch::Contains("it is an index"));
}

TEST_CASE("table create, rename, truncate, drop with hostile names and dependents", "[table][matrix]") {
  it::ScratchDb db("tbl_ddl");
  it::ServerLog log;
  const auto c = db.pgdba({"table", "create", "x; \"t\" 日本", "--column", "id bigint generated always as identity",
                           "--column", "\"my, col\" text not null default 'x'", "--primary-key", "id", "-o", "json"});
  INFO(c.err);
  REQUIRE(c.code == 0);
  CHECK(it::parse_json(c.out)[0]["object"] == "\"public\".\"x; \"\"t\"\" 日本\"");
  CHECK(
      db.value("select count(*) from pg_attribute where attrelid = '\"x; \"\"t\"\" 日本\"'::regclass and attnum > 0") ==
      "2");
  CHECK(
      db.value("select pg_get_constraintdef(oid) from pg_constraint where conrelid = '\"x; \"\"t\"\" 日本\"'::regclass "
               "and contype = 'p'") == "PRIMARY KEY (id)");
  CHECK(db.pgdba({"table", "create", "x; \"t\" 日本", "--column", "id int"}).code == 1);
  const auto again =
      db.pgdba({"table", "create", "x; \"t\" 日本", "--column", "id int", "--if-not-exists", "-o", "json"});
  CHECK(again.code == 0);
  CHECK(it::parse_json(again.out)[0]["status"] == "exists");
  db.exec("create schema s2");
  REQUIRE(db.pgdba({"table", "create", "parts", "--schema", "s2", "--column", "id int", "--column", "region text",
                    "--partition-by", "list (region)"})
              .code == 0);
  CHECK(db.value("select relkind from pg_class where oid = 's2.parts'::regclass") == "p");

  // Bad input is refused before anything runs.
  CHECK(db.pgdba({"table", "create", "nocols"}).code == 2);
  CHECK(db.pgdba({"table", "create", "t2", "--column", "justname"}).code == 2);
  CHECK(db.pgdba({"table", "create", "t2", "--column", "\"open int"}).code == 2);
  CHECK(db.pgdba({"table", "create", std::string(64, 'n'), "--column", "a int"}).code == 2);

  // rename keeps the schema.
  REQUIRE(db.pgdba({"table", "rename", "\"x; \"\"t\"\" 日本\"", "Renamed \"1\""}).code == 0);
  CHECK(db.value("select count(*) from pg_class where relname = 'Renamed \"1\"'") == "1");

  // truncate: asks first; --cascade empties referencing tables, and says so.
  db.exec(
      "insert into \"Renamed \"\"1\"\"\" default values; insert into \"Renamed \"\"1\"\"\" default values; "
      "create table refs (id bigint references \"Renamed \"\"1\"\"\"); insert into refs values (1)");
  CHECK(db.pgdba({"table", "truncate", "\"Renamed \"\"1\"\"\""}).code == 2);
  CHECK(db.pgdba({"table", "truncate", "\"Renamed \"\"1\"\"\"", "--yes"}).code == 1);  // referenced
  const auto dry = db.pgdba({"table", "truncate", "\"Renamed \"\"1\"\"\"", "--cascade", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK_THAT(dry.out, Catch::Contains("empties too: public.refs"));
  CHECK(db.value("select count(*) from refs") == "1");
  const auto t = db.pgdba(
      {"table", "truncate", "\"Renamed \"\"1\"\"\"", "--cascade", "--restart-identity", "--yes", "-o", "json"});
  INFO(t.err);
  REQUIRE(t.code == 0);
  CHECK(row_for(it::parse_json(t.out), "object", "public.refs")["status"] == "truncated");
  CHECK(db.value("select count(*) from refs") == "0");
  db.exec("insert into \"Renamed \"\"1\"\"\" default values");
  CHECK(db.value("select id from \"Renamed \"\"1\"\"\"") == "1");  // identity restarted

  // drop: refuses while a view and a foreign key depend on it, names them.
  db.exec("create view v1 as select * from \"Renamed \"\"1\"\"\"; create view v2 as select * from v1");
  const auto refused = db.pgdba({"table", "drop", "\"Renamed \"\"1\"\"\"", "--yes"});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("view public.v1"));
  CHECK_THAT(refused.err, Catch::Contains("view public.v2"));
  CHECK_THAT(refused.err, Catch::Contains("refs"));
  const auto dropped = db.pgdba({"table", "drop", "\"Renamed \"\"1\"\"\"", "--yes", "--cascade", "-o", "json"});
  INFO(dropped.err);
  REQUIRE(dropped.code == 0);
  CHECK(row_for(it::parse_json(dropped.out), "object", "view public.v2")["status"] == "dropped");
  CHECK(db.value("select count(*) from pg_class where relname in ('Renamed \"1\"', 'v1', 'v2')") == "0");
  CHECK(db.value("select count(*) from refs") == "0");  // the table stays, its foreign key went
  CHECK(db.pgdba({"table", "drop", "gone", "--yes"}).code == 1);
  CHECK(db.pgdba({"table", "drop", "gone", "--yes", "--if-exists"}).code == 0);
  CHECK(log.saw("CREATE TABLE \"public\".\"x; \"\"t\"\" 日本\""));
}

TEST_CASE("table truncate of a table another session holds fails within the lock timeout, then succeeds", "[table]") {
  it::ScratchDb db("tbl_locked");
  db.exec("create table held (id int); insert into held values (1)");
  {
    auto c = it::connect(db.name());
    pqxx::work tx(c);
    tx.exec("select * from held");  // ACCESS SHARE: TRUNCATE must wait for it
    const auto start = std::chrono::steady_clock::now();
    const auto r = db.pgdba({"--lock-timeout", "300ms", "table", "truncate", "held", "--yes"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("lock timeout"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(db.value("select count(*) from held") == "1");
    tx.abort();
  }
  CHECK(db.pgdba({"--lock-timeout", "300ms", "table", "truncate", "held", "--yes"}).code == 0);
  CHECK(db.value("select count(*) from held") == "0");
}

TEST_CASE("table truncate --retries empties the table once the other session lets it go", "[table]") {
  it::ScratchDb db("tbl_retry");
  db.exec("create table held (id int); insert into held values (1)");
  auto c = it::connect(db.name());
  pqxx::work tx(c);
  tx.exec("select * from held");
  const auto bg = it::start_pgdba({"-d", db.name(), "--lock-timeout", "200ms", "table", "truncate", "held", "--yes",
                                   "--retries", "20", "--retry-pause", "200ms"});
  // Let go once pgdba has waited for the lock (a slow start, under a
  // sanitizer, must not find it free already).
  REQUIRE(it::wait_for([&] {
    return it::query_value(
               "select count(*) from pg_locks l join pg_stat_activity a using (pid) where not l.granted "
               "and a.datname = '" +
               db.name() + "' and a.application_name = 'pgdba'") != "0";
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  tx.abort();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("trying again"));
  CHECK(db.value("select count(*) from held") == "0");
}
