#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "commands/data/sql_batch.hpp"

using namespace pgdba;

namespace {

std::string rewrite(const std::string& sql, int rows) {
  const BatchPlan p = plan_batch(sql);
  REQUIRE(p.multi_row);
  return multi_row_statement(sql, p, rows);
}

}  // namespace

TEST_CASE("plan_batch: a single VALUES group of parameters is repeatable", "[sql_batch]") {
  const std::string sql = "INSERT INTO t (a, b) VALUES ($1, $2)";
  const BatchPlan p = plan_batch(sql);
  CHECK(p.params == 2);
  REQUIRE(p.multi_row);
  CHECK(sql.substr(p.group_begin, p.group_end - p.group_begin) == "($1, $2)");
  CHECK(multi_row_statement(sql, p, 1) == sql);
  CHECK(multi_row_statement(sql, p, 3) == "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6)");
}

TEST_CASE("plan_batch: ON CONFLICT DO NOTHING after the group is kept", "[sql_batch]") {
  CHECK(rewrite("insert into t values($1) on conflict do nothing", 2) ==
        "insert into t values($1), ($2) on conflict do nothing");
  CHECK(rewrite("INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING", 2) ==
        "INSERT INTO t (a) VALUES ($1), ($2) ON CONFLICT (a) DO NOTHING");
  CHECK(rewrite("-- load rows\nINSERT INTO s.\"values\" (a) VALUES ($1)", 2) ==
        "-- load rows\nINSERT INTO s.\"values\" (a) VALUES ($1), ($2)");
}

TEST_CASE("plan_batch: renumbering follows the parameters, not their order", "[sql_batch]") {
  CHECK(rewrite("INSERT INTO t (b, a) VALUES ($2, $1)", 2) == "INSERT INTO t (b, a) VALUES ($2, $1), ($4, $3)");
  CHECK(rewrite("INSERT INTO t VALUES ($1, $1)", 3) == "INSERT INTO t VALUES ($1, $1), ($2, $2), ($3, $3)");
  CHECK(rewrite("INSERT INTO t VALUES (lower($1), coalesce($2, 'x'), now())", 2) ==
        "INSERT INTO t VALUES (lower($1), coalesce($2, 'x'), now()), (lower($3), coalesce($4, 'x'), now())");
  CHECK(rewrite("INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", 2) ==
        "INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10), ($11,$12,$13,$14,$15,$16,$17,$18,$19,$20)");
}

TEST_CASE("plan_batch: $n inside strings and comments is not a parameter", "[sql_batch]") {
  const std::string sql = "INSERT INTO t (a, note) VALUES ($1, 'costs $2' /* $3 */)";
  const BatchPlan p = plan_batch(sql);
  CHECK(p.params == 1);
  REQUIRE(p.multi_row);
  CHECK(multi_row_statement(sql, p, 2) ==
        "INSERT INTO t (a, note) VALUES ($1, 'costs $2' /* $3 */), ($2, 'costs $2' /* $3 */)");
  CHECK(rewrite("INSERT INTO t VALUES ($1, E'it\\'s $2', $$ $3 $$)", 2) ==
        "INSERT INTO t VALUES ($1, E'it\\'s $2', $$ $3 $$), ($2, E'it\\'s $2', $$ $3 $$)");
}

TEST_CASE("plan_batch: anything else runs row by row", "[sql_batch]") {
  // a parameter outside the group
  BatchPlan p = plan_batch("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = $3");
  CHECK(p.params == 3);
  CHECK_FALSE(p.multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t (a) VALUES ($1) RETURNING a + $2").multi_row);
  CHECK_FALSE(plan_batch("WITH x AS (SELECT $1::int AS v) INSERT INTO t VALUES ($2)").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t SELECT $1 FROM (VALUES (1)) v").multi_row);
  // not an INSERT
  p = plan_batch("UPDATE t SET a = $1 WHERE id = $2");
  CHECK(p.params == 2);
  CHECK_FALSE(p.multi_row);
  CHECK_FALSE(plan_batch("DELETE FROM t WHERE id = $1").multi_row);
  // several VALUES rows already
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, $2), ($3, $4)").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1)\n  , ($2)").multi_row);
  // no parameters at all
  p = plan_batch("INSERT INTO t VALUES (1)");
  CHECK(p.params == 0);
  CHECK_FALSE(p.multi_row);
}

