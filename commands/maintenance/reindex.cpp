// reindex: reindexdb's job (tables, indexes, schemas, the system catalogs,
// CONCURRENTLY, a tablespace, --jobs, --all-databases) plus what a DBA
// scripts around it: only the invalid indexes a failed concurrent build
// left (rebuilt, or dropped), only the large ones, at most N per run, and a
// lock_timeout with retries so a rebuild never queues behind a long query
// while every other query queues behind it.
#include <atomic>
#include <ctime>
#include <map>

#include "commands/maintenance/history.hpp"
#include "commands/maintenance/maintenance.hpp"
#include "commands/maintenance/task.hpp"
#include "commands/maintenance/vacuum_sql.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/size_arg.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ReindexOptions {
  std::vector<std::string> dbs, tables, indexes, schemas, exclude_schemas;
  bool system = false, concurrently = false, invalid_only = false, drop_invalid = false;
  std::string tablespace, min_size, bloated_over, cooldown, history;
  long long max_indexes = -1;
  GuardOptions lock;
};

struct ReindexPlan {
  std::optional<std::string> schemas, exclude_schemas, min_size;
  std::optional<double> bloated_over;  // a fraction
  std::optional<double> cooldown;      // seconds
  bool per_index = false;              // index-level selection: one REINDEX INDEX per index
  Guards lock;
};

ReindexPlan check_options(const ReindexOptions& o) {
  ReindexPlan p;
  p.lock = guards_from(o.lock);
  const bool named = !o.tables.empty() || !o.indexes.empty();
  const bool schemas = !o.schemas.empty() || !o.exclude_schemas.empty();
  if (o.system && (named || schemas || o.invalid_only || !o.min_size.empty() || o.max_indexes >= 0))
    throw usage_error("--system reindexes the system catalogs only: it takes no selection options");
  if (o.system && o.concurrently) throw usage_error("system catalogs cannot be reindexed concurrently");
  if (named && schemas) throw usage_error("--table and --index cannot be combined with --schema or --exclude-schema");
  if (!o.schemas.empty() && !o.exclude_schemas.empty())
    throw usage_error("--schema cannot be combined with --exclude-schema");
  if (o.drop_invalid && !o.invalid_only) throw usage_error("--drop-invalid needs --invalid-only");
  if (o.drop_invalid && !o.tablespace.empty())
    throw usage_error("--drop-invalid drops indexes: --tablespace makes no sense");
  if (o.max_indexes == 0 || o.max_indexes < -1) throw usage_error("--max-indexes must be at least 1");
  if (!o.tablespace.empty()) check_identifier("tablespace", o.tablespace);
  if (!o.schemas.empty()) p.schemas = text_array_literal(o.schemas);
  if (!o.exclude_schemas.empty()) p.exclude_schemas = text_array_literal(o.exclude_schemas);
  if (!o.min_size.empty()) p.min_size = number_text(parse_size("--min-size", o.min_size));
  if (!o.bloated_over.empty()) {
    if (o.invalid_only) throw usage_error("--bloated-over cannot be combined with --invalid-only");
    p.bloated_over = parse_ratio("--bloated-over", o.bloated_over);
  }
  if (!o.cooldown.empty()) {
    if (o.drop_invalid) throw usage_error("--cooldown is for rebuilds: it cannot be combined with --drop-invalid");
    p.cooldown = parse_duration("--cooldown", o.cooldown);
  }
  p.per_index = !o.indexes.empty() || o.invalid_only || p.min_size || o.max_indexes > 0 || p.bloated_over || p.cooldown;
  return p;
}

MaintenanceTask base_task(const UnitRef& unit, Session& s) {
  MaintenanceTask t;
  t.target = unit.target;
  t.database = unit.database.empty() ? s.dbname() : unit.database;
  return t;
}

