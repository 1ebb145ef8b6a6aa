// explain: EXPLAIN (FORMAT JSON) of the user's statement as a table of plan
// nodes in tree order, estimated against actual rows with misestimates of
// 10x or more flagged, each node's own time, and a summary. With --analyze
// the statement runs inside a transaction that is rolled back, so one that
// writes changes nothing.
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands/stats/explain_plan.hpp"
#include "commands/stats/stats.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

struct ExplainOptions {
  std::string command, file;
  std::vector<std::string> params;
  bool analyze = false, buffers = false, wal = false, settings = false;
  // The statement, read once before connecting (a fleet run explains the
  // same text on every target, standard input included).
  mutable std::string statement;
  void validate() const {
    if (command.empty() == file.empty()) throw usage_error("explain needs the statement: -c SQL or -f FILE");
    if (wal && !analyze) throw usage_error("--wal needs --analyze");
    statement = command;
    if (file == "-") {
      statement.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else if (!file.empty()) {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw usage_error("cannot open \"" + file + "\": " + std::strerror(errno));
      std::ostringstream s;
      s << in.rdbuf();
      statement = s.str();
    }
    // One statement: a script's closing ';' would end EXPLAIN's.
    while (!statement.empty() &&
           (std::isspace(static_cast<unsigned char>(statement.back())) != 0 || statement.back() == ';'))
      statement.pop_back();
    if (statement.find_first_not_of(" \t\r\n") == std::string::npos)
      throw usage_error("explain: the statement is empty");
  }
};

using Cell = std::optional<std::string>;

Cell num(std::optional<double> v, const char* format = "%.15g") {
  if (!v) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, format, *v);
  return std::string(buf);
}

Cell seconds(std::optional<double> ms) {
  return ms ? num(*ms / 1000, "%.9g") : std::nullopt;
}

Cell count(std::optional<long long> v) {
  return v ? Cell(std::to_string(*v)) : std::nullopt;
}

Cell text(const std::string& s) {
  return s.empty() ? std::nullopt : Cell(s);
}

std::string describe(const PlanNode& n) {
  return "#" + std::to_string(n.id) + " " + n.label;
}

Table plan_table(const Plan& p, const ExplainOptions& o) {
  std::vector<Column> cols{{"id", Kind::Integer, Kind::Text},          {"parent", Kind::Integer, Kind::Text},
                           {"depth", Kind::Integer, Kind::Text},       {"node", Kind::Text, Kind::Text},
                           {"startup_cost", Kind::Float, Kind::Text},  {"total_cost", Kind::Float, Kind::Text},
                           {"estimated_rows", Kind::Float, Kind::Text}};
  if (o.analyze) {
    for (const char* c : {"actual_rows", "loops"})
      cols.push_back({c, Kind::Float, Kind::Text});
    for (const char* c : {"time", "self_time"})
      cols.push_back({c, Kind::Seconds, Kind::Text});
    cols.push_back({"misestimate", Kind::Float, Kind::Text});
    cols.push_back({"flag", Kind::Text, Kind::Text});
  }
  if (o.buffers) {
    for (const char* c : {"shared_hit", "shared_read"})
      cols.push_back({c, Kind::Integer, Kind::Text});
  }
  if (o.wal) {
    cols.push_back({"wal_records", Kind::Integer, Kind::Text});
    cols.push_back({"wal_bytes", Kind::Bytes, Kind::Text});
  }
  Table t("plan", cols);
  for (const auto& n : p.nodes) {
    std::vector<Cell> row{
        std::to_string(n.id),
        n.parent == 0 ? std::nullopt : Cell(std::to_string(n.parent)),
        std::to_string(n.depth),
        std::string(static_cast<std::size_t>(n.depth) * 2, ' ') + (n.depth > 0 ? "-> " : "") + n.label,
        num(n.startup_cost, "%.2f"),
        num(n.total_cost, "%.2f"),
        num(n.plan_rows)};
    if (o.analyze) {
      row.push_back(num(n.actual_rows));
      row.push_back(num(n.loops));
      row.push_back(seconds(n.time_ms));
      row.push_back(seconds(n.self_time_ms));
      row.push_back(num(n.misestimate, "%.1f"));
      row.push_back(n.loops && *n.loops == 0 ? Cell("never executed") : text(n.flag));
    }
    if (o.buffers) {
      row.push_back(count(n.shared_hit));
      row.push_back(count(n.shared_read));
    }
    if (o.wal) {
      row.push_back(count(n.wal_records));
      row.push_back(count(n.wal_bytes));
    }
    t.add_row(std::move(row));
  }
  return t;
}