TEST_CASE("plan_batch: set-based only where it means the same as row by row", "[sql_batch]") {
  // executemany semantics: an upsert may meet its own key again, a subquery
  // must see the rows inserted before it, RETURNING returns one row per row.
  CHECK_FALSE(
      plan_batch("INSERT INTO t (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = excluded.v").multi_row);
  CHECK_FALSE(plan_batch("insert into cnt values ((select count(*) from cnt), $1)").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES (nextval('s'), $1)").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, random())").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, f($2))").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, \"f\"($2))").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1) RETURNING id").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, (SELECT max(v) FROM t))").multi_row);
  CHECK_FALSE(plan_batch("INSERT INTO t VALUES ($1, clock_timestamp())").multi_row);
  // casts, constants, operators and functions of the arguments are fine
  CHECK(plan_batch("INSERT INTO t VALUES ($1::int, $2::timestamp with time zone, $3::numeric(10,2), 'x', NULL)")
            .multi_row);
  CHECK(plan_batch("INSERT INTO t VALUES (CAST($1 AS int8), $2 || '-' || $3, -1.5e3, DEFAULT, true)").multi_row);
  CHECK(plan_batch("INSERT INTO t VALUES (($1 + 1) * 2, $2::text[], current_timestamp)").multi_row);
}

TEST_CASE("plan_batch: the table, its column list and bare parameters make a COPY", "[sql_batch]") {
  BatchPlan p = plan_batch("insert into t values ($1, $2, $3)");
  CHECK(p.target == "t");
  CHECK(p.columns.empty());
  CHECK(p.copy_params == std::vector<int>{1, 2, 3});
  CHECK(copy_statement(p, {"a", "b", "c"}) == "COPY t (a, b, c) FROM STDIN");

  // Parameters out of order: the columns follow the parameters.
  p = plan_batch("INSERT INTO s.\"My, Table\" (\"B\", a) VALUES ($2, $1)");
  CHECK(p.target == "s.\"My, Table\"");
  CHECK(p.columns == std::vector<std::string>{"\"B\"", "a"});
  CHECK(p.copy_params == std::vector<int>{2, 1});
  CHECK(copy_statement(p, p.columns) == "COPY s.\"My, Table\" (a, \"B\") FROM STDIN");

  // Anything but bare parameters, each once, with nothing after: no COPY.
  CHECK(plan_batch("insert into t values ($1, $1)").copy_params.empty());
  CHECK(plan_batch("insert into t values ($1::int, $2)").copy_params.empty());
  CHECK(plan_batch("insert into t values ($1, now())").copy_params.empty());
  CHECK(plan_batch("insert into t values ($1) on conflict do nothing").copy_params.empty());
  CHECK(plan_batch("insert into t (a[1]) values ($1)").copy_params.empty());
  CHECK(plan_batch("insert into t (a[1]) values ($1)").multi_row);
  // A target that is not a plain name cannot be checked: row by row.
  CHECK_FALSE(plan_batch("insert into t as x values ($1)").multi_row);
}

TEST_CASE("identifier_name: quoted names as written, plain names folded to lower case", "[sql_batch]") {
  CHECK(identifier_name("Abc") == "abc");
  CHECK(identifier_name("\"Abc\"") == "Abc");
  CHECK(identifier_name("\"a\"\"b\"") == "a\"b");
  CHECK(identifier_name("\"ünï\"") == "ünï");
}