// --bloated-over: the btree indexes whose estimated bloat (stats bloat's
// estimate from the planner's statistics) reaches the ratio, confirmed with
// pgstattuple's measure when it is installed. Without pgstattuple an index
// the estimate flags as possibly deduplicated (13+: the estimate then
// overstates) is left alone. Returns oid -> reason.
std::map<std::string, std::string> bloated_indexes(Session& s, const ReindexPlan& p) {
  const Rows est =
      s.exec(sql_text("stats/bloat", s.server_version()), {param(p.schemas), "1000000000"}, "estimating index bloat");
  const double want = *p.bloated_over * 100;
  std::vector<std::string> oids;
  std::map<std::string, std::pair<double, bool>> estimated;  // oid -> (percent, may be deduplicated)
  for (const auto& row : est) {
    if (row["kind"].str() != "index" || row["estimated_bloat_percent"].is_null()) continue;
    const double pct = row["estimated_bloat_percent"].as<double>();
    if (pct < want) continue;
    const std::string flags = row["flags"].is_null() ? "" : row["flags"].str();
    estimated[row["oid"].str()] = {pct, flags.find("dedup") != std::string::npos};
    oids.push_back(row["oid"].str());
  }
  std::map<std::string, std::string> out;
  if (oids.empty()) return out;
  const Rows ext = s.exec(sql_text("stats/extension_schema"), {"pgstattuple"}, "looking up pgstattuple");
  std::optional<Rows> exact;
  if (!ext.empty()) {
    const std::string list = text_array_literal(oids);
    exact =
        s.try_query(with_extension_schema(sql_text("stats/bloat_exact", s.server_version()), ext[0]["schema"].str()),
                    {list.c_str()}, "measuring index bloat with pgstattuple");
  }
  if (exact) {
    for (const auto& row : *exact) {
      if (row["exact_bloat_percent"].is_null()) continue;
      const double real = row["exact_bloat_percent"].as<double>();
      const std::string oid = row["oid"].str();
      if (real >= want)
        out[oid] = "bloat " + number_text(real) + "% measured by pgstattuple (estimated " +
                   number_text(estimated[oid].first) + "%)";
    }
    return out;
  }
  for (const auto& [oid, e] : estimated) {
    if (e.second) {
      log::info("an index estimated " + number_text(e.first) +
                "% bloated is left alone: btree deduplication makes the estimate too high; CREATE EXTENSION "
                "pgstattuple to measure it");
      continue;
    }
    out[oid] = "estimated bloat " + number_text(e.first) + "% (pgstattuple not installed to confirm)";
  }
  return out;
}

// The indexes of one database, grouped by table (REINDEX CONCURRENTLY of
// two indexes of one table cannot run side by side).
TaskPlan plan_indexes(Context& ctx, SessionCache& cache, const UnitRef& unit, const ReindexOptions& o,
                      const ReindexPlan& p, std::atomic<long long>& budget, const RebuildHistory& history) {
  Session& s = cache.get(ctx, unit.target, SessionKind::Ddl, unit.database);
  const std::string server = s.exec(sql_text("core/system_identifier"), "identifying the server")[0][0].str();
  std::optional<std::string> tables, indexes;
  if (!o.tables.empty()) tables = resolve_relations(ctx, cache, unit, o.tables, "table");
  if (!o.indexes.empty()) indexes = resolve_relations(ctx, cache, unit, o.indexes, "index");
  std::map<std::string, std::string> bloated;
  if (p.bloated_over) {
    bloated = bloated_indexes(s, p);
    std::vector<std::string> oids;
    for (const auto& [oid, why] : bloated)
      oids.push_back(oid);
    if (oids.empty()) return {};
    if (!indexes) indexes = text_array_literal(oids);
  }
  const std::string invalid = o.invalid_only ? "true" : "false";
  const Rows rows = s.exec(
      sql_text("maintenance/reindex_candidates", s.server_version()),
      {param(p.schemas), param(p.exclude_schemas), param(tables), param(indexes), invalid.c_str(), param(p.min_size)},
      "choosing indexes");
  TaskPlan plan;
  std::map<std::string, std::size_t> group_of;
  for (const auto& row : rows) {
    const auto why = bloated.find(row["oid"].str());
    if (p.bloated_over && why == bloated.end()) continue;  // named by --index but not bloated
    const std::string key = RebuildHistory::key(server, s.dbname(), row["schema"].str(), row["index"].str());
    if (p.cooldown) {
      const auto last = history.last(key);
      if (last && std::difftime(std::time(nullptr), *last) < *p.cooldown) {
        log::info(s.dbname() + ": " + row["schema"].str() + "." + row["index"].str() +
                  " was rebuilt within --cooldown: left alone");
        continue;
      }
    }
    if (budget-- <= 0) break;
    MaintenanceTask t = base_task(unit, s);
    t.history_key = key;
    t.schema = row["schema"].str();
    t.table = row["table"].str();
    t.index = row["index"].str();
    t.size = row["size"].as<long long>();
    const std::string qualified = quote_ident(t.schema) + "." + quote_ident(t.index);
    const bool valid = row["valid"].as<bool>();
    t.reason = !valid ? "invalid: left by a failed CREATE INDEX or REINDEX CONCURRENTLY"
                      : (!o.indexes.empty() ? "named by --index" : "every index");
    if (!p.min_size && o.max_indexes > 0 && valid)
      t.reason = "largest first, --max-indexes " + std::to_string(o.max_indexes);
    if (p.bloated_over) t.reason = why->second;
    if (o.drop_invalid) {
      t.statement = "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(t.schema, t.index);
    } else {
      t.statement = reindex_statement("INDEX", qualified, o.concurrently, o.tablespace);
      t.size_sql = sql_text("maintenance/indexes_size", s.server_version());
      t.size_of = qualified;
    }
    const auto [it, fresh] = group_of.emplace(t.schema + '\n' + t.table, plan.groups.size());
    if (fresh) plan.groups.emplace_back();
    plan.groups[it->second].push_back(plan.tasks.size());
    plan.tasks.push_back(std::move(t));
  }
  return plan;
}