Table summary_table(const Plan& p, const ExplainOptions& o) {
  std::vector<Column> cols{
      {"planning_time", Kind::Seconds, Kind::Text},     {"execution_time", Kind::Seconds, Kind::Text},
      {"total_cost", Kind::Float, Kind::Text},          {"writes", Kind::Boolean, Kind::Text},
      {"rolled_back", Kind::Boolean, Kind::Text},       {"slowest_node", Kind::Text, Kind::Text},
      {"slowest_self_time", Kind::Seconds, Kind::Text}, {"misestimates", Kind::Integer, Kind::Text},
      {"worst_misestimate", Kind::Text, Kind::Text},    {"worst_factor", Kind::Float, Kind::Text}};
  if (o.settings) cols.push_back({"settings", Kind::Json, Kind::Text});
  Table t("summary", cols);
  const PlanNode* slow = slowest_node(p);
  const PlanNode* worst = worst_misestimate(p);
  int flagged = 0;
  for (const auto& n : p.nodes)
    flagged += n.flag.empty() ? 0 : 1;
  std::vector<Cell> row{seconds(p.planning_ms),
                        seconds(p.execution_ms),
                        num(p.nodes.empty() ? 0 : p.nodes[0].total_cost, "%.2f"),
                        Cell(p.writes ? "t" : "f"),
                        Cell(o.analyze ? "t" : "f"),
                        slow ? Cell(describe(*slow)) : std::nullopt,
                        slow ? seconds(slow->self_time_ms) : std::nullopt,
                        o.analyze ? Cell(std::to_string(flagged)) : std::nullopt,
                        worst ? Cell(describe(*worst)) : std::nullopt,
                        worst ? num(worst->misestimate, "%.1f") : std::nullopt};
  if (o.settings) row.push_back(Cell(p.settings.empty() ? "{}" : p.settings));
  t.add_row(std::move(row));
  return t;
}

// Machines get PostgreSQL's own plan too, whole, beside pgdba's rows; in a
// table or CSV a document that size would only bury them.
bool wants_postgres_plan(const std::string& output) {
  return output == "json" || output == "jsonl";
}

Result explain(Session& s, const ExplainOptions& o, bool postgres_plan) {
  // The user's statement is the point of this command: it runs as they
  // wrote it, after the EXPLAIN options, with their values bound.
  std::string sql = "EXPLAIN (FORMAT JSON";
  if (o.analyze) sql += ", ANALYZE";
  if (o.buffers) sql += ", BUFFERS";
  if (o.wal) sql += ", WAL";
  if (o.settings) sql += ", SETTINGS";
  sql += ") " + o.statement;
  Params params;
  for (const auto& v : o.params)
    params.push_back(v.c_str());
  std::string plan_json;
  if (o.analyze) {
    Transaction tx(s, "starting the transaction EXPLAIN ANALYZE runs in");
    plan_json = s.exec(sql, params, "explaining the statement")[0][0].str();
    tx.rollback();
  } else {
    plan_json = s.exec(sql, params, "explaining the statement")[0][0].str();
  }
  Plan p;
  try {
    p = parse_plan(plan_json);
  } catch (const std::exception& e) {
    throw failure(std::string("reading the plan: ") + e.what());
  }
  if (o.analyze && p.writes)
    log::warn("the statement writes: EXPLAIN ANALYZE ran it in a transaction that was rolled back");
  Result out{plan_table(p, o), summary_table(p, o)};
  if (postgres_plan) {
    Table raw("postgres_plan", {{"plan", Kind::Json, Kind::Text}});
    raw.add_row({plan_json});
    out.push_back(std::move(raw));
  }
  return out;
}

}  // namespace

void add_explain_command(CommandTable& table) {
  table
      .command<ExplainOptions>(
          "explain",
          "The plan of a statement as a tree of nodes with costs and estimated rows; with --analyze actual rows, "
          "loops, each node's time and its own, estimates off by 10x or more flagged, and a summary of the "
          "slowest node and the worst misestimate (a statement that writes is rolled back); -o json/jsonl also "
          "carry PostgreSQL's own JSON plan (postgres_plan)",
          {Need::User, Effect::Read})
      .option("-c,--command", &ExplainOptions::command, "the statement to explain")
      .option("-f,--file", &ExplainOptions::file, "read the statement from this file (- for standard input)")
      .option("--param", &ExplainOptions::params, "value bound to $1, $2, ... in order (repeat the option)")
      .flag("--analyze", &ExplainOptions::analyze,
            "run the statement (inside a transaction that is rolled back) and report what happened")
      .flag("--buffers", &ExplainOptions::buffers, "shared buffers hit and read per node")
      .flag("--wal", &ExplainOptions::wal, "WAL records and bytes each node wrote (with --analyze)")
      .flag("--settings", &ExplainOptions::settings, "the planner settings changed from their defaults, in the summary")
      .run([](Unit& u, const ExplainOptions& o) {
        return explain(u.session(), o, wants_postgres_plan(u.ctx().options().output));
      });
}

}  // namespace pgdba
