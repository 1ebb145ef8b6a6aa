// maintenance plan|run: one ranked list, across databases, of what actually
// needs doing (tables near the freeze limit first, then invalid indexes,
// dead tuples, stale statistics), each row with the statement and the
// pgdba command that does it; `run` does it in that order inside the
// guardrails (window, lock timeout with retries, replication lag).
#include <algorithm>
#include <atomic>

#include "commands/maintenance/maintenance.hpp"
#include "commands/maintenance/task.hpp"
#include "commands/maintenance/vacuum_sql.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/size_arg.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

struct PlanOptions {
  std::vector<std::string> dbs;
  std::string freeze_at = "50%", min_dead_ratio = "20%", min_mod_ratio = "10%";
  long long min_dead_tuples = 1000, min_mod_rows = 1000, max_actions = -1;
  GuardOptions guard;
};

// The thresholds as query parameters, checked before connecting.
struct Thresholds {
  std::string freeze_at, min_dead_tuples, min_dead_ratio, min_mod_ratio, min_mod_rows;
};

Thresholds check(const PlanOptions& o) {
  if (o.min_dead_tuples < 0 || o.min_mod_rows < 0) throw usage_error("row counts cannot be negative");
  if (o.max_actions == 0 || o.max_actions < -1) throw usage_error("--max-actions must be at least 1");
  return {number_text(parse_ratio("--freeze-at", o.freeze_at)), std::to_string(o.min_dead_tuples),
          number_text(parse_ratio("--min-dead-ratio", o.min_dead_ratio)),
          number_text(parse_ratio("--min-mod-since-analyze", o.min_mod_ratio)), std::to_string(o.min_mod_rows)};
}

struct Item {
  MaintenanceTask task;
  std::string kind, action, command;
  double priority = 0;
};

std::string statement_for(const std::string& action, const std::string& schema, const std::string& name) {
  const std::string qualified = quote_qualified(schema, name);
  if (action == "reindex") return reindex_statement("INDEX", qualified, true, "");
  if (action == "drop-invalid") return "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema, name);
  VacuumFlags f;
  f.analyze_only = action == "analyze";
  f.freeze = action.rfind("freeze", 0) == 0;
  f.analyze = !f.analyze_only && action.find("-analyze") != std::string::npos;
  return maintenance_statement(f, qualified, {});
}

// The pgdba command line that does the same to this one object.
std::string command_for(const Item& i, const std::string& qualified) {
  std::vector<std::string> argv{"pgdba"};
  if (!i.task.target.empty()) argv.insert(argv.end(), {"--target", i.task.target});
  argv.insert(argv.end(), {"-d", i.task.database});
  const std::string& a = i.action;
  if (a == "reindex" || a == "drop-invalid") {
    argv.insert(argv.end(), {"reindex", "-i", qualified, "--invalid-only"});
    argv.emplace_back(a == "reindex" ? "--concurrently" : "--drop-invalid");
  } else if (a == "analyze") {
    argv.insert(argv.end(), {"analyze", "-t", qualified});
  } else {
    argv.insert(argv.end(), {"vacuum", "-t", qualified});
    if (a.rfind("freeze", 0) == 0) argv.emplace_back("--freeze");
    if (a.find("-analyze") != std::string::npos) argv.emplace_back("--analyze");
  }
  return shell_command_line(argv);
}

