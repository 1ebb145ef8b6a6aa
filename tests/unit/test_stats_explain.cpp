#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "commands/stats/explain_plan.hpp"

using namespace pgdba;

namespace {

// EXPLAIN (FORMAT JSON, ANALYZE) of a join whose inner scan's estimate is
// 50x too low, a node that never ran, and a sort above them.
const char* kAnalyzed = R"([{
  "Plan": {"Node Type": "Sort", "Startup Cost": 10.5, "Total Cost": 11.0, "Plan Rows": 100,
           "Actual Rows": 120, "Actual Loops": 1, "Actual Total Time": 9.0, "Shared Hit Blocks": 7,
           "Shared Read Blocks": 2,
    "Plans": [
      {"Node Type": "Hash Join", "Join Type": "Left", "Parent Relationship": "Outer", "Startup Cost": 1,
       "Total Cost": 10, "Plan Rows": 100, "Actual Rows": 120, "Actual Loops": 1, "Actual Total Time": 6.0,
       "Plans": [
         {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "o", "Startup Cost": 0, "Total Cost": 4,
          "Plan Rows": 2, "Actual Rows": 100, "Actual Loops": 1, "Actual Total Time": 2.0},
         {"Node Type": "Hash", "Startup Cost": 0, "Total Cost": 3, "Plan Rows": 1000, "Actual Rows": 0,
          "Actual Loops": 1, "Actual Total Time": 1.5,
          "Plans": [{"Node Type": "Index Scan", "Index Name": "c_pkey", "Relation Name": "customers",
                     "Alias": "customers", "Startup Cost": 0, "Total Cost": 3, "Plan Rows": 1000,
                     "Actual Rows": 0, "Actual Loops": 0}]}
       ]}
    ]},
  "Planning Time": 0.25, "Execution Time": 9.5
}])";

}  // namespace

TEST_CASE("explain: a plan flattened in tree order with labels, self time and misestimates", "[unit][explain]") {
  const Plan p = parse_plan(kAnalyzed);
  REQUIRE(p.nodes.size() == 5);
  CHECK(p.nodes[0].label == "Sort");
  CHECK(p.nodes[1].label == "Hash Left Join");
  CHECK(p.nodes[2].label == "Seq Scan on orders o");
  CHECK(p.nodes[3].label == "Hash");
  CHECK(p.nodes[4].label == "Index Scan using c_pkey on customers");
  CHECK(p.nodes[4].depth == 3);
  CHECK(p.nodes[4].parent == 4);
  CHECK(p.nodes[2].parent == 2);
  CHECK(*p.planning_ms == Approx(0.25));
  CHECK(*p.execution_ms == Approx(9.5));
  CHECK_FALSE(p.writes);
  // Own time: the node less its children.
  CHECK(*p.nodes[0].self_time_ms == Approx(3.0));
  CHECK(*p.nodes[1].self_time_ms == Approx(2.5));
  CHECK(*p.nodes[3].self_time_ms == Approx(1.5));  // its child never ran
  CHECK(slowest_node(p)->id == 1);
  // 2 estimated, 100 found: 50x under; 1000 estimated, 0 found: over.
  CHECK(p.nodes[2].flag == "under-estimated");
  CHECK(*p.nodes[2].misestimate == Approx(50));
  CHECK(p.nodes[3].flag == "over-estimated");
  CHECK(*p.nodes[3].misestimate == Approx(1000));
  CHECK(p.nodes[0].flag.empty());  // 100 vs 120
  CHECK(worst_misestimate(p)->id == 4);
  // A node that never ran has no actual rows and no flag.
  CHECK_FALSE(p.nodes[4].actual_rows);
  CHECK(p.nodes[4].flag.empty());
  CHECK(*p.nodes[0].shared_hit == 7);
  CHECK(*p.nodes[0].shared_read == 2);
}

TEST_CASE("explain: a plan without ANALYZE, a write, and what is not a plan", "[unit][explain]") {
  const Plan p = parse_plan(R"([{"Plan": {"Node Type": "ModifyTable", "Operation": "Delete",
    "Relation Name": "t", "Alias": "t", "Startup Cost": 0, "Total Cost": 35.5, "Plan Rows": 0,
    "Plans": [{"Node Type": "Aggregate", "Strategy": "Hashed", "Startup Cost": 0, "Total Cost": 35.5,
               "Plan Rows": 2550}]}}])");
  REQUIRE(p.nodes.size() == 2);
  CHECK(p.writes);
  CHECK(p.nodes[0].label == "Delete on t");
  CHECK(p.nodes[1].label == "HashAggregate");
  CHECK_FALSE(p.nodes[1].actual_rows);
  CHECK_FALSE(p.nodes[1].misestimate);
  CHECK_FALSE(p.planning_ms);
  CHECK(slowest_node(p) == nullptr);
  CHECK(worst_misestimate(p) == nullptr);
  CHECK(p.settings.empty());
  CHECK_THROWS_AS(parse_plan("not json"), std::runtime_error);
  CHECK_THROWS_AS(parse_plan("[{\"no\": 1}]"), std::runtime_error);
}

TEST_CASE("explain: nothing expected and nothing found is exact, WAL and settings are read", "[unit][explain]") {
  const Plan p = parse_plan(R"([{"Plan": {"Node Type": "ModifyTable", "Operation": "Insert", "Relation Name": "t",
    "Startup Cost": 0, "Total Cost": 0.1, "Plan Rows": 0, "Actual Rows": 0, "Actual Loops": 1,
    "Actual Total Time": 0.5, "WAL Records": 20, "WAL Bytes": 5712},
    "Settings": {"work_mem": "1234kB"}, "Planning Time": 0.1, "Execution Time": 0.6}])");
  REQUIRE(p.nodes.size() == 1);
  CHECK(*p.nodes[0].misestimate == Approx(1));
  CHECK(p.nodes[0].flag.empty());
  CHECK(*p.nodes[0].wal_records == 20);
  CHECK(*p.nodes[0].wal_bytes == 5712);
  CHECK(p.settings == R"({"work_mem":"1234kB"})");
}
