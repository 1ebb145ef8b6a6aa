// vacuum/analyze statements and vacuumdb's --table syntax (pure).
#include <catch2/catch.hpp>

#include "commands/maintenance/vacuum_sql.hpp"
#include "src/errors.hpp"
#include "src/size_arg.hpp"

using namespace pgdba;

TEST_CASE("parse_table_spec splits the relation and folds or unquotes columns", "[vacuum]") {
  auto t = parse_table_spec("public.t");
  CHECK(t.relation == "public.t");
  CHECK(t.columns.empty());
  t = parse_table_spec(R"("we'ird"."Ta(b;le"( "B""x" , Col2 ))");
  CHECK(t.relation == R"("we'ird"."Ta(b;le")");
  CHECK(t.columns == std::vector<std::string>{"B\"x", "col2"});
  CHECK_THROWS_AS(parse_table_spec("t(a,"), Error);
  CHECK_THROWS_AS(parse_table_spec("t(a"), Error);
  CHECK_THROWS_AS(parse_table_spec("(a)"), Error);
}

TEST_CASE("maintenance_statement spells every vacuumdb option", "[vacuum]") {
  VacuumFlags f;
  CHECK(maintenance_statement(f, "\"s\".\"t\"", {}) == "VACUUM \"s\".\"t\"");
  f.full = f.freeze = f.analyze = f.skip_locked = f.disable_page_skipping = true;
  f.no_index_cleanup = f.no_truncate = f.no_process_toast = true;
  f.buffer_usage_limit = "256kB";
  CHECK(maintenance_statement(f, "t", {"a b"}) ==
        "VACUUM (FULL, FREEZE, ANALYZE, SKIP_LOCKED, DISABLE_PAGE_SKIPPING, INDEX_CLEANUP OFF, TRUNCATE OFF, "
        "PROCESS_TOAST OFF, BUFFER_USAGE_LIMIT '256kB') t (\"a b\")");
  VacuumFlags a;
  a.analyze_only = true;
  a.skip_locked = true;
  CHECK(maintenance_statement(a, "t", {}) == "ANALYZE (SKIP_LOCKED) t");
  VacuumFlags p;
  p.parallel = 0;
  CHECK(maintenance_statement(p, "t", {}) == "VACUUM (PARALLEL 0) t");
}

TEST_CASE("check_flags refuses what vacuumdb refuses", "[vacuum]") {
  VacuumFlags f;
  CHECK(check_flags(f, false).empty());
  CHECK_FALSE(check_flags(f, true).empty());  // columns need analyze
  f.analyze_only = true;
  CHECK(check_flags(f, true).empty());
  f.full = true;
  CHECK_FALSE(check_flags(f, false).empty());
  VacuumFlags g;
  g.full = true;
  g.parallel = 2;
  CHECK_FALSE(check_flags(g, false).empty());
}

TEST_CASE("parse_size and parse_ratio read what a DBA types", "[vacuum]") {
  CHECK(parse_size("--min-size", "8192") == 8192);
  CHECK(parse_size("--min-size", "10MB") == 10.0 * 1024 * 1024);
  CHECK(parse_size("--min-size", "1.5 gb") == 1.5 * 1024 * 1024 * 1024);
  CHECK_THROWS_AS(parse_size("--min-size", "10 MiB"), Error);
  CHECK_THROWS_AS(parse_size("--min-size", "-1"), Error);
  CHECK(parse_ratio("--min-dead-ratio", "0.2") == Approx(0.2));
  CHECK(parse_ratio("--min-dead-ratio", "20%") == Approx(0.2));
  CHECK_THROWS_AS(parse_ratio("--min-dead-ratio", "1.5"), Error);
  CHECK_THROWS_AS(parse_ratio("--min-dead-ratio", "x"), Error);
}

TEST_CASE("reindex_statement and cluster_statement", "[vacuum]") {
  CHECK(reindex_statement("TABLE", "s.t", false, "") == "REINDEX TABLE s.t");
  CHECK(reindex_statement("INDEX", "s.i", true, "") == "REINDEX INDEX CONCURRENTLY s.i");
  CHECK(reindex_statement("INDEX", "s.i", true, "fast \"ssd\"") ==
        "REINDEX (TABLESPACE \"fast \"\"ssd\"\"\") INDEX CONCURRENTLY s.i");
  CHECK(reindex_statement("SYSTEM", "db", false, "") == "REINDEX SYSTEM db");
  CHECK(cluster_statement("s.t", "") == "CLUSTER s.t");
  CHECK(cluster_statement("s.t", "s_i") == "CLUSTER s.t USING s_i");
}
