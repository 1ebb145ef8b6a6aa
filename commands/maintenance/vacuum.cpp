// vacuum and analyze: vacuumdb's job (every option, --jobs over parallel
// connections, --all-databases) plus need-based selection, so a run from
// cron does only the tables that need it and says why for each.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "commands/maintenance/maintenance.hpp"
#include "commands/maintenance/task.hpp"
#include "commands/maintenance/vacuum_sql.hpp"
#include "src/cancel.hpp"
#include "src/command.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/size_arg.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct VacuumOptions {
  VacuumFlags flags;
  bool analyze_in_stages = false;
  std::vector<std::string> dbs, schemas, exclude_schemas, tables;
  long long min_dead_tuples = -1, min_xid_age = -1, min_mxid_age = -1;
  std::string min_dead_ratio, min_mod_since_analyze, older_than, min_size;
  GuardOptions lock;
};

// The options checked and turned into query parameters, before connecting.
struct Selection {
  std::vector<TableSpec> tables;
  std::optional<std::string> schemas, exclude_schemas, min_size, min_dead_tuples, min_dead_ratio, min_mod, older_than,
      min_xid_age, min_mxid_age;
};

Selection check_options(const VacuumOptions& o) {
  VacuumFlags f = o.flags;
  if (o.analyze_in_stages) {
    if (f.analyze || f.full || f.freeze)
      throw usage_error("--analyze-in-stages cannot be combined with vacuum options");
    f.analyze_only = true;
  }
  Selection sel;
  for (const auto& t : o.tables)
    sel.tables.push_back(parse_table_spec(t));
  bool columns = false;
  for (const auto& t : sel.tables)
    columns = columns || !t.columns.empty();
  if (const std::string why = check_flags(f, columns); !why.empty()) throw usage_error(why);
  if (!sel.tables.empty() && (!o.schemas.empty() || !o.exclude_schemas.empty()))
    throw usage_error("--table cannot be combined with --schema or --exclude-schema");
  if (!o.schemas.empty() && !o.exclude_schemas.empty())
    throw usage_error("--schema cannot be combined with --exclude-schema");
  if (!o.schemas.empty()) sel.schemas = text_array_literal(o.schemas);
  if (!o.exclude_schemas.empty()) sel.exclude_schemas = text_array_literal(o.exclude_schemas);
  if (!o.min_size.empty()) sel.min_size = number_text(parse_size("--min-size", o.min_size));
  if (o.min_dead_tuples >= 0) sel.min_dead_tuples = std::to_string(o.min_dead_tuples);
  if (!o.min_dead_ratio.empty()) sel.min_dead_ratio = number_text(parse_ratio("--min-dead-ratio", o.min_dead_ratio));
  if (!o.min_mod_since_analyze.empty())
    sel.min_mod = number_text(parse_ratio("--min-mod-since-analyze", o.min_mod_since_analyze));
  if (!o.older_than.empty()) sel.older_than = number_text(parse_duration("--older-than", o.older_than)) + " seconds";
  if (o.min_xid_age >= 0) sel.min_xid_age = std::to_string(o.min_xid_age);
  if (o.min_mxid_age >= 0) sel.min_mxid_age = std::to_string(o.min_mxid_age);
  return sel;
}

std::string format_ratio(const Field& f) {
  if (f.is_null()) return "none";
  const std::string v = f.str();
  if (v == "Infinity") return "never analyzed";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::strtod(v.c_str(), nullptr));
  return buf;
}

// Why a selected table was chosen: the need-based criteria that hold.
std::string reason_for(const RowRef& row, const Selection& sel) {
  std::string r;
  const auto add = [&](const std::string& s) { r += (r.empty() ? "" : "; ") + s; };
  if (row["by_dead_tuples"].as<bool>()) add("dead tuples " + row["dead_tuples"].str());
  if (row["by_dead_ratio"].as<bool>()) add("dead ratio " + format_ratio(row["dead_ratio"]));
  if (row["by_mod_ratio"].as<bool>()) add("modified since analyze " + format_ratio(row["mod_ratio"]));
  if (row["by_age"].as<bool>())
    add(row["last_vacuum"].is_null() ? "never vacuumed" : "last vacuum " + row["last_vacuum"].str());
  if (row["by_xid_age"].as<bool>()) add("xid age " + row["xid_age"].str());
  if (row["by_mxid_age"].as<bool>()) add("multixact age " + row["mxid_age"].str());
  if (!r.empty()) return r;
  if (!sel.tables.empty()) return "named by --table";
  return "every table";
}