// reindexdb's default: whole tables (their TOAST indexes too), or the
// system catalogs.
TaskPlan plan_tables(Context& ctx, SessionCache& cache, const UnitRef& unit, const ReindexOptions& o,
                     const ReindexPlan& p) {
  Session& s = cache.get(ctx, unit.target, SessionKind::Ddl, unit.database);
  TaskPlan plan;
  if (o.system) {
    MaintenanceTask t = base_task(unit, s);
    t.database_wide = true;
    t.reason = "the system catalogs (--system)";
    t.statement = reindex_statement("SYSTEM", quote_ident(s.dbname()), false, "");
    plan.tasks.push_back(std::move(t));
    return plan;
  }
  std::optional<std::string> tables;
  if (!o.tables.empty()) tables = resolve_relations(ctx, cache, unit, o.tables, "table");
  const Rows rows = s.exec(sql_text("maintenance/reindex_tables", s.server_version()),
                           {param(p.schemas), param(p.exclude_schemas), param(tables)}, "choosing tables");
  for (const auto& row : rows) {
    MaintenanceTask t = base_task(unit, s);
    t.schema = row["schema"].str();
    t.table = row["table"].str();
    t.size = row["size"].as<long long>();
    t.reason = o.tables.empty() ? "every index of the table" : "named by --table";
    const std::string qualified = quote_ident(t.schema) + "." + quote_ident(t.table);
    t.statement = reindex_statement("TABLE", qualified, o.concurrently, o.tablespace);
    t.size_sql = sql_text("maintenance/indexes_size", s.server_version());
    t.size_of = qualified;
    plan.tasks.push_back(std::move(t));
  }
  return plan;
}

void run_reindex(Context& ctx, const VerbRecord& rec, const ReindexOptions& o) {
  const ReindexPlan p = check_options(o);
  const int jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
  const std::vector<UnitRef> units = maintenance_units(ctx, rec, o.dbs, jobs);
  std::atomic<long long> budget{o.max_indexes > 0 ? o.max_indexes : (1LL << 62)};
  RebuildHistory history(o.history.empty() ? RebuildHistory::default_path() : o.history);
  const auto tasks = plan_and_run(
      ctx, units, jobs,
      [&](const UnitRef& unit, SessionCache& cache) {
        return p.per_index ? plan_indexes(ctx, cache, unit, o, p, budget, history)
                           : plan_tables(ctx, cache, unit, o, p);
      },
      "", p.lock);
  for (const auto& t : tasks)
    if (t.status == "done" && !t.history_key.empty() && t.statement.rfind("REINDEX", 0) == 0)
      history.record(t.history_key);
  emit_tasks(ctx, "reindex", tasks, TaskColumns{!ctx.targets().empty(), true, !o.drop_invalid});
}

}  // namespace

void register_reindex(CommandTable& table) {
  auto o = std::make_shared<ReindexOptions>();
  Verb v = table.raw_command(
      "reindex",
      "Rebuild indexes like reindexdb, largest first over --jobs connections; one row per table or index with why, "
      "the size before and after, how long and the outcome. Index options (--index, --invalid-only, --min-size, "
      "--max-indexes) rebuild index by index.",
      {Need::Ddl, Effect::Change, 0, true});
  const VerbRecord* rec = &v.record();
  v.option("--db", &o->dbs, "database to process (repeat; default: the connection's)")
      .option("-t,--table", &o->tables, "the indexes of this table, as SQL names it (repeat)")
      .option("-i,--index", &o->indexes, "this index, as SQL names it (repeat)")
      .option("-n,--schema", &o->schemas, "only tables in this schema (repeat)")
      .option("-N,--exclude-schema", &o->exclude_schemas, "skip tables in this schema (repeat)")
      .flag("-s,--system", &o->system, "reindex the system catalogs (REINDEX SYSTEM) instead")
      .flag("--concurrently", &o->concurrently, "REINDEX CONCURRENTLY: no lock that blocks writes, slower")
      .option("--tablespace", &o->tablespace, "move the rebuilt indexes to this tablespace")
      .since(140000)
      .flag("--invalid-only", &o->invalid_only,
            "only indexes left invalid by a failed CREATE INDEX or REINDEX CONCURRENTLY (not one being built now)")
      .flag("--drop-invalid", &o->drop_invalid, "with --invalid-only: drop them (DROP INDEX CONCURRENTLY) instead")
      .option("--min-size", &o->min_size, "only indexes at least this large (10MB)")
      .option("--bloated-over", &o->bloated_over,
              "only btree indexes with at least this share of bloat (30%): estimated, confirmed by pgstattuple "
              "when installed")
      .option("--max-indexes", &o->max_indexes, "at most this many indexes in the run, largest first")
      .option("--cooldown", &o->cooldown, "leave alone indexes pgdba rebuilt (index by index) less than this ago (10d)")
      .option("--history", &o->history,
              "the rebuild history file (default $XDG_STATE_HOME/pgdba/reindex-history.jsonl)");
  guard_options(v, o->lock);
  v.run([o, rec](Context& ctx) { run_reindex(ctx, *rec, *o); });
}

}  // namespace pgdba
