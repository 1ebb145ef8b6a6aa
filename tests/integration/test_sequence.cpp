// sequence list and reset, checked through the server: the range used, who
// owns each sequence, and that after a reset the next insert gets a fresh id.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

namespace {

nlohmann::json row_named(const nlohmann::json& rows, const std::string& key, const std::string& name) {
  for (const auto& r : rows)
    if (r[key] == name) return r;
  return nullptr;
}

}  // namespace

TEST_CASE("sequence list: range used, and the identity or serial column that owns each", "[sequence][matrix]") {
  it::ScratchDb db("seq_list");
  db.exec(
      "create table s(id serial primary key); create table i(id int generated always as identity); "
      "create sequence tiny maxvalue 100; select nextval('tiny') from generate_series(1, 50)");
  const auto r = db.pgdba({"sequence", "list", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["name"] == "tiny");  // most used first
  CHECK(rows[0]["last_value"] == 50);
  CHECK(rows[0]["pct_used"].get<double>() == Approx(49.4949).epsilon(0.001));
  CHECK(rows[0]["kind"] == "standalone");
  CHECK(rows[0]["owned_by"].is_null());
  CHECK(row_named(rows, "name", "s_id_seq")["kind"] == "owned");
  CHECK(row_named(rows, "name", "s_id_seq")["owned_by"] == "public.s.id");
  CHECK(row_named(rows, "name", "s_id_seq")["last_value"].is_null());  // never used
  CHECK(row_named(rows, "name", "i_id_seq")["kind"] == "identity");
}

TEST_CASE("sequence reset --to-max-of-column after a bulk load: the next insert works", "[sequence][matrix]") {
  it::ScratchDb db("seq_reset");
  db.exec(
      "create schema \"we'ird\"; create table \"we'ird\".\"Ta;ble\"(\"Ké\" serial primary key, v int); "
      "insert into \"we'ird\".\"Ta;ble\"(\"Ké\", v) select g, g from generate_series(1, 100) g");
  const std::string seq = R"("we'ird"."Ta;ble_Ké_seq")";
  const auto r = db.pgdba({"sequence", "reset", seq, "--to-max-of-column", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["column_edge"] == 100);
  CHECK(rows[0]["last_value_after"] == 100);
  CHECK(rows[0]["status"] == "set");
  db.exec("insert into \"we'ird\".\"Ta;ble\"(v) values (0)");
  CHECK(db.value("select max(\"Ké\") from \"we'ird\".\"Ta;ble\"") == "101");

  // Ahead already: left alone, never moved backwards.
  const auto again = db.pgdba({"sequence", "reset", seq, "--to-max-of-column", "-o", "json"});
  REQUIRE(again.code == 0);
  CHECK(it::parse_json(again.out)[0]["status"] == "already ahead");
  CHECK(db.value("select last_value from \"we'ird\".\"Ta;ble_Ké_seq\"") == "101");
}

TEST_CASE("sequence reset --to refuses values the column already has, unless --force", "[sequence]") {
  it::ScratchDb db("seq_to");
  db.exec(
      "create table t(id serial primary key); insert into t select generate_series(1, 10); "
      "select setval('t_id_seq', 10); create sequence free");
  const auto low = db.pgdba({"sequence", "reset", "t_id_seq", "--to", "5"});
  CHECK(low.code == 1);
  CHECK(low.err.find("would hand out values public.t.id already has (max 10)") != std::string::npos);
  CHECK(db.value("select last_value from t_id_seq") == "10");
  const auto forced = db.pgdba({"sequence", "reset", "t_id_seq", "--to", "5", "--force", "-o", "json"});
  INFO(forced.err);
  REQUIRE(forced.code == 0);
  CHECK(db.value("select last_value from t_id_seq") == "5");
  const auto free_to = db.pgdba({"sequence", "reset", "free", "--to", "42", "-o", "json"});
  REQUIRE(free_to.code == 0);
  CHECK(db.value("select nextval('free')") == "43");
  const auto no_column = db.pgdba({"sequence", "reset", "free", "--to-max-of-column", "-o", "json"});
  CHECK(no_column.code == 1);
  CHECK(it::parse_json(no_column.out)[0]["error"].get<std::string>().find("no column owns") != std::string::npos);
  CHECK(db.pgdba({"sequence", "reset", "nope", "--to", "1"}).code != 0);
  CHECK(db.pgdba({"sequence", "reset", "free", "--to", "x"}).code == 2);
  CHECK(db.pgdba({"sequence", "reset", "free"}).code == 2);
  CHECK(db.pgdba({"sequence", "reset", "--all", "--to-max-of-column"}).code == 2);
}

TEST_CASE("sequence reset --all --schema sets every owned sequence, never one backwards", "[sequence]") {
  it::ScratchDb db("seq_all");
  db.exec(
      "create schema app; create table app.a(id serial); create table app.b(id bigserial); "
      "create sequence app.loose; insert into app.a(id) values (7); select nextval('app.b_id_seq')");
  const auto r = db.pgdba({"sequence", "reset", "--all", "-n", "app", "--to-max-of-column", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 2);  // not app.loose: no column owns it
  CHECK(row_named(rows, "sequence", "a_id_seq")["last_value_after"] == 7);
  // app.b is empty but its sequence was used: ahead of the column, left alone.
  CHECK(row_named(rows, "sequence", "b_id_seq")["status"] == "already ahead");
  db.exec("insert into app.a default values");
  CHECK(db.value("select max(id) from app.a") == "8");
}
