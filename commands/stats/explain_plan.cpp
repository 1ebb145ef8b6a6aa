#include "commands/stats/explain_plan.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pgdba {

namespace {

using json = nlohmann::json;

std::optional<double> number(const json& node, const char* key) {
  const auto it = node.find(key);
  if (it == node.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string text(const json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The node as EXPLAIN's text format names it.
std::string label_of(const json& n) {
  std::string type = text(n, "Node Type");
  const std::string join = text(n, "Join Type");
  if (!join.empty() && join != "Inner") {
    if (type == "Nested Loop") {
      type += " " + join + " Join";
    } else if (const auto at = type.rfind(" Join"); at != std::string::npos) {
      type.insert(at, " " + join);
    }
  }
  if (type == "ModifyTable" && !text(n, "Operation").empty()) type = text(n, "Operation");
  if (type == "Aggregate" && text(n, "Strategy") == "Hashed") type = "HashAggregate";
  if (type == "Aggregate" && text(n, "Strategy") == "Sorted") type = "GroupAggregate";
  std::string label = type;
  if (!text(n, "Index Name").empty()) label += " using " + text(n, "Index Name");
  std::string on = text(n, "Relation Name");
  if (on.empty()) on = text(n, "CTE Name");
  if (on.empty()) on = text(n, "Function Name");
  if (!on.empty()) {
    label += " on " + on;
    const std::string alias = text(n, "Alias");
    if (!alias.empty() && alias != on) label += " " + alias;
  }
  const std::string sub = text(n, "Subplan Name");
  if (!sub.empty()) label = sub + ": " + label;
  return label;
}

void walk(const json& n, int parent, int depth, Plan& p) {
  PlanNode node;
  node.id = static_cast<int>(p.nodes.size()) + 1;
  node.parent = parent;
  node.depth = depth;
  node.label = label_of(n);
  node.startup_cost = number(n, "Startup Cost").value_or(0);
  node.total_cost = number(n, "Total Cost").value_or(0);
  node.plan_rows = number(n, "Plan Rows").value_or(0);
  if (text(n, "Node Type") == "ModifyTable") p.writes = true;
  const auto loops = number(n, "Actual Loops");
  if (loops && *loops > 0) {
    node.loops = loops;
    node.actual_rows = number(n, "Actual Rows");
    if (const auto t = number(n, "Actual Total Time")) node.time_ms = *t * *loops;
    if (node.actual_rows) {
      const double a = *node.actual_rows;
      const double e = node.plan_rows;
      node.misestimate = std::max(std::max(a, e), 1.0) / std::max(std::min(a, e), 1.0);
      if (*node.misestimate >= kMisestimateFactor) node.flag = a > e ? "under-estimated" : "over-estimated";
    }
  } else if (loops) {
    node.loops = loops;  // never executed
  }
  if (const auto h = number(n, "Shared Hit Blocks")) node.shared_hit = static_cast<long long>(*h);
  if (const auto r = number(n, "Shared Read Blocks")) node.shared_read = static_cast<long long>(*r);
  if (const auto w = number(n, "WAL Records")) node.wal_records = static_cast<long long>(*w);
  if (const auto w = number(n, "WAL Bytes")) node.wal_bytes = static_cast<long long>(*w);
  const std::size_t at = p.nodes.size();
  p.nodes.push_back(node);
  double children_ms = 0;
  if (const auto kids = n.find("Plans"); kids != n.end() && kids->is_array()) {
    for (const auto& kid : *kids) {
      const std::size_t child = p.nodes.size();
      walk(kid, node.id, depth + 1, p);
      if (p.nodes[child].time_ms) children_ms += *p.nodes[child].time_ms;
    }
  }
  if (p.nodes[at].time_ms) p.nodes[at].self_time_ms = std::max(0.0, *p.nodes[at].time_ms - children_ms);
}

}  // namespace

Plan parse_plan(const std::string& explain_json) {
  const json doc = json::parse(explain_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.empty() || !doc[0].is_object() || !doc[0].contains("Plan"))
    throw std::runtime_error("EXPLAIN did not return a JSON plan");
  const json& top = doc[0];
  Plan p;
  walk(top["Plan"], 0, 0, p);
  p.planning_ms = number(top, "Planning Time");
  p.execution_ms = number(top, "Execution Time");
  if (const auto settings = top.find("Settings"); settings != top.end() && settings->is_object())
    p.settings = settings->dump();
  return p;
}

const PlanNode* slowest_node(const Plan& p) {
  const PlanNode* best = nullptr;
  for (const auto& n : p.nodes)
    if (n.self_time_ms && (!best || *n.self_time_ms > *best->self_time_ms)) best = &n;
  return best;
}

const PlanNode* worst_misestimate(const Plan& p) {
  const PlanNode* worst = nullptr;
  for (const auto& n : p.nodes)
    if (!n.flag.empty() && (!worst || *n.misestimate > *worst->misestimate)) worst = &n;
  return worst;
}

}  // namespace pgdba
