// The plan EXPLAIN (FORMAT JSON) returns, flattened into one row per node
// in tree order, with what people look for in it: the time each node spent
// itself, and row estimates that missed by 10x or more. Pure functions, so
// the unit tests feed them plans without a server.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgdba {

// Estimates this many times too high or too low are flagged.
constexpr double kMisestimateFactor = 10.0;

struct PlanNode {
  int id = 0;      // 1 for the root, in tree (pre-)order
  int parent = 0;  // 0 for the root
  int depth = 0;
  std::string label;  // "Index Scan using t_pkey on t", "Hash Left Join", "Insert on t"
  double startup_cost = 0, total_cost = 0, plan_rows = 0;
  // Only under ANALYZE (and not for a node that never ran: loops 0).
  std::optional<double> actual_rows;  // per loop, as EXPLAIN gives it
  std::optional<double> loops;
  std::optional<double> time_ms;                     // inclusive: the node and its children, all loops
  std::optional<double> self_time_ms;                // the node alone
  std::optional<double> misestimate;                 // >= 1: how many times the estimate was off
  std::string flag;                                  // "under-estimated", "over-estimated" or ""
  std::optional<long long> shared_hit, shared_read;  // blocks, under BUFFERS
  std::optional<long long> wal_records, wal_bytes;   // under WAL
};

struct Plan {
  std::vector<PlanNode> nodes;
  std::optional<double> planning_ms, execution_ms;
  bool writes = false;   // a ModifyTable node: INSERT, UPDATE, DELETE, MERGE
  std::string settings;  // under SETTINGS: the changed planner settings as a JSON object, "" if none
};

// Parses the single value EXPLAIN (FORMAT JSON) returned. Throws
// std::runtime_error when it is not such a plan.
Plan parse_plan(const std::string& explain_json);

// The node that spent the most time itself, and the worst flagged
// misestimate; null when there is none (no ANALYZE, no misestimate).
const PlanNode* slowest_node(const Plan& p);
const PlanNode* worst_misestimate(const Plan& p);

}  // namespace pgdba