// The tables of one database to process, in the order to run them.
std::vector<MaintenanceTask> plan_database(Context& ctx, SessionCache& cache, const UnitRef& unit,
                                           const VacuumFlags& flags, const Selection& sel) {
  Session& s = cache.get(ctx, unit.target, SessionKind::Ddl, unit.database);
  std::optional<std::string> oids;
  if (!sel.tables.empty()) {
    std::vector<std::string> names;
    for (const auto& t : sel.tables)
      names.push_back(t.relation);
    oids = resolve_relations(ctx, cache, unit, names, "table");
  }
  const Rows rows = s.exec(sql_text("maintenance/vacuum_candidates", s.server_version()),
                           {param(sel.schemas), param(sel.exclude_schemas), param(oids), param(sel.min_size),
                            param(sel.min_dead_tuples), param(sel.min_dead_ratio), param(sel.min_mod),
                            param(sel.older_than), param(sel.min_xid_age), param(sel.min_mxid_age)},
                           "choosing tables");
  std::vector<MaintenanceTask> tasks;
  for (const auto& row : rows) {
    MaintenanceTask t;
    t.target = unit.target;
    t.database = unit.database.empty() ? s.dbname() : unit.database;
    t.schema = row["schema"].str();
    t.table = row["table"].str();
    t.size = row["size"].as<long long>();
    t.reason = reason_for(row, sel);
    // A single --table with a column list: that table's columns.
    const std::vector<std::string> columns =
        sel.tables.size() == 1 ? sel.tables[0].columns : std::vector<std::string>{};
    t.statement = maintenance_statement(flags, quote_ident(t.schema) + "." + quote_ident(t.table), columns);
    if (flags.full) {
      t.size_sql = "SELECT pg_catalog.pg_table_size(pg_catalog.to_regclass($1))::int8";
      t.size_of = quote_ident(t.schema) + "." + quote_ident(t.table);
    }
    tasks.push_back(std::move(t));
  }
  return tasks;
}

void run_vacuum(Context& ctx, const VerbRecord& rec, const VacuumOptions& o) {
  const Selection sel = check_options(o);
  const Guards lock = guards_from(o.lock);
  VacuumFlags flags = o.flags;
  if (o.analyze_in_stages) flags.analyze_only = true;
  const int jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
  const bool fleet = !ctx.targets().empty();
  const std::vector<UnitRef> units = maintenance_units(ctx, rec, o.dbs, jobs);

  // vacuumdb --analyze-in-stages: three passes over every table, with
  // statistics targets 1, 10 and then the configured default.
  const std::vector<std::string> stages =
      o.analyze_in_stages
          ? std::vector<std::string>{"SET default_statistics_target = 1; SET vacuum_cost_delay = 0",
                                     "SET default_statistics_target = 10", "RESET default_statistics_target"}
          : std::vector<std::string>{""};
  const bool full = flags.full;
  if (o.analyze_in_stages && !ctx.dry_run()) log::info("analyze stage 1 of 3");

  // Database by database as vacuumdb goes, largest table first: the slot
  // that lists a database's tables starts on them with the same connection,
  // the others join, and each slot moves on to the next database when this
  // one's tables run out.
  std::vector<MaintenanceTask> tasks = plan_and_run(
      ctx, units, jobs,
      [&](const UnitRef& unit, SessionCache& cache) {
        return TaskPlan{plan_database(ctx, cache, unit, flags, sel), {}};
      },
      stages[0], lock);

  if (!ctx.dry_run()) {
    std::vector<std::size_t> done_first;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      if (tasks[i].status == "done") done_first.push_back(i);
    for (std::size_t stage = 1; stage < stages.size(); ++stage) {
      log::info("analyze stage " + std::to_string(stage + 1) + " of 3");
      parallel_for(done_first.size(), jobs, [&](std::size_t k, SessionCache& cache) {
        MaintenanceTask& t = tasks[done_first[k]];
        if (t.status == "done") run_task(ctx, cache, t, stages[stage], lock);
      });
    }
  }

  emit_tasks(ctx, flags.analyze_only ? "analyze" : "vacuum", tasks, TaskColumns{fleet, false, full});
}