std::vector<Item> plan_unit(Context& ctx, SessionCache& cache, const UnitRef& unit, const Thresholds& th) {
  Session& s = cache.get(ctx, unit.target, SessionKind::Ddl, unit.database);
  const Rows rows = s.exec(sql_text("maintenance/plan", s.server_version()),
                           {th.freeze_at.c_str(), th.min_dead_tuples.c_str(), th.min_dead_ratio.c_str(),
                            th.min_mod_ratio.c_str(), th.min_mod_rows.c_str()},
                           "looking for what needs doing");
  std::vector<Item> items;
  for (const auto& row : rows) {
    Item i;
    i.kind = row["kind"].str();
    i.action = row["action"].str();
    i.priority = row["priority"].as<double>();
    MaintenanceTask& t = i.task;
    t.target = unit.target;
    t.database = unit.database.empty() ? s.dbname() : unit.database;
    t.schema = row["schema"].str();
    t.table = row["table"].str();
    if (!row["index"].is_null()) t.index = row["index"].str();
    t.size = row["size"].as<long long>();
    t.reason = i.action + ": " + row["reason"].str();
    const std::string qualified = quote_ident(t.schema) + "." + quote_ident(t.index.empty() ? t.table : t.index);
    t.statement = statement_for(i.action, t.schema, t.index.empty() ? t.table : t.index);
    i.command = command_for(i, qualified);
    items.push_back(std::move(i));
  }
  return items;
}

// Every unit planned (in parallel), most urgent first across all of them.
std::vector<Item> plan_all(Context& ctx, const VerbRecord& rec, const PlanOptions& o, const Thresholds& th,
                           std::vector<MaintenanceTask>& failures) {
  const int jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
  const std::vector<UnitRef> units = maintenance_units(ctx, rec, o.dbs, jobs);
  std::vector<std::vector<Item>> planned(units.size());
  std::vector<std::optional<Error>> errors(units.size());
  for (std::size_t i = 0; i < units.size(); ++i)
    errors[i] = units[i].error;
  parallel_for(units.size(), std::max(jobs, 4), [&](std::size_t i, SessionCache& cache) {
    if (errors[i]) return;
    try {
      cache.keep_only(units[i].target, units[i].database);
      planned[i] = plan_unit(ctx, cache, units[i], th);
    } catch (const Error& e) {
      errors[i] = e;
    } catch (const std::exception& e) {
      errors[i] = failure(std::string("internal error: ") + e.what());
    }
  });
  std::vector<Item> all;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (errors[i]) {
      MaintenanceTask t;
      t.target = units[i].target;
      t.database = units[i].database;
      t.status = "failed";
      t.error = errors[i]->what();
      log::error((t.database.empty() ? t.target : t.database) + ": " + t.error);
      failures.push_back(std::move(t));
      continue;
    }
    std::move(planned[i].begin(), planned[i].end(), std::back_inserter(all));
  }
  std::stable_sort(all.begin(), all.end(), [](const Item& a, const Item& b) { return a.priority > b.priority; });
  if (o.max_actions > 0 && static_cast<long long>(all.size()) > o.max_actions)
    all.resize(static_cast<std::size_t>(o.max_actions));
  return all;
}

void run_plan(Context& ctx, const VerbRecord& rec, const PlanOptions& o) {
  const Thresholds th = check(o);
  std::vector<MaintenanceTask> failures;
  const std::vector<Item> items = plan_all(ctx, rec, o, th, failures);
  const bool fleet = !ctx.targets().empty();
  std::vector<Column> cols;
  if (fleet) cols.push_back({"target", Kind::Text, Kind::Text});
  for (const char* c : {"database", "kind", "schema", "table", "index", "action", "reason"})
    cols.push_back({c, Kind::Text, Kind::Text});
  cols.push_back({"priority", Kind::Float, Kind::Text});
  cols.push_back({"size", Kind::Bytes, Kind::Text});
  cols.push_back({"statement", Kind::Text, Kind::Text});
  cols.push_back({"command", Kind::Text, Kind::Text});
  cols.push_back({"error", Kind::Text, Kind::Text});
  Table out("plan", cols);
  const auto text = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  for (const auto& f : failures) {
    std::vector<std::optional<std::string>> row;
    if (fleet) row.emplace_back(f.target);
    row.emplace_back(text(f.database));
    row.resize(row.size() + 10);
    row.emplace_back(f.error);
    out.add_row(std::move(row));
  }
  for (const auto& i : items) {
    const MaintenanceTask& t = i.task;
    std::vector<std::optional<std::string>> row;
    if (fleet) row.emplace_back(t.target);
    row.emplace_back(t.database);
    row.emplace_back(i.kind);
    row.emplace_back(t.schema);
    row.emplace_back(t.table);
    row.emplace_back(text(t.index));
    row.emplace_back(i.action);
    row.emplace_back(t.reason.substr(i.action.size() + 2));
    row.emplace_back(number_text(i.priority));
    row.emplace_back(std::to_string(t.size));
    row.emplace_back(t.statement);
    row.emplace_back(i.command);
    row.emplace_back(std::nullopt);
    out.add_row(std::move(row));
  }
  ctx.emit({out});
  if (!failures.empty()) ctx.set_exit_code(static_cast<int>(items.empty() ? ErrorKind::Failed : ErrorKind::Partial));
}