// The options vacuum and analyze share: where, and which tables.
void selection_options(Verb& v, VacuumOptions& o) {
  v.option("--db", &o.dbs, "database to process (repeat; default: the connection's)")
      .option("-t,--table", &o.tables, "table as SQL names it, schema.table, with (columns) for analyze (repeat)")
      .option("-n,--schema", &o.schemas, "only tables in this schema (repeat)")
      .option("-N,--exclude-schema", &o.exclude_schemas, "skip tables in this schema (repeat)")
      .option("--min-size", &o.min_size, "only tables at least this large (10MB)")
      .option("--min-dead-tuples", &o.min_dead_tuples, "need: at least this many dead tuples")
      .option("--min-dead-ratio", &o.min_dead_ratio, "need: dead tuples / all tuples at least this (0.1 or 10%)")
      .option("--min-mod-since-analyze", &o.min_mod_since_analyze,
              "need: rows modified since the last analyze / rows at least this (0.1 or 10%)")
      .option("--older-than", &o.older_than, "need: last vacuum or autovacuum longer ago than this (7d), or never")
      .option("--min-xid-age", &o.min_xid_age, "need: transaction ID age at least this")
      .option("--min-mxid-age", &o.min_mxid_age, "need: multixact ID age at least this")
      .flag("--skip-locked", &o.flags.skip_locked, "skip tables that cannot be locked at once")
      .option("--buffer-usage-limit", &o.flags.buffer_usage_limit, "ring buffer size for the operation (256kB)")
      .since(160000);
  guard_options(v, o.lock);
}

}  // namespace

void register_maintenance(CommandTable& table) {
  const char* need_note = " Need options (--min-*, --older-than) keep a table when any of them holds.";
  {
    auto o = std::make_shared<VacuumOptions>();
    Verb v = table.raw_command("vacuum",
                               std::string("Vacuum tables like vacuumdb, largest first over --jobs connections; "
                                           "one row per table with why, how long and the outcome.") +
                                   need_note,
                               {Need::Ddl, Effect::Change, 0, true});
    const VerbRecord* rec = &v.record();
    selection_options(v, *o);
    v.flag("--full", &o->flags.full, "VACUUM FULL: rewrite each table (takes an exclusive lock)")
        .flag("-F,--freeze", &o->flags.freeze, "freeze row transaction IDs")
        .flag("-z,--analyze", &o->flags.analyze, "also update optimizer statistics")
        .flag("-Z,--analyze-only", &o->flags.analyze_only, "only update optimizer statistics (same as analyze)")
        .flag("--analyze-in-stages", &o->analyze_in_stages,
              "only analyze, in three passes (statistics targets 1, 10, default) to get usable plans fast")
        .flag("--disable-page-skipping", &o->flags.disable_page_skipping, "visit every page, even all-visible ones")
        .flag("--no-index-cleanup", &o->flags.no_index_cleanup, "do not remove index entries of dead tuples")
        .flag("--no-truncate", &o->flags.no_truncate, "do not truncate empty pages at the end of the table")
        .flag("--no-process-toast", &o->flags.no_process_toast, "skip the TOAST tables")
        .option("-P,--parallel", &o->flags.parallel, "parallel workers for index vacuuming (VACUUM's PARALLEL)")
        .run([o, rec](Context& ctx) { run_vacuum(ctx, *rec, *o); });
  }
  {
    auto o = std::make_shared<VacuumOptions>();
    Verb v = table.raw_command(
        "analyze",
        std::string("Update optimizer statistics like vacuumdb --analyze-only; one row per table.") + need_note,
        {Need::Ddl, Effect::Change, 0, true});
    const VerbRecord* rec = &v.record();
    selection_options(v, *o);
    v.flag("--in-stages", &o->analyze_in_stages,
           "three passes (statistics targets 1, 10, default) to get usable plans fast after a restore")
        .run([o, rec](Context& ctx) {
          o->flags.analyze_only = true;
          run_vacuum(ctx, *rec, *o);
        });
  }
  register_reindex(table);
  register_cluster(table);
  register_sequence(table);
  register_maintenance_plan(table);
}

}  // namespace pgdba