void run_run(Context& ctx, const VerbRecord& rec, const PlanOptions& o) {
  const Thresholds th = check(o);
  const Guards guards = guards_from(o.guard);
  std::vector<MaintenanceTask> tasks;
  std::vector<Item> items = plan_all(ctx, rec, o, th, tasks);
  const std::size_t first = tasks.size();
  for (auto& i : items)
    tasks.push_back(std::move(i.task));
  if (!ctx.dry_run()) {
    const int jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
    // Most urgent first, across databases: a window that ends mid-run has
    // done what mattered most.
    parallel_for(tasks.size() - first, jobs,
                 [&](std::size_t k, SessionCache& cache) { run_task(ctx, cache, tasks[first + k], "", guards); });
  }
  emit_tasks(ctx, "maintenance", tasks, TaskColumns{!ctx.targets().empty(), true, false});
}

void threshold_options(Verb& v, PlanOptions& o) {
  v.option("--db", &o.dbs, "database to look at (repeat; default: the connection's)")
      .option("--freeze-at", &o.freeze_at,
              "freeze when the ID age reaches this share of autovacuum_freeze_max_age (default 50%)")
      .option("--min-dead-tuples", &o.min_dead_tuples, "vacuum from this many dead tuples (default 1000) ...")
      .option("--min-dead-ratio", &o.min_dead_ratio, "... and this share of the rows dead (default 20%)")
      .option("--min-mod-rows", &o.min_mod_rows, "analyze from this many rows modified (default 1000) ...")
      .option("--min-mod-since-analyze", &o.min_mod_ratio, "... and this share of the rows (default 10%)")
      .option("--max-actions", &o.max_actions, "at most this many objects, the most urgent");
}

}  // namespace

void register_maintenance_plan(CommandTable& table) {
  Noun m = table.noun("maintenance", "What needs maintenance across databases, and doing it in order of urgency");
  {
    Verb v = m.raw("plan",
                   "One ranked list, across databases, of the tables and indexes that need work: freeze (ID age), "
                   "invalid indexes, vacuum (dead tuples), analyze (stale statistics); each with why, the statement "
                   "and the pgdba command",
                   {Need::Ddl, Effect::Read, 0, true});
    auto o = std::make_shared<PlanOptions>();
    const VerbRecord* rec = &v.record();
    threshold_options(v, *o);
    v.run([o, rec](Context& ctx) { run_plan(ctx, *rec, *o); });
  }
  {
    Verb v = m.raw("run",
                   "Do what `maintenance plan` lists, most urgent first across databases, over --jobs connections, "
                   "inside --window; one row per object with the outcome",
                   {Need::Ddl, Effect::Change, 0, true});
    auto o = std::make_shared<PlanOptions>();
    const VerbRecord* rec = &v.record();
    threshold_options(v, *o);
    guard_options(v, o->guard);
    v.run([o, rec](Context& ctx) { run_run(ctx, *rec, *o); });
  }
}

}  // namespace pgdba
